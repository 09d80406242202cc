"""The journal itself: lessons, marks, attendance and period marks.

Rows here are written only by ``journal.services``; each write leaves an ``audit.HistoryEntry``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

HOMEWORK_FILE_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "odt",
    "rtf",
    "txt",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "jpg",
    "jpeg",
    "png",
]


class LessonQuerySet(models.QuerySet):
    def held(self):
        return self.filter(is_held=True)

    def in_period(self, period):
        return self.filter(date__gte=period.start, date__lte=period.end)


class Lesson(models.Model):
    """A lesson of a teaching assignment on a date (generated from the timetable, or added by hand)."""

    assignment = models.ForeignKey(
        "journal.TeachingAssignment", on_delete=models.PROTECT, related_name="lessons", verbose_name=_("нагрузка")
    )
    date = models.DateField(_("дата"))
    number = models.PositiveSmallIntegerField(_("номер урока"), default=1)
    topic = models.CharField(_("тема урока"), max_length=500, blank=True)
    planned_topic = models.ForeignKey(
        "journal.PlannedTopic", on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons"
    )
    homework = models.TextField(_("домашнее задание"), blank=True)
    homework_file = models.FileField(
        _("файл к домашнему заданию"),
        upload_to="homework/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(HOMEWORK_FILE_EXTENSIONS)],
    )
    is_held = models.BooleanField(_("урок проведён"), default=True)
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substituted_lessons",
        verbose_name=_("замена (учитель)"),
    )
    room = models.CharField(_("кабинет"), max_length=16, blank=True)
    #: When the teacher last saved this lesson's attendance: no absence rows then means «все присутствуют»,
    #: while ``None`` means attendance was never taken (the reminders and compliance checks look for it).
    attendance_checked_at = models.DateTimeField(_("посещаемость отмечена"), null=True, blank=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        verbose_name = _("урок")
        verbose_name_plural = _("уроки")
        ordering = ["date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "date", "number"], name="journal_lesson_unique_slot"),
            models.CheckConstraint(condition=Q(number__gte=0, number__lte=10), name="journal_lesson_number_range"),
            # «a lesson date outside its academic year» is refused by the trigger
            # journal_lesson_date_in_year (migration 0002), since it needs the class's year.
        ]
        # grid: lessons of one assignment in a period, by date — served by journal_lesson_unique_slot
        # (assignment, date, number); a separate (assignment, date) index was never chosen (bench, 20 schools).
        indexes = [
            # diary week and compliance: lessons on a date range across assignments.
            models.Index(fields=["date"], name="journal_lesson_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}, {self.number} урок — {self.assignment_id}"


class WorkType(models.Model):
    """Вид работы with its weight; ``category`` decides which edit window applies (п. 3.3)."""

    class Category(models.TextChoices):
        CURRENT = "current", _("текущая отметка")
        VSOKO = "vsoko", _("контрольная работа ВСОКО")
        WRITTEN = "written", _("письменная работа")
        CONTROL = "control", _("контрольная работа")

    name = models.CharField(_("название"), max_length=120, unique=True)
    code = models.CharField(_("буква"), max_length=3, help_text=_("Показывается в клетке журнала."))
    weight = models.DecimalField(_("вес"), max_digits=3, decimal_places=1, default=Decimal("1.0"))
    category = models.CharField(_("категория"), max_length=10, choices=Category, default=Category.CURRENT)
    color = models.CharField(_("цвет"), max_length=7, default="#0d6efd")
    is_default = models.BooleanField(_("по умолчанию"), default=False)

    class Meta:
        verbose_name = _("вид работы")
        verbose_name_plural = _("виды работ")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=10), name="journal_worktype_weight_range"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="journal_worktype_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Mark(models.Model):
    """Отметка текущего контроля: 1–5 or зачёт/незачёт, for a student on a lesson."""

    # The marks table is the largest (11 M rows at 20 schools): only the indexes queries use are kept. The
    # student is the prefix of journal_mark_student_lesson; work type and authors are only ever filtered in
    # the rare admin lists and PROTECT checks (bench/results/latest.md: 0 scans, 224 MB at 20 schools).
    student = models.ForeignKey("journal.Student", on_delete=models.PROTECT, related_name="marks", db_index=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="marks")
    value = models.PositiveSmallIntegerField(_("отметка"), null=True, blank=True)
    passed = models.BooleanField(_("зачёт"), null=True, blank=True, help_text=_("Для безотметочной системы."))
    work_type = models.ForeignKey(
        WorkType, on_delete=models.PROTECT, related_name="marks", verbose_name=_("вид работы"), db_index=False
    )
    weight = models.DecimalField(_("вес"), max_digits=3, decimal_places=1)
    comment = models.CharField(_("за что"), max_length=255, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    entered_at = models.DateTimeField(_("выставлена"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    changed_at = models.DateTimeField(_("изменена"))
    #: Bumped on every change; a save based on an older version is refused (no silent overwrite).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("отметка")
        verbose_name_plural = _("отметки")
        ordering = ["lesson__date", "entered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5), name="journal_mark_value_range"
            ),
            models.CheckConstraint(
                condition=(Q(value__isnull=False) & Q(passed__isnull=True))
                | (Q(value__isnull=True) & Q(passed__isnull=False)),
                name="journal_mark_value_or_pass",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=10), name="journal_mark_weight_range"),
        ]
        # grid and cell saves: marks of given lessons — served by the lesson foreign key's own index.
        indexes = [
            # diary: one student's marks in a date range.
            models.Index(fields=["student", "lesson"], name="journal_mark_student_lesson"),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        if self.value is not None:
            return str(self.value)
        return "зач" if self.passed else "незач"


class Attendance(models.Model):
    """Посещаемость: only absences are stored; no row means present."""

    class Code(models.TextChoices):
        ABSENT = "Н", _("Н — отсутствовал")
        ILL = "Б", _("Б — болел")
        VALID = "У", _("У — уважительная причина")
        LATE = "ОП", _("ОП — опоздал")

    # student: the prefix of journal_attendance_one_per_lesson; lesson: its foreign-key index serves the grid.
    student = models.ForeignKey("journal.Student", on_delete=models.PROTECT, related_name="attendance", db_index=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="attendance")
    code = models.CharField(_("код"), max_length=2, choices=Code)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    entered_at = models.DateTimeField(_("внесено"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    changed_at = models.DateTimeField(_("изменено"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("отметка посещаемости")
        verbose_name_plural = _("посещаемость")
        constraints = [
            models.UniqueConstraint(fields=["student", "lesson"], name="journal_attendance_one_per_lesson"),
            models.CheckConstraint(condition=Q(code__in=["Н", "Б", "У", "ОП"]), name="journal_attendance_code_valid"),
        ]

    def __str__(self) -> str:
        return self.code


class PeriodMark(models.Model):
    """Промежуточная аттестация: the mark for a quarter, half-year or the year."""

    class Value(models.TextChoices):
        FIVE = "5", "5"
        FOUR = "4", "4"
        THREE = "3", "3"
        TWO = "2", "2"
        ONE = "1", "1"
        PASSED = "зач", _("зачтено")
        FAILED = "незач", _("не зачтено")
        NOT_ATTESTED = "н/а", _("н/а — не аттестован")
        EXEMPT = "осв", _("осв. — освобождён")

    student = models.ForeignKey("journal.Student", on_delete=models.PROTECT, related_name="period_marks")
    subject = models.ForeignKey("journal.Subject", on_delete=models.PROTECT, related_name="period_marks")
    period = models.ForeignKey("journal.StudyPeriod", on_delete=models.PROTECT, related_name="period_marks")
    value = models.CharField(_("отметка"), max_length=5, choices=Value)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("выставлена"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("изменена"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("отметка за период")
        verbose_name_plural = _("отметки за период")
        constraints = [
            models.UniqueConstraint(fields=["student", "subject", "period"], name="journal_periodmark_unique"),
            models.CheckConstraint(
                condition=Q(value__in=["5", "4", "3", "2", "1", "зач", "незач", "н/а", "осв"]),
                name="journal_periodmark_value_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.value
