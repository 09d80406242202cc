"""The state of a lesson's place in the timetable, as the journal history records it (kind «урок»)."""

from typing import Any

from journal.models import Lesson


def lesson_state(lesson: Lesson) -> dict[str, Any]:
    return {
        "assignment": lesson.assignment_id,
        "date": lesson.date.isoformat(),
        "number": lesson.number,
        "is_held": lesson.is_held,
        "substitute": lesson.substitute_id,
        "room": lesson.room,
    }
