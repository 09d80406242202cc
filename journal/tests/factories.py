"""factory_boy factories for every model of ``journal``, with Russian defaults.

The defaults describe one school (МАОУ СОШ № 84) in the 2026/2027 academic year, second quarter.
Journal rows (marks, attendance, period marks) are written here directly, around the services: only
tests may do that, to set up a state; the services themselves are tested through their own calls.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from guardian.shortcuts import assign_perm

from journal.models import (
    AcademicYear,
    Attendance,
    Bell,
    CredentialIssue,
    CredentialReceipt,
    Guardianship,
    HistoryEntry,
    Holiday,
    Lesson,
    LessonAdjustment,
    Mark,
    PeriodMark,
    PlannedTopic,
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
    WorkdayTransfer,
    WorkType,
)
from journal.services import Origin, journal_write
from journal.services.baseline import record_lesson, record_rule
from journal.services.roles import rights_record, roles_grant
from journal.states import guardianship_state

PASSWORD = "pass"

# (surname, name, patronymic, gender): sequences index this list, so the three parts always agree.
PEOPLE = [
    ("Иванова", "Анна", "Петровна", "f"),
    ("Петров", "Сергей", "Иванович", "m"),
    ("Смирнова", "Ольга", "Викторовна", "f"),
    ("Кузнецов", "Дмитрий", "Андреевич", "m"),
    ("Попова", "Елена", "Сергеевна", "f"),
    ("Соколов", "Алексей", "Николаевич", "m"),
    ("Лебедева", "Мария", "Александровна", "f"),
    ("Козлов", "Артём", "Дмитриевич", "m"),
    ("Новикова", "Дарья", "Олеговна", "f"),
    ("Морозов", "Иван", "Михайлович", "m"),
    ("Волкова", "Ксения", "Игоревна", "f"),
    ("Фёдоров", "Максим", "Юрьевич", "m"),
]

SUBJECTS = ["Математика", "Русский язык", "Литература", "История", "Биология", "География", "Английский язык"]
RUSSIAN_OR_LITERATURE = {"Русский язык", "Литература"}

LETTERS = "АБВГДЕЖЗ"

# Расписание звонков: lesson number → (start, end).
BELLS = {
    1: (datetime.time(8, 0), datetime.time(8, 40)),
    2: (datetime.time(8, 50), datetime.time(9, 30)),
    3: (datetime.time(9, 50), datetime.time(10, 30)),
    4: (datetime.time(10, 50), datetime.time(11, 30)),
    5: (datetime.time(11, 40), datetime.time(12, 20)),
    6: (datetime.time(12, 30), datetime.time(13, 10)),
    7: (datetime.time(13, 20), datetime.time(14, 0)),
    8: (datetime.time(14, 10), datetime.time(14, 50)),
}

YEAR_START = datetime.date(2026, 9, 1)
YEAR_END = datetime.date(2027, 5, 31)
#: A day inside the second quarter, before «today» (2026-11-28): a Thursday.
LESSON_DATE = datetime.date(2026, 11, 26)

#: Rows made by the tests' factories are the system's writes (history entries without a person).
SYSTEM = Origin(by=None, source=HistoryEntry.Source.SEED)


class RecordedFactory(factory.django.DjangoModelFactory):
    """A row the history records (a rule or a lesson): made here, it gets its baseline entry at once, as the
    services and ``migrate`` give one to every such row (``verify_journal`` compares them)."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            if isinstance(instance, Lesson):
                record_lesson(origin=SYSTEM, lesson=instance)
            else:
                record_rule(origin=SYSTEM, obj=instance)


def journal_entries():
    """The history without the entries the system wrote by itself: the factories' (a test's users, roles, rules,
    lessons) and the baseline of the reference rows."""
    return HistoryEntry.objects.exclude(source__in=[HistoryEntry.Source.SEED, HistoryEntry.Source.BASELINE])


def _person(n: int, part: int):
    return PEOPLE[n % len(PEOPLE)][part]


class SchoolFactory(factory.django.DjangoModelFactory):
    """One school by default (get-or-create by short name); pass another ``short_name`` for a second one."""

    class Meta:
        model = School
        django_get_or_create = ("short_name",)

    name = "Муниципальное автономное общеобразовательное учреждение средняя общеобразовательная школа № 84"
    short_name = "МАОУ СОШ № 84"
    address = "350000, г. Краснодар, ул. Школьная, д. 84"
    phone = "+7 (861) 200-00-84"
    email = "school84@edu.krd.test"
    website = "https://school84.krd.test"
    director_name = "Морозова Татьяна Ивановна"
    inn = "2311000084"


class AcademicYearFactory(RecordedFactory):
    class Meta:
        model = AcademicYear
        django_get_or_create = ("start",)

    start = YEAR_START
    end = YEAR_END
    marks_deadline = YEAR_END


class StudyPeriodFactory(RecordedFactory):
    """The second quarter of 2026/2027 by default; traits give the other periods used in tests."""

    class Meta:
        model = StudyPeriod
        django_get_or_create = ("year", "kind", "number")

    class Params:
        first_quarter = factory.Trait(
            number=1,
            start=datetime.date(2026, 9, 1),
            end=datetime.date(2026, 10, 25),
            marks_deadline=datetime.date(2026, 10, 27),
        )
        first_half = factory.Trait(
            kind=StudyPeriod.Kind.HALF,
            number=1,
            start=datetime.date(2026, 9, 1),
            end=datetime.date(2026, 12, 28),
            marks_deadline=datetime.date(2026, 12, 30),
        )
        whole_year = factory.Trait(
            kind=StudyPeriod.Kind.YEAR,
            number=1,
            start=YEAR_START,
            end=YEAR_END,
            marks_deadline=YEAR_END,
        )

    year = factory.SubFactory(AcademicYearFactory)
    kind = StudyPeriod.Kind.QUARTER
    number = 2
    start = datetime.date(2026, 11, 5)
    end = datetime.date(2026, 12, 28)
    marks_deadline = datetime.date(2026, 12, 30)


class HolidayFactory(RecordedFactory):
    class Meta:
        model = Holiday

    year = factory.SubFactory(AcademicYearFactory)
    name = "Осенние каникулы"
    start = datetime.date(2026, 10, 26)
    end = datetime.date(2026, 11, 4)


class SubjectFactory(factory.django.DjangoModelFactory):
    """Cycles through the usual subjects (get-or-create by name)."""

    class Meta:
        model = Subject
        django_get_or_create = ("name",)

    name = factory.Iterator(SUBJECTS)
    short_name = factory.LazyAttribute(lambda o: o.name[:6])
    is_russian_or_literature = factory.LazyAttribute(lambda o: o.name in RUSSIAN_OR_LITERATURE)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with password ``pass``; ``roles=[Role.TEACHER, …]`` puts them in the role groups."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    surname = factory.Sequence(lambda n: _person(n, 0))
    name = factory.Sequence(lambda n: _person(n, 1))
    patronymic = factory.Sequence(lambda n: _person(n, 2))
    email = factory.LazyAttribute(lambda o: f"{o.username}@school84.test")
    password = factory.django.Password(PASSWORD)
    is_active = True

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if not create:
            return
        # Through the roles service, as every grant is (its history entry; verify_journal compares it).
        if extracted:
            roles_grant(origin=SYSTEM, user=obj, roles=extracted)
        elif obj.is_staff or obj.is_superuser:
            rights_record(origin=SYSTEM, user=obj)
        obj.__dict__.pop("role_names", None)  # the cached_property read the groups before


class TeacherFactory(factory.django.DjangoModelFactory):
    """A teacher's card (and their user, in the «Учитель» group)."""

    class Meta:
        model = Teacher

    user = factory.SubFactory(UserFactory, roles=[Role.TEACHER])
    school = factory.SubFactory(SchoolFactory)
    position = "учитель"
    education = "высшее, Кубанский государственный университет"
    category = Teacher.Category.FIRST
    experience_years = 12


class SchoolClassFactory(factory.django.DjangoModelFactory):
    """5А, 5Б, … 5З, then 6А …: grade and letter advance together so defaults never collide."""

    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    year = factory.SubFactory(AcademicYearFactory)
    grade = factory.Sequence(lambda n: 5 + (n // len(LETTERS)) % 7)
    letter = factory.Sequence(lambda n: LETTERS[n % len(LETTERS)])
    class_teacher = None


class StudentFactory(factory.django.DjangoModelFactory):
    """A student's card (and their user, in the «Обучающийся» group) with their own diary open to them.

    ``diary_access=False`` leaves out the student's ``journal.view_diary`` on their own card.
    """

    class Meta:
        model = Student
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=[Role.STUDENT])
    school_class = factory.SubFactory(SchoolClassFactory)
    birth_date = datetime.date(2015, 3, 14)
    gender = factory.LazyAttribute(lambda o: "f" if o.user.patronymic.endswith("на") else "m")
    record_number = factory.Sequence(lambda n: f"ЛД-{n:04d}")
    address = "г. Краснодар, ул. Красная, д. 1"
    is_active = True

    @factory.post_generation
    def diary_access(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            assign_perm("journal.view_diary", obj.user, obj)


class StudentGroupFactory(factory.django.DjangoModelFactory):
    """A subgroup of a class; ``students=[…]`` fills it."""

    class Meta:
        model = StudentGroup
        skip_postgeneration_save = True

    school_class = factory.SubFactory(SchoolClassFactory)
    name = factory.Sequence(lambda n: f"Группа {n + 1}")

    @factory.post_generation
    def students(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.students.add(*extracted)


class TeachingAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingAssignment

    teacher = factory.SubFactory(UserFactory, roles=[Role.TEACHER])
    school_class = factory.SubFactory(SchoolClassFactory)
    group = None
    subject = factory.SubFactory(SubjectFactory)
    hours_per_week = Decimal("4.0")


class BellFactory(factory.django.DjangoModelFactory):
    """Lessons 1–8 of the school's bell schedule (get-or-create by school and number)."""

    class Meta:
        model = Bell
        django_get_or_create = ("school", "number")

    school = factory.SubFactory(SchoolFactory)
    number = factory.Sequence(lambda n: n % len(BELLS) + 1)
    starts = factory.LazyAttribute(lambda o: BELLS.get(o.number, BELLS[1])[0])
    ends = factory.LazyAttribute(lambda o: BELLS.get(o.number, BELLS[1])[1])


class TimetableSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimetableSlot

    period = factory.SubFactory(StudyPeriodFactory)
    assignment = factory.SubFactory(TeachingAssignmentFactory)
    weekday = TimetableSlot.Weekday.MONDAY
    number = factory.Sequence(lambda n: n % 8 + 1)
    room = "21"


class WorkTypeFactory(RecordedFactory):
    """The standard work types exist from the data migration; this gets them by name (or makes one)."""

    class Meta:
        model = WorkType
        django_get_or_create = ("name",)

    name = "Ответ на уроке"
    code = factory.LazyAttribute(lambda o: o.name[:1].upper())
    weight = Decimal("1.0")
    category = WorkType.Category.CURRENT
    color = "#0d6efd"
    is_default = False


class PlannedTopicFactory(factory.django.DjangoModelFactory):
    """A topic of the КТП."""

    class Meta:
        model = PlannedTopic

    assignment = factory.SubFactory(TeachingAssignmentFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Натуральные числа и действия с ними, часть {n + 1}")
    hours = 1
    planned_date = None
    assessed_work_type = None


class LessonFactory(RecordedFactory):
    """A held lesson on 26.11.2026 (inside the class's year, as the database trigger demands)."""

    class Meta:
        model = Lesson

    assignment = factory.SubFactory(TeachingAssignmentFactory)
    date = LESSON_DATE
    number = factory.Sequence(lambda n: n % 10 + 1)
    topic = "Сложение и вычитание натуральных чисел"
    homework = "§ 5, № 112, 115"
    is_held = True
    room = "21"


class _JournalEntryFactory(factory.django.DjangoModelFactory):
    """Common fields of marks and attendance: a student of the lesson's class, entered by its teacher."""

    class Meta:
        abstract = True

    lesson = factory.SubFactory(LessonFactory)
    student = factory.SubFactory(StudentFactory, school_class=factory.SelfAttribute("..lesson.assignment.school_class"))
    entered_by = factory.LazyAttribute(lambda o: o.lesson.assignment.teacher)
    entered_at = factory.LazyFunction(timezone.now)
    changed_by = factory.SelfAttribute("entered_by")
    changed_at = factory.SelfAttribute("entered_at")
    version = 1


class MarkFactory(_JournalEntryFactory):
    class Meta:
        model = Mark

    value = 5
    passed = None
    work_type = factory.SubFactory(WorkTypeFactory)
    weight = factory.LazyAttribute(lambda o: o.work_type.weight)
    comment = "ответ у доски"


class AttendanceFactory(_JournalEntryFactory):
    class Meta:
        model = Attendance

    code = Attendance.Code.ABSENT


class PeriodMarkFactory(factory.django.DjangoModelFactory):
    """A quarter mark for a student, by default in math, second quarter of the student's year."""

    class Meta:
        model = PeriodMark

    student = factory.SubFactory(StudentFactory)
    subject = factory.SubFactory(SubjectFactory, name="Математика")
    period = factory.SubFactory(StudyPeriodFactory, year=factory.SelfAttribute("..student.school_class.year"))
    value = PeriodMark.Value.FIVE
    entered_by = factory.SubFactory(UserFactory, roles=[Role.TEACHER])
    entered_at = factory.LazyFunction(timezone.now)
    changed_by = factory.SelfAttribute("entered_by")
    changed_at = factory.SelfAttribute("entered_at")
    version = 1


class GuardianshipFactory(factory.django.DjangoModelFactory):
    """An active guardianship; while active, the parent holds ``journal.view_diary`` on the student.

    ``diary_access=False`` leaves the object permission out (to build an inconsistent state on purpose).
    """

    class Meta:
        model = Guardianship
        skip_postgeneration_save = True

    parent = factory.SubFactory(UserFactory, roles=[Role.PARENT])
    student = factory.SubFactory(StudentFactory)
    kind = Guardianship.Kind.MOTHER
    status = Guardianship.Status.ACTIVE
    application_number = factory.Sequence(lambda n: f"З-{n + 1}")
    application_date = datetime.date(2026, 8, 28)
    decided_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (Guardianship.Status.ACTIVE, Guardianship.Status.ENDED) else None
    )
    ended_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == Guardianship.Status.ENDED else None)
    end_reason = ""

    @factory.post_generation
    def diary_access(obj, create, extracted, **kwargs):
        if not create:
            return
        grant = obj.status == Guardianship.Status.ACTIVE if extracted is None else extracted
        with journal_write(SYSTEM) as write:
            write.log(
                HistoryEntry.Kind.GUARDIANSHIP, HistoryEntry.Action.CREATE, obj, old=None, new=guardianship_state(obj)
            )
            if grant:
                assign_perm("journal.view_diary", obj.parent, obj.student)


class CredentialReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CredentialReceipt

    user = factory.SubFactory(UserFactory, roles=[Role.PARENT])
    number = factory.Sequence(lambda n: f"УЗ-{n + 1:04d}")
    date = datetime.date(2026, 9, 1)
    recorded_by = None


class CredentialIssueFactory(factory.django.DjangoModelFactory):
    """A one-time password handed out (the password itself is never stored)."""

    class Meta:
        model = CredentialIssue

    user = factory.SubFactory(UserFactory, roles=[Role.PARENT])
    issued_by = factory.SubFactory(UserFactory, roles=[Role.SYSADMIN])
    issued_at = factory.LazyFunction(timezone.now)


class WorkdayTransferFactory(RecordedFactory):
    """Перенос рабочего дня: Saturday 12.12.2026 works as a Monday."""

    class Meta:
        model = WorkdayTransfer

    year = factory.SubFactory(AcademicYearFactory)
    date = datetime.date(2026, 12, 12)
    works_as_weekday = TimetableSlot.Weekday.MONDAY
    reason = "приказ № 84 от 01.12.2026"


class LessonAdjustmentFactory(factory.django.DjangoModelFactory):
    """A lesson moved by hand from its timetable place (``kind="added"`` for a lesson added by hand)."""

    class Meta:
        model = LessonAdjustment

    lesson = factory.SubFactory(LessonFactory)
    kind = LessonAdjustment.Kind.MOVED
    original_date = factory.LazyAttribute(
        lambda o: o.lesson.date - datetime.timedelta(days=1) if o.kind == LessonAdjustment.Kind.MOVED else None
    )
    original_number = factory.LazyAttribute(
        lambda o: o.lesson.number if o.kind == LessonAdjustment.Kind.MOVED else None
    )
    by = factory.LazyAttribute(lambda o: o.lesson.assignment.teacher)
    at = factory.LazyFunction(timezone.now)
