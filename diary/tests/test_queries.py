"""The diary's costs: constant queries per page, one visit row per view, no writes, small pages."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diary.models import DiaryVisit
from journal import pagecache
from journal.models import Attendance, Guardianship, Lesson, Mark
from onboarding import guardianships

from .conftest import MONDAY, make_student

# The user with their roles (journal.backends), the student (permission check and the switcher in one), the
# page versions (journal.pagecache), lessons (bell times and attendance as subqueries), marks, late-change
# notes (раздел 4), the visit insert. The session is cached.
WEEK_QUERIES = 7
# The user with roles, the student, periods, the page versions, subjects (with period and year marks), marks,
# late-change notes, the visit insert.
MARKS_QUERIES = 8
BUDGET = 8


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("page", "expected"), [("week", WEEK_QUERIES), ("marks", MARKS_QUERIES)])
def test_week_and_marks_cost_the_same_queries_whatever_the_marks(
    diary_school, as_user, django_assert_num_queries, page, expected
):
    w = diary_school
    younger = make_student(w.class_5a, "Кузнецова", "Анна")  # a second child: the switcher is on the page
    guardianships.guardianship_approve(
        guardianship=Guardianship.objects.create(parent=w.parent, student=younger), by=w.admin
    )
    client = as_user(w.parent)
    url = reverse(f"diary:{page}", args=[w.student.pk])
    client.get(url)  # warm the session and content-type caches

    pagecache.everything_changed()  # the page is built, not taken from the page cache
    with django_assert_num_queries(expected):
        small = client.get(url)
    w.add_marks(300)  # straight into the tables: nothing retires the cached page but the line below
    for lesson in Lesson.objects.filter(assignment__school_class=w.class_5a, date__gte=MONDAY)[:5]:
        if not Attendance.objects.filter(lesson=lesson, student=w.student).exists():
            w.absence(lesson, "Н")
    pagecache.everything_changed()
    with django_assert_num_queries(expected):
        big = client.get(url)

    assert expected <= BUDGET
    assert len(big.content) > len(small.content)  # the bigger data set is really on the page


@pytest.mark.parametrize("page", ["attendance", "timetable"])
def test_other_pages_stay_within_the_budget(diary_school, as_user, page):
    client = as_user(diary_school.student.user)
    url = reverse(f"diary:{page}", args=[diary_school.student.pk])
    client.get(url)
    small = _count(client, url)
    diary_school.add_marks(50)

    assert small == _count(client, url) <= BUDGET


def _urls(w):
    me = w.student.pk
    return {
        "week": reverse("diary:week", args=[me]),
        "marks": reverse("diary:marks", args=[me]),
        "attendance": reverse("diary:attendance", args=[me]),
        "timetable": reverse("diary:timetable", args=[me]),
        "homework": reverse("diary:homework", args=[me, w.lessons["math_wed"].pk]),
    }


@pytest.mark.parametrize("page", ["week", "marks", "attendance", "timetable", "homework"])
def test_each_page_view_writes_exactly_one_visit(diary_school, as_user, page):
    w = diary_school
    client = as_user(w.parent)

    client.get(_urls(w)[page])
    client.get(_urls(w)[page], {"date": "2026-11-16"})

    visits = list(DiaryVisit.objects.values_list("user_id", "student_id", "page", "at"))
    at = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC)
    assert visits == [(w.parent.pk, w.student.pk, page, at)] * 2


def test_index_and_school_pages_record_no_visit(diary_school, as_user):
    client = as_user(diary_school.parent)
    client.get(reverse("diary:index"))
    client.get(reverse("diary:school"))

    assert not DiaryVisit.objects.exists()


@pytest.mark.parametrize("page", ["index", "school", "week", "marks", "attendance", "timetable", "homework"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_nothing_under_diary_accepts_a_write(diary_school, as_user, page, method):
    w = diary_school
    urls = _urls(w) | {"index": reverse("diary:index"), "school": reverse("diary:school")}
    before = (Mark.objects.count(), Attendance.objects.count(), Lesson.objects.count())
    client = as_user(w.parent)

    response = getattr(client, method)(urls[page], {"value": 5})

    assert response.status_code == 405
    assert not DiaryVisit.objects.exists()
    assert (Mark.objects.count(), Attendance.objects.count(), Lesson.objects.count()) == before


def test_a_teacher_posting_gets_405_too(diary_school, as_user):
    response = as_user(diary_school.teacher).post(_urls(diary_school)["week"])

    assert response.status_code == 405


def test_a_full_week_page_is_small(diary_school, as_user):
    """Six days of seven lessons, each with a long topic and homework, two marks with comments and a file."""
    w = diary_school
    for offset in range(6):
        day = MONDAY + datetime.timedelta(days=offset)
        for number in range(3, 8):
            lesson = w.lesson(
                "math" if number % 2 else "russian",
                day,
                number,
                topic="Тема урока: " + "правописание безударных гласных в корне слова, " * 3,
                homework="Упражнения № 101–105 на с. 64–66, выучить правило на с. 63, " * 3,
            )
            lesson.homework_file.name = "homework/2026/11/task-with-a-rather-long-file-name.pdf"
            lesson.save()
            w.mark(lesson, 5, "С", comment="самостоятельная работа по теме «Безударные гласные»")
            w.mark(lesson, 4, "О", comment="ответ у доски")
    response = as_user(w.parent).get(reverse("diary:week", args=[w.student.pk]))
    css = sum(Path(finders.find(f"css/{name}")).stat().st_size for name in ("diary.css", "school84.css"))

    assert response.status_code == 200
    assert response.content.count(b"dl-num") >= 6 * 7
    assert len(response.content) + css <= 100 * 1024, len(response.content)
    assert settings.STATIC_URL + "css/diary.css" in response.content.decode()
