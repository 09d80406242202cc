"""Compliance (п. 3.3): the stored results of the nightly checks, read by the deputy's dashboard.

The jobs (``audit.compliance.services``) write everything here; the dashboard only reads it. A finding is one
violation of one criterion (a lesson without a topic, a parent who has not opened the diary for a week …),
open while its cause lasts. Snapshots keep the daily counts for the trends; ``SentReminder`` makes sure a
teacher is reminded of a lesson once.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ClassSnapshot",
    "ComplianceState",
    "Criterion",
    "CriterionSnapshot",
    "Finding",
    "SentReminder",
    "TeacherTimeliness",
]


class Criterion(models.TextChoices):
    """The methods of п. 3.3, one code each (used in URLs: ``/audit/criterion/<code>/``)."""

    KTP = "ktp", _("КТП по каждой учебной нагрузке")
    TIMETABLE = "timetable", _("Расписание уроков на учебный период")
    SCHOOL_CARD = "school-card", _("Карточка ОУ")
    TEACHER_CARDS = "teacher-cards", _("Карточки учителей")
    STUDENT_CARDS = "student-cards", _("Карточки учеников")
    TOPICS = "topics", _("Темы проведённых уроков")
    HOMEWORK = "homework", _("Домашние задания")
    ATTENDANCE = "attendance", _("Посещаемость уроков")
    LATE_MARKS = "late-marks", _("Текущие отметки не позднее 10 дней")
    ASSESSED_MARKS = "assessed-marks", _("Отметки за работы по КТП")
    PERIOD_MARKS = "period-marks", _("Отметки за период и год")
    RECEIPTS = "receipts", _("Документы о получении учётных записей")
    PARENT_VISITS = "parent-visits", _("Родители открывают дневник")
    STUDENT_VISITS = "student-visits", _("Обучающиеся открывают дневник")


class ComplianceState(models.Model):
    """One row per school: when each job last ran. The jobs lock this row, so two runs of a school queue up."""

    school = models.OneToOneField(
        "journal.School", on_delete=models.CASCADE, related_name="compliance_state", verbose_name=_("ОУ")
    )
    deadlines_at = models.DateTimeField(_("проверка сроков"), null=True, blank=True)
    deadlines_seconds = models.FloatField(_("проверка сроков, с"), null=True, blank=True)
    visits_at = models.DateTimeField(_("статистика посещений"), null=True, blank=True)
    visits_seconds = models.FloatField(_("статистика посещений, с"), null=True, blank=True)
    reminders_at = models.DateTimeField(_("напоминания"), null=True, blank=True)

    class Meta:
        verbose_name = _("состояние проверок")
        verbose_name_plural = _("состояние проверок")

    def __str__(self) -> str:
        return str(self.school)

    @property
    def computed_at(self):
        """When the dashboard's data was last computed (the later of the two nightly jobs)."""
        stamps = [s for s in (self.deadlines_at, self.visits_at) if s is not None]
        return max(stamps) if stamps else None


class FindingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def of(self, criterion: str):
        return self.filter(criterion=criterion)


class Finding(models.Model):
    """One violation of a criterion, open (``resolved_at`` empty) while the next runs still see its cause.

    ``key`` names the cause within its criterion (a lesson id, «assignment:period» …); at most one open
    finding per cause. When the cause is gone the finding is resolved; if it comes back, a new one opens.
    """

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("ОУ"))
    criterion = models.CharField(_("критерий"), max_length=24, choices=Criterion)
    key = models.CharField(_("ключ"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    school_class = models.ForeignKey(
        "journal.SchoolClass",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("класс"),
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ответственный учитель"),
    )
    #: Whom the finding is about: the parent, the student, the teacher of an incomplete card.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("кто"),
    )
    period = models.ForeignKey("journal.StudyPeriod", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    day = models.DateField(_("дата"), null=True, blank=True)
    label = models.CharField(_("что"), max_length=300)
    detail = models.CharField(_("нарушение"), max_length=500, blank=True)
    amount = models.PositiveIntegerField(_("сколько"), default=1)
    first_seen = models.DateTimeField(_("впервые обнаружено"))
    last_seen = models.DateTimeField(_("последняя проверка"))
    resolved_at = models.DateTimeField(_("устранено"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("нарушение")
        verbose_name_plural = _("нарушения (п. 3.3)")
        ordering = ["criterion", "day", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "criterion", "key"],
                condition=Q(resolved_at__isnull=True),
                name="audit_finding_one_open_per_cause",
            ),
            models.CheckConstraint(condition=Q(last_seen__gte=models.F("first_seen")), name="audit_finding_seen_order"),
        ]
        indexes = [
            # the jobs and the criterion page: open findings of a school by criterion.
            models.Index(
                fields=["school", "criterion", "school_class"],
                condition=Q(resolved_at__isnull=True),
                name="audit_finding_open_class",
            ),
            # drill-down to a teacher: open findings of one responsible teacher.
            models.Index(
                fields=["teacher", "criterion"],
                condition=Q(resolved_at__isnull=True),
                name="audit_finding_open_teacher",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.label}"


class CriterionSnapshot(models.Model):
    """The day's count of a criterion for a school, for the trends: one row per school, day and criterion."""

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("дата"))
    criterion = models.CharField(_("критерий"), max_length=24, choices=Criterion)
    count = models.PositiveIntegerField(_("нарушений"))
    #: What was checked (lessons, parents, cards …): the base of the share; 0 when nothing was due.
    total = models.PositiveIntegerField(_("проверено"), default=0)
    computed_at = models.DateTimeField(_("рассчитано"))

    class Meta:
        verbose_name = _("снимок критерия")
        verbose_name_plural = _("снимки критериев")
        ordering = ["-day", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["school", "day", "criterion"], name="audit_criterionsnapshot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} {self.criterion}: {self.count}"


class ClassSnapshot(models.Model):
    """The day's count of a criterion in one class (and, for the visit statistics, how many were checked)."""

    school_class = models.ForeignKey("journal.SchoolClass", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("дата"))
    criterion = models.CharField(_("критерий"), max_length=24, choices=Criterion)
    count = models.PositiveIntegerField(_("нарушений"))
    total = models.PositiveIntegerField(_("проверено"), null=True, blank=True)

    class Meta:
        verbose_name = _("снимок по классу")
        verbose_name_plural = _("снимки по классам")
        ordering = ["-day", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "day", "criterion"], name="audit_classsnapshot_unique"),
        ]
        indexes = [
            # dashboard: the visit statistics of every class on the last day.
            models.Index(fields=["day", "criterion"], name="audit_classsnap_day_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} {self.school_class_id} {self.criterion}: {self.count}"


class TeacherTimeliness(models.Model):
    """A teacher's current marks of the year and how many were entered later than 10 days after the lesson."""

    school = models.ForeignKey("journal.School", on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("дата"))
    marks_total = models.PositiveIntegerField(_("отметок"))
    marks_late = models.PositiveIntegerField(_("позже 10 дней"))

    class Meta:
        verbose_name = _("своевременность отметок")
        verbose_name_plural = _("своевременность отметок")
        ordering = ["-day", "teacher"]
        constraints = [
            models.UniqueConstraint(fields=["school", "teacher", "day"], name="audit_timeliness_unique"),
            models.CheckConstraint(condition=Q(marks_late__lte=models.F("marks_total")), name="audit_timeliness_late"),
        ]
        indexes = [
            # dashboard: every teacher of a school on the last day.
            models.Index(fields=["school", "day"], name="audit_timeliness_school_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} {self.teacher_id}: {self.marks_late}/{self.marks_total}"

    @property
    def share_on_time(self) -> float | None:
        if not self.marks_total:
            return None
        return (self.marks_total - self.marks_late) / self.marks_total

    @property
    def percent_on_time(self) -> str:
        share = self.share_on_time
        return "—" if share is None else f"{100 * share:.0f} %"


class SentReminder(models.Model):
    """A reminder about one lesson, inserted before the e-mail goes out: the unique pair means never twice."""

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("посещаемость не отмечена")
        TOPIC = "topic", _("не указана тема урока")
        MARKS = "marks", _("нет отметок за работу по КТП")

    lesson = models.ForeignKey("journal.Lesson", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("о чём"), max_length=12, choices=Kind)
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: The run that inserted the row: the run sends only the rows it inserted itself.
    claim = models.UUIDField()
    claimed_at = models.DateTimeField(_("поставлено"))
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)
    #: The e-mail backend that accepted the letter (console and file backends deliver nothing to anyone).
    backend = models.CharField(_("способ отправки"), max_length=120, blank=True)
    #: A failed send stays here (for the sysadmin) until a retry sends it.
    failed_at = models.DateTimeField(_("последняя ошибка"), null=True, blank=True)
    last_error = models.CharField(_("текст ошибки"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)

    class Meta:
        verbose_name = _("напоминание учителю")
        verbose_name_plural = _("напоминания учителям")
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "kind"], name="audit_sentreminder_once_per_lesson"),
        ]
        indexes = [
            # a run reads back exactly the rows it claimed.
            models.Index(fields=["claim"], name="audit_sentreminder_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.lesson_id}"
