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

from functools import wraps

from django.core.exceptions import PermissionDenied

from journal.models import Role


def is_sysadmin(user) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def is_deputy(user) -> bool:
    return user.has_role(Role.DEPUTY)


def is_planner(user) -> bool:
    """Timetable, calendar and lessons: the deputy responsible for the journal, and the sysadmin."""
    return is_deputy(user) or is_sysadmin(user)


def is_teacher(user) -> bool:
    return user.has_role(Role.TEACHER) or user.has_role(Role.CLASS_TEACHER)


def is_class_teacher(user) -> bool:
    return user.has_role(Role.CLASS_TEACHER)


def can_use_planning(user) -> bool:
    return is_planner(user) or is_teacher(user)


def allowed(*checks):
    """The view is open to users passing any of ``checks``; everyone else gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(check(request.user) for check in checks):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
