"""The guardianships in the admin: an application is recorded here; diary access changes only by the actions.

Заявительный порядок (п. 1.12): the sysadmin approves an application or ends an access with its reason, through
``guardianships`` — the only code that grants or revokes the diary permission.
"""

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from journal.models import Guardianship

from .guardianships import guardianship_approve, guardianship_end


class GuardianshipActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Основание прекращения"),
        required=False,
        max_length=255,
        help_text=_("Для действия «Прекратить доступ»."),
    )


@admin.register(Guardianship)
class GuardianshipAdmin(admin.ModelAdmin):
    """Заявительный порядок (п. 1.12): an application is recorded here; access changes only by the actions."""

    list_display = (
        "parent",
        "student",
        "student_class",
        "kind",
        "status",
        "application_number",
        "application_date",
        "decided_at",
    )
    list_filter = ("status", "kind", "student__school_class")
    search_fields = (
        "parent__surname",
        "parent__name",
        "parent__username",
        "student__user__surname",
        "student__user__name",
        "application_number",
    )
    list_select_related = ("parent", "student__user", "student__school_class")
    autocomplete_fields = ("parent", "student")
    readonly_fields = ("status", "decided_at", "ended_at", "end_reason")
    action_form = GuardianshipActionForm
    actions = ("approve", "end")

    @admin.display(description=_("класс"), ordering="student__school_class")
    def student_class(self, obj: Guardianship):
        return obj.student.school_class

    def _each(self, request, queryset, service: Callable[..., Guardianship]) -> int:
        """``service`` on each chosen guardianship: a refusal is shown by name, the rest are counted."""
        done = 0
        for guardianship in queryset.select_related("parent", "student__user"):
            try:
                service(guardianship=guardianship, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{guardianship}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        return done

    @admin.action(description=_("Предоставить доступ к дневнику"), permissions=["change"])
    def approve(self, request, queryset):
        done = self._each(request, queryset, guardianship_approve)
        if done:
            self.message_user(
                request,
                ngettext(
                    "Доступ к дневнику предоставлен: %(count)d заявление.",
                    "Доступ к дневнику предоставлен: %(count)d заявлений.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Прекратить доступ"), permissions=["change"])
    def end(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(
                request, _("Укажите основание прекращения доступа в поле рядом с действием."), messages.ERROR
            )
            return
        done = self._each(request, queryset, partial(guardianship_end, reason=reason))
        if done:
            self.message_user(
                request,
                ngettext(
                    "Доступ к дневнику прекращён: %(count)d представитель.",
                    "Доступ к дневнику прекращён: %(count)d представителей.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
