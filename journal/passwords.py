"""Password rules: staff accounts (anyone with a staff role or admin access) need longer passwords."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Role

STAFF_ROLES = {Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY, Role.DIRECTOR, Role.SYSADMIN}


class StaffPasswordValidator:
    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def _is_staff(self, user) -> bool:
        if user is None or user.pk is None:
            return bool(user is not None and user.is_staff)
        return user.is_staff or any(user.has_role(role) for role in STAFF_ROLES)

    def validate(self, password, user=None):
        if not self._is_staff(user):
            return
        problems = []
        if len(password) < self.min_length:
            problems.append(
                ngettext(
                    "Пароль сотрудника должен быть не короче %(n)d символа.",
                    "Пароль сотрудника должен быть не короче %(n)d символов.",
                    self.min_length,
                )
                % {"n": self.min_length}
            )
        if password.isalpha() or password.isdigit():
            problems.append(_("Пароль сотрудника должен содержать и буквы, и цифры."))
        if problems:
            raise ValidationError(problems, code="staff_password")

    def get_help_text(self):
        return _("Для сотрудников школы: не короче %(n)d символов, буквы и цифры.") % {"n": self.min_length}
