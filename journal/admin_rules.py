"""The rules in the admin — the edit windows, years, periods, the calendar, work types — written only through
``journal.services.rules``, like the journal's entries (``journal.admin_entries``).

Every change form asks for its basis («основание»: the order or document), which goes into the history entry
with the old and new values. A refused change (a period moved off its marks, new dates that would reopen a
closed period mark window) is a form error and changes nothing. Rows are deleted one at a time, through the
service; there is no bulk delete.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import AcademicYear, EditWindow, HistoryEntry, Holiday, StudyPeriod, WorkdayTransfer, WorkType
from .services import Origin
from .services import rules as services


class RuleForm(forms.ModelForm):
    """A change form whose save is a service call; the service's refusal becomes a form error."""

    reason = forms.CharField(
        label=_("Основание изменения"),
        max_length=64,
        required=False,
        help_text=_("Номер и дата приказа или иного документа; записывается в историю журнала с изменением."),
    )
    request = None  # set by RuleAdmin.get_form
    service = None  # set by RuleAdmin.get_form

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        origin = Origin(
            by=self.request.user,
            source=HistoryEntry.Source.ADMIN,
            reference=self.cleaned_data.get("reason", "").strip(),
        )
        try:
            self.instance = self.service(origin=origin, obj=self.instance)
        except ValidationError as error:
            self.add_error(None, error)


class RuleAdmin(admin.ModelAdmin):
    """Saving and deleting go through ``save_with`` and ``delete_with`` (services of ``journal.services.rules``)."""

    form = RuleForm
    save_with = None
    delete_with = None

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        save_with = type(self).save_with
        return type(form.__name__, (form,), {"request": request, "service": staticmethod(save_with)})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        names = [name for _title, options in fieldsets for name in options["fields"] if name != "reason"]
        return [(None, {"fields": names}), (_("Основание"), {"fields": ["reason"]})]

    def save_model(self, request, obj, form, change):
        """The service wrote the row in the form's clean; nothing more to save."""

    def delete_model(self, request, obj):
        type(self).delete_with(origin=self._origin(request), obj=obj)

    def _origin(self, request) -> Origin:
        reason = request.POST.get("reason", "").strip() or str(_("удаление в админке"))
        return Origin(by=request.user, source=HistoryEntry.Source.ADMIN, reference=reason[:64])

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # each row through its service, one by one
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.delete_with is not None and super().has_delete_permission(request, obj)


def _save(service, name):
    def save(*, origin, obj):
        return service(origin=origin, **{name: obj})

    return save


@admin.register(EditWindow)
class EditWindowAdmin(RuleAdmin):
    """Section 3.3 of the regulation as rows: the deputy adjusts them when the school's order changes. A change
    governs the entries still open; the closed ones stay closed (раздел 4)."""

    save_with = _save(services.edit_window_save, "window")
    delete_with = _save(services.edit_window_delete, "window")
    list_display = (
        "name",
        "entry",
        "work_category",
        "russian_or_literature_only",
        "min_grade",
        "max_grade",
        "create_anchor",
        "create_days",
        "change_anchor",
        "change_days",
        "priority",
        "regulation_ref",
    )
    list_filter = ("entry", "work_category", "russian_or_literature_only")
    search_fields = ("name", "regulation_ref")


@admin.register(WorkType)
class WorkTypeAdmin(RuleAdmin):
    save_with = _save(services.work_type_save, "work_type")
    delete_with = _save(services.work_type_delete, "work_type")
    list_display = ("name", "code", "weight", "category", "is_default")
    list_filter = ("category", "is_default")
    search_fields = ("name", "code")


class StudyPeriodInline(admin.TabularInline):
    """The year's periods, for reading: each is changed on its own page, through the service."""

    model = StudyPeriod
    extra = 0
    fields = ("kind", "number", "start", "end", "marks_deadline")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HolidayInline(StudyPeriodInline):
    model = Holiday
    fields = ("name", "start", "end")
    readonly_fields = fields


@admin.register(AcademicYear)
class AcademicYearAdmin(RuleAdmin):
    save_with = _save(services.academic_year_save, "year")
    list_display = ("__str__", "start", "end", "marks_deadline")
    list_filter = ("start",)
    search_fields = ("start", "end")
    inlines = (StudyPeriodInline, HolidayInline)


@admin.register(StudyPeriod)
class StudyPeriodAdmin(RuleAdmin):
    save_with = _save(services.study_period_save, "period")
    list_display = ("__str__", "kind", "number", "start", "end", "marks_deadline")
    list_filter = ("year", "kind")
    search_fields = ("start", "end", "marks_deadline")
    list_select_related = ("year",)


@admin.register(Holiday)
class HolidayAdmin(RuleAdmin):
    save_with = _save(services.holiday_save, "holiday")
    delete_with = _save(services.holiday_delete, "holiday")
    list_display = ("name", "start", "end", "year")
    list_filter = ("year",)
    search_fields = ("name",)
    list_select_related = ("year",)


@admin.register(WorkdayTransfer)
class WorkdayTransferAdmin(RuleAdmin):
    save_with = _save(services.workday_transfer_save, "transfer")
    delete_with = _save(services.workday_transfer_delete, "transfer")
    list_display = ("date", "works_as_weekday", "reason", "year")
    list_filter = ("year", "works_as_weekday")
    search_fields = ("reason",)
    list_select_related = ("year",)
