"""Who may use which onboarding page (/plan/).

| who | what |
| --- | --- |
| deputy (заместитель директора), sysadmin | timetable, bells, holidays and transfers, lesson generation and changes, school card |
| sysadmin (role or superuser) | import of people |
| deputy, sysadmin | one-time passwords and slips, receipts, parents' applications (``may_reset_password``) |
| teacher | their own КТП and their own card |
| deputy | every teacher's and student's card; a class teacher edits the cards of their class |

Everyone else gets 403 for a section and 404 for an object that is not theirs.
"""

from journal.models import Role, User
from journal.roles import is_class_teacher, is_deputy, is_sysadmin, is_teacher, role_required

__all__ = [
    "can_use_planning",
    "is_class_teacher",
    "is_deputy",
    "is_planner",
    "is_sysadmin",
    "is_teacher",
    "may_reset_password",
    "role_required",
]


def is_planner(user) -> bool:
    """Timetable, calendar and lessons: the deputy responsible for the journal, and the sysadmin."""
    return is_deputy(user) or is_sysadmin(user)


def can_use_planning(user) -> bool:
    return is_planner(user) or is_teacher(user)


def may_reset_password(*, by: User, user: User) -> bool:
    """The deputy gives new passwords to students and parents; the sysadmin to anyone but superusers.

    Nobody resets their own password here, and a staff account (director, deputy, sysadmin, admin users)
    is reset only by the sysadmin: a deputy must not be able to sign in as the director who approves
    late changes.
    """
    if user.pk == by.pk or user.is_superuser:
        return False
    if is_sysadmin(by):
        return True
    staff_roles = {Role.DIRECTOR, Role.DEPUTY, Role.SYSADMIN, Role.TEACHER, Role.CLASS_TEACHER}
    return not user.is_staff and not any(user.has_role(role) for role in staff_roles)
