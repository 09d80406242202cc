"""Which start page and which menu each role gets."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Role


def start_url(user) -> str:
    """``/`` sends each role to its start page (DESIGN.md: stable surface)."""
    if user.has_role(Role.DEPUTY) or user.has_role(Role.DIRECTOR):
        return reverse("audit:dashboard")
    if user.has_role(Role.TEACHER) or user.has_role(Role.CLASS_TEACHER):
        return reverse("journal:index")
    if user.has_role(Role.SYSADMIN) or (user.is_superuser and not user.role_names):
        return reverse("admin:index")
    if user.has_role(Role.PARENT) or user.has_role(Role.STUDENT):
        return reverse("diary:index")
    return reverse("no_role")


def navigation_for(user) -> list[tuple[str, str]]:
    items = []
    if user.has_role(Role.TEACHER) or user.has_role(Role.CLASS_TEACHER):
        items.append((_("Журнал"), reverse("journal:index")))
    if user.has_role(Role.CLASS_TEACHER):
        items.append((_("Мой класс"), reverse("audit:my_class")))
    if user.has_role(Role.PARENT) or user.has_role(Role.STUDENT):
        items.append((_("Дневник"), reverse("diary:index")))
    if user.has_role(Role.DEPUTY) or user.has_role(Role.DIRECTOR):
        items.append((_("Контроль"), reverse("audit:dashboard")))
    if any(user.has_role(r) for r in (Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY, Role.DIRECTOR, Role.SYSADMIN)):
        items.append((_("Заявления"), reverse("audit:late_change_list")))
    if user.has_role(Role.DEPUTY) or user.has_role(Role.SYSADMIN) or user.is_superuser:
        items.append((_("Планирование"), reverse("planning:index")))
    elif user.has_role(Role.TEACHER) or user.has_role(Role.CLASS_TEACHER):
        items.append((_("КТП и карточки"), reverse("planning:index")))
    if user.is_staff:
        items.append((_("Администрирование"), reverse("admin:index")))
    return items
