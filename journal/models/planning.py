"""Planning data beside the timetable: moved working days, hand-made lesson changes, issued credentials."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .school import AcademicYear, TimetableSlot


class WorkdayTransfer(models.Model):
    """Перенос рабочего дня: on ``date`` the school works by the timetable of ``works_as_weekday``.

    A working day turned into a day off is entered as a holiday (``Holiday``), so a transfer is usually a
    pair: the holiday and this row.
    """

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="workday_transfers")
    date = models.DateField(_("дата"))
    works_as_weekday = models.PositiveSmallIntegerField(_("работаем по расписанию дня"), choices=TimetableSlot.Weekday)
    reason = models.CharField(
        _("основание"), max_length=160, blank=True, help_text=_("Например, приказ № 12 от 01.09.")
    )

    class Meta:
        verbose_name = _("перенос рабочего дня")
        verbose_name_plural = _("переносы рабочих дней")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["year", "date"], name="journal_workdaytransfer_unique"),
            models.CheckConstraint(
                condition=Q(works_as_weekday__gte=1, works_as_weekday__lte=6),
                name="journal_workdaytransfer_weekday_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} — {self.get_works_as_weekday_display()}"


class LessonAdjustment(models.Model):
    """A lesson added or moved by hand: lesson generation counts it and never removes it.

    A moved lesson keeps the date and number it was generated for, so generating again does not bring the
    original lesson back.
    """

    class Kind(models.TextChoices):
        ADDED = "added", _("добавлен вручную")
        MOVED = "moved", _("перенесён")

    lesson = models.OneToOneField("journal.Lesson", on_delete=models.CASCADE, related_name="adjustment")
    kind = models.CharField(_("вид"), max_length=8, choices=Kind)
    original_date = models.DateField(_("дата по расписанию"), null=True, blank=True)
    original_number = models.PositiveSmallIntegerField(_("номер урока по расписанию"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("когда"), default=timezone.now)

    class Meta:
        verbose_name = _("изменение урока")
        verbose_name_plural = _("изменения уроков")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="added") | Q(original_date__isnull=False, original_number__isnull=False),
                name="journal_lessonadjustment_moved_has_origin",
            ),
        ]
        indexes = [
            # lesson generation: the original slots of moved lessons in a period.
            models.Index(fields=["original_date"], name="journal_lessonadj_orig_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.lesson_id}"


class CredentialIssue(models.Model):
    """A one-time password was issued (a slip printed). The password itself is never stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_issues")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("выдан"), default=timezone.now)

    class Meta:
        verbose_name = _("выдача одноразового пароля")
        verbose_name_plural = _("выдачи одноразовых паролей")
        ordering = ["-issued_at"]
        indexes = [
            # the receipts page: the last issue per user.
            models.Index(fields=["user", "issued_at"], name="journal_credissue_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.issued_at:%d.%m.%Y %H:%M}"
