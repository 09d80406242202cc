"""Who may use which planning page.

| who | what |
| --- | --- |
| deputy (заместитель директора), sysadmin | timetable, bells, holidays and transfers, lesson generation and changes, school card |
| sysadmin (role or superuser) | import of people |
| deputy, sysadmin | one-time passwords and slips, receipts, parents' applications |
| teacher | their own КТП and their own card |
| deputy | every teacher's and student's card; a class teacher edits the cards of their class |

Everyone else gets 403 for a section and 404 for an object that is not theirs.
"""

from journal.roles import is_class_teacher, is_deputy, is_sysadmin, is_teacher, role_required

__all__ = [
    "can_use_planning",
    "is_class_teacher",
    "is_deputy",
    "is_planner",
    "is_sysadmin",
    "is_teacher",
    "role_required",
]


def is_planner(user) -> bool:
    """Timetable, calendar and lessons: the deputy responsible for the journal, and the sysadmin."""
    return is_deputy(user) or is_sysadmin(user)


def can_use_planning(user) -> bool:
    return is_planner(user) or is_teacher(user)
