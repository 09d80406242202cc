"""The admin: the sysadmin's and the deputy's rights, every page opening, and the journal staying read-only."""

import datetime
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from diary.models import DiaryVisit
from journal.history import history_record
from journal.models import (
    Attendance,
    CredentialReceipt,
    EditWindow,
    HistoryEntry,
    HistoryHead,
    Mark,
    PeriodMark,
    Role,
    School,
    StudentUserObjectPermission,
    User,
    WorkType,
)
from journal.permissions import role_permissions, sync_role_permissions
from journal.tests import factories as f

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
#: Late changes and compliance: rows made by their own services and tests; here only their changelists open.
OWN_ROWS_ELSEWHERE = ("audit.late_changes", "audit.compliance")


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _perms(group_name: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.fixture
def staff(db):
    """The role groups hold exactly their declared permissions (as after ``migrate``)."""
    sync_role_permissions()


@pytest.fixture
def journal_rows(assignment, student, parent, quarter, teacher):
    """At least one row of every registered model, so each changelist and change form renders a row."""
    lesson = f.LessonFactory(assignment=assignment)
    f.MarkFactory(lesson=lesson, student=student)
    f.AttendanceFactory(lesson=f.LessonFactory(assignment=assignment), student=student)
    f.PeriodMarkFactory(student=student, subject=assignment.subject, period=quarter, entered_by=teacher)
    f.HolidayFactory(year=quarter.year)
    f.BellFactory(school=assignment.school_class.school, number=1)
    f.TimetableSlotFactory(period=quarter, assignment=assignment)
    f.PlannedTopicFactory(assignment=assignment, assessed_work_type=f.WorkTypeFactory())
    f.StudentGroupFactory(school_class=assignment.school_class, students=[student])
    f.CredentialReceiptFactory(user=parent)
    f.CredentialIssueFactory(user=parent)
    f.WorkdayTransferFactory(year=quarter.year)
    f.LessonAdjustmentFactory(lesson=lesson)
    assign_perm("journal.view_diary", Group.objects.get(name=Role.DEPUTY.value), student)
    DiaryVisit.objects.create(user=parent, student=student, at=timezone.now(), page="week")
    HistoryHead.objects.get_or_create(id=1)
    f.WorkTypeFactory()
    if not EditWindow.objects.exists():  # a transactional test's flush removes the data migration's rows
        EditWindow.objects.create(
            name="Текущая отметка",
            entry=EditWindow.Entry.MARK,
            create_anchor=EditWindow.Anchor.LESSON_DATE,
            create_days=10,
            change_anchor=EditWindow.Anchor.LESSON_DATE,
            change_days=2,
        )
    with transaction.atomic():
        history_record(user=teacher, source="grid", kind="mark", action="create", object_id=1, new={"value": 5})
    # The login records (django-axes is off in the test settings, so they are written here).
    login = {"username": teacher.username, "ip_address": "10.84.0.15", "user_agent": "Firefox", "path_info": "/"}
    AccessAttempt.objects.create(**login, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**login)
    AccessLog.objects.create(**login)


# Role permissions -------------------------------------------------------------------------------------------------


def test_sync_gives_the_declared_permissions(staff):
    sysadmin = _perms(Role.SYSADMIN.value)
    assert {"journal.add_student", "journal.change_student", "journal.view_student", "journal.change_user"} <= sysadmin
    assert {"journal.delete_holiday", "journal.delete_credentialreceipt", "auth.view_group"} <= sysadmin
    assert {"journal.view_mark", "journal.view_attendance", "journal.view_periodmark", "journal.view_historyentry"} <= (
        sysadmin
    )
    # Marks, attendance and period marks: the admin writes them only through the services (windows enforced).
    assert {"journal.add_mark", "journal.change_mark", "journal.delete_mark", "journal.change_periodmark"} <= sysadmin
    assert (
        not {
            "journal.change_lesson",
            "journal.delete_student",
            "journal.delete_user",
            "journal.change_editwindow",
            "journal.change_historyentry",
            "auth.change_group",
        }
        & sysadmin
    )

    deputy = _perms(Role.DEPUTY.value)
    assert {
        "journal.change_editwindow",
        "journal.view_editwindow",
        "journal.view_school",
        "journal.view_mark",
    } <= deputy
    assert {perm for perm in deputy if not perm.split(".")[1].startswith("view_")} == {"journal.change_editwindow"}

    for role in (Role.TEACHER, Role.CLASS_TEACHER, Role.DIRECTOR, Role.PARENT, Role.STUDENT):
        assert _perms(role.value) == set()


def test_sync_is_idempotent(staff):
    before = {role: _perms(role) for role in role_permissions()}
    assert sync_role_permissions() == dict.fromkeys(role_permissions(), 0)
    assert {role: _perms(role) for role in role_permissions()} == before


def test_sync_removes_stray_permissions_and_keeps_other_apps(staff):
    group = Group.objects.get(name=Role.SYSADMIN.value)
    stray = Permission.objects.get(content_type__app_label="journal", codename="change_lesson")
    foreign = Permission.objects.get(content_type__app_label="sessions", codename="view_session")
    group.permissions.add(stray, foreign)
    sync_role_permissions()
    assert "journal.change_lesson" not in _perms(Role.SYSADMIN.value)
    assert "sessions.view_session" in _perms(Role.SYSADMIN.value)


def test_migrate_gives_the_roles_their_permissions(db):
    Group.objects.filter(name__in=role_permissions()).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert "journal.add_school" in _perms(Role.SYSADMIN.value)
    assert "journal.change_editwindow" in _perms(Role.DEPUTY.value)


# Who may enter ---------------------------------------------------------------------------------------------------


def test_sysadmin_opens_the_admin_index(staff, sysadmin, client_for):
    response = client_for(sysadmin).get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Справочники и учётные записи" in page
    assert "Отметки" in page


@pytest.mark.parametrize("who", ["parent", "teacher", "director"])
def test_users_without_staff_status_get_the_admin_login(request, client_for, who):
    response = client_for(request.getfixturevalue(who)).get("/admin/")
    assert response.status_code == 302
    assert response.url == "/admin/login/?next=/admin/"


def test_every_admin_model_has_role_permissions():
    """A model put in the admin gets its place in ``journal.permissions`` (else the sysadmin cannot see it)."""
    declared = {(app, codename.removeprefix("view_")) for app, codename in role_permissions()[Role.SYSADMIN.value]}
    undeclared = [
        model._meta.label for model in REGISTERED if (model._meta.app_label, model._meta.model_name) not in declared
    ]
    assert undeclared == [], "declare the sysadmin's and the deputy's rights in journal/permissions.py"


@pytest.mark.parametrize("model", REGISTERED, ids=[model._meta.label for model in REGISTERED])
def test_sysadmin_opens_every_changelist_and_change_form(staff, sysadmin, client_for, journal_rows, model):
    client = client_for(sysadmin)
    assert client.get(_url(model, "changelist")).status_code == 200
    assert client.get(_url(model, "changelist"), {"q": "Лебедева"}).status_code == 200
    obj = model._default_manager.first()
    if model.__module__.startswith(OWN_ROWS_ELSEWHERE):
        return  # their own tests build these rows and open their pages
    assert obj is not None, f"journal_rows made no {model._meta.label}"
    assert client.get(_url(model, "change", obj.pk)).status_code == 200


#: The deputy's part of the admin: the school's data and the journal (not the login records).
DEPUTY_MODELS = [model for model in REGISTERED if model._meta.app_label in {"journal", "audit", "diary", "auth"}]


@pytest.mark.parametrize("model", DEPUTY_MODELS, ids=[model._meta.label for model in DEPUTY_MODELS])
def test_deputy_opens_every_changelist(staff, deputy, client_for, journal_rows, model):
    assert client_for(deputy).get(_url(model, "changelist")).status_code == 200


def test_mark_changelist_costs_the_same_for_many_rows(
    staff, sysadmin, client_for, assignment, other_assignment, django_assert_max_num_queries
):
    work_types = [f.WorkTypeFactory(name=name) for name in ("Ответ на уроке", "Самостоятельная работа", "Диктант")]
    for n, lesson_assignment in enumerate([assignment, other_assignment] * 3):
        lesson = f.LessonFactory(assignment=lesson_assignment, date=datetime.date(2026, 11, 16 + n))
        for work_type in work_types:
            f.MarkFactory(lesson=lesson, work_type=work_type, value=3 + n % 3)
    assert Mark.objects.count() == 18
    client = client_for(sysadmin)
    with django_assert_max_num_queries(12):
        response = client.get(_url(Mark, "changelist"))
    assert response.status_code == 200
    assert response.content.decode().count('class="field-display"') == 18


def test_the_admin_is_russian(staff, sysadmin, client_for):
    f.MarkFactory()
    page = client_for(sysadmin).get(_url(Mark, "changelist")).content.decode()
    assert "Выберите" in page
    assert "Дата урока" in page


# The history is read-only in the admin (journal entries: test_admin_writes.py) ----------------------------------------------------------------------------


def _journal_entry(model, student, lesson, teacher, quarter):
    if model is Mark:
        return f.MarkFactory(lesson=lesson, student=student)
    if model is Attendance:
        return f.AttendanceFactory(lesson=lesson, student=student)
    if model is PeriodMark:
        return f.PeriodMarkFactory(
            student=student, subject=lesson.assignment.subject, period=quarter, entered_by=teacher
        )
    with transaction.atomic():
        return history_record(user=teacher, source="grid", kind="mark", action="create", object_id=1, new={"value": 5})


def _snapshot(obj) -> dict:
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["sysadmin", "superuser"])
@pytest.mark.parametrize("model", [HistoryEntry], ids=lambda model: model.__name__)
def test_history_cannot_be_added_changed_or_deleted_in_the_admin(
    request, staff, client_for, assignment, student, teacher, quarter, who, model
):
    client = client_for(request.getfixturevalue(who))
    obj = _journal_entry(model, student, f.LessonFactory(assignment=assignment), teacher, quarter)
    before = _snapshot(obj)
    count = model.objects.count()
    data = {key: "" if value is None else value for key, value in before.items()} | {
        "value": "2",
        "code": "Б",
        "comment": "исправлено в админке",
        "reference": "подделка",
    }

    assert client.get(_url(model, "change", obj.pk)).status_code == 200
    assert client.post(_url(model, "add"), data).status_code == 403
    assert client.post(_url(model, "change", obj.pk), data).status_code == 403
    assert client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    response = client.post(
        _url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)

    assert model.objects.count() == count  # nothing added, nothing deleted
    assert _snapshot(obj) == before


def test_lesson_topic_and_homework_are_read_only(superuser, client_for, assignment):
    lesson = f.LessonFactory(assignment=assignment, topic="Дроби", homework="№ 1")
    data = {
        "assignment": assignment.pk,
        "date": "27.11.2026",
        "number": "3",
        "is_held": "on",
        "substitute": "",
        "room": "35",
        "topic": "Чужая тема",
        "homework": "Чужое задание",
    }
    response = client_for(superuser).post(_url(type(lesson), "change", lesson.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson.refresh_from_db()
    assert (lesson.date, lesson.number, lesson.room) == (datetime.date(2026, 11, 27), 3, "35")
    assert (lesson.topic, lesson.homework) == ("Дроби", "№ 1")


# Edit windows ------------------------------------------------------------------------------------------------------


def _window_form(window: EditWindow, **changes) -> dict:
    data = {key: value for key, value in model_to_dict(window).items() if key != "id"}
    data["russian_or_literature_only"] = "on" if data["russian_or_literature_only"] else ""
    return data | {"reason": "приказ № 12 от 01.12.2026"} | changes


def test_deputy_changes_an_edit_window(staff, deputy, client_for):
    window = EditWindow.objects.filter(entry=EditWindow.Entry.ATTENDANCE).first() or EditWindow.objects.create(
        name="Посещаемость",
        entry=EditWindow.Entry.ATTENDANCE,
        create_anchor=EditWindow.Anchor.LESSON_DATE,
        create_days=2,
        change_anchor=EditWindow.Anchor.LESSON_DATE,
        change_days=2,
    )
    response = client_for(deputy).post(_url(EditWindow, "change", window.pk), _window_form(window, change_days=3))
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.change_days == 3


def test_deputy_only_reads_reference_data(staff, deputy, client_for, school):
    client = client_for(deputy)
    assert client.get(_url(School, "change", school.pk)).status_code == 200
    data = model_to_dict(school) | {"short_name": "Другая школа"}
    assert client.post(_url(School, "change", school.pk), data).status_code == 403
    assert client.post(_url(EditWindow, "add"), {}).status_code == 403
    school.refresh_from_db()
    assert school.short_name == "МАОУ СОШ № 84"


def test_sysadmin_cannot_change_edit_windows(staff, sysadmin, client_for):
    window = EditWindow.objects.first() or EditWindow.objects.create(
        name="Текущая отметка",
        entry=EditWindow.Entry.MARK,
        create_anchor=EditWindow.Anchor.LESSON_DATE,
        create_days=10,
        change_anchor=EditWindow.Anchor.LESSON_DATE,
        change_days=2,
    )
    response = client_for(sysadmin).post(_url(EditWindow, "change", window.pk), _window_form(window, change_days=30))
    assert response.status_code == 403
    window.refresh_from_db()
    assert window.change_days != 30


# Accounts ----------------------------------------------------------------------------------------------------------


def test_sysadmin_adds_and_changes_a_user(staff, sysadmin, client_for):
    client = client_for(sysadmin)
    response = client.post(
        _url(User, "add"),
        {
            "username": "ivanova.mp",
            "surname": "Иванова",
            "name": "Мария",
            "patronymic": "Петровна",
            "email": "ivanova@school84.test",
            "usable_password": "true",
            "password1": "Krasnodar-84-school",
            "password2": "Krasnodar-84-school",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="ivanova.mp")
    assert (user.surname, user.name, user.patronymic) == ("Иванова", "Мария", "Петровна")
    assert user.check_password("Krasnodar-84-school")

    parent_group = Group.objects.get(name=Role.PARENT.value)
    response = client.post(
        _url(User, "change", user.pk),
        {
            "username": "ivanova.mp",
            "surname": "Иванова",
            "name": "Мария",
            "patronymic": "Павловна",
            "email": "ivanova@school84.test",
            "phone": "+7 900 000-00-00",
            "is_active": "on",
            "must_change_password": "on",
            "groups": [parent_group.pk],
            "is_staff": "",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.patronymic == "Павловна"
    assert user.must_change_password
    assert list(user.groups.all()) == [parent_group]
    assert not user.is_superuser  # only a superuser makes superusers

    found = client.get(_url(User, "changelist"), {"q": "Павловна"}).content.decode()
    assert "ivanova.mp" in found
    assert "ivanova.mp" in client.get(_url(User, "changelist"), {"q": "ivanova"}).content.decode()


def test_sysadmin_cannot_change_a_superuser(staff, sysadmin, superuser, client_for):
    client = client_for(sysadmin)
    assert client.get(_url(User, "change", superuser.pk)).status_code == 200  # viewing only
    response = client.post(
        # UserAdmin names this URL after auth.User, whatever the user model.
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": "Take-0ver-now", "password2": "Take-0ver-now"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(f.PASSWORD)


def test_object_permissions_are_read_only(staff, sysadmin, parent, student, client_for):
    client = client_for(sysadmin)
    grant = StudentUserObjectPermission.objects.get(user=parent, content_object=student)
    assert client.post(_url(StudentUserObjectPermission, "delete", grant.pk), {"post": "yes"}).status_code == 403
    assert client.post(_url(StudentUserObjectPermission, "add"), {}).status_code == 403
    assert StudentUserObjectPermission.objects.filter(pk=grant.pk).exists()


def test_credential_receipt_recorded_in_the_admin(staff, sysadmin, parent, client_for):
    response = client_for(sysadmin).post(
        _url(CredentialReceipt, "add"),
        {"user": parent.pk, "number": "УЗ-0084", "date": "02.09.2026", "recorded_by": sysadmin.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert parent.credential_receipt.number == "УЗ-0084"
    assert parent.credential_receipt.date == datetime.date(2026, 9, 2)


def test_work_type_weight_is_validated(staff, sysadmin, client_for):
    response = client_for(sysadmin).post(
        _url(WorkType, "add"),
        {"name": "Зачёт", "code": "З", "weight": "0", "category": "current", "color": "#000000"},
    )
    assert response.status_code == 200  # the form is shown again with the error
    assert not WorkType.objects.filter(name="Зачёт").exists()
    assert Decimal("0") not in set(WorkType.objects.values_list("weight", flat=True))
