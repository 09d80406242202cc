"""Admin of audit.late_changes (imported by AuditConfig.ready): the sysadmin applies approved requests here.

п. 4.4: «системный администратор вносит изменения в электронный журнал без изменений прав доступа». The
requests are read-only in the admin; the only write is the «apply» action (and the same button on a request's
page), which calls ``late_change_apply``: exactly the approved entries, through the journal's services.
It needs ``audit.apply_latechangerequest`` to be offered and the sysadmin's role to succeed; the page says
when the service would refuse (``applier_check``: never the initiator or the approver of the request).
The sysadmin's absences (п. 4.4) are read-only here: the director or the deputy records them on their page.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from journal.admin import ReadOnlyAdmin

from . import services
from .models import ChangeTableRow, LateChangeItem, LateChangeRequest, SysadminAbsence

APPLY_PERMISSION = "audit.apply_latechangerequest"


class LateChangeItemInline(admin.TabularInline):
    """The entries of the request, exactly as the director approved them."""

    model = LateChangeItem
    fields = ("position", "label", "student", "subject", "action", "old_display", "new_display", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student__user", "subject")

    # The entries are part of the request: whoever may view the request sees them.
    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("audit.view_latechangerequest")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LateChangeRequest)
class LateChangeRequestAdmin(ReadOnlyAdmin):
    """Requests of раздел 4; the sysadmin filters the approved ones and applies them."""

    list_display = (
        "number",
        "registered_on",
        "school_class",
        "period",
        "initiator_name",
        "reason_short",
        "entry_count",
        "status",
        "decided_by_name",
        "applied_by_name",
    )
    list_filter = ("status", "reason", "period")
    search_fields = ("number", "initiator__surname", "document_number", "items__student__user__surname")
    list_select_related = ("school_class", "period__year", "initiator", "decided_by", "applied_by")
    date_hierarchy = "registered_on"
    inlines = [LateChangeItemInline]
    actions = ["apply_requests"]
    change_form_template = "audit/late_changes/admin/change_form.html"
    fieldsets = (
        (None, {"fields": ("number", "registered_on", "school_class", "period", "status")}),
        (
            gettext_lazy("Заявление"),
            {
                "fields": (
                    "initiator",
                    "reason",
                    "document_kind",
                    "document_number",
                    "document_date",
                    "document_issuer",
                    "scan",
                    "comment",
                )
            },
        ),
        (
            gettext_lazy("Решение и исполнение"),
            {
                "fields": (
                    "decided_by",
                    "decided_at",
                    "decision_comment",
                    "approved_digest",
                    "applied_by",
                    "applied_at",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("items"))

    @admin.display(description=gettext_lazy("инициатор"), ordering="initiator__surname")
    def initiator_name(self, obj: LateChangeRequest) -> str:
        return obj.initiator.short_name

    @admin.display(description=gettext_lazy("основание"))
    def reason_short(self, obj: LateChangeRequest) -> str:
        return obj.reason_short

    @admin.display(description=gettext_lazy("изменений"))
    def entry_count(self, obj: LateChangeRequest) -> int:
        return obj.entry_count

    @admin.display(description=gettext_lazy("решение принял"))
    def decided_by_name(self, obj: LateChangeRequest) -> str:
        return obj.decided_by.short_name if obj.decided_by_id else "—"

    @admin.display(description=gettext_lazy("изменения внёс"))
    def applied_by_name(self, obj: LateChangeRequest) -> str:
        return obj.applied_by.short_name if obj.applied_by_id else "—"

    def has_apply_permission(self, request) -> bool:
        return request.user.has_perm(APPLY_PERMISSION)

    def _apply(self, request, late_request: LateChangeRequest) -> bool:
        try:
            rows = services.late_change_apply(request_id=late_request.pk, by=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("Нет права вносить изменения по заявлениям."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            text = ngettext(
                "Заявление № %(number)s: в журнал внесено %(count)s изменение.",
                "Заявление № %(number)s: в журнал внесено %(count)s изменений.",
                len(rows),
            ) % {"number": late_request.number, "count": len(rows)}
            messages.success(request, text)
            self.log_change(request, late_request, text)
            return True
        return False

    @admin.action(
        description=gettext_lazy("Внести в журнал изменения по выбранным утверждённым заявлениям"),
        permissions=["apply"],
    )
    def apply_requests(self, request, queryset):
        """Each request in its own transaction: one conflicting request does not hold back the others."""
        for late_request in queryset.order_by("year", "sequence"):
            self._apply(request, late_request)

    def get_urls(self):
        urls = [
            path(
                "<int:object_id>/apply/",
                self.admin_site.admin_view(self.apply_view),
                name="audit_latechangerequest_apply",
            ),
        ]
        return urls + super().get_urls()

    def apply_view(self, request, object_id):
        """The «Внести изменения в журнал» button on a request's page (the same service as the list action)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_apply_permission(request):
            raise PermissionDenied
        late_request = get_object_or_404(LateChangeRequest, pk=object_id)
        self._apply(request, late_request)
        return redirect(reverse("admin:audit_latechangerequest_change", args=[late_request.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_apply, refusal = False, ""
        if obj and obj.can_be_applied and self.has_apply_permission(request):
            check = services.applier_check(obj, request.user, day=timezone.localdate())
            may_apply, refusal = check.allowed, check.refusal
        context |= {"may_apply": may_apply, "apply_refusal": refusal}
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


@admin.register(ChangeTableRow)
class ChangeTableRowAdmin(ReadOnlyAdmin):
    """Таблица учёта изменений (п. 4.3): append-only in the database, read-only here."""

    list_display = (
        "applied_at",
        "school_class",
        "subject",
        "student_name",
        "entry",
        "old_display",
        "new_display",
        "request_number",
        "request_date",
        "approved_by_name",
        "applied_by_name",
    )
    list_filter = ("school_class", "period", "kind")
    search_fields = ("request_number", "student__user__surname", "entry")
    list_select_related = ("school_class", "subject", "student__user", "approved_by", "applied_by")
    date_hierarchy = "applied_at"

    @admin.display(description=gettext_lazy("ученик"), ordering="student__user__surname")
    def student_name(self, obj: ChangeTableRow) -> str:
        return obj.student.user.full_name

    @admin.display(description=gettext_lazy("разрешил"))
    def approved_by_name(self, obj: ChangeTableRow) -> str:
        return obj.approved_by.short_name

    @admin.display(description=gettext_lazy("внёс"))
    def applied_by_name(self, obj: ChangeTableRow) -> str:
        return obj.applied_by.short_name


@admin.register(SysadminAbsence)
class SysadminAbsenceAdmin(ReadOnlyAdmin):
    """п. 4.4: the sysadmin's absences, as the director or the deputy recorded them (and the history keeps)."""

    list_display = ("user", "starts_on", "ends_on", "returned_on", "basis", "recorded_by", "recorded_at", "ended_by")
    list_select_related = ("user", "recorded_by", "ended_by")
    list_filter = ("user",)
    date_hierarchy = "starts_on"
