"""The history's starting point for rows the system made without a service: the state as it is, recorded once.

``verify_journal`` compares every lesson, rule, guardianship and user's rights with the last state the history
gives, so each of them needs an entry. The services write one with every change; what the system makes
itself — the regulation's default edit windows and work types seeded by a migration, the rows of a database
that existed before the history recorded them — gets a «исходное состояние» (baseline) entry here: at the end
of every ``migrate`` (``journal.reference.ensure_reference_data``) for the rows without any entry of their
kind, and from the demo school and the tests' factories as they make rows.
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q

from ..models import Guardianship, HistoryEntry, Lesson, User
from ..states import RULE_MODELS, guardianship_state, homework_state, lesson_state, rule_state, topic_state
from .base import Action, JournalWrite, Kind, Origin, Source, journal_write
from .roles import role_state

SYSTEM = Origin(by=None, source=Source.BASELINE)


def _last_state(kind: str, object_id: int):
    return (
        HistoryEntry.objects.filter(kind=kind, object_id=object_id)
        .exclude(action=HistoryEntry.Action.REFUSED)
        .order_by("-id")
        .values_list("new", flat=True)
        .first()
    )


def state_record(*, origin: Origin, kind: str, obj, state: dict) -> bool:
    """Record ``obj``'s state unless its last history entry says so already. Returns whether it wrote one."""
    with journal_write(origin) as write:
        last = _last_state(kind, obj.pk)
        if last == state:
            return False
        write.log(kind, Action.CREATE if last is None else Action.UPDATE, obj, old=last, new=state)
        return True


def record_rule(*, origin: Origin, obj) -> bool:
    """``state_record`` for a row of the rules (an edit window, a year, a period, a holiday, a work type …)."""
    return state_record(origin=origin, kind=RULE_MODELS[type(obj)][0], obj=obj, state=rule_state(obj))


def record_lesson(*, origin: Origin, lesson: Lesson) -> bool:
    """A lesson's place, and its topic and homework if it has them."""
    written = state_record(origin=origin, kind=Kind.LESSON, obj=lesson, state=lesson_state(lesson))
    if lesson.topic or lesson.planned_topic_id:
        written |= state_record(origin=origin, kind=Kind.TOPIC, obj=lesson, state=topic_state(lesson))
    if lesson.homework or lesson.homework_file:
        written |= state_record(origin=origin, kind=Kind.HOMEWORK, obj=lesson, state=homework_state(lesson))
    return written


def _unrecorded(model, kind: str):
    entries = HistoryEntry.objects.filter(kind=kind, object_id=OuterRef("pk"))
    return model.objects.exclude(Exists(entries)).order_by("pk")


def _record_each(write: JournalWrite, kind: str, rows, state: Callable[[object], dict]) -> int:
    count = 0
    for row in rows.iterator(chunk_size=2000):
        write.log(kind, Action.CREATE, row, old=None, new=state(row))
        count += 1
    return count


def baseline_all(*, origin: Origin = SYSTEM) -> int:
    """Record every lesson, rule row, guardianship and user with rights that has no entry of its kind yet."""
    with journal_write(origin) as write:
        count = _record_each(write, Kind.LESSON, _unrecorded(Lesson, Kind.LESSON), lesson_state)
        for model, (kind, _fields) in RULE_MODELS.items():
            count += _record_each(write, kind, _unrecorded(model, kind), rule_state)
        count += _record_each(
            write, Kind.GUARDIANSHIP, _unrecorded(Guardianship, Kind.GUARDIANSHIP), guardianship_state
        )
        with_rights = (
            Q(groups__isnull=False) | Q(is_staff=True) | Q(is_superuser=True) | Q(user_permissions__isnull=False)
        )
        for user in _unrecorded(User, Kind.ROLE).filter(with_rights).distinct():
            write.add(kind=Kind.ROLE, action=Action.CREATE, object_id=user.pk, old=None, new=role_state(user))
            count += 1
    return count
