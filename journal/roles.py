"""Who is who: the role predicates, the one decorator that opens a section to roles, each role's start page and menu.

Roles are auth groups (``journal.models.Role``). Every page and service asks these predicates, never the
groups directly, so that a rule like «who counts as the sysadmin» has one answer:

| predicate | true for |
| --- | --- |
| ``is_teacher`` | Учитель or Классный руководитель |
| ``is_class_teacher`` | Классный руководитель |
| ``is_deputy`` | Заместитель директора |
| ``is_director`` | Директор |
| ``is_sysadmin`` | Системный администратор, and the superuser (the technical owner holds every right of the role) |
| ``is_reader`` | Родитель or Обучающийся (the diary) |
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Role, User


def is_teacher(user: User) -> bool:
    return user.has_role(Role.TEACHER) or user.has_role(Role.CLASS_TEACHER)


def is_class_teacher(user: User) -> bool:
    return user.has_role(Role.CLASS_TEACHER)


def is_deputy(user: User) -> bool:
    return user.has_role(Role.DEPUTY)


def is_director(user: User) -> bool:
    return user.has_role(Role.DIRECTOR)


def is_sysadmin(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def is_parent(user: User) -> bool:
    return user.has_role(Role.PARENT)


def is_student(user: User) -> bool:
    return user.has_role(Role.STUDENT)


def is_reader(user: User) -> bool:
    """A diary reader (раздел 5): a parent or a student."""
    return is_parent(user) or is_student(user)


def is_administration(user: User) -> bool:
    """The deputy and the director: the compliance dashboard."""
    return is_deputy(user) or is_director(user)


def role_required(*checks: Callable[[User], bool]):
    """The view is open to users passing any of ``checks`` (the predicates above); everyone else gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(check(request.user) for check in checks):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def start_url(user: User) -> str:
    """``/`` sends each role to its start page (DESIGN.md: stable surface)."""
    if is_administration(user):
        return reverse("audit:dashboard")
    if is_teacher(user):
        return reverse("journal:index")
    if user.has_role(Role.SYSADMIN) or (user.is_superuser and not user.role_names):
        return reverse("admin:index")
    if is_reader(user):
        return reverse("diary:index")
    return reverse("no_role")


def navigation_for(user: User) -> list[tuple[str, str]]:
    items = []
    if is_teacher(user):
        items.append((_("Журнал"), reverse("journal:index")))
    if is_class_teacher(user):
        items.append((_("Мой класс"), reverse("audit:my_class")))
    if is_reader(user):
        items.append((_("Дневник"), reverse("diary:index")))
    if is_administration(user):
        items.append((_("Контроль"), reverse("audit:dashboard")))
    if is_teacher(user) or is_administration(user) or is_sysadmin(user):
        items.append((_("Заявления"), reverse("audit:late_change_list")))
    if is_deputy(user) or is_sysadmin(user):
        items.append((_("Планирование"), reverse("onboarding:index")))
    elif is_teacher(user):
        items.append((_("КТП и карточки"), reverse("onboarding:index")))
    if user.is_staff:
        items.append((_("Администрирование"), reverse("admin:index")))
    return items
