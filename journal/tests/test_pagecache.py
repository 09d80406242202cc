"""The grid's table is cached between changes (journal.pagecache): what a change must retire, and what not."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import pagecache, services
from journal.models import EditWindow, Lesson, Mark
from journal.tests import factories as f

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=MSK)
DAY = datetime.date(2026, 11, 16)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def grid_url(assignment, period):
    return f"{reverse('journal:grid', args=[assignment.pk])}?period={period.pk}"


def table(response) -> str:
    body = response.content.decode()
    return body[body.index('<table class="jg"') : body.index("</table>")]


def get(client, assignment, quarter):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(grid_url(assignment, quarter))
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_a_second_view_takes_the_table_from_the_cache(client_for, teacher, assignment, quarter, student):
    f.MarkFactory(lesson=f.LessonFactory(assignment=assignment, date=DAY), student=student, value=4)
    client = client_for(teacher)
    first, first_sql = get(client, assignment, quarter)
    again, again_sql = get(client, assignment, quarter)
    assert table(again) == table(first) and "4</i>" in table(again)
    assert any("journal_mark" in sql for sql in first_sql)
    assert not any("journal_mark" in sql or "journal_attendance" in sql for sql in again_sql), again_sql
    # user with roles, assignment, periods, the page versions, КТП topics left
    assert len(again_sql) <= 5, again_sql


def test_a_cell_saved_shows_on_the_next_view(client_for, teacher, assignment, quarter, student):
    lesson = f.LessonFactory(assignment=assignment, date=DAY)
    client = client_for(teacher)
    assert "5</i>" not in table(get(client, assignment, quarter)[0])
    saved = client.post(
        reverse("journal:cell", args=[assignment.pk]),
        {"lesson": lesson.pk, "student": student.pk, "text": "5 Н", "expected": ""},
    )
    assert saved.json()["ok"]
    after = table(get(client, assignment, quarter)[0])
    assert "5</i>" in after and "<b>Н</b>" in after


def test_topic_homework_and_period_marks_show_on_the_next_view(
    client_for, teacher, assignment, quarter, student, subject_math
):
    lesson = f.LessonFactory(assignment=assignment, date=DAY)
    client = client_for(teacher)
    get(client, assignment, quarter)
    origin = services.Origin(by=teacher)
    services.lesson_topic_set(origin=origin, lesson=lesson, topic="Сложение дробей")
    assert "Сложение дробей" in table(get(client, assignment, quarter)[0])
    services.lesson_homework_set(origin=origin, lesson=lesson, text="№ 512")
    assert "№ 512" in table(get(client, assignment, quarter)[0])
    with time_machine.travel(datetime.datetime(2026, 12, 26, 12, tzinfo=MSK), tick=False):
        client = client_for(teacher)  # a new session: the first one has expired by then
        get(client, assignment, quarter)
        services.period_mark_set(origin=origin, student=student, subject=subject_math, period=quarter, value="4")
        assert '<td class="pm" data-k="4">4' in table(get(client, assignment, quarter)[0])


def test_school_wide_changes_show_on_the_next_view(client_for, teacher, assignment, quarter, student):
    f.LessonFactory(assignment=assignment, date=DAY)
    client = client_for(teacher)
    get(client, assignment, quarter)
    student.user.surname = "Переименованная"
    student.user.save()
    assert "Переименованная" in table(get(client, assignment, quarter)[0])
    f.LessonFactory(assignment=assignment, date=DAY + datetime.timedelta(days=1))  # a lesson added by hand
    assert table(get(client, assignment, quarter)[0]).count("<th data-l=") == 2
    before = table(get(client, assignment, quarter)[0])
    EditWindow.objects.filter(entry=EditWindow.Entry.MARK).update(create_days=0, change_days=0)
    EditWindow.objects.first().save()  # the admin saves rows one by one: the signal retires the pages
    assert table(get(client, assignment, quarter)[0]) != before


def test_a_login_or_a_visit_retires_nothing(client_for, teacher, assignment, quarter, student):
    key = pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk)
    teacher.last_login = NOW
    teacher.save(update_fields=["last_login"])
    assert pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk) == key


def test_a_write_to_another_class_keeps_this_table(
    client_for, teacher, other_teacher, assignment, other_assignment, quarter, student, other_student
):
    other_lesson = f.LessonFactory(assignment=other_assignment, date=DAY)
    key = pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk)
    other_key = pagecache.page_key("grid", other_assignment.school_class_id, other_assignment.pk, quarter.pk)
    services.cell_save(
        origin=services.Origin(by=other_teacher),
        lesson=other_lesson,
        student_id=other_student.pk,
        text="3",
        expected="",
    )
    assert pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk) == key
    assert pagecache.page_key("grid", other_assignment.school_class_id, other_assignment.pk, quarter.pk) != other_key


def test_the_version_moves_with_the_writes_transaction(teacher, assignment, quarter, student):
    """A write that rolls back leaves the key; one that commits moves it (the versions are database rows)."""
    from django.db import transaction

    lesson = f.LessonFactory(assignment=assignment, date=DAY)
    before = pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.cell_save(
            origin=services.Origin(by=teacher), lesson=lesson, student_id=student.pk, text="5", expected=""
        )
        assert pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk) != before
        raise Abort
    assert pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk) == before
    services.cell_save(origin=services.Origin(by=teacher), lesson=lesson, student_id=student.pk, text="5", expected="")
    assert pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk) != before


def test_superseded_versions_are_pruned(teacher, assignment, quarter):
    from journal.models import PageVersion

    for _ in range(3):
        pagecache.classes_changed([assignment.school_class_id])
        pagecache.everything_changed()
    key = pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk)
    assert pagecache.prune() > 0
    assert pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk) == key
    assert PageVersion.objects.filter(scope=f"class:{assignment.school_class_id}").count() == 1


def test_the_table_is_rebuilt_the_next_day(client_for, teacher, assignment, quarter, student):
    """The edit windows close at midnight: yesterday's table must not be served today."""
    key = pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk) != key


def test_the_table_is_shared_but_the_frame_is_each_readers(
    client_for, teacher, class_teacher, assignment, quarter, student
):
    f.LessonFactory(assignment=assignment, date=DAY)
    own = client_for(teacher).get(grid_url(assignment, quarter)).content.decode()
    read_only = client_for(class_teacher).get(grid_url(assignment, quarter)).content.decode()
    assert 'data-ro="0"' in own and "Только просмотр" not in own
    assert 'data-ro="1"' in read_only and "Только просмотр" in read_only


def test_without_a_cache_that_answers_every_view_is_built(client_for, teacher, assignment, quarter, student, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    lesson = f.LessonFactory(assignment=assignment, date=DAY)
    client = client_for(teacher)
    get(client, assignment, quarter)
    f.MarkFactory(lesson=lesson, student=student, value=3)  # straight into the table: no version changes
    assert "3</i>" in table(get(client, assignment, quarter)[0])


def test_entries_expire(teacher, assignment, quarter):
    key = pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk)
    pagecache.page_set(key, "<table></table>")
    assert cache.get(key) == "<table></table>"
    assert 0 < pagecache.PAGE_TTL <= 15 * 60
    assert Lesson.objects.count() == Mark.objects.count() == 0


def test_lessons_created_in_bulk_show_on_the_next_view(client_for, teacher, deputy, assignment, quarter, student):
    client = client_for(teacher)
    assert table(get(client, assignment, quarter)[0]).count("<th data-l=") == 0
    mondays = [datetime.date(2026, 11, 9) + datetime.timedelta(weeks=n) for n in range(3)]
    lessons = [Lesson(assignment=assignment, date=day, number=1, is_held=True) for day in mondays]
    services.lessons_create_many(origin=services.Origin(by=deputy), lessons=lessons)  # bulk_create: no signals
    assert table(get(client, assignment, quarter)[0]).count("<th data-l=") == Lesson.objects.count() == 3


def test_a_bulk_write_retires_every_page(teacher, assignment, other_assignment, quarter):
    keys = [pagecache.page_key("grid", a.school_class_id, a.pk, quarter.pk) for a in (assignment, other_assignment)]
    pagecache.journal_written(lesson_ids=range(1, pagecache.BULK + 2), student_ids=[])
    after = [pagecache.page_key("grid", a.school_class_id, a.pk, quarter.pk) for a in (assignment, other_assignment)]
    assert all(new != old for new, old in zip(after, keys, strict=True))


def test_off_without_a_shared_cache(client_for, teacher, assignment, quarter, student, settings):
    """PAGE_CACHE is off without Redis: a worker's in-process cache would miss the other workers' writes."""
    settings.PAGE_CACHE = False
    lesson = f.LessonFactory(assignment=assignment, date=DAY)
    assert pagecache.page_key("grid", assignment.school_class_id, assignment.pk, quarter.pk) is None
    client = client_for(teacher)
    get(client, assignment, quarter)
    f.MarkFactory(lesson=lesson, student=student, value=2)  # straight into the table: no version changes
    assert "2</i>" in table(get(client, assignment, quarter)[0])
