"""Forms of the planning pages. They read and validate input; the services write."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from journal.models import (
    Guardianship,
    School,
    SchoolClass,
    Student,
    StudyPeriod,
    Subject,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
    User,
    WorkType,
)

from .accounts import Recipients
from .imports import Kind

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Files the table reader (``tables``) reads, or explains how to save (.doc, .pdf, LibreOffice); the content decides.
UPLOAD_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".docx", ".doc", ".pdf", ".ods", ".odt")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _assignment_label(assignment: TeachingAssignment) -> str:
    group = f" ({assignment.group.name})" if assignment.group_id else ""
    return f"{assignment.subject}{group} — {assignment.teacher.short_name}"


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _assignment_label(obj)


class TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


def _class_assignments(school_class: SchoolClass):
    return (
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "teacher", "group")
        .order_by("subject__name", "group__name")
    )


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("День"), choices=TimetableSlot.Weekday.choices, coerce=int)
    number = forms.IntegerField(label=_("Урок №"), min_value=0, max_value=10)
    assignment = AssignmentChoiceField(label=_("Предмет и учитель"), queryset=TeachingAssignment.objects.none())
    room = forms.CharField(label=_("Кабинет"), max_length=16, required=False)

    def __init__(self, *args, school_class: SchoolClass, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = _class_assignments(school_class)


class CopyForm(forms.Form):
    source_period = forms.ModelChoiceField(label=_("Из периода"), queryset=StudyPeriod.objects.none())
    source_class = forms.ModelChoiceField(label=_("Из класса"), queryset=SchoolClass.objects.none())
    replace = forms.BooleanField(label=_("Сначала очистить расписание класса в этом периоде"), required=False)

    def __init__(self, *args, periods, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_period"].queryset = StudyPeriod.objects.filter(pk__in=[p.pk for p in periods])
        self.fields["source_class"].queryset = SchoolClass.objects.filter(pk__in=[c.pk for c in classes]).order_by(
            "grade", "letter"
        )


class BellRowForm(forms.Form):
    number = forms.IntegerField(label=_("Урок №"), min_value=0, max_value=10)
    starts = forms.TimeField(label=_("Начало"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("Окончание"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


BellFormSet = forms.formset_factory(BellRowForm, extra=2, can_delete=True, max_num=11)


class HolidayForm(forms.Form):
    name = forms.CharField(label=_("Название"), max_length=120, initial=_("Каникулы"))
    start = forms.DateField(label=_("С"), widget=DateInput)
    end = forms.DateField(label=_("По"), widget=DateInput)


class TransferForm(forms.Form):
    date = forms.DateField(label=_("Дата"), widget=DateInput)
    works_as_weekday = forms.TypedChoiceField(
        label=_("Работаем по расписанию"), choices=TimetableSlot.Weekday.choices, coerce=int
    )
    reason = forms.CharField(label=_("Основание"), max_length=160, required=False)


class LessonAddForm(forms.Form):
    assignment = AssignmentChoiceField(label=_("Предмет и учитель"), queryset=TeachingAssignment.objects.none())
    date = forms.DateField(label=_("Дата"), widget=DateInput)
    number = forms.IntegerField(label=_("Урок №"), min_value=0, max_value=10)
    room = forms.CharField(label=_("Кабинет"), max_length=16, required=False)

    def __init__(self, *args, school_class: SchoolClass, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = _class_assignments(school_class)


class LessonMoveForm(forms.Form):
    date = forms.DateField(label=_("Новая дата"), widget=DateInput)
    number = forms.IntegerField(label=_("Урок №"), min_value=0, max_value=10)
    room = forms.CharField(label=_("Кабинет"), max_length=16, required=False)


class SubstituteForm(forms.Form):
    teacher = TeacherChoiceField(
        label=_("Заменяет"), queryset=User.objects.none(), required=False, empty_label=_("— без замены —")
    )

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = User.objects.filter(pk__in=[t.pk for t in teachers]).order_by(
            "surname", "name"
        )


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Тема"), max_length=500)
    hours = forms.IntegerField(label=_("Часы"), min_value=1, max_value=100, initial=1)
    planned_date = forms.DateField(label=_("Плановая дата"), widget=DateInput, required=False)
    assessed_work_type = forms.ModelChoiceField(
        label=_("Работа с отметкой"), queryset=WorkType.objects.all(), required=False
    )
    section = forms.CharField(label=_("Раздел"), max_length=500, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Файл: .xlsx, .xls, .csv или .docx"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Файл больше 5 МБ: оставьте в нём только нужную таблицу."))
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(
                _("Загрузите таблицу: файл .xlsx, .xls, .csv или документ Word .docx (а не «%(name)s»).")
                % {"name": upload.name}
            )
        return upload


class KtpUploadForm(UploadForm):
    spread = forms.BooleanField(
        label=_("Разбить темы на уроки по часам"),
        required=False,
        help_text=_(
            "Для тематического планирования: тема на N часов станет N уроками. Поурочное планирование и КТП "
            "загружаются как есть."
        ),
    )


class PeopleImportForm(UploadForm):
    kind = forms.ChoiceField(
        label=_("Кто в файле"), choices=[("", _("определить по столбцам")), *Kind.CHOICES], required=False
    )


class SlipsForm(forms.Form):
    WHO = [("both", _("ученики и родители")), ("students", _("только ученики")), ("parents", _("только родители"))]
    who = forms.ChoiceField(label=_("Кому"), choices=WHO, initial="both")
    recipients = forms.ChoiceField(label=_("Выдать пароли"), choices=Recipients.CHOICES, initial=Recipients.NEW)


class ReceiptForm(forms.Form):
    number = forms.CharField(label=_("№ документа"), max_length=32)
    date = forms.DateField(label=_("Дата получения"), widget=DateInput)


class ApplicationForm(forms.Form):
    parent_login = forms.CharField(label=_("Логин родителя"), max_length=150)
    student = forms.ModelChoiceField(label=_("Ученик"), queryset=Student.objects.none())
    kind = forms.ChoiceField(label=_("Кем приходится"), choices=Guardianship.Kind.choices)
    number = forms.CharField(label=_("№ заявления"), max_length=32)
    date = forms.DateField(label=_("Дата заявления"), widget=DateInput)

    def __init__(self, *args, school_class: SchoolClass, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = (
            Student.objects.filter(school_class=school_class, is_active=True)
            .select_related("user")
            .order_by("user__surname", "user__name")
        )

    def clean_parent_login(self):
        login = self.cleaned_data["parent_login"].strip()
        parent = User.objects.filter(username__iexact=login).first()
        if parent is None:
            raise forms.ValidationError(_("Пользователя с таким логином нет."))
        self.cleaned_data["parent"] = parent
        return login


class RegisterApplicationForm(forms.Form):
    number = forms.CharField(label=_("№ заявления"), max_length=32)
    date = forms.DateField(label=_("Дата"), widget=DateInput)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Причина отказа"), max_length=255)


def _https_urls(field, **kwargs):
    """Model form fields, with URLs assumed to be https (Django 6 default; no deprecation warning)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class SchoolCardForm(forms.ModelForm):
    class Meta:
        formfield_callback = _https_urls
        model = School
        fields = ["name", "short_name", "address", "phone", "email", "website", "director_name", "inn", "uses_mark_one"]


class TeacherCardForm(forms.ModelForm):
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Телефон"), max_length=32, required=False)

    class Meta:
        model = Teacher
        fields = ["position", "education", "category", "experience_years", "subjects"]
        widgets = {"subjects": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].queryset = Subject.objects.order_by("name")
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["phone"].initial = self.instance.user.phone


class StudentCardForm(forms.ModelForm):
    class Meta:
        model = Student
        fields = ["birth_date", "gender", "record_number", "address"]
        widgets = {"birth_date": DateInput}


class FirstPasswordForm(SetPasswordForm):
    """The first login with a one-time password: a new password of one's own (no old one asked again)."""
