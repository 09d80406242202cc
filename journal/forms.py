"""Forms of the journal pages. They read and validate input; the services write."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from .models import Attendance, PlannedTopic
from .services import MarkInput, validate_homework_file

MARK_CHOICES = [
    ("", "—"),
    ("5", "5"),
    ("4", "4"),
    ("3", "3"),
    ("2", "2"),
    ("1", "1"),
    ("зач", _("зачёт")),
    ("незач", _("незачёт")),
]


class MarkRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    value = forms.ChoiceField(label=_("Отметка"), choices=MARK_CHOICES, required=False)
    work_type = forms.IntegerField(label=_("Вид работы"))
    weight = forms.DecimalField(
        label=_("Вес"), max_digits=3, decimal_places=1, min_value=0.1, max_value=10, required=False, localize=True
    )
    comment = forms.CharField(label=_("За что"), max_length=255, required=False)


MarkRowFormSet = formset_factory(MarkRowForm, extra=0, can_delete=True, max_num=5, validate_max=True)


class CellDetailsForm:
    """The cell's details: a formset of marks plus the attendance code and the cell's token."""

    def __init__(self, data, *, work_types):
        self.data = data
        self.work_types = work_types
        self.formset = MarkRowFormSet(data, prefix="m")
        self.cleaned_data: dict = {}
        self._errors: list[str] = []

    def is_valid(self) -> bool:
        code = (self.data.get("code") or "").strip()
        if code and code not in Attendance.Code.values:
            self._errors.append(str(_("Такого кода посещаемости нет.")))
        self.cleaned_data = {"code": code, "expected": self.data.get("expected", "")}
        if not self.formset.is_valid():
            for form_errors in self.formset.errors:
                for errors in form_errors.values():
                    self._errors.extend(errors)
            self._errors.extend(self.formset.non_form_errors())
        else:
            for row in self.formset.cleaned_data:
                if row and row["work_type"] not in self.work_types:
                    self._errors.append(str(_("Такого вида работы нет.")))
                if row and row.get("id") and not row.get("DELETE") and not row.get("value"):
                    self._errors.append(str(_("Укажите отметку или отметьте её для удаления.")))
        return not self._errors

    def error_list(self) -> list[str]:
        return [str(e) for e in self._errors]

    def mark_inputs(self) -> list[MarkInput]:
        inputs = []
        for row in self.formset.cleaned_data:
            value = row.get("value") or "" if row else ""
            if not row or (row.get("id") is None and not value):
                continue  # the empty «new mark» row
            inputs.append(
                MarkInput(
                    pk=row.get("id"),
                    value=int(value) if value.isdigit() else None,
                    passed=None if value.isdigit() else (value == "зач" if value else None),
                    work_type_id=row["work_type"],
                    weight=row.get("weight"),
                    comment=row.get("comment", ""),
                    delete=bool(row.get("DELETE")),
                )
            )
        return inputs


class LessonForm(forms.Form):
    topic = forms.CharField(label=_("Тема урока"), max_length=500, required=False)
    planned_topic = forms.ModelChoiceField(label=_("Тема из КТП"), queryset=PlannedTopic.objects.none(), required=False)
    homework = forms.CharField(
        label=_("Домашнее задание"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    homework_file = forms.FileField(
        label=_("Файл к заданию"),
        required=False,
        help_text=_("До %(mb)s МБ: pdf, doc(x), odt, xls(x), ppt(x), jpg, png, txt.")
        % {"mb": settings.HOMEWORK_FILE_MAX_BYTES // (1024 * 1024)},
    )
    remove_file = forms.BooleanField(label=_("Удалить прикреплённый файл"), required=False)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_topic"].queryset = PlannedTopic.objects.filter(assignment=assignment).order_by("position")

    def clean_homework_file(self):
        upload = self.cleaned_data.get("homework_file")
        if upload:
            try:
                validate_homework_file(upload)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
        return upload

    def clean(self):
        data = super().clean()
        if data.get("planned_topic") and not data.get("topic"):
            data["topic"] = data["planned_topic"].title
        return data
