"""Checking the journal against its history (``manage.py verify_journal``).

Two checks, both streaming so they run at city scale:

1. The chain: each entry's ``prev_hash`` is the previous entry's ``hash`` and its ``hash`` is what its
   fields give. A row edited or deleted around the triggers breaks it at that entry.
2. The state: every current mark, attendance code, period mark, topic and homework equals the last value
   its history records, and nothing the history says exists is missing. A change made around the services
   (raw SQL, a restored backup) shows up here, named by entry.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Max

from journal.models import Attendance, Lesson, Mark, PeriodMark
from journal.states import attendance_state, homework_state, mark_state, period_mark_state, topic_state

from .history import GENESIS_HASH
from .models import HistoryEntry

Kind = HistoryEntry.Kind


@dataclass(frozen=True)
class Problem:
    what: str
    entry_id: int | None = None

    def __str__(self) -> str:
        return f"[запись истории № {self.entry_id}] {self.what}" if self.entry_id else self.what


def verify_chain(*, chunk_size: int = 5000) -> Iterator[Problem]:
    previous = GENESIS_HASH
    for entry in HistoryEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        if entry.prev_hash != previous:
            yield Problem(
                "разорвана цепочка: ссылка на предыдущую запись не совпадает (запись удалена или вставлена в обход)",
                entry.pk,
            )
        if entry.compute_hash() != entry.hash:
            yield Problem(
                f"содержимое записи изменено в обход журнала ({entry.get_kind_display()}, "
                f"id {entry.object_id}): хеш не совпадает",
                entry.pk,
            )
        previous = entry.hash


# kind → (model, state function, a filter for rows that have a state worth recording)
TRACKED = {
    Kind.MARK: (Mark, mark_state, {}),
    Kind.ATTENDANCE: (Attendance, attendance_state, {}),
    Kind.PERIOD_MARK: (PeriodMark, period_mark_state, {}),
    Kind.TOPIC: (Lesson, topic_state, None),
    Kind.HOMEWORK: (Lesson, homework_state, None),
}

LABELS = {
    Kind.MARK: "отметка",
    Kind.ATTENDANCE: "посещаемость",
    Kind.PERIOD_MARK: "отметка за период",
    Kind.TOPIC: "тема урока",
    Kind.HOMEWORK: "домашнее задание",
}


def _last_entries(kind: str) -> dict[int, HistoryEntry]:
    last_ids = (
        HistoryEntry.objects.filter(kind=kind, object_id__isnull=False)
        .exclude(action=HistoryEntry.Action.REFUSED)
        .values("object_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    return {e.object_id: e for e in HistoryEntry.objects.filter(id__in=last_ids).iterator(chunk_size=5000)}


def _empty(kind: str, state: dict) -> bool:
    if kind == Kind.TOPIC:
        return not state["topic"] and not state["planned_topic"]
    if kind == Kind.HOMEWORK:
        return not state["homework"] and not state["file"]
    return False


def verify_state() -> Iterator[Problem]:
    for kind, (model, state_of, _filter) in TRACKED.items():
        label = LABELS[kind]
        last = _last_entries(kind)
        seen = set()
        for row in model.objects.order_by("pk").iterator(chunk_size=5000):
            state = state_of(row)
            entry = last.get(row.pk)
            seen.add(row.pk)
            if entry is None:
                if not _empty(kind, state):
                    yield Problem(f"{label} id {row.pk}: запись есть в журнале, но её нет в истории (внесена в обход)")
                continue
            if entry.action == HistoryEntry.Action.DELETE:
                yield Problem(f"{label} id {row.pk}: по истории удалена, но в журнале есть", entry.pk)
            elif entry.new != state:
                yield Problem(
                    f"{label} id {row.pk}: в журнале {state}, а по истории {entry.new} (изменено в обход журнала)",
                    entry.pk,
                )
        for object_id, entry in last.items():
            if object_id not in seen and entry.action != HistoryEntry.Action.DELETE:
                yield Problem(f"{label} id {object_id}: по истории есть, но в журнале нет (удалена в обход)", entry.pk)


def verify_journal() -> list[Problem]:
    return [*verify_chain(), *verify_state()]
