"""Who may see which diary page: role × URL → status (п. 1.13: only one's own child, 404 for anyone else's)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.http import Http404
from django.urls import reverse
from guardian.shortcuts import assign_perm

from diary.access import student_for_reader
from diary.models import DiaryVisit
from diary.selectors import students_readable_by

from .conftest import HOMEWORK_BYTES


def _week(w):
    return reverse("diary:week", args=[w.student.pk]), {}


def _week_dated(w):
    return reverse("diary:week", args=[w.student.pk]), {"date": "2026-11-16"}


def _marks(w):
    return reverse("diary:marks", args=[w.student.pk]), {}


def _marks_period(w):
    return reverse("diary:marks", args=[w.student.pk]), {"period": w.periods["q1"].pk}


def _attendance(w):
    return reverse("diary:attendance", args=[w.student.pk]), {}


def _attendance_period(w):
    return reverse("diary:attendance", args=[w.student.pk]), {"period": w.periods["year"].pk}


def _timetable(w):
    return reverse("diary:timetable", args=[w.student.pk]), {}


def _timetable_period(w):
    return reverse("diary:timetable", args=[w.student.pk]), {"period": w.periods["q2"].pk}


def _homework(w):
    return reverse("diary:homework", args=[w.student.pk, w.lessons["math_wed"].pk]), {}


PAGES = [
    _week,
    _week_dated,
    _marks,
    _marks_period,
    _attendance,
    _attendance_period,
    _timetable,
    _timetable_period,
    _homework,
]

WHO = [
    ("parent", 200),
    ("student", 200),
    ("other_parent", 404),
    ("ended_parent", 404),
    ("stranger_parent", 404),
    ("other_student", 404),
    ("teacher", 403),
    ("anonymous", 302),
]


def _user(w, who):
    if who == "anonymous":
        return None
    if who in ("student", "other_student"):
        return getattr(w, who).user
    return getattr(w, who)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("page", PAGES, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize(("who", "status"), WHO, ids=[who for who, _ in WHO])
def test_who_sees_which_diary_page(diary_school, as_user, page, who, status):
    path, params = page(diary_school)
    response = as_user(_user(diary_school, who)).get(path, params)

    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("login"))
    if status == 200 and page is _homework:
        assert _body(response) == HOMEWORK_BYTES
        assert 'filename="task' in response["Content-Disposition"]
    visits = DiaryVisit.objects.filter(student=diary_school.student)
    assert visits.count() == (1 if status == 200 else 0)


@pytest.mark.parametrize(
    "guess",
    [
        "other_student_week",
        "stranger_marks",
        "missing_student",
        "other_group_lesson",
        "other_class_lesson",
        "lesson_without_file",
        "missing_lesson",
        "other_student_homework",
        "half_year_period",
        "missing_period",
        "bad_period",
    ],
)
def test_guessed_ids_answer_404(diary_school, as_user, guess):
    w = diary_school
    me, other, lessons = w.student.pk, w.other_student.pk, w.lessons
    path = {
        "other_student_week": reverse("diary:week", args=[other]),
        "stranger_marks": reverse("diary:marks", args=[w.stranger.pk]),
        "missing_student": reverse("diary:week", args=[999_999]),
        "other_group_lesson": reverse("diary:homework", args=[me, lessons["english2_mon"].pk]),
        "other_class_lesson": reverse("diary:homework", args=[me, lessons["math6_mon"].pk]),
        "lesson_without_file": reverse("diary:homework", args=[me, lessons["russian_mon"].pk]),
        "missing_lesson": reverse("diary:homework", args=[me, 999_999]),
        "other_student_homework": reverse("diary:homework", args=[other, lessons["english2_mon"].pk]),
        "half_year_period": reverse("diary:marks", args=[me]) + f"?period={w.periods['h1'].pk}",
        "missing_period": reverse("diary:attendance", args=[me]) + "?period=999999",
        "bad_period": reverse("diary:timetable", args=[me]) + "?period=abc",
    }[guess]

    assert as_user(w.parent).get(path).status_code == 404
    assert as_user(w.student.user).get(path).status_code == 404
    assert not DiaryVisit.objects.exists()


def test_the_other_parent_reads_only_their_own_child(diary_school, as_user):
    w = diary_school
    client = as_user(w.other_parent)

    assert client.get(reverse("diary:week", args=[w.other_student.pk])).status_code == 200
    other_group_file = reverse("diary:homework", args=[w.other_student.pk, w.lessons["english2_mon"].pk])
    assert _body(client.get(other_group_file)) == b"other group"
    assert client.get(reverse("diary:homework", args=[w.other_student.pk, w.lessons["math_wed"].pk])).status_code == 200
    assert client.get(reverse("diary:week", args=[w.student.pk])).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("parent", 200), ("student", 200), ("ended_parent", 200), ("teacher", 403), ("anonymous", 302)],
)
def test_school_page_is_open_to_parents_and_students(diary_school, as_user, who, status):
    response = as_user(_user(diary_school, who)).get(reverse("diary:school"))

    assert response.status_code == status
    if status == 200:
        assert "МАОУ СОШ № 84" in response.content.decode()


def test_permission_check_is_one_query(diary_school, django_assert_num_queries):
    w = diary_school
    student_for_reader(user=w.parent, student_id=w.student.pk)  # warm the content-type cache

    with django_assert_num_queries(1):
        student = student_for_reader(user=w.parent, student_id=w.student.pk)
    with django_assert_num_queries(1), pytest.raises(Http404):
        student_for_reader(user=w.parent, student_id=w.other_student.pk)

    assert student == w.student
    assert student.school_class.grade == 5  # loaded with the student, no further query
    assert [child.pk for child in student.reader_children] == [w.student.pk]


def test_group_and_global_permissions_open_no_diary(diary_school):
    """Only a user's own grant counts: a group grant (say, to all parents) would break п. 1.13."""
    w = diary_school
    parents = Group.objects.get(name="Родитель")
    assign_perm("journal.view_diary", parents, w.stranger)
    w.other_parent.user_permissions.add(Permission.objects.get(codename="view_diary"))
    w.admin.is_superuser = True
    w.admin.save()

    assert list(students_readable_by(user=w.parent)) == [w.student]
    assert list(students_readable_by(user=w.other_parent)) == [w.other_student]
    assert list(students_readable_by(user=w.admin)) == []
