"""A small school for the diary tests, built with plain ORM calls (and the guardianship services that open diaries).

``diary_school`` is one class (5А) in the 2026/27 year with bells, three subjects (English taught in two
groups), a week of lessons around «today» (Wednesday 25.11.2026, frozen), marks, absences, period marks,
a homework file, and the cast: the student and their parent, another student (other group) and their
parent, a parent whose guardianship ended, a teacher, and a pupil of another class with a parent.
"""

import datetime
import itertools
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from journal.models import (
    AcademicYear,
    Attendance,
    Bell,
    Guardianship,
    Lesson,
    Mark,
    PeriodMark,
    Role,
    School,
    SchoolClass,
    Student,
    StudentGroup,
    StudyPeriod,
    Subject,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
    User,
    WorkType,
)
from onboarding import guardianships

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
TODAY = datetime.date(2026, 11, 25)  # a Wednesday in the second quarter
MONDAY = datetime.date(2026, 11, 23)
HOMEWORK_BYTES = b"%PDF-1.4 homework: exercises 1-5\n"

_serial = itertools.count(1)


def make_user(surname: str, name: str, patronymic: str = "", *, role: Role | None = None) -> User:
    n = next(_serial)
    user = User.objects.create_user(
        username=f"u{n}", password="x", surname=surname, name=name, patronymic=patronymic, email=f"u{n}@school84.test"
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    return user


def make_student(school_class: SchoolClass, surname: str, name: str, *, grant: bool = True) -> Student:
    student = Student.objects.create(user=make_user(surname, name, role=Role.STUDENT), school_class=school_class)
    if grant:
        guardianships.student_access_grant(student=student)
    return student


def make_parent(
    student: Student, surname: str, name: str, patronymic: str = "", *, by: User
) -> tuple[User, Guardianship]:
    parent = make_user(surname, name, patronymic)
    guardianship = Guardianship.objects.create(parent=parent, student=student, kind=Guardianship.Kind.MOTHER)
    guardianships.guardianship_approve(guardianship=guardianship, by=by)
    return parent, guardianship


@dataclass
class DiarySchool:
    school: School
    year: AcademicYear
    periods: dict[str, StudyPeriod]
    class_5a: SchoolClass
    class_6b: SchoolClass
    teacher: User
    admin: User
    student: Student
    other_student: Student
    stranger: Student  # a pupil of 6Б
    parent: User
    other_parent: User
    ended_parent: User
    stranger_parent: User
    guardianship: Guardianship
    work_types: dict[str, WorkType]
    subjects: dict[str, Subject]
    assignments: dict[str, TeachingAssignment]
    lessons: dict[str, Lesson] = field(default_factory=dict)

    def mark(self, lesson: Lesson, value: int | None, code: str = "О", *, student=None, comment="", passed=None):
        work_type = self.work_types[code]
        now = timezone.now()
        return Mark.objects.create(
            student=student or self.student,
            lesson=lesson,
            value=value,
            passed=passed,
            work_type=work_type,
            weight=work_type.weight,
            comment=comment,
            entered_by=self.teacher,
            entered_at=now,
            changed_by=self.teacher,
            changed_at=now,
        )

    def absence(self, lesson: Lesson, code: str, *, student=None) -> Attendance:
        now = timezone.now()
        return Attendance.objects.create(
            student=student or self.student,
            lesson=lesson,
            code=code,
            entered_by=self.teacher,
            entered_at=now,
            changed_by=self.teacher,
            changed_at=now,
        )

    def period_mark(self, subject: str, period: str, value: str, *, student=None) -> PeriodMark:
        now = timezone.now()
        return PeriodMark.objects.create(
            student=student or self.student,
            subject=self.subjects[subject],
            period=self.periods[period],
            value=value,
            entered_by=self.teacher,
            entered_at=now,
            changed_by=self.teacher,
            changed_at=now,
        )

    def lesson(self, assignment: str, date: datetime.date, number: int, **fields) -> Lesson:
        return Lesson.objects.create(assignment=self.assignments[assignment], date=date, number=number, **fields)

    def add_marks(self, count: int) -> None:
        """``count`` more marks of the student on this week's and the quarter's lessons."""
        lessons = list(Lesson.objects.filter(assignment__school_class=self.class_5a, assignment__group__isnull=True))
        codes = ["О", "С", "К", "Д"]
        for n in range(count):
            self.mark(lessons[n % len(lessons)], 2 + n % 4, codes[n % len(codes)], comment=f"работа {n}")


@pytest.fixture
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, 0, tzinfo=MSK), tick=False):
        yield TODAY


@pytest.fixture
def diary_school(db, frozen_today, settings, tmp_path) -> DiarySchool:
    settings.MEDIA_ROOT = tmp_path / "media"
    school = School.objects.create(
        name="Муниципальное автономное общеобразовательное учреждение средняя общеобразовательная школа № 84",
        short_name="МАОУ СОШ № 84",
        address="г. Краснодар, ул. Школьная, 84",
        phone="+7 861 000-00-84",
        email="school84@example.ru",
        director_name="Петрова Н. В.",
    )
    year = AcademicYear.objects.create(
        start=datetime.date(2026, 9, 1), end=datetime.date(2027, 5, 31), marks_deadline=datetime.date(2027, 5, 28)
    )
    quarter_dates = [
        ((2026, 9, 1), (2026, 10, 25)),
        ((2026, 11, 5), (2026, 12, 28)),
        ((2027, 1, 12), (2027, 3, 21)),
        ((2027, 3, 31), (2027, 5, 26)),
    ]
    periods = {}
    for number, (start, end) in enumerate(quarter_dates, start=1):
        periods[f"q{number}"] = StudyPeriod.objects.create(
            year=year,
            kind=StudyPeriod.Kind.QUARTER,
            number=number,
            start=datetime.date(*start),
            end=datetime.date(*end),
            marks_deadline=datetime.date(*end),
        )
    for number, (start, end) in enumerate([((2026, 9, 1), (2026, 12, 28)), ((2027, 1, 12), (2027, 5, 26))], 1):
        periods[f"h{number}"] = StudyPeriod.objects.create(
            year=year,
            kind=StudyPeriod.Kind.HALF,
            number=number,
            start=datetime.date(*start),
            end=datetime.date(*end),
            marks_deadline=datetime.date(*end),
        )
    periods["year"] = StudyPeriod.objects.create(
        year=year,
        kind=StudyPeriod.Kind.YEAR,
        number=1,
        start=year.start,
        end=year.end,
        marks_deadline=year.marks_deadline,
    )
    for number in range(1, 8):
        starts = datetime.datetime(2026, 1, 1, 8, 0) + datetime.timedelta(minutes=50 * (number - 1))
        Bell.objects.create(
            school=school,
            number=number,
            starts=starts.time(),
            ends=(starts + datetime.timedelta(minutes=40)).time(),
        )

    admin = make_user("Админова", "Анна", "Сергеевна", role=Role.SYSADMIN)
    teacher = make_user("Иванова", "Анна", "Петровна", role=Role.TEACHER)
    teacher2 = make_user("Смирнов", "Олег", "Игоревич", role=Role.TEACHER)
    subjects = {
        "math": Subject.objects.create(name="Математика"),
        "russian": Subject.objects.create(name="Русский язык", is_russian_or_literature=True),
        "english": Subject.objects.create(name="Английский язык"),
    }
    teacher_card = Teacher.objects.create(user=teacher, school=school, position="учитель математики")
    teacher_card.subjects.add(subjects["math"], subjects["russian"])
    Teacher.objects.create(user=teacher2, school=school, position="учитель английского языка").subjects.add(
        subjects["english"]
    )

    class_5a = SchoolClass.objects.create(school=school, year=year, grade=5, letter="А", class_teacher=teacher)
    class_6b = SchoolClass.objects.create(school=school, year=year, grade=6, letter="Б")
    group1 = StudentGroup.objects.create(school_class=class_5a, name="Английский, 1 группа")
    group2 = StudentGroup.objects.create(school_class=class_5a, name="Английский, 2 группа")

    student = make_student(class_5a, "Кузнецов", "Пётр")
    other_student = make_student(class_5a, "Соколова", "Мария")
    stranger = make_student(class_6b, "Попов", "Илья")
    group1.students.add(student)
    group2.students.add(other_student)

    parent, guardianship = make_parent(student, "Кузнецова", "Елена", "Викторовна", by=admin)
    other_parent, _ = make_parent(other_student, "Соколова", "Ольга", by=admin)
    stranger_parent, _ = make_parent(stranger, "Попова", "Ирина", by=admin)
    ended_parent, ended = make_parent(student, "Кузнецов", "Андрей", "Павлович", by=admin)
    guardianships.guardianship_end(guardianship=ended, by=admin, reason="решение суда")

    assignments = {
        "math": TeachingAssignment.objects.create(teacher=teacher, school_class=class_5a, subject=subjects["math"]),
        "russian": TeachingAssignment.objects.create(
            teacher=teacher, school_class=class_5a, subject=subjects["russian"]
        ),
        "english1": TeachingAssignment.objects.create(
            teacher=teacher2, school_class=class_5a, group=group1, subject=subjects["english"]
        ),
        "english2": TeachingAssignment.objects.create(
            teacher=teacher2, school_class=class_5a, group=group2, subject=subjects["english"]
        ),
        "math6": TeachingAssignment.objects.create(teacher=teacher, school_class=class_6b, subject=subjects["math"]),
    }
    for weekday in range(1, 7):
        TimetableSlot.objects.create(period=periods["q2"], assignment=assignments["math"], weekday=weekday, number=1)
        TimetableSlot.objects.create(
            period=periods["q2"], assignment=assignments["russian"], weekday=weekday, number=2, room="21"
        )
    TimetableSlot.objects.create(period=periods["q2"], assignment=assignments["english1"], weekday=1, number=3)
    TimetableSlot.objects.create(period=periods["q2"], assignment=assignments["english2"], weekday=1, number=4)

    world = DiarySchool(
        school=school,
        year=year,
        periods=periods,
        class_5a=class_5a,
        class_6b=class_6b,
        teacher=teacher,
        admin=admin,
        student=student,
        other_student=other_student,
        stranger=stranger,
        parent=parent,
        other_parent=other_parent,
        ended_parent=ended_parent,
        stranger_parent=stranger_parent,
        guardianship=guardianship,
        work_types={wt.code: wt for wt in WorkType.objects.all()},
        subjects=subjects,
        assignments=assignments,
    )
    for offset in range(6):
        day = MONDAY + datetime.timedelta(days=offset)
        world.lesson("math", day, 1, topic=f"Дроби, урок {offset + 1}", homework=f"№ {100 + offset}")
        world.lesson("russian", day, 2, topic="Орфограммы")
    lessons = world.lessons
    lessons["math_wed"] = Lesson.objects.get(assignment=assignments["math"], date=TODAY)
    lessons["math_wed"].homework_file.save("task.pdf", ContentFile(HOMEWORK_BYTES))
    lessons["russian_mon"] = Lesson.objects.get(assignment=assignments["russian"], date=MONDAY)
    lessons["english1_mon"] = world.lesson("english1", MONDAY, 3, topic="Present Simple", homework="Ex. 5")
    lessons["english2_mon"] = world.lesson("english2", MONDAY, 4, topic="Past Simple", homework="Ex. 7")
    lessons["english2_mon"].homework_file.save("other-group.pdf", ContentFile(b"other group"))
    lessons["math6_mon"] = world.lesson("math6", MONDAY, 1, topic="Уравнения")
    lessons["math6_mon"].homework_file.save("six-b.pdf", ContentFile(b"6B"))
    lessons["math_q1"] = world.lesson("math", datetime.date(2026, 10, 1), 1, topic="Натуральные числа")

    world.mark(lessons["math_wed"], 5, "К", comment="контрольная по дробям")
    world.mark(lessons["russian_mon"], 4, "О", comment="ответ у доски")
    world.mark(lessons["english1_mon"], 3, "С")
    world.mark(lessons["math_q1"], 2, "О")
    world.mark(lessons["english2_mon"], 5, "О", student=other_student, comment="чужая отметка")
    world.absence(lessons["russian_mon"], "Б")
    world.absence(lessons["english2_mon"], "Н", student=other_student)
    world.period_mark("math", "q1", "4")
    world.period_mark("math", "year", "5")
    world.period_mark("math", "q1", "3", student=other_student)
    return world


@pytest.fixture
def as_user(client):
    """``as_user(user)``: the test client logged in as ``user`` (or anonymous for ``None``)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


def fresh_user(user: User) -> User:
    return User.objects.get(pk=user.pk)


def weighted(*pairs: tuple[int, str]) -> Decimal:
    total = sum(Decimal(v) * Decimal(w) for v, w in pairs)
    return (total / sum(Decimal(w) for _, w in pairs)).quantize(Decimal("0.01"))
