"""Who may use which planning page: a role × URL → status table, and 404 for someone else's objects."""

import pytest

from journal.models import Student, Teacher
from journal.tests import factories as f


def _user(request, who: str):
    member = request.getfixturevalue(who)
    return member.user if isinstance(member, Student) else member


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("parent", "/plan/", 403),
        ("student", "/plan/", 403),
        ("director", "/plan/", 403),
        ("teacher", "/plan/", 200),
        ("deputy", "/plan/", 200),
        ("sysadmin", "/plan/", 200),
        ("parent", "/plan/ktp/", 403),
        ("teacher", "/plan/ktp/", 200),
        ("deputy", "/plan/ktp/", 403),
        ("teacher", "/plan/timetable/", 403),
        ("class_teacher", "/plan/timetable/", 403),
        ("deputy", "/plan/timetable/", 200),
        ("sysadmin", "/plan/timetable/", 200),
        ("deputy", "/plan/bells/", 200),
        ("deputy", "/plan/calendar/", 200),
        ("deputy", "/plan/generate/", 200),
        ("deputy", "/plan/lessons/", 200),
        ("parent", "/plan/lessons/", 403),
        ("deputy", "/plan/people/import/", 403),
        ("teacher", "/plan/people/import/", 403),
        ("sysadmin", "/plan/people/import/", 200),
        ("deputy", "/plan/accounts/", 200),
        ("sysadmin", "/plan/accounts/", 200),
        ("teacher", "/plan/accounts/", 403),
        ("parent", "/plan/accounts/", 403),
        ("deputy", "/plan/school/", 200),
        ("sysadmin", "/plan/school/", 200),
        ("teacher", "/plan/school/", 403),
        ("deputy", "/plan/teachers/", 200),
        ("teacher", "/plan/teachers/", 403),
        ("deputy", "/plan/students/", 200),
        ("class_teacher", "/plan/students/", 200),
        ("teacher", "/plan/students/", 403),
        ("parent", "/plan/students/", 403),
    ],
)
def test_sections_by_role(request, client_for, quarter, who, url, status):
    assert client_for(_user(request, who)).get(url).status_code == status


def test_a_teacher_cannot_touch_another_teachers_ktp(client_for, teacher, other_assignment):
    topic = f.PlannedTopicFactory(assignment=other_assignment, position=1)
    client = client_for(teacher)
    assert client.get(f"/plan/ktp/{other_assignment.pk}/").status_code == 404
    assert client.get(f"/plan/ktp/{other_assignment.pk}/import/").status_code == 404
    assert client.get(f"/plan/ktp/{other_assignment.pk}/report/").status_code == 404
    assert client.post(f"/plan/ktp/{other_assignment.pk}/", {"title": "Чужая", "hours": 1}).status_code == 404
    assert client.get(f"/plan/ktp/topic/{topic.pk}/").status_code == 404
    assert client.post(f"/plan/ktp/topic/{topic.pk}/delete/").status_code == 404
    assert client.post(f"/plan/ktp/topic/{topic.pk}/move/", {"direction": "up"}).status_code == 404
    assert other_assignment.planned_topics.count() == 1


def test_the_class_teacher_reads_the_grid_but_not_the_ktp_of_a_colleague(client_for, class_teacher, assignment):
    assert client_for(class_teacher).get(f"/plan/ktp/{assignment.pk}/").status_code == 404


def test_a_teacher_edits_only_their_own_card(client_for, teacher, other_teacher):
    client = client_for(teacher)
    own = Teacher.objects.get(user=teacher)
    assert client.get("/plan/teachers/me/").url == f"/plan/teachers/{own.pk}/"
    response = client.post(
        f"/plan/teachers/{own.pk}/",
        {
            "position": "учитель математики",
            "education": "высшее",
            "category": "highest",
            "experience_years": "20",
            "email": "ivanova@school84.test",
            "phone": "",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.category == Teacher.Category.HIGHEST
    other = Teacher.objects.get(user=other_teacher)
    assert client.get(f"/plan/teachers/{other.pk}/").status_code == 404


def test_the_class_teacher_edits_only_their_class_cards(client_for, class_teacher, student, other_student):
    client = client_for(class_teacher)
    assert client.get(f"/plan/students/{student.pk}/").status_code == 200
    assert client.get(f"/plan/students/{other_student.pk}/").status_code == 404
    assert client.get(f"/plan/students/?cls={other_student.school_class_id}").status_code == 404
    response = client.post(
        f"/plan/students/{student.pk}/",
        {"birth_date": "2015-04-01", "gender": "f", "record_number": "ЛД-9001", "address": "ул. Школьная, 1"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.address == "ул. Школьная, 1"


def test_the_deputy_sees_what_is_missing_in_the_cards(client_for, deputy, student, school):
    student.record_number = ""
    student.save()
    page = client_for(deputy).get(f"/plan/students/?cls={student.school_class_id}").content.decode()
    assert "номер личного дела" in page
    school.phone = ""
    school.save()
    page = client_for(deputy).get("/plan/school/").content.decode()
    assert "Не заполнено" in page and "телефон" in page


@pytest.mark.parametrize(
    ("who", "whose", "reset"),
    [
        ("deputy", "student", True),
        ("deputy", "parent", True),
        ("deputy", "teacher", False),
        ("deputy", "director", False),
        ("deputy", "sysadmin", False),
        ("deputy", "deputy", False),
        ("sysadmin", "teacher", True),
        ("sysadmin", "director", True),
        ("sysadmin", "deputy", True),
        ("sysadmin", "sysadmin", False),
    ],
)
def test_who_may_issue_a_new_password_to_whom(request, client_for, who, whose, reset):
    by, user = _user(request, who), _user(request, whose)
    response = client_for(by).post(f"/plan/accounts/{user.pk}/slip/", {"back": "https://evil.example/"})
    user.refresh_from_db()
    if reset:
        assert response["Content-Type"] == "application/pdf"
        assert not user.check_password(f.PASSWORD) and user.must_change_password
    else:
        assert response.status_code == 302 and response.url == "/plan/accounts/"
        assert user.check_password(f.PASSWORD)


def test_nobody_resets_a_superusers_password_here(client_for, sysadmin):
    admin = f.UserFactory(is_superuser=True, is_staff=True)
    client_for(sysadmin).post(f"/plan/accounts/{admin.pk}/slip/")
    admin.refresh_from_db()
    assert admin.check_password(f.PASSWORD)
