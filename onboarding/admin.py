"""The guardianships in the admin: an application is recorded here; diary access changes only by the actions.

Заявительный порядок (п. 1.12): the sysadmin approves an application or ends an access with its reason, through
``guardianships`` — the only code that grants or revokes the diary permission.
"""

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from journal.models import Guardianship, HistoryEntry

from .guardianships import application_record, application_update, guardianship_approve, guardianship_end


class ApplicationForm(forms.ModelForm):
    """The admin's «add» registers a parent's application through ``application_record`` (history, the role)."""

    request = None

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        data = self.cleaned_data
        if not data.get("application_number") or not data.get("application_date"):
            self.add_error(None, _("Укажите номер и дату заявления родителя (п. 1.12)."))
            return
        try:
            if self.instance.pk is not None:
                self.instance = application_update(
                    guardianship=self.instance,
                    kind=data["kind"],
                    number=data["application_number"],
                    date=data["application_date"],
                    by=self.request.user,
                    source=HistoryEntry.Source.ADMIN,
                )
                return
            self.instance = application_record(
                parent=data["parent"],
                student=data["student"],
                kind=data["kind"],
                number=data["application_number"],
                date=data["application_date"],
                by=self.request.user,
                source=HistoryEntry.Source.ADMIN,
            )
        except (ValidationError, PermissionDenied) as error:
            self.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


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
    fields = ("parent", "student", "kind", "application_number", "application_date")
    action_form = GuardianshipActionForm
    actions = ("approve", "end")

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return (*self.fields, "status", "decided_at", "ended_at", "end_reason")

    def get_readonly_fields(self, request, obj=None):
        # A registered application is fixed: its parent and child never change (a new pair is a new
        # application), and its status changes only by the actions below.
        if obj is None:
            return ()
        return ("parent", "student", "status", "decided_at", "ended_at", "end_reason")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (ApplicationForm, form), {"request": request})

    def save_model(self, request, obj, form, change):
        """The service registered or corrected the application in the form's clean: nothing more to save."""

    @admin.display(description=_("класс"), ordering="student__school_class")
    def student_class(self, obj: Guardianship):
        return obj.student.school_class

    def _each(self, request, queryset, service: Callable[..., Guardianship]) -> int:
        """``service`` on each chosen guardianship: a refusal is shown by name, the rest are counted."""
        done = 0
        for guardianship in queryset.select_related("parent", "student__user"):
            try:
                service(guardianship=guardianship, by=request.user, source=HistoryEntry.Source.ADMIN)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{guardianship}: {text}", messages.ERROR)
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
