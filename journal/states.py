"""The canonical state of each journal entry, as the history records it.

Services write ``old``/``new`` with these functions; ``verify_journal`` compares the current rows with the
last recorded state through the same functions; bulk writers (seed, imports) build history entries with them.
"""

import datetime
from decimal import Decimal
from typing import Any

from .models import (
    AcademicYear,
    Attendance,
    EditWindow,
    HistoryEntry,
    Holiday,
    Lesson,
    Mark,
    PeriodMark,
    StudyPeriod,
    WorkdayTransfer,
    WorkType,
)
from .windows import RULE_FIELDS


def mark_state(mark: Mark) -> dict[str, Any]:
    return {
        "value": mark.value,
        "passed": mark.passed,
        "work_type": mark.work_type_id,
        "weight": str(mark.weight),
        "comment": mark.comment,
    }


def attendance_state(attendance: Attendance) -> dict[str, Any]:
    return {"code": attendance.code}


def period_mark_state(period_mark: PeriodMark) -> dict[str, Any]:
    return {"value": period_mark.value, "subject": period_mark.subject_id, "period": period_mark.period_id}


def topic_state(lesson: Lesson) -> dict[str, Any]:
    return {"topic": lesson.topic, "planned_topic": lesson.planned_topic_id}


def homework_state(lesson: Lesson) -> dict[str, Any]:
    return {"homework": lesson.homework, "file": lesson.homework_file.name or ""}


#: The rules an entry's window depends on: model → (history kind, the fields its state records).
RULE_MODELS: dict[type, tuple[str, tuple[str, ...]]] = {
    EditWindow: (HistoryEntry.Kind.RULE, RULE_FIELDS),
    WorkType: (HistoryEntry.Kind.WORK_TYPE, ("name", "code", "weight", "category", "color", "is_default")),
    AcademicYear: (HistoryEntry.Kind.YEAR, ("start", "end", "marks_deadline")),
    StudyPeriod: (HistoryEntry.Kind.PERIOD, ("year", "kind", "number", "start", "end", "marks_deadline")),
    Holiday: (HistoryEntry.Kind.HOLIDAY, ("year", "name", "start", "end")),
    WorkdayTransfer: (HistoryEntry.Kind.TRANSFER, ("year", "date", "works_as_weekday", "reason")),
}


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def rule_state(obj) -> dict[str, Any]:
    """A rule row as the history records it: its fields, foreign keys by id, dates ISO, decimals as text."""
    _kind, fields = RULE_MODELS[type(obj)]
    return {name: _plain(getattr(obj, obj._meta.get_field(name).attname)) for name in fields}


def rule_kind(obj) -> str:
    return RULE_MODELS[type(obj)][0]


def lesson_state(lesson: Lesson) -> dict[str, Any]:
    """A lesson's place in the timetable (kind «урок»): its date, number, room, held or not, substitute."""
    return {
        "assignment": lesson.assignment_id,
        "date": lesson.date.isoformat(),
        "number": lesson.number,
        "is_held": lesson.is_held,
        "substitute": lesson.substitute_id,
        "room": lesson.room,
    }


def guardianship_state(guardianship) -> dict[str, Any]:
    """A guardianship as the history records it: who for whom, in what status, on which application."""
    return {
        "parent": guardianship.parent_id,
        "student": guardianship.student_id,
        "kind": guardianship.kind,
        "status": guardianship.status,
        "application_number": guardianship.application_number,
        "application_date": _plain(guardianship.application_date),
    }


def entry_refs(kind: str, obj) -> tuple[int | None, int | None]:
    """The lesson and student a history entry about ``obj`` points to."""
    if kind in (HistoryEntry.Kind.TOPIC, HistoryEntry.Kind.HOMEWORK, HistoryEntry.Kind.LESSON):
        return obj.pk, None
    if kind == HistoryEntry.Kind.PERIOD_MARK:
        return None, obj.student_id
    if kind in (HistoryEntry.Kind.MARK, HistoryEntry.Kind.ATTENDANCE):
        return obj.lesson_id, obj.student_id
    if kind == HistoryEntry.Kind.GUARDIANSHIP:
        return None, obj.student_id
    return None, None


def history_entry_for(
    *,
    kind: str,
    action: str,
    obj,
    old: dict | None,
    new: dict | None,
    user,
    source: str,
    at,
    reference: str = "",
) -> HistoryEntry:
    """An unsaved entry for ``journal.history.history_record_many`` (bulk writers)."""
    lesson_id, student_id = entry_refs(kind, obj)
    return HistoryEntry(
        at=at,
        user_id=getattr(user, "pk", user),
        source=source,
        reference=reference,
        kind=kind,
        action=action,
        object_id=obj.pk,
        lesson_id=lesson_id,
        student_id=student_id,
        old=old,
        new=new,
    )
