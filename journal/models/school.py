"""The school and its calendar, classes, subjects, assignments, timetable and КТП."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class School(models.Model):
    """Карточка ОУ (п. 3.3). One deployment serves one school; the model allows several for city-scale jobs."""

    name = models.CharField(_("полное наименование"), max_length=255)
    short_name = models.CharField(_("краткое наименование"), max_length=120)
    address = models.CharField(_("адрес"), max_length=255, blank=True)
    phone = models.CharField(_("телефон"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("сайт"), blank=True)
    director_name = models.CharField(_("директор"), max_length=160, blank=True)
    inn = models.CharField(_("ИНН"), max_length=12, blank=True)
    uses_mark_one = models.BooleanField(
        _("используется отметка «1»"), default=False, help_text=_("По умолчанию шкала отметок 2–5.")
    )

    class Meta:
        verbose_name = _("карточка ОУ")
        verbose_name_plural = _("карточки ОУ")

    def __str__(self) -> str:
        return self.short_name

    REQUIRED_FIELDS = ("name", "short_name", "address", "phone", "email", "director_name")

    def missing_fields(self) -> list[str]:
        return [str(self._meta.get_field(f).verbose_name) for f in self.REQUIRED_FIELDS if not getattr(self, f)]


class AcademicYearQuerySet(models.QuerySet):
    def containing(self, day: datetime.date):
        return self.filter(start__lte=day, end__gte=day)


class AcademicYear(models.Model):
    """Учебный год, with the «срок по приказу» for year marks."""

    start = models.DateField(_("начало"))
    end = models.DateField(_("окончание"))
    marks_deadline = models.DateField(
        _("срок годовых отметок по приказу"),
        help_text=_("Дата из приказа об окончании учебного года, до которой выставляются годовые отметки."),
    )

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("учебный год")
        verbose_name_plural = _("учебные годы")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="journal_academicyear_start_before_end"),
            models.CheckConstraint(
                condition=Q(marks_deadline__gte=F("start")), name="journal_academicyear_deadline_after_start"
            ),
            models.UniqueConstraint(fields=["start"], name="journal_academicyear_start_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.start.year}/{self.end.year}"

    @property
    def short_label(self) -> str:
        """«2026-27», as used in registration numbers."""
        return f"{self.start.year}-{self.end.year % 100:02d}"


class StudyPeriodQuerySet(models.QuerySet):
    def containing(self, day: datetime.date):
        return self.filter(start__lte=day, end__gte=day)

    def for_grade(self, grade: int):
        return self.filter(kind=StudyPeriod.kind_for_grade(grade))

    def of_class(self, school_class):
        """The periods that apply to a class: its year's quarters (1–9) or halves (10–11), and the year."""
        return self.filter(year_id=school_class.year_id, kind__in=[school_class.period_kind, StudyPeriod.Kind.YEAR])

    def current_for(self, school_class, day: datetime.date):
        """The current period of a class on ``day`` (``StudyPeriod.current_among``), or ``None``: one query."""
        return StudyPeriod.current_among(list(self.of_class(school_class)), day)


class StudyPeriod(models.Model):
    """Четверть (1–9 классы), полугодие (10–11 классы) or the year, with the «срок по приказу»."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("четверть")
        HALF = "half", _("полугодие")
        YEAR = "year", _("год")

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("вид"), max_length=8, choices=Kind)
    number = models.PositiveSmallIntegerField(_("номер"))
    start = models.DateField(_("начало"))
    end = models.DateField(_("окончание"))
    marks_deadline = models.DateField(
        _("срок по приказу"), help_text=_("Дата, до которой выставляются отметки за период (приказ об окончании).")
    )

    objects = StudyPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("учебный период")
        verbose_name_plural = _("учебные периоды")
        ordering = ["year__start", "kind", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="journal_studyperiod_start_before_end"),
            models.CheckConstraint(
                condition=Q(marks_deadline__gte=F("start")), name="journal_studyperiod_deadline_after_start"
            ),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="journal_studyperiod_number_range"),
            models.UniqueConstraint(fields=["year", "kind", "number"], name="journal_studyperiod_unique"),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.YEAR:
            return f"{self.year} учебный год"
        return f"{self.number} {self.get_kind_display()} {self.year}"

    @property
    def is_final(self) -> bool:
        return self.kind == self.Kind.YEAR

    @staticmethod
    def kind_for_grade(grade: int) -> str:
        return StudyPeriod.Kind.HALF if grade >= 10 else StudyPeriod.Kind.QUARTER

    @staticmethod
    def current_among(periods, day: datetime.date) -> "StudyPeriod | None":
        """The one rule of «the current period», over a class's periods (the grid, the diary, the checks).

        The term (quarter or half-year) containing ``day``; in the holidays between terms, the one just
        finished; before the first term, the first one. With no terms at all, the year.
        """
        terms = sorted((p for p in periods if not p.is_final), key=lambda p: (p.start, p.number))
        if not terms:
            return next((p for p in periods if p.is_final), None)
        started = [p for p in terms if p.start <= day]
        return started[-1] if started else terms[0]


class Holiday(models.Model):
    """Каникулы и праздничные дни: no lessons are generated on these dates."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("название"), max_length=120)
    start = models.DateField(_("с"))
    end = models.DateField(_("по"))

    class Meta:
        verbose_name = _("каникулы / праздник")
        verbose_name_plural = _("каникулы и праздники")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="journal_holiday_start_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%d.%m}–{self.end:%d.%m.%Y})"


class Subject(models.Model):
    name = models.CharField(_("название"), max_length=120, unique=True)
    short_name = models.CharField(_("сокращение"), max_length=24, blank=True)
    #: Russian language and literature: written works in grades 10–11 have a 10-day window (п. 3.3).
    is_russian_or_literature = models.BooleanField(_("русский язык или литература"), default=False)

    class Meta:
        verbose_name = _("предмет")
        verbose_name_plural = _("предметы")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    """5А…11Г for one academic year, with its class teacher."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="classes")
    grade = models.PositiveSmallIntegerField(_("параллель"))
    letter = models.CharField(_("литера"), max_length=2)
    class_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_classes",
        verbose_name=_("классный руководитель"),
    )

    class Meta:
        verbose_name = _("класс")
        verbose_name_plural = _("классы")
        ordering = ["grade", "letter"]
        constraints = [
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=11), name="journal_schoolclass_grade_range"),
            models.UniqueConstraint(fields=["school", "year", "grade", "letter"], name="journal_schoolclass_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def period_kind(self) -> str:
        return StudyPeriod.kind_for_grade(self.grade)


class StudentGroup(models.Model):
    """Подгруппа класса (e.g. English, group 1) for assignments that split the class."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("название"), max_length=60)
    students = models.ManyToManyField("journal.Student", related_name="study_groups", verbose_name=_("ученики"))

    class Meta:
        verbose_name = _("подгруппа")
        verbose_name_plural = _("подгруппы")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "name"], name="journal_studentgroup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class} — {self.name}"


class TeachingAssignmentQuerySet(models.QuerySet):
    def for_teacher(self, user):
        return self.filter(teacher=user)


class TeachingAssignment(models.Model):
    """Учебная нагрузка: teacher × class (or one of its groups) × subject."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("учитель")
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("класс")
    )
    group = models.ForeignKey(
        StudentGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("подгруппа"),
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("предмет")
    )
    hours_per_week = models.DecimalField(_("часов в неделю"), max_digits=3, decimal_places=1, default=1)

    objects = TeachingAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("учебная нагрузка")
        verbose_name_plural = _("учебная нагрузка")
        ordering = ["school_class__grade", "school_class__letter", "subject__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject"],
                condition=Q(group__isnull=True),
                name="journal_assignment_class_subject_unique",
            ),
            models.UniqueConstraint(
                fields=["group", "subject"],
                condition=Q(group__isnull=False),
                name="journal_assignment_group_subject_unique",
            ),
            models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="journal_assignment_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.teacher.short_name})"

    @property
    def title(self) -> str:
        if self.group_id:
            return f"{self.school_class} ({self.group.name}) · {self.subject}"
        return f"{self.school_class} · {self.subject}"


class Bell(models.Model):
    """Расписание звонков: when lesson N starts and ends."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="bells")
    number = models.PositiveSmallIntegerField(_("номер урока"))
    starts = models.TimeField(_("начало"))
    ends = models.TimeField(_("окончание"))

    class Meta:
        verbose_name = _("звонок")
        verbose_name_plural = _("расписание звонков")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="journal_bell_unique"),
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="journal_bell_starts_before_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.number} урок {self.starts:%H:%M}–{self.ends:%H:%M}"


class TimetableSlot(models.Model):
    """Weekly timetable for a study period: weekday × lesson number → assignment, room."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("понедельник")
        TUESDAY = 2, _("вторник")
        WEDNESDAY = 3, _("среда")
        THURSDAY = 4, _("четверг")
        FRIDAY = 5, _("пятница")
        SATURDAY = 6, _("суббота")

    period = models.ForeignKey(StudyPeriod, on_delete=models.CASCADE, related_name="slots")
    assignment = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("день недели"), choices=Weekday)
    number = models.PositiveSmallIntegerField(_("номер урока"))
    room = models.CharField(_("кабинет"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("урок в расписании")
        verbose_name_plural = _("расписание")
        ordering = ["weekday", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=6), name="journal_slot_weekday_range"),
            models.CheckConstraint(condition=Q(number__gte=0, number__lte=10), name="journal_slot_number_range"),
            models.UniqueConstraint(fields=["period", "assignment", "weekday", "number"], name="journal_slot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}, {self.number} урок — {self.assignment.title}"


class PlannedTopic(models.Model):
    """КТП: an ordered planned topic of a teaching assignment."""

    assignment = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE, related_name="planned_topics")
    position = models.PositiveIntegerField(_("№"))
    title = models.CharField(_("тема"), max_length=500)
    hours = models.PositiveSmallIntegerField(_("часы"), default=1)
    planned_date = models.DateField(_("плановая дата"), null=True, blank=True)
    #: The section of the programme the topic belongs to («Раздел 1. Натуральные числа»), as the КТП file heads it.
    section = models.CharField(_("раздел"), max_length=500, blank=True, default="")
    #: The КТП plans an assessed work here; compliance looks for marks on such lessons.
    assessed_work_type = models.ForeignKey(
        "journal.WorkType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("запланированная работа с отметкой"),
    )

    class Meta:
        verbose_name = _("тема КТП")
        verbose_name_plural = _("КТП — темы")
        ordering = ["assignment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "position"], name="journal_plannedtopic_position_unique"),
            models.CheckConstraint(condition=Q(hours__gte=1), name="journal_plannedtopic_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"
