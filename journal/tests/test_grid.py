"""The grid page and its write endpoints: access, query budgets, size, and behaviour over HTTP."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from journal import pagecache
from journal.models import Attendance, Lesson, Mark, PeriodMark, Student, WorkType
from journal.tests import factories as f
from journal.tests.factories import journal_entries

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=MSK)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def build_grid(assignment, teacher, students: int, lessons: int, start=datetime.date(2026, 11, 5)):
    """A class of ``students`` × ``lessons`` lessons of one subject, a mark in every cell, some absences."""
    school_class = assignment.school_class
    existing = Student.objects.filter(school_class=school_class).count()
    for _ in range(students - existing):
        f.StudentFactory(school_class=school_class)
    pupils = list(Student.objects.filter(school_class=school_class))
    rows = []
    for i in range(lessons):
        rows.append(
            Lesson(
                assignment=assignment,
                date=start + datetime.timedelta(days=i // 7),
                number=i % 7 + 1,
                topic=f"Тема урока {i}",
                homework="§ 1",
            )
        )
    created = Lesson.objects.bulk_create(rows)
    work_type = WorkType.objects.get(is_default=True)
    now = timezone.now()
    marks, absences = [], []
    for lesson in created:
        for n, pupil in enumerate(pupils):
            marks.append(
                Mark(
                    lesson=lesson,
                    student=pupil,
                    value=2 + (n + lesson.number) % 4,
                    work_type=work_type,
                    weight=work_type.weight,
                    entered_by=teacher,
                    entered_at=now,
                    changed_by=teacher,
                    changed_at=now,
                )
            )
            if n % 10 == 0:
                absences.append(
                    Attendance(
                        lesson=lesson,
                        student=pupil,
                        code="Н",
                        entered_by=teacher,
                        entered_at=now,
                        changed_by=teacher,
                        changed_at=now,
                    )
                )
    Mark.objects.bulk_create(marks)
    Attendance.objects.bulk_create(absences)
    return created


def grid_url(assignment, period=None):
    url = reverse("journal:grid", args=[assignment.pk])
    return f"{url}?period={period.pk}" if period else url


def test_teacher_sees_the_grid(client_for, teacher, assignment, quarter, student):
    f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 16), topic="Дроби")
    response = client_for(teacher).get(grid_url(assignment))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Лебедева Мария" in body and "Дроби" in body
    assert 'data-ro="0"' in body


def test_class_teacher_reads_but_cannot_write(client_for, class_teacher, assignment, quarter, student):
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 16))
    client = client_for(class_teacher)
    response = client.get(grid_url(assignment))
    assert response.status_code == 200 and 'data-ro="1"' in response.content.decode()
    response = client.post(
        reverse("journal:cell", args=[assignment.pk]),
        {"lesson": lesson.pk, "student": student.pk, "text": "5", "expected": ""},
    )
    assert response.status_code == 404
    assert not Mark.objects.exists()


def test_other_teacher_gets_404_everywhere(client_for, other_teacher, assignment, quarter, student):
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 16))
    client = client_for(other_teacher)
    assert client.get(grid_url(assignment)).status_code == 404
    assert client.get(reverse("journal:lesson", args=[lesson.pk])).status_code == 404
    assert (
        client.get(
            reverse("journal:cell_details", args=[assignment.pk]), {"lesson": lesson.pk, "student": student.pk}
        ).status_code
        == 404
    )
    for name in ("journal:cell", "journal:period_mark", "journal:fill_topics"):
        response = client.post(
            reverse(name, args=[assignment.pk]), {"lesson": lesson.pk, "student": student.pk, "text": "5", "value": "5"}
        )
        assert response.status_code == 404, name
    assert client.post(reverse("journal:lesson_attendance", args=[lesson.pk]), {}).status_code == 404
    assert not Mark.objects.exists() and not PeriodMark.objects.exists()


def test_lesson_of_another_assignment_through_my_grid_is_404(
    client_for, teacher, assignment, other_assignment, quarter, student
):
    foreign = f.LessonFactory(assignment=other_assignment, date=datetime.date(2026, 11, 16))
    response = client_for(teacher).post(
        reverse("journal:cell", args=[assignment.pk]),
        {"lesson": foreign.pk, "student": student.pk, "text": "5", "expected": ""},
    )
    assert response.status_code == 404


def test_cell_save_over_http(client_for, teacher, assignment, quarter, student):
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 16))
    client = client_for(teacher)
    url = reverse("journal:cell", args=[assignment.pk])
    response = client.post(url, {"lesson": lesson.pk, "student": student.pk, "text": "5 Н", "expected": ""})
    data = response.json()
    assert response.status_code == 200 and data["ok"]
    assert ">5<" in data["h"] and "<b>Н</b>" in data["h"]
    stale = client.post(url, {"lesson": lesson.pk, "student": student.pk, "text": "3", "expected": ""})
    assert stale.status_code == 409 and "другой пользователь" in stale.json()["error"]
    bad = client.post(url, {"lesson": lesson.pk, "student": student.pk, "text": "7", "expected": data["k"]})
    assert bad.status_code == 422 and "не существует" in bad.json()["error"]
    assert list(Mark.objects.values_list("value", flat=True)) == [5]


def test_locked_cell_answers_with_the_window(client_for, teacher, assignment, quarter, student):
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 5))
    response = client_for(teacher).post(
        reverse("journal:cell", args=[assignment.pk]),
        {"lesson": lesson.pk, "student": student.pk, "text": "5", "expected": ""},
    )
    data = response.json()
    assert response.status_code == 422 and data["locked"]
    assert "15.11.2026" in data["error"]


def test_grid_queries_do_not_grow_with_students_or_lessons(
    client_for, teacher, assignment, quarter, django_assert_num_queries
):
    client = client_for(teacher)
    build_grid(assignment, teacher, students=5, lessons=6)
    client.get(grid_url(assignment, quarter))  # warm the caches of the session and reference tables
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pagecache.everything_changed()  # the table is built, not taken from the page cache
    with CaptureQueriesContext(connection) as small:
        assert client.get(grid_url(assignment, quarter)).status_code == 200
    build_grid(assignment, teacher, students=10, lessons=12, start=datetime.date(2026, 11, 20))
    pagecache.everything_changed()  # bulk_create sends no signals: retire the table as a change would
    with CaptureQueriesContext(connection) as big:
        assert client.get(grid_url(assignment, quarter)).status_code == 200
    assert len(small) == len(big) <= 12, [q["sql"] for q in big.captured_queries]


def test_full_grid_30_by_60_is_small(client_for, teacher, assignment, quarter):
    build_grid(assignment, teacher, students=30, lessons=60)
    response = client_for(teacher).get(grid_url(assignment, quarter))
    body = response.content
    assert body.count(b"<td data-k=") == 30 * 60
    assert len(body) <= 150 * 1024, len(body)


def test_saving_a_cell_costs_at_most_twelve_queries(
    client_for, teacher, assignment, quarter, student, django_assert_max_num_queries
):
    """The user, the lesson, BEGIN, the history head's lock, the student with the attendance, the marks, the
    write, the history entry, the head, the classes whose cached pages the write retires and their new
    versions (journal.pagecache), COMMIT."""
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 16))
    client = client_for(teacher)
    url = reverse("journal:cell", args=[assignment.pk])
    warm = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 17))
    client.post(url, {"lesson": warm.pk, "student": student.pk, "text": "4", "expected": ""})  # warm caches
    with django_assert_max_num_queries(12):
        response = client.post(url, {"lesson": lesson.pk, "student": student.pk, "text": "5", "expected": ""})
    assert response.json()["ok"]


def test_period_mark_column(client_for, teacher, assignment, quarter, student):
    with time_machine.travel(datetime.datetime(2026, 12, 26, 12, tzinfo=MSK), tick=False):
        response = client_for(teacher).post(
            reverse("journal:period_mark", args=[assignment.pk]),
            {"student": student.pk, "period": quarter.pk, "value": "5", "expected": ""},
        )
    assert response.json() == {"ok": True, "k": "5", "h": "5"}
    assert PeriodMark.objects.get().value == "5"


def test_cell_details_form_round_trip(client_for, teacher, assignment, quarter, student):
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 16))
    client = client_for(teacher)
    url = reverse("journal:cell_details", args=[assignment.pk])
    form = client.get(url, {"lesson": lesson.pk, "student": student.pk})
    assert form.status_code == 200 and "Вид работы" in form.content.decode()
    control = WorkType.objects.get(name="Контрольная работа")
    response = client.post(
        url,
        {
            "lesson": lesson.pk,
            "student": student.pk,
            "expected": "",
            "code": "Б",
            "m-TOTAL_FORMS": "1",
            "m-INITIAL_FORMS": "0",
            "m-MIN_NUM_FORMS": "0",
            "m-MAX_NUM_FORMS": "5",
            "m-0-value": "4",
            "m-0-work_type": control.pk,
            "m-0-weight": "",
            "m-0-comment": "дроби",
        },
    )
    assert response.json()["ok"], response.content
    mark = Mark.objects.get()
    assert (mark.value, mark.work_type_id, mark.comment, str(mark.weight)) == (4, control.pk, "дроби", "2.0")
    assert Attendance.objects.get().code == "Б"


def test_lesson_page_saves_topic_homework_and_attendance(client_for, teacher, assignment, quarter, student):
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 17), topic="", homework="")
    client = client_for(teacher)
    url = reverse("journal:lesson", args=[lesson.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"topic": "Проценты", "homework": "№ 10"})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.topic, lesson.homework) == ("Проценты", "№ 10")
    client.post(reverse("journal:lesson_attendance", args=[lesson.pk]), {f"s{student.pk}": "Н"})
    assert Attendance.objects.get().code == "Н"
    client.post(reverse("journal:lesson_attendance", args=[lesson.pk]), {f"s{student.pk}": "Н", "all_present": "1"})
    assert not Attendance.objects.exists()
    assert journal_entries().filter(lesson_id=lesson.pk).count() == 4


def test_journal_index_lists_assignments_and_gaps(client_for, teacher, class_teacher, assignment, quarter):
    f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 17), topic="")
    body = client_for(teacher).get(reverse("journal:index")).content.decode()
    assert "Математика" in body and "5А" in body
    body = client_for(class_teacher).get(reverse("journal:index")).content.decode()
    assert "только просмотр" in body


def test_post_without_json_is_never_a_500(client_for, teacher, assignment, quarter):
    client = client_for(teacher)
    response = client.post(reverse("journal:cell", args=[assignment.pk]), {"lesson": "abc", "student": "x"})
    assert response.status_code == 404
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 16))
    response = client.post(reverse("journal:cell", args=[assignment.pk]), {"lesson": lesson.pk, "student": "x"})
    assert response.status_code == 422
    assert json.loads(response.content)["error"]
