"""The diary's week and marks are cached between changes (journal.pagecache); access and visits never are."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diary.models import DiaryVisit
from journal import services

from .conftest import TODAY


def view(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    body = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())  # new on each page
    return body, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("page", ["week", "marks"])
def test_a_second_view_is_served_from_the_cache_and_still_counted(diary_school, as_user, page):
    w = diary_school
    client = as_user(w.parent)
    url = reverse(f"diary:{page}", args=[w.student.pk])
    first, first_sql = view(client, url)
    again, again_sql = view(client, url)
    assert again == first
    assert any("journal_mark" in sql for sql in first_sql)
    assert not any("journal_mark" in sql for sql in again_sql), again_sql
    assert DiaryVisit.objects.filter(user=w.parent, student=w.student, page=page).count() == 2


def test_a_cached_page_is_never_shown_to_another_parent(diary_school, as_user):
    w = diary_school
    url = reverse("diary:week", args=[w.student.pk])
    view(as_user(w.parent), url)
    assert as_user(w.stranger_parent).get(url).status_code == 404
    assert as_user(w.ended_parent).get(url).status_code == 404


def test_the_teachers_writes_show_on_the_parents_next_view(diary_school, as_user):
    w = diary_school
    lesson = w.lesson("math", TODAY, 2)
    client = as_user(w.parent)
    week_url = reverse("diary:week", args=[w.student.pk])
    marks_url = reverse("diary:marks", args=[w.student.pk])
    week_before, _ = view(client, week_url)
    marks_before, _ = view(client, marks_url)
    origin = services.Origin(by=w.teacher)

    services.lesson_topic_set(origin=origin, lesson=lesson, topic="Деление дробей")
    services.lesson_homework_set(origin=origin, lesson=lesson, text="№ 777")
    services.cell_save(origin=origin, lesson=lesson, student_id=w.student.pk, text="3 ОП", expected="")

    week_after, _ = view(client, week_url)
    marks_after, _ = view(client, marks_url)
    for text in ("Деление дробей", "№ 777", ">ОП<"):
        assert text not in week_before and text in week_after, text
    assert marks_after.count("dl-mark ") == marks_before.count("dl-mark ") + 1


def test_a_write_about_another_student_of_the_class_retires_the_class(diary_school, as_user):
    """Pages are versioned per class: the other student's mark is not on this page, but its key changes."""
    w = diary_school
    lesson = w.lesson("math", TODAY, 3)
    client = as_user(w.parent)
    url = reverse("diary:week", args=[w.student.pk])
    _, warm_sql = view(client, url)
    _, hit_sql = view(client, url)
    services.cell_save(
        origin=services.Origin(by=w.teacher), lesson=lesson, student_id=w.other_student.pk, text="5", expected=""
    )
    _, after_sql = view(client, url)
    assert len(after_sql) == len(warm_sql) > len(hit_sql)
