"""The admin is one more write path: marks, attendance and period marks go through the services there too.

The edit windows of п. 3.3 at their edges, through the admin: the last second inside is accepted, the first
second outside is refused with the Russian reason and changes nothing.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from journal.models import Attendance, HistoryEntry, Mark, PeriodMark, WorkType
from journal.permissions import sync_role_permissions
from journal.tests import factories as f
from journal.tests.factories import journal_entries
from journal.windows import end_of_day

MSK = ZoneInfo("Europe/Moscow")
DAY = datetime.date(2026, 11, 16)


def inside(day, days):
    return end_of_day(day + datetime.timedelta(days=days))


def outside(day, days):
    return datetime.datetime.combine(day + datetime.timedelta(days=days + 1), datetime.time.min, tzinfo=MSK)


@pytest.fixture(autouse=True)
def _school_time(frozen_now, settings):
    """The suite's «today», and sessions that outlive the tests' travels to the edges of the windows."""
    settings.SESSION_COOKIE_AGE = 60 * 24 * 60 * 60


@pytest.fixture
def admin_client(sysadmin, client_for):
    sync_role_permissions()
    return client_for(sysadmin)


@pytest.fixture
def lesson(assignment, quarter):
    return f.LessonFactory(assignment=assignment, date=DAY)


def url(model, view, *args):
    return reverse(f"admin:journal_{model._meta.model_name}_{view}", args=args)


def work_type(category):
    return WorkType.objects.filter(category=category).order_by("pk").first()


def add_mark(client, lesson, student, value, category="current"):
    return client.post(
        url(Mark, "add"),
        {
            "lesson": lesson.pk,
            "student": student.pk,
            "value": value,
            "passed": "unknown",
            "work_type": work_type(category).pk,
            "weight": "",
            "comment": "через админку",
        },
    )


@pytest.mark.parametrize(("at", "allowed"), [(inside(DAY, 10), True), (outside(DAY, 10), False)])
def test_admin_adds_a_current_mark_within_ten_days(admin_client, lesson, student, sysadmin, at, allowed):
    with time_machine.travel(at, tick=False):
        response = add_mark(admin_client, lesson, student, "5")
    if allowed:
        assert response.status_code == 302
        mark = Mark.objects.get()
        entry = HistoryEntry.objects.get(kind="mark")
        assert (entry.source, entry.user_id, entry.object_id) == ("admin", sysadmin.pk, mark.pk)
    else:
        assert response.status_code == 200
        assert "раздел 4" in response.content.decode()
        assert not Mark.objects.exists() and not journal_entries().exists()


def change_mark(client, mark, value):
    return client.post(
        url(Mark, "change", mark.pk),
        {
            "value": value,
            "passed": "unknown",
            "work_type": mark.work_type_id,
            "weight": str(mark.weight),
            "comment": "исправлено",
        },
    )


@pytest.mark.parametrize(("category", "days"), [("current", 2), ("vsoko", 10)], ids=["current-2-days", "vsoko-10-days"])
@pytest.mark.parametrize("allowed", [True, False])
def test_admin_changes_a_mark_within_its_window(admin_client, lesson, student, category, days, allowed):
    with time_machine.travel(datetime.datetime(2026, 11, 16, 15, tzinfo=MSK), tick=False):
        assert add_mark(admin_client, lesson, student, "3", category).status_code == 302
    mark = Mark.objects.get()
    with time_machine.travel(inside(DAY, days) if allowed else outside(DAY, days), tick=False):
        response = change_mark(admin_client, mark, "4")
    mark.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and mark.value == 4
        assert HistoryEntry.objects.filter(kind="mark", action="update", source="admin").count() == 1
    else:
        assert response.status_code == 200 and "раздел 4" in response.content.decode()
        assert mark.value == 3


@pytest.mark.parametrize(("grade", "days"), [(10, 10), (9, 2)], ids=["grade-10", "grade-9"])
@pytest.mark.parametrize("allowed", [True, False])
def test_admin_written_work_in_russian_by_grade(
    admin_client, school, year, quarter, half, subject_russian, grade, days, allowed
):
    school_class = f.SchoolClassFactory(school=school, year=year, grade=grade, letter="Б")
    assignment = f.TeachingAssignmentFactory(school_class=school_class, subject=subject_russian)
    student = f.StudentFactory(school_class=school_class)
    lesson = f.LessonFactory(assignment=assignment, date=DAY)
    with time_machine.travel(datetime.datetime(2026, 11, 16, 15, tzinfo=MSK), tick=False):
        assert add_mark(admin_client, lesson, student, "3", "written").status_code == 302
    mark = Mark.objects.get()
    with time_machine.travel(inside(DAY, days) if allowed else outside(DAY, days), tick=False):
        change_mark(admin_client, mark, "5")
    mark.refresh_from_db()
    assert mark.value == (5 if allowed else 3)


@pytest.mark.parametrize(("at", "allowed"), [(inside(DAY, 2), True), (outside(DAY, 2), False)])
def test_admin_attendance_within_two_days(admin_client, lesson, student, at, allowed):
    with time_machine.travel(at, tick=False):
        response = admin_client.post(url(Attendance, "add"), {"lesson": lesson.pk, "student": student.pk, "code": "Б"})
    assert Attendance.objects.exists() == allowed
    assert response.status_code == (302 if allowed else 200)


@pytest.mark.parametrize("allowed", [True, False])
def test_admin_period_mark_windows(sysadmin, client_for, student, subject_math, quarter, allowed):
    sync_role_permissions()
    at = inside(quarter.marks_deadline, 0) if allowed else outside(quarter.marks_deadline, 0)
    with time_machine.travel(at, tick=False):  # log in then: a session opened «today» would have expired
        client_for(sysadmin).post(
            url(PeriodMark, "add"),
            {"student": student.pk, "subject": subject_math.pk, "period": quarter.pk, "value": "4"},
        )
    assert PeriodMark.objects.exists() == allowed
    if allowed:
        mark = PeriodMark.objects.get()
        with time_machine.travel(outside(quarter.end, 7), tick=False):
            response = client_for(sysadmin).post(url(PeriodMark, "change", mark.pk), {"value": "5"})
        assert "раздел 4" in response.content.decode()
        mark.refresh_from_db()
        assert mark.value == "4"


def test_admin_delete_outside_the_window_is_refused(admin_client, lesson, student):
    with time_machine.travel(datetime.datetime(2026, 11, 16, 15, tzinfo=MSK), tick=False):
        add_mark(admin_client, lesson, student, "5")
    mark = Mark.objects.get()
    with time_machine.travel(outside(DAY, 2), tick=False):
        response = admin_client.post(url(Mark, "delete", mark.pk), {"post": "yes"}, follow=True)
    assert "раздел 4" in response.content.decode()
    assert Mark.objects.filter(pk=mark.pk).exists()
    with time_machine.travel(inside(DAY, 2), tick=False):
        admin_client.post(url(Mark, "delete", mark.pk), {"post": "yes"})
    assert not Mark.objects.exists()
    assert HistoryEntry.objects.filter(kind="mark", action="delete", source="admin").count() == 1


def test_admin_refuses_a_student_of_another_class(admin_client, lesson, other_student):
    with time_machine.travel(datetime.datetime(2026, 11, 16, 15, tzinfo=MSK), tick=False):
        response = add_mark(admin_client, lesson, other_student, "5")
    assert response.status_code == 200 and "не учится" in response.content.decode()
    assert not Mark.objects.exists()
