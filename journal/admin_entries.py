"""Marks, attendance and period marks in the admin — written only through ``journal.services``.

The admin is one more write path (DESIGN.md: the edit windows apply «for every write path, admin included»).
The forms call the service in ``clean()``: that is the only place where a refusal (a closed window, a stale
version, a student of another class) can still become a form error instead of a 500. ``save_model`` then
writes nothing more; the admin's own request transaction wraps both.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from journal.models import HistoryEntry

from . import services
from .models import Attendance, Mark, PeriodMark


class ServiceForm(forms.ModelForm):
    request = None  # set by ServiceWriteAdmin.get_form

    def origin(self) -> services.Origin:
        return services.Origin(by=self.request.user, source=HistoryEntry.Source.ADMIN)

    def field(self, name):
        """A posted value, or — for the fields an existing entry keeps read-only — the entry's own."""
        if name in self.cleaned_data:
            return self.cleaned_data[name]
        return getattr(self.instance, name)

    def _post_clean(self):
        # The services validate and write; the model's own full_clean would re-check the unique
        # constraints against the row being replaced, so it is skipped on purpose.
        if self.errors:
            return
        try:
            self.saved = self.write()
        except ValidationError as error:
            self.add_error(None, error)


class MarkForm(ServiceForm):
    weight = forms.DecimalField(
        label=_("вес"),
        max_digits=3,
        decimal_places=1,
        required=False,
        localize=True,
        help_text=_("Пусто — вес вида работы."),
    )

    class Meta:
        model = Mark
        fields = ("lesson", "student", "value", "passed", "work_type", "weight", "comment")

    def write(self):
        data = self.cleaned_data
        if self.instance.pk is None:
            return services.mark_create(
                origin=self.origin(),
                lesson=data["lesson"],
                student=data["student"],
                value=data["value"],
                passed=data["passed"],
                work_type=data["work_type"],
                weight=data["weight"],
                comment=data["comment"] or "",
            )
        return services.mark_update(
            origin=self.origin(),
            mark=self.instance,
            expected_version=self.instance.version,
            value=data["value"],
            passed=data["passed"],
            work_type=data["work_type"],
            weight=data["weight"],
            comment=data["comment"] or "",
        )


class AttendanceForm(ServiceForm):
    class Meta:
        model = Attendance
        fields = ("lesson", "student", "code")

    def write(self):
        return services.attendance_set(
            origin=self.origin(), lesson=self.field("lesson"), student=self.field("student"), code=self.field("code")
        )


class PeriodMarkForm(ServiceForm):
    class Meta:
        model = PeriodMark
        fields = ("student", "subject", "period", "value")

    def write(self):
        return services.period_mark_set(
            origin=self.origin(),
            student=self.field("student"),
            subject=self.field("subject"),
            period=self.field("period"),
            value=self.field("value"),
            expected=self.instance.value if self.instance.pk else "",
        )


class ServiceWriteAdmin(admin.ModelAdmin):
    """Add, change and delete go through the services; bulk delete is not offered (each row has its window)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_readonly_fields(self, request, obj=None):
        # An existing entry keeps its place: its lesson, student, subject and period are not edited.
        if obj is not None:
            return [f for f in ("lesson", "student", "subject", "period") if f in self.form._meta.fields]
        return []

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        saved = getattr(form, "saved", None)
        if saved is not None:
            obj.pk = saved.pk  # the service wrote it (in the form's clean); the log and redirect use it

    def delete_model(self, request, obj):
        delete = DELETES[type(obj)]
        delete(origin=services.Origin(by=request.user, source=HistoryEntry.Source.ADMIN), obj=obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))


def delete_mark(*, origin, obj):
    services.mark_delete(origin=origin, mark=obj, expected_version=obj.version)


def delete_attendance(*, origin, obj):
    services.attendance_set(origin=origin, lesson=obj.lesson, student=obj.student, code="")


def delete_period_mark(*, origin, obj):
    services.period_mark_set(
        origin=origin, student=obj.student, subject=obj.subject, period=obj.period, value="", expected=obj.value
    )


DELETES = {Mark: delete_mark, Attendance: delete_attendance, PeriodMark: delete_period_mark}
