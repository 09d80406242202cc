from django.contrib import admin

from .models import DiaryVisit


@admin.register(DiaryVisit)
class DiaryVisitAdmin(admin.ModelAdmin):
    """Diary visits are a record (п. 3.3 statistics): readable here, written only by diary page views."""

    list_display = ["at", "user", "student", "page"]
    list_filter = ["page"]
    date_hierarchy = "at"
    search_fields = ["user__username", "user__surname", "student__user__surname"]
    list_select_related = ["user", "student__user"]
    raw_id_fields = ["user", "student"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
