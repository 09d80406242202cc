"""Checking the journal against its history (``manage.py verify_journal``).

Streaming checks, so they run at city scale:

1. The chain: each entry's ``prev_hash`` is the previous entry's ``hash`` and its ``hash`` is what its
   fields give; the head holds the last hash and the number of entries. A row edited or deleted around the
   triggers breaks it at that entry.
2. The state: every row the history records equals the last state its history gives, with the same
   references — a mark's value, work type, weight and comment, and its student and lesson; attendance and
   period marks likewise; a lesson's date, number and assignment, topic and homework; the rules (edit
   windows, years, periods, holidays, transfers, work types); each user's roles, flags and permissions; the
   guardianships. A change made around the services (raw SQL, a restored backup) shows up here, named.
3. Diary access: a parent reads exactly the children of their active guardianships (and a student their own
   diary).
4. The checks the apps above register (``register``): a late-change request's approved items, for one.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import Max

from .history import GENESIS_HASH
from .models import (
    Attendance,
    Guardianship,
    HistoryEntry,
    HistoryHead,
    Lesson,
    Mark,
    PeriodMark,
    Student,
    StudentUserObjectPermission,
    User,
)
from .states import (
    RULE_MODELS,
    attendance_state,
    guardianship_state,
    homework_state,
    lesson_state,
    mark_state,
    period_mark_state,
    rule_state,
    topic_state,
)

Kind = HistoryEntry.Kind


@dataclass(frozen=True)
class Problem:
    what: str
    entry_id: int | None = None

    def __str__(self) -> str:
        return f"[запись истории № {self.entry_id}] {self.what}" if self.entry_id else self.what


# --- 1. The chain ------------------------------------------------------------------------------------------


def verify_chain(*, chunk_size: int = 5000) -> Iterator[Problem]:
    previous = GENESIS_HASH
    count = 0
    for entry in HistoryEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        count += 1
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
    head = HistoryHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash, head.entries) != (previous, count):
        yield Problem(
            f"конец цепочки не совпадает с историей: записан {head.last_hash[:12]}… ({head.entries} записей), "
            f"а по записям {previous[:12]}… ({count} записей)"
        )


def head_position(head_hash: str) -> tuple[HistoryEntry | None, int]:
    """The entry whose hash is ``head_hash`` (a head printed on a summary sheet), and how many came after it."""
    entry = HistoryEntry.objects.filter(hash=head_hash.strip().lower()).first()
    if entry is None:
        return None, 0
    return entry, HistoryEntry.objects.filter(id__gt=entry.pk).count()


# --- 2. The state ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tracked:
    """What the history records of one kind of row."""

    label: str
    rows: Callable[[], Iterable]
    state: Callable[[object], dict]
    #: A row with this state needs no history entry (an empty topic, a user without any rights).
    empty: Callable[[dict], bool] = lambda state: False
    #: The references an entry names, as the row has them: (lesson, student).
    refs: Callable[[object], tuple] | None = None


def _by_pk(model) -> Callable[[], Iterable]:
    return lambda: model.objects.order_by("pk").iterator(chunk_size=5000)


TRACKED: dict[str, Tracked] = {
    Kind.MARK: Tracked("отметка", _by_pk(Mark), mark_state, refs=lambda m: (m.lesson_id, m.student_id)),
    Kind.ATTENDANCE: Tracked(
        "посещаемость", _by_pk(Attendance), attendance_state, refs=lambda a: (a.lesson_id, a.student_id)
    ),
    Kind.PERIOD_MARK: Tracked(
        "отметка за период", _by_pk(PeriodMark), period_mark_state, refs=lambda p: (None, p.student_id)
    ),
    Kind.TOPIC: Tracked(
        "тема урока", _by_pk(Lesson), topic_state, empty=lambda s: not s["topic"] and not s["planned_topic"]
    ),
    Kind.HOMEWORK: Tracked(
        "домашнее задание", _by_pk(Lesson), homework_state, empty=lambda s: not s["homework"] and not s["file"]
    ),
    Kind.LESSON: Tracked("урок", _by_pk(Lesson), lesson_state),
    Kind.GUARDIANSHIP: Tracked(
        "законное представительство", _by_pk(Guardianship), guardianship_state, refs=lambda g: (None, g.student_id)
    ),
}
for _model, (_kind, _fields) in RULE_MODELS.items():
    TRACKED[_kind] = Tracked(str(_model._meta.verbose_name), _by_pk(_model), rule_state)


def _last_entries(kind: str) -> dict[int, HistoryEntry]:
    last_ids = (
        HistoryEntry.objects.filter(kind=kind, object_id__isnull=False)
        .exclude(action=HistoryEntry.Action.REFUSED)
        .values("object_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    return {e.object_id: e for e in HistoryEntry.objects.filter(id__in=last_ids).iterator(chunk_size=5000)}


def _compare(kind: str, tracked: Tracked, rows: Iterable[tuple[int, dict, tuple | None]]) -> Iterator[Problem]:
    label = tracked.label
    last = _last_entries(kind)
    seen = set()
    for pk, state, refs in rows:
        entry = last.get(pk)
        seen.add(pk)
        if entry is None:
            if not tracked.empty(state):
                yield Problem(f"{label} id {pk}: запись есть в журнале, но её нет в истории (внесена в обход)")
            continue
        if entry.action == HistoryEntry.Action.DELETE:
            yield Problem(f"{label} id {pk}: по истории удалена, но в журнале есть", entry.pk)
        elif entry.new != state:
            yield Problem(
                f"{label} id {pk}: в журнале {state}, а по истории {entry.new} (изменено в обход журнала)", entry.pk
            )
        elif refs is not None and refs != _entry_refs(entry, refs):
            yield Problem(
                f"{label} id {pk}: перенесена в обход журнала — {_refs_text(refs)}, "
                f"а по истории {_refs_text(_entry_refs(entry, refs))}",
                entry.pk,
            )
    for object_id, entry in last.items():
        if object_id not in seen and entry.action != HistoryEntry.Action.DELETE:
            yield Problem(f"{label} id {object_id}: по истории есть, но в журнале нет (удалена в обход)", entry.pk)


def _entry_refs(entry: HistoryEntry, like: tuple) -> tuple:
    return (entry.lesson_id if like[0] is not None else None, entry.student_id)


def _refs_text(refs: tuple) -> str:
    lesson, student = refs
    parts = [f"урок {lesson}"] if lesson is not None else []
    return ", ".join([*parts, f"ученик {student}"])


def _rights_rows() -> Iterator[tuple[int, dict, None]]:
    """Every user's rights in three queries (not four a user, as ``role_state`` would cost)."""
    roles: dict[int, list[str]] = defaultdict(list)
    names = dict(Group.objects.values_list("pk", "name"))
    for user_id, group_id in User.groups.through.objects.values_list("user_id", "group_id"):
        roles[user_id].append(names[group_id])
    permissions: dict[int, list[str]] = defaultdict(list)
    for user_id, app, codename in User.user_permissions.through.objects.values_list(
        "user_id", "permission__content_type__app_label", "permission__codename"
    ):
        permissions[user_id].append(f"{app}.{codename}")
    for pk, staff, superuser in User.objects.order_by("pk").values_list("pk", "is_staff", "is_superuser").iterator():
        yield (
            pk,
            {
                "roles": sorted(roles.get(pk, [])),
                "staff": staff,
                "superuser": superuser,
                "permissions": sorted(permissions.get(pk, [])),
            },
            None,
        )


def _no_rights(state: dict) -> bool:
    return not state["roles"] and not state["staff"] and not state["superuser"] and not state["permissions"]


def verify_state() -> Iterator[Problem]:
    for kind, tracked in TRACKED.items():
        rows = ((row.pk, tracked.state(row), tracked.refs(row) if tracked.refs else None) for row in tracked.rows())
        yield from _compare(kind, tracked, rows)
    yield from _compare(Kind.ROLE, Tracked("права пользователя", lambda: (), dict, empty=_no_rights), _rights_rows())


# --- 3. Diary access ------------------------------------------------------------------------------------------


def verify_diary_access() -> Iterator[Problem]:
    """A parent reads exactly the children of their active guardianships; a student only their own diary."""
    granted = set(
        StudentUserObjectPermission.objects.filter(permission__codename="view_diary").values_list(
            "user_id", "content_object_id"
        )
    )
    guardians = set(Guardianship.objects.active().values_list("parent_id", "student_id"))
    own = set(Student.objects.values_list("user_id", "pk"))
    for user_id, student_id in sorted(granted - guardians - own):
        yield Problem(
            f"пользователь {user_id} читает дневник ученика {student_id} без действующего законного представительства"
        )
    for user_id, student_id in sorted(guardians - granted):
        yield Problem(
            f"законный представитель {user_id} ученика {student_id}: представительство действует, а доступа "
            "к дневнику нет"
        )


# --- 4. The apps' own checks --------------------------------------------------------------------------------

#: (title, check): checks the apps above the journal register in their ``AppConfig.ready``.
EXTRA_CHECKS: list[tuple[str, Callable[[], Iterable[Problem]]]] = []


def register(title: str, check: Callable[[], Iterable[Problem]]) -> None:
    if all(existing is not check for _title, existing in EXTRA_CHECKS):
        EXTRA_CHECKS.append((title, check))


def checks() -> list[tuple[str, Callable[[], Iterable[Problem]]]]:
    """Every check with its Russian title, in the order ``verify_journal`` runs them."""
    return [
        ("Цепочка истории", verify_chain),
        ("Журнал и история", verify_state),
        ("Доступ к дневникам", verify_diary_access),
        *EXTRA_CHECKS,
    ]


def verify_journal() -> list[Problem]:
    return [problem for _title, check in checks() for problem in check()]
