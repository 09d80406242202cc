"""Forms of the late-change pages: the request (document and reason), the entries of each cell, the decision,
the sysadmin's absence."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journal.models import Attendance, Mark, PeriodMark, WorkType
from journal.services import cell_token

from . import selectors
from .models import SCAN_EXTENSIONS, EntryAction, EntryKind, Reason
from .services import DocumentInput, EntryInput

KEEP = "="
INPUT = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}


class RequestForm(forms.Form):
    """п. 4.1: the reason of раздел 4 and the document that confirms it."""

    reason = forms.ChoiceField(
        label=_("Основание (раздел 4 положения)"), choices=Reason.choices, widget=forms.RadioSelect
    )
    document_kind = forms.CharField(
        label=_("Документ"), max_length=120, help_text=_("Например: медицинская справка, приказ, служебная записка.")
    )
    document_number = forms.CharField(label=_("Номер документа"), max_length=64)
    document_date = forms.DateField(
        label=_("Дата документа"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    document_issuer = forms.CharField(label=_("Кем выдан"), max_length=255)
    scan = forms.FileField(
        label=_("Скан документа"),
        required=False,
        help_text=_("Необязательно. PDF, JPEG или PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in SCAN_EXTENSIONS)}),
    )
    comment = forms.CharField(
        label=_("Пояснение"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_document_date(self):
        day = self.cleaned_data["document_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Дата документа не может быть позже сегодняшней."))
        return day

    def document(self) -> DocumentInput:
        data = self.cleaned_data
        return DocumentInput(
            kind=data["document_kind"],
            number=data["document_number"],
            date=data["document_date"],
            issuer=data["document_issuer"],
        )


def _work_type_choices(work_types: dict[int, WorkType]) -> list[tuple[str, str]]:
    return [(str(wt.pk), wt.name) for wt in sorted(work_types.values(), key=lambda w: w.name)]


def _mark_token(mark: Mark) -> str:
    if mark.value is not None:
        return str(mark.value)
    return "зач" if mark.passed else "незач"


class LessonCellForm(forms.Form):
    """The entries of one lesson cell: each mark changed or deleted, new marks, the attendance code.

    Every field starts at what the cell holds now; only what the user changes becomes an entry.
    """

    NEW_MARKS = 2

    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, lesson, student, marks: list[Mark], attendance: Attendance | None, work_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.lesson, self.student, self.marks, self.attendance = lesson, student, marks, attendance
        self.token = cell_token(
            [(m.pk, m.version) for m in marks], (attendance.pk, attendance.version) if attendance else None
        )
        self.fields["seen"].initial = self.token
        types = _work_type_choices(work_types)
        for mark in marks:
            self.fields[f"m{mark.pk}"] = forms.CharField(
                label=_("Новое значение"),
                max_length=8,
                required=False,
                initial=_mark_token(mark),
                widget=forms.TextInput(attrs=INPUT | {"size": 4}),
            )
            self.fields[f"m{mark.pk}_type"] = forms.TypedChoiceField(
                label=_("Вид работы"),
                choices=types,
                coerce=int,
                initial=str(mark.work_type_id),
                widget=forms.Select(attrs=SELECT),
            )
            self.fields[f"m{mark.pk}_comment"] = forms.CharField(
                label=_("За что"),
                max_length=255,
                required=False,
                initial=mark.comment,
                widget=forms.TextInput(attrs=INPUT),
            )
            self.fields[f"m{mark.pk}_delete"] = forms.BooleanField(
                label=_("удалить"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
            )
        default_type = next((wt for wt in work_types.values() if wt.is_default), None)
        for n in range(self.NEW_MARKS):
            self.fields[f"new{n}"] = forms.CharField(
                label=_("Отметка"), max_length=8, required=False, widget=forms.TextInput(attrs=INPUT | {"size": 4})
            )
            self.fields[f"new{n}_type"] = forms.TypedChoiceField(
                label=_("Вид работы"),
                choices=types,
                coerce=int,
                initial=str(default_type.pk) if default_type else None,
                required=False,
                widget=forms.Select(attrs=SELECT),
            )
            self.fields[f"new{n}_comment"] = forms.CharField(
                label=_("За что"), max_length=255, required=False, widget=forms.TextInput(attrs=INPUT)
            )
        codes = [(KEEP, _("не менять"))]
        if attendance is not None:
            codes.append(("", _("присутствовал (убрать отметку)")))
        codes += [(code, label) for code, label in Attendance.Code.choices if not attendance or code != attendance.code]
        self.fields["attendance"] = forms.ChoiceField(
            label=_("Посещаемость"), choices=codes, required=False, initial=KEEP, widget=forms.Select(attrs=SELECT)
        )

    def mark_rows(self):
        """(mark, value field, type field, comment field, delete field) for the template."""
        return [
            (
                mark,
                self[f"m{mark.pk}"],
                self[f"m{mark.pk}_type"],
                self[f"m{mark.pk}_comment"],
                self[f"m{mark.pk}_delete"],
            )
            for mark in self.marks
        ]

    def new_rows(self):
        return [(self[f"new{n}"], self[f"new{n}_type"], self[f"new{n}_comment"]) for n in range(self.NEW_MARKS)]

    def clean_seen(self):
        if self.cleaned_data["seen"] != self.token:
            raise forms.ValidationError(
                _("Пока вы заполняли заявление, записи этой клетки изменились. Проверьте значения и отправьте снова.")
            )
        return self.cleaned_data["seen"]

    def entries(self) -> list[EntryInput]:
        data = self.cleaned_data
        base = {"lesson_id": self.lesson.pk, "student_id": self.student.pk}
        entries = []
        for mark in self.marks:
            if data.get(f"m{mark.pk}_delete"):
                entries.append(EntryInput(kind=EntryKind.MARK, action=EntryAction.DELETE, target_id=mark.pk, **base))
                continue
            value = (data.get(f"m{mark.pk}") or "").strip() or _mark_token(mark)
            work_type = data.get(f"m{mark.pk}_type") or mark.work_type_id
            comment = (data.get(f"m{mark.pk}_comment") or "").strip()
            if (value, work_type, comment) != (_mark_token(mark), mark.work_type_id, mark.comment):
                entries.append(
                    EntryInput(
                        kind=EntryKind.MARK,
                        action=EntryAction.CHANGE,
                        target_id=mark.pk,
                        value=value,
                        work_type_id=work_type,
                        comment=comment,
                        **base,
                    )
                )
        for n in range(self.NEW_MARKS):
            value = (data.get(f"new{n}") or "").strip()
            if value:
                entries.append(
                    EntryInput(
                        kind=EntryKind.MARK,
                        action=EntryAction.ADD,
                        value=value,
                        work_type_id=data.get(f"new{n}_type") or None,
                        comment=(data.get(f"new{n}_comment") or "").strip(),
                        **base,
                    )
                )
        code = data.get("attendance", KEEP)
        if code != KEEP and code is not None:
            current = self.attendance
            if current is None and code:
                entries.append(EntryInput(kind=EntryKind.ATTENDANCE, action=EntryAction.ADD, value=code, **base))
            elif current is not None and not code:
                entries.append(
                    EntryInput(kind=EntryKind.ATTENDANCE, action=EntryAction.DELETE, target_id=current.pk, **base)
                )
            elif current is not None and code != current.code:
                entries.append(
                    EntryInput(
                        kind=EntryKind.ATTENDANCE, action=EntryAction.CHANGE, target_id=current.pk, value=code, **base
                    )
                )
        return entries


class PeriodCellForm(forms.Form):
    """The entry of one period-mark cell: set, change or remove the mark."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, period, subject, student, current: PeriodMark | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.period, self.subject, self.student, self.current = period, subject, student, current
        self.token = f"{current.pk}.{current.version}" if current else ""
        self.fields["seen"].initial = self.token
        choices = [(KEEP, _("не менять"))]
        if current is not None:
            choices.append(("", _("убрать отметку")))
        choices += [(v, label) for v, label in PeriodMark.Value.choices if not current or v != current.value]
        self.fields["value"] = forms.ChoiceField(
            label=_("Новая отметка"), choices=choices, initial=KEEP, required=False
        )

    def clean_seen(self):
        if (self.cleaned_data.get("seen") or "") != self.token:
            raise forms.ValidationError(
                _("Пока вы заполняли заявление, отметка изменилась. Проверьте значение и отправьте снова.")
            )
        return self.cleaned_data.get("seen")

    def entries(self) -> list[EntryInput]:
        value = self.cleaned_data.get("value", KEEP)
        if value == KEEP or value is None:
            return []
        base = {
            "kind": EntryKind.PERIOD_MARK,
            "period_id": self.period.pk,
            "subject_id": self.subject.pk,
            "student_id": self.student.pk,
        }
        if self.current is None:
            return [EntryInput(action=EntryAction.ADD, value=value, **base)] if value else []
        if not value:
            return [EntryInput(action=EntryAction.DELETE, target_id=self.current.pk, **base)]
        return [EntryInput(action=EntryAction.CHANGE, target_id=self.current.pk, value=value, **base)]


class DecisionForm(forms.Form):
    """The director's decision on a request, with the resolution."""

    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=[("approve", _("Разрешить изменения")), ("reject", _("Отказать"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Резолюция"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("При отказе укажите причину."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Укажите причину отказа."))
        return data


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class SysadminAbsenceForm(forms.Form):
    """п. 4.4: the sysadmin's absence, as the director or the deputy records it."""

    user = UserChoiceField(label=_("Системный администратор"), queryset=None, widget=forms.Select(attrs=SELECT))
    starts_on = forms.DateField(
        label=_("С"), widget=forms.DateInput(attrs={"type": "date", **INPUT}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("По (включительно)"), widget=forms.DateInput(attrs={"type": "date", **INPUT}, format="%Y-%m-%d")
    )
    basis = forms.CharField(
        label=_("Основание"),
        max_length=255,
        help_text=_("Например: приказ № 45-к от 01.12.2026 (отпуск), больничный лист."),
        widget=forms.TextInput(attrs=INPUT),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.sysadmins()
