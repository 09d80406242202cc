"""The edit windows (changed by the deputy) and the journal's history (read by everyone, written by nobody here)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from journal.admin import ReadOnlyAdmin

from .models import EditWindow, HistoryEntry, HistoryHead


@admin.register(EditWindow)
class EditWindowAdmin(admin.ModelAdmin):
    """Section 3.3 of the regulation as rows: the deputy adjusts them when the school's order changes."""

    list_display = (
        "name",
        "entry",
        "work_category",
        "russian_or_literature_only",
        "min_grade",
        "max_grade",
        "create_anchor",
        "create_days",
        "change_anchor",
        "change_days",
        "priority",
        "regulation_ref",
    )
    list_filter = ("entry", "work_category", "russian_or_literature_only")
    search_fields = ("name", "regulation_ref")


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    """The append-only history: the database refuses any change, the admin offers none."""

    list_display = ("at", "user_name", "source", "kind", "action", "object_id", "reference", "old", "new")
    list_filter = ("kind", "action", "source")
    search_fields = ("reference", "object_id__exact", "lesson_id__exact", "user__surname", "user__username")
    list_select_related = ("user",)
    date_hierarchy = "at"
    show_full_result_count = False  # the history grows to millions of rows: no second COUNT(*)

    @admin.display(description=_("кто"), ordering="user__surname")
    def user_name(self, obj: HistoryEntry) -> str:
        return obj.user.short_name if obj.user_id else "—"


@admin.register(HistoryHead)
class HistoryHeadAdmin(ReadOnlyAdmin):
    list_display = ("id", "last_hash")
    search_fields = ("last_hash",)
