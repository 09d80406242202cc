"""The cast of STYLE.md as shared fixtures: a small school in the second quarter of 2026/2027.

Loaded for the whole suite through ``pytest_plugins`` in the root ``conftest.py``. Every fixture is
function-scoped and builds only what it needs; asking for ``teacher`` also builds the math assignment
in 5А, because «the teacher» of a test is that teacher.

| fixture | who |
| --- | --- |
| ``teacher`` | Иванова А. П., math in 5А (``assignment``) |
| ``other_teacher`` | Петров С. И., math in 5Б (``other_assignment``) |
| ``class_teacher`` | Смирнова О. В., class teacher of 5А, Russian in 5А (``russian_assignment``) |
| ``deputy`` | Кузнецов Д. А., заместитель директора, staff (admin rights: ``journal.permissions``) |
| ``director`` | Попова Е. С., директор |
| ``sysadmin`` | Соколов А. Н., системный администратор, staff |
| ``student`` / ``other_student`` | student cards (``.user`` logs in): Лебедева Мария (5А) / Козлов Артём (5Б), each with their own diary open |
| ``parent`` / ``other_parent`` | their mothers, with the diary permission on their own child |
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from journal import caches
from journal.models import Guardianship, Role, StudyPeriod, Teacher

from . import factories as f

MSK = ZoneInfo("Europe/Moscow")
#: The suite's «today»: a Wednesday in the second quarter (``quarter``), whatever the real date is.
TODAY = datetime.date(2026, 11, 18)
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=MSK)


@pytest.fixture
def frozen_now():
    """The clock stands at ``NOW`` for the whole test (windows and deadlines are computed from it)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ticking_now():
    """The clock starts at ``NOW`` and runs (a live server, sessions and timeouts need time to pass)."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_reference_memo():
    """Each process keeps the edit windows and work types in memory: a test's rows (rolled back after it)
    must not reach the next test, as the root ``_fresh_cache`` does for the shared cache."""
    caches.forget()
    yield


@pytest.fixture
def school(db):
    return f.SchoolFactory()


@pytest.fixture
def year(db):
    return f.AcademicYearFactory()


@pytest.fixture
def quarter1(year):
    return f.StudyPeriodFactory(year=year, first_quarter=True)


@pytest.fixture
def quarter(year):
    """The current quarter: 05.11.2026–28.12.2026, marks due by 30.12.2026."""
    return f.StudyPeriodFactory(
        year=year,
        kind=StudyPeriod.Kind.QUARTER,
        number=2,
        start=datetime.date(2026, 11, 5),
        end=datetime.date(2026, 12, 28),
        marks_deadline=datetime.date(2026, 12, 30),
    )


@pytest.fixture
def half(year):
    """The first half-year, for grades 10–11."""
    return f.StudyPeriodFactory(year=year, first_half=True)


@pytest.fixture
def subject_math(db):
    return f.SubjectFactory(name="Математика", short_name="Матем")


@pytest.fixture
def subject_russian(db):
    return f.SubjectFactory(name="Русский язык", short_name="Рус. яз", is_russian_or_literature=True)


def _user(username: str, surname: str, name: str, patronymic: str, *roles: Role, **extra):
    return f.UserFactory(username=username, surname=surname, name=name, patronymic=patronymic, roles=roles, **extra)


def _teacher_card(user, school, position: str) -> None:
    Teacher.objects.create(
        user=user, school=school, position=position, education="высшее", category=Teacher.Category.FIRST
    )


# The users behind ``teacher``/``other_teacher``/``class_teacher``: the assignments need them, and the
# public fixtures need the assignments, so the plain users live in these private fixtures.
@pytest.fixture
def _teacher_user(school):
    user = _user("teacher", "Иванова", "Анна", "Петровна", Role.TEACHER)
    _teacher_card(user, school, "учитель математики")
    return user


@pytest.fixture
def _other_teacher_user(school):
    user = _user("other_teacher", "Петров", "Сергей", "Иванович", Role.TEACHER)
    _teacher_card(user, school, "учитель математики")
    return user


@pytest.fixture
def _class_teacher_user(school):
    user = _user("class_teacher", "Смирнова", "Ольга", "Викторовна", Role.TEACHER, Role.CLASS_TEACHER)
    _teacher_card(user, school, "учитель русского языка и литературы")
    return user


@pytest.fixture
def class_5a(school, year, _class_teacher_user):
    return f.SchoolClassFactory(school=school, year=year, grade=5, letter="А", class_teacher=_class_teacher_user)


@pytest.fixture
def class_5b(school, year):
    return f.SchoolClassFactory(school=school, year=year, grade=5, letter="Б")


@pytest.fixture
def assignment(_teacher_user, class_5a, subject_math):
    """Math in 5А, taught by ``teacher``."""
    return f.TeachingAssignmentFactory(teacher=_teacher_user, school_class=class_5a, subject=subject_math)


@pytest.fixture
def other_assignment(_other_teacher_user, class_5b, subject_math):
    """Math in 5Б, taught by ``other_teacher``."""
    return f.TeachingAssignmentFactory(teacher=_other_teacher_user, school_class=class_5b, subject=subject_math)


@pytest.fixture
def russian_assignment(_class_teacher_user, class_5a, subject_russian):
    """Russian in 5А, taught by ``class_teacher``."""
    return f.TeachingAssignmentFactory(teacher=_class_teacher_user, school_class=class_5a, subject=subject_russian)


@pytest.fixture
def teacher(assignment):
    return assignment.teacher


@pytest.fixture
def other_teacher(other_assignment):
    return other_assignment.teacher


@pytest.fixture
def class_teacher(russian_assignment):
    return russian_assignment.teacher


# The administration works at ``school`` (the dashboard reads that school's results).
@pytest.fixture
def deputy(school):
    return _user("deputy", "Кузнецов", "Дмитрий", "Андреевич", Role.DEPUTY, is_staff=True)


@pytest.fixture
def director(school):
    return _user("director", "Попова", "Елена", "Сергеевна", Role.DIRECTOR)


@pytest.fixture
def sysadmin(db):
    return _user("sysadmin", "Соколов", "Алексей", "Николаевич", Role.SYSADMIN, is_staff=True)


@pytest.fixture
def student(class_5a):
    user = _user("student", "Лебедева", "Мария", "Александровна", Role.STUDENT)
    return f.StudentFactory(user=user, school_class=class_5a, gender="f", record_number="ЛД-9001")


@pytest.fixture
def other_student(class_5b):
    user = _user("other_student", "Козлов", "Артём", "Дмитриевич", Role.STUDENT)
    return f.StudentFactory(user=user, school_class=class_5b, gender="m", record_number="ЛД-9002")


@pytest.fixture
def parent(student):
    """The mother of ``student``: active guardianship and the ``journal.view_diary`` object permission."""
    user = _user("parent", "Лебедева", "Ирина", "Сергеевна", Role.PARENT)
    f.GuardianshipFactory(parent=user, student=student, kind=Guardianship.Kind.MOTHER)
    return user


@pytest.fixture
def other_parent(other_student):
    user = _user("other_parent", "Козлова", "Наталья", "Игоревна", Role.PARENT)
    f.GuardianshipFactory(parent=user, student=other_student, kind=Guardianship.Kind.MOTHER)
    return user


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client logged in as ``user``."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
