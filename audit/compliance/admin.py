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


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ("claimed_at", "sent_at", "kind", "teacher", "lesson")
    list_filter = ("kind",)
    list_select_related = ("teacher", "lesson")
    date_hierarchy = "claimed_at"


@admin.register(ComplianceState)
class ComplianceStateAdmin(ReadOnlyAdmin):
    list_display = ("school", "deadlines_at", "deadlines_seconds", "visits_at", "visits_seconds", "reminders_at")
