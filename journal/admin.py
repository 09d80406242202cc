"""The sysadmin's workplace (DESIGN.md): accounts and reference data, and the journal through its services.

STYLE.md: nothing writes the journal around the services. So marks, attendance and period marks are written
here only through ``journal.services`` (``journal.admin_entries``: the edit windows apply as everywhere), a
lesson's topic and homework are read-only, and diary access is granted or revoked only through the
guardianship actions (``onboarding.admin``). Changelists select their related rows up front: a page costs the
same number of queries whatever the number of rows.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import admin_rules  # noqa: F401 - the rules' admin (edit windows, years, periods, calendar, work types)
from .admin_entries import AttendanceForm, MarkForm, PeriodMarkForm, ServiceWriteAdmin
from .models import (
    Attendance,
    Bell,
    CredentialIssue,
    CredentialReceipt,
    HistoryEntry,
    HistoryHead,
    Lesson,
    LessonAdjustment,
    Mark,
    PeriodMark,
    PlannedTopic,
    School,
    SchoolClass,
    Student,
    StudentGroup,
    StudentGroupObjectPermission,
    StudentUserObjectPermission,
    Subject,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
    User,
)
from .services import Origin
from .services.roles import check_rights_change, rights_set, role_state

#: Selecting an assignment for its ``__str__``: class, group, subject and teacher.
ASSIGNMENT_RELATED = ("school_class", "group", "subject", "teacher")


def _via(prefix: str, names: tuple[str, ...] = ASSIGNMENT_RELATED) -> tuple[str, ...]:
    return tuple(f"{prefix}__{name}" for name in names)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only: these rows are written by the services (and the history by nobody at all)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Accounts ---------------------------------------------------------------------------------------------------


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "surname", "name", "patronymic", "email")


RIGHTS_FIELDS = ("groups", "is_staff", "is_superuser", "user_permissions")


class UserChangeForm(DjangoUserChangeForm):
    """Roles, flags and direct permissions are checked here and written by ``journal.services.roles``."""

    request = None  # set by UserAdmin.get_form

    class Meta(DjangoUserChangeForm.Meta):
        model = User

    def wanted_rights(self) -> dict:
        data = self.cleaned_data
        wanted = {}
        if "groups" in data:
            wanted["roles"] = [group.name for group in data["groups"]]
        for flag in ("is_staff", "is_superuser"):
            if flag in data:
                wanted[flag] = data[flag]
        if "user_permissions" in data:
            wanted["permissions"] = list(data["user_permissions"].select_related("content_type"))
        return wanted

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        wanted = self.wanted_rights()
        old = role_state(self.instance)
        new = dict(old)
        if "roles" in wanted:
            new["roles"] = sorted(wanted["roles"])
        new["staff"] = wanted.get("is_staff", old["staff"])
        new["superuser"] = wanted.get("is_superuser", old["superuser"])
        if "permissions" in wanted:
            new["permissions"] = sorted(f"{p.content_type.app_label}.{p.codename}" for p in wanted["permissions"])
        try:
            check_rights_change(by=self.request.user, user=self.instance, old=old, new=new)
        except PermissionDenied as error:
            raise ValidationError(str(error)) from None
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Личные данные"), {"fields": ("surname", "name", "patronymic", "email", "phone")}),
        (
            _("Роли и доступ"),
            {"fields": ("is_active", "must_change_password", "groups", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Важные даты"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "surname",
                    "name",
                    "patronymic",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("username", "surname", "name", "patronymic", "email", "roles", "is_staff", "is_active")
    list_filter = ("groups", "is_staff", "is_active", "must_change_password")
    search_fields = ("username", "surname", "name", "patronymic", "email")
    ordering = ("surname", "name", "patronymic")
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("роли"))
    def roles(self, obj: User) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all()))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Roles are groups; only a superuser hands out the admin flags or permissions outside the roles, and
        # nobody changes their own rights (journal.services.roles).
        if obj is not None and obj.pk == request.user.pk:
            return (*fields, *RIGHTS_FIELDS)
        if not request.user.is_superuser:
            fields = (*fields, "is_staff", "is_superuser", "user_permissions")
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        if change:
            # The flags are written by the service with the roles (history), not by this save.
            stored = User.objects.filter(pk=obj.pk).values("is_staff", "is_superuser").get()
            obj.is_staff, obj.is_superuser = stored["is_staff"], stored["is_superuser"]
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Not ``form.save_m2m()``: roles and permissions go through ``journal.services.roles`` (history)."""
        if change:
            wanted = form.wanted_rights()
            rights_set(
                origin=Origin(by=request.user, source=HistoryEntry.Source.ADMIN),
                user=form.instance,
                roles=wanted.get("roles"),
                is_staff=wanted.get("is_staff"),
                is_superuser=wanted.get("is_superuser"),
                permissions=wanted.get("permissions"),
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_change_permission(self, request, obj=None) -> bool:
        # A sysadmin must not take over a superuser account (its password included).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ("__str__", "position", "category", "experience_years", "school")
    list_filter = ("category", "school")
    search_fields = ("user__surname", "user__name", "user__patronymic", "position")
    list_select_related = ("user", "school")
    autocomplete_fields = ("user",)


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "school_class", "record_number", "birth_date", "is_active")
    list_filter = ("is_active", "school_class__grade", "school_class")
    search_fields = ("user__surname", "user__name", "user__patronymic", "record_number")
    list_select_related = ("user", "school_class")
    autocomplete_fields = ("user", "school_class")


@admin.register(CredentialReceipt)
class CredentialReceiptAdmin(admin.ModelAdmin):
    list_display = ("number", "date", "user", "recorded_by", "recorded_at")
    list_filter = ("date",)
    search_fields = ("number", "user__surname", "user__name", "user__username")
    list_select_related = ("user", "recorded_by")
    autocomplete_fields = ("user", "recorded_by")
    readonly_fields = ("recorded_at",)


@admin.register(CredentialIssue)
class CredentialIssueAdmin(ReadOnlyAdmin):
    """One-time passwords handed out (written when a slip is printed; the password is never stored)."""

    list_display = ("issued_at", "user", "issued_by")
    list_filter = ("issued_at",)
    search_fields = ("user__surname", "user__name", "user__username")
    list_select_related = ("user", "issued_by")
    date_hierarchy = "issued_at"


@admin.register(StudentUserObjectPermission)
class StudentUserObjectPermissionAdmin(ReadOnlyAdmin):
    """Who may read which diary; granted and revoked only by ``onboarding.guardianships``."""

    list_display = ("user", "permission", "content_object")
    list_filter = ("content_object__school_class",)
    search_fields = ("user__surname", "user__username", "content_object__user__surname")
    list_select_related = ("user", "permission__content_type", "content_object__user")


@admin.register(StudentGroupObjectPermission)
class StudentGroupObjectPermissionAdmin(ReadOnlyAdmin):
    list_display = ("group", "permission", "content_object")
    list_filter = ("group",)
    search_fields = ("group__name", "content_object__user__surname")
    list_select_related = ("group", "permission__content_type", "content_object__user")


# The school and its calendar ----------------------------------------------------------------------------------


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    # Django 6 assumes https for a bare domain; say so now (and keep the deprecation warning away).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("short_name", "name", "director_name", "phone", "email")
    list_filter = ("uses_mark_one",)
    search_fields = ("name", "short_name", "inn", "address")


@admin.register(Bell)
class BellAdmin(admin.ModelAdmin):
    list_display = ("number", "starts", "ends", "school")
    list_filter = ("school",)
    search_fields = ("number",)
    list_select_related = ("school",)


# Classes, subjects, assignments, timetable, КТП ---------------------------------------------------------------


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "is_russian_or_literature")
    list_filter = ("is_russian_or_literature",)
    search_fields = ("name", "short_name")


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ("__str__", "year", "class_teacher", "school")
    list_filter = ("year", "grade", "school")
    search_fields = ("letter", "grade", "class_teacher__surname")
    list_select_related = ("year", "class_teacher", "school")
    autocomplete_fields = ("class_teacher",)
    ordering = ("grade", "letter")


@admin.register(StudentGroup)
class StudentGroupAdmin(admin.ModelAdmin):
    list_display = ("__str__", "school_class", "name")
    list_filter = ("school_class__grade", "school_class")
    search_fields = ("name", "school_class__letter")
    list_select_related = ("school_class",)
    autocomplete_fields = ("school_class", "students")


@admin.register(TeachingAssignment)
class TeachingAssignmentAdmin(admin.ModelAdmin):
    list_display = ("school_class", "group", "subject", "teacher", "hours_per_week")
    list_filter = ("school_class__grade", "subject", "school_class")
    search_fields = ("teacher__surname", "teacher__name", "subject__name", "school_class__letter")
    list_select_related = ASSIGNMENT_RELATED
    autocomplete_fields = ("teacher", "school_class", "group", "subject")


@admin.register(TimetableSlot)
class TimetableSlotAdmin(admin.ModelAdmin):
    list_display = ("assignment", "weekday", "number", "room", "period")
    list_filter = ("period", "weekday", "assignment__school_class")
    search_fields = ("assignment__subject__name", "assignment__teacher__surname", "room")
    list_select_related = ("period__year", *_via("assignment"))
    autocomplete_fields = ("assignment",)


@admin.register(PlannedTopic)
class PlannedTopicAdmin(admin.ModelAdmin):
    list_display = ("position", "title", "assignment", "hours", "planned_date", "assessed_work_type")
    list_filter = ("assignment__subject", "assignment__school_class", "assessed_work_type")
    search_fields = ("title", "assignment__subject__name", "assignment__teacher__surname")
    list_select_related = ("assessed_work_type", *_via("assignment"))
    autocomplete_fields = ("assignment",)


# The journal: read-only here (STYLE.md), written through journal.services ------------------------------------


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    """The timetable side of a lesson is editable; its topic and homework are the journal's (read-only)."""

    list_display = ("date", "number", "assignment", "is_held", "topic", "substitute", "room")
    list_filter = ("is_held", "assignment__subject", "assignment__school_class", "date")
    search_fields = ("topic", "assignment__subject__name", "assignment__teacher__surname", "room")
    list_select_related = ("substitute", *_via("assignment"))
    autocomplete_fields = ("assignment", "substitute")
    fields = (
        "assignment",
        "date",
        "number",
        "is_held",
        "substitute",
        "room",
        "topic",
        "planned_topic",
        "homework",
        "homework_file",
        "attendance_checked_at",
    )
    readonly_fields = ("topic", "planned_topic", "homework", "homework_file", "attendance_checked_at")
    date_hierarchy = "date"


@admin.register(LessonAdjustment)
class LessonAdjustmentAdmin(ReadOnlyAdmin):
    """Lessons added or moved by hand: written by the lesson page's services, kept for lesson generation."""

    list_display = ("lesson", "kind", "original_date", "original_number", "by", "at")
    list_filter = ("kind",)
    search_fields = ("lesson__assignment__subject__name", "lesson__assignment__teacher__surname")
    list_select_related = ("by", *_via("lesson__assignment"))


class JournalEntryAdmin(ServiceWriteAdmin):
    show_full_result_count = False  # hundreds of thousands of rows a year: no second COUNT(*)

    @admin.display(description=_("ученик"), ordering="student__user__surname")
    def student_name(self, obj):
        return obj.student

    @admin.display(description=_("внёс"), ordering="entered_by__surname")
    def entered_by_name(self, obj):
        return obj.entered_by.short_name

    @admin.display(description=_("дата урока"), ordering="lesson__date")
    def lesson_date(self, obj):
        return obj.lesson.date

    @admin.display(description=_("класс"), ordering="lesson__assignment__school_class")
    def school_class(self, obj):
        return obj.lesson.assignment.school_class

    @admin.display(description=_("предмет"), ordering="lesson__assignment__subject__name")
    def subject(self, obj):
        return obj.lesson.assignment.subject


@admin.register(Mark)
class MarkAdmin(JournalEntryAdmin):
    form = MarkForm
    autocomplete_fields = ("lesson", "student")
    list_display = (
        "lesson_date",
        "school_class",
        "subject",
        "student_name",
        "display",
        "work_type",
        "comment",
        "entered_by_name",
        "entered_at",
    )
    list_filter = ("work_type", "lesson__assignment__subject", "lesson__assignment__school_class")
    search_fields = ("student__user__surname", "student__user__name", "comment")
    list_select_related = (
        "student__user",
        "work_type",
        "entered_by",
        "lesson__assignment__school_class",
        "lesson__assignment__subject",
    )

    @admin.display(description=_("отметка"))
    def display(self, obj: Mark) -> str:
        return obj.display


@admin.register(Attendance)
class AttendanceAdmin(JournalEntryAdmin):
    form = AttendanceForm
    autocomplete_fields = ("lesson", "student")
    list_display = (
        "lesson_date",
        "school_class",
        "subject",
        "student_name",
        "code",
        "entered_by_name",
        "entered_at",
    )
    list_filter = ("code", "lesson__assignment__subject", "lesson__assignment__school_class")
    search_fields = ("student__user__surname", "student__user__name")
    list_select_related = (
        "student__user",
        "entered_by",
        "lesson__assignment__school_class",
        "lesson__assignment__subject",
    )


@admin.register(PeriodMark)
class PeriodMarkAdmin(JournalEntryAdmin):
    form = PeriodMarkForm
    autocomplete_fields = ("student", "subject")
    list_display = (
        "student_name",
        "student_class",
        "period_subject",
        "period_name",
        "value",
        "entered_by_name",
        "entered_at",
    )
    list_filter = ("period", "subject", "value", "student__school_class")
    search_fields = ("student__user__surname", "student__user__name", "subject__name")
    list_select_related = ("student__user", "student__school_class", "subject", "period__year", "entered_by")

    @admin.display(description=_("класс"), ordering="student__school_class")
    def student_class(self, obj: PeriodMark):
        return obj.student.school_class

    @admin.display(description=_("предмет"), ordering="subject__name")
    def period_subject(self, obj: PeriodMark):
        return obj.subject

    @admin.display(description=_("период"), ordering="period__start")
    def period_name(self, obj: PeriodMark):
        return obj.period


# The journal's history (read by everyone, written by nobody) --------------------------------------------------


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
