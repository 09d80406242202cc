"""The one write path of the journal: marks, attendance, topics, homework, period marks and lessons' places.

Each service checks the regulation's rule (п. 3.3: edit windows), writes, and records the history entry, in
one ``journal_write`` (``base``): one transaction, and the cached pages of what changed retired after it.
Nothing writes these tables around this package — not a view, not a form's ``save()``, not the admin, not an
import. Bad input raises ``ValidationError`` with a Russian message and changes nothing; a save based on a
stale value raises ``StaleWrite`` (and the refused attempt is kept in the history too).

| module | entries |
| --- | --- |
| ``cells`` | a grid cell: its marks and attendance code as typed, and the cell's details |
| ``marks`` | current marks one by one (admin, imports, late changes) |
| ``attendance`` | attendance one by one, and a whole lesson's at once |
| ``period_marks`` | period and year marks |
| ``lessons`` | a lesson's topic and homework, «заполнить из КТП» |
| ``timetable`` | a lesson's place: added by hand, moved, cancelled, substituted, generated and removed in bulk |
"""

from .attendance import attendance_code, attendance_set, lesson_attendance_save
from .base import Origin, StaleWrite, journal_write
from .cells import CellInput, CellState, MarkInput, cell_details_save, cell_save, cell_token, parse_cell
from .lessons import lesson_homework_set, lesson_topic_set, topics_fill_from_plan, validate_homework_file
from .marks import default_work_type, mark_create, mark_delete, mark_update
from .period_marks import period_mark_set
from .timetable import (
    lesson_add,
    lesson_move,
    lesson_set_held,
    lesson_substitute,
    lessons_create_many,
    lessons_delete_many,
)

__all__ = [
    "CellInput",
    "CellState",
    "MarkInput",
    "Origin",
    "StaleWrite",
    "attendance_code",
    "attendance_set",
    "cell_details_save",
    "cell_save",
    "cell_token",
    "default_work_type",
    "journal_write",
    "lesson_add",
    "lesson_attendance_save",
    "lesson_homework_set",
    "lesson_move",
    "lesson_set_held",
    "lesson_substitute",
    "lesson_topic_set",
    "lessons_create_many",
    "lessons_delete_many",
    "mark_create",
    "mark_delete",
    "mark_update",
    "parse_cell",
    "period_mark_set",
    "topics_fill_from_plan",
    "validate_homework_file",
]
