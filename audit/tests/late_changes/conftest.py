"""Fixtures of the late-change tests: «today» is 28.11.2026; the math lesson of 16.11.2026 is long locked."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse

from audit.late_changes import services
from journal import caches, dbtriggers, reference
from journal.models import EditWindow, HistoryHead, Role, WorkType
from journal.tests import factories as f

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=MSK)
#: A lesson whose marks and attendance can no longer be entered or changed (2 and 10 days have passed).
LOCKED_DAY = datetime.date(2026, 11, 16)
CHANGE_TABLE = ["audit_changetablerow"]

DOCUMENT = services.DocumentInput(
    kind="Медицинская справка", number="0457", date=datetime.date(2026, 11, 20), issuer="ГБУЗ «Детская поликлиника № 3»"
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def transactional_db(transactional_db):
    """Also keep the change table's trigger out of the flush (until it is in ``dbtriggers.APPEND_ONLY_TABLES``)."""
    dbtriggers.install_append_only(connection, CHANGE_TABLE)
    yield transactional_db
    dbtriggers.remove_append_only(connection, CHANGE_TABLE)


@pytest.fixture
def reference_rows(db):
    """The edit windows, work types and history head (a transactional test's flush removes them)."""
    reference.seed_work_types(WorkType)
    reference.seed_windows(EditWindow)
    reference.seed_history_head(HistoryHead)
    caches.clear()


@pytest.fixture
def staff_permissions(db):
    """What ``journal.permissions`` gives the staff roles for these models (see the report)."""
    wanted = {
        Role.SYSADMIN: ["view_latechangerequest", "apply_latechangerequest", "view_changetablerow"],
        Role.DEPUTY: ["view_latechangerequest", "view_changetablerow"],
    }
    for role, codenames in wanted.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="audit", codename__in=codenames))


@pytest.fixture
def work_type(reference_rows):
    return WorkType.objects.get(name="Ответ на уроке")


@pytest.fixture
def lesson(assignment, quarter, reference_rows):
    """Math in 5А on 16.11.2026 (second quarter): every window of its marks and attendance has closed."""
    return f.LessonFactory(assignment=assignment, date=LOCKED_DAY, number=2)


@pytest.fixture
def mark(lesson, student, teacher, work_type):
    """A «5» for the answer at the board on the locked lesson."""
    return f.MarkFactory(lesson=lesson, student=student, value=5, work_type=work_type, entered_by=teacher)


def file_request(initiator, *entries: services.EntryInput, reason="student_absence", **extra):
    return services.late_change_submit(
        initiator=initiator, reason=reason, document=DOCUMENT, entries=list(entries), comment="Болела", **extra
    )


def change_mark(mark, value="4", **extra) -> services.EntryInput:
    return services.EntryInput(
        kind="mark",
        action="change",
        lesson_id=mark.lesson_id,
        student_id=mark.student_id,
        target_id=mark.pk,
        value=value,
        **extra,
    )


def apply_in_admin(client, late_request):
    """The sysadmin's list action on one request, posted as the browser posts it."""
    return client.post(
        reverse("admin:audit_latechangerequest_changelist"),
        {"action": "apply_requests", "_selected_action": [late_request.pk]},
        follow=True,
    )


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def grant(user, *roles: Role) -> None:
    """Give ``user`` more roles (the roles' own path is the superuser's business, not these tests')."""
    user.groups.add(*(Group.objects.get_or_create(name=role.value)[0] for role in roles))
    user.__dict__.pop("role_names", None)


@pytest.fixture
def sysadmin_away(sysadmin, director):
    """The director has recorded the sysadmin's leave, which covers «today» (28.11.2026)."""
    return services.sysadmin_absence_create(
        by=director,
        user=sysadmin,
        starts_on=NOW.date() - datetime.timedelta(days=2),
        ends_on=NOW.date() + datetime.timedelta(days=5),
        basis="Приказ № 45-к от 20.11.2026 (ежегодный отпуск)",
    )


@pytest.fixture
def approved(teacher, director, mark):
    """The teacher's request to change the «5» into a «4», approved by the director."""
    request = file_request(teacher, change_mark(mark))
    return services.late_change_decide(request_id=request.pk, by=director, approve=True, comment="Разрешаю")
