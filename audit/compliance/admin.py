"""Admin of audit.compliance (imported by AuditConfig.ready): the stored results, read-only.

They are written by the nightly jobs only; the deputy reads them on /audit/, the sysadmin may look here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from journal.admin import ReadOnlyAdmin

from .models import ComplianceState, CriterionSnapshot, Finding, SentReminder, TeacherTimeliness


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("criterion", "label", "detail", "school_class", "teacher", "first_seen", "last_seen", "resolved_at")
    list_filter = ("criterion", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("label", "detail", "teacher__surname", "person__surname")
    list_select_related = ("school_class", "teacher")
    date_hierarchy = "first_seen"
    show_full_result_count = False


@admin.register(CriterionSnapshot)
class CriterionSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("day", "criterion", "count", "total", "computed_at")
    list_filter = ("criterion",)
    date_hierarchy = "day"


@admin.register(TeacherTimeliness)
class TeacherTimelinessAdmin(ReadOnlyAdmin):
    list_display = ("day", "teacher", "marks_total", "marks_late", "percent")
    list_select_related = ("teacher",)
    date_hierarchy = "day"
    search_fields = ("teacher__surname",)

    @admin.display(description=_("вовремя"))
    def percent(self, obj: TeacherTimeliness) -> str:
        return obj.percent_on_time


class DeliveryFilter(admin.SimpleListFilter):
    title = _("доставка")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("failed", _("не отправлено (ошибка)")), ("sent", _("отправлено"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=False)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    """Reminders to teachers: what was sent, through which backend, and what failed (retried with backoff)."""

    list_display = (
        "claimed_at",
        "sent_at",
        "backend",
        "kind",
        "teacher",
        "lesson",
        "attempts",
        "failed_at",
        "last_error",
    )
    list_filter = (DeliveryFilter, "kind", "backend")
    list_select_related = ("teacher", "lesson")
    date_hierarchy = "claimed_at"


@admin.register(ComplianceState)
class ComplianceStateAdmin(ReadOnlyAdmin):
    list_display = ("school", "deadlines_at", "deadlines_seconds", "visits_at", "visits_seconds", "reminders_at")
