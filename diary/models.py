"""Diary visits: one row per diary page view, for the compliance statistics (п. 3.3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DiaryVisit(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_visits")
    student = models.ForeignKey("journal.Student", on_delete=models.CASCADE, related_name="diary_visits")
    at = models.DateTimeField(_("когда"))
    page = models.CharField(_("страница"), max_length=32)

    class Meta:
        verbose_name = _("посещение дневника")
        verbose_name_plural = _("посещения дневника")
        indexes = [
            # compliance: last visit of each user (parents in 7 days, students in 2 days).
            models.Index(fields=["user", "at"], name="diary_visit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.student_id} {self.at:%d.%m.%Y %H:%M}"
