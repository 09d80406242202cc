"""The canonical state of each journal entry, as the history records it.

Services write ``old``/``new`` with these functions; ``verify_journal`` compares the current rows with the
last recorded state through the same functions; bulk writers (seed, imports) build history entries with them.
"""

from typing import Any

from journal.models import HistoryEntry

from .models import Attendance, Lesson, Mark, PeriodMark


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


def entry_refs(kind: str, obj) -> tuple[int | None, int | None]:
    """The lesson and student a history entry about ``obj`` points to."""
    if kind in (HistoryEntry.Kind.TOPIC, HistoryEntry.Kind.HOMEWORK, HistoryEntry.Kind.LESSON):
        return obj.pk, None
    if kind == HistoryEntry.Kind.PERIOD_MARK:
        return None, obj.student_id
    return obj.lesson_id, obj.student_id


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
    """An unsaved entry for ``audit.history.history_record_many`` (bulk writers)."""
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
