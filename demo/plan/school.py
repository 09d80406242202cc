"""What a planned school is made of: plain Python objects, no database.

``plan_school`` (``demo.plan``) fills a ``SchoolPlan``; a writer turns it into rows: the demo's ORM writer
(``demo.write``) or the bench's PostgreSQL writer (``bench.data``). The plan decides who is who, who teaches
what and when, which families there are, who reads the diary, and where the gaps the compliance checks look
for are; the writers decide only how the rows are made (ids, logins, the journal's lessons and marks).

The objects compare by identity (``eq=False``), so writers may key their own dictionaries by them.
"""

import datetime
import random
from dataclasses import dataclass, field

from journal.models import Guardianship, StudyPeriod

from .calendar import Calendar

LETTERS = "АБВГ"
FULL_CLASS_COUNT = 45
SMALL_CLASS_COUNT = 4
#: Which classes a smaller school keeps first: quarters and halves, primary and senior, from the start.
_GRADE_ORDER = [5, 10, 2, 8, 11, 1, 6, 9, 3, 7, 4]
CLASS_ORDER = [(grade, letter) for letter in LETTERS for grade in _GRADE_ORDER] + [(1, "Д")]
#: The class of the demo accounts «teacher» (its class teacher) and «student».
DEMO_CLASS = (7, "А")
#: The demo accounts, one per role (see ``demo.accounts``).
DEMO_USERNAMES = ["teacher", "teacher2", "deputy", "director", "sysadmin", "parent", "student"]
#: The late teacher has entered no marks for lessons of the last this many days.
LATE_DAYS = 17
#: The careless teachers leave lessons without a topic or homework in the last this many days.
GAP_DAYS = 28

#: The intentional gaps (DESIGN.md, «Deadlines and compliance»), for the README and ``seed_demo``'s report.
GAPS = [
    "учитель, опаздывающий с отметками: за последние 2,5 недели отметок нет, хотя по КТП была работа "
    "с отметкой; часть его отметок внесена позже 10 дней после урока",
    "проведённые уроки без темы и без домашнего задания (у двух учителей, последние четыре недели)",
    "две учебные нагрузки без КТП",
    "неполные карточки: три учителя и пять учеников",
    "отметки за I четверть выставлены не всем: один класс по одному предмету и отдельные ученики",
    "родители с доступом, но без документа о получении учётной записи",
    "родители, которые ни разу не входили (нет входов и посещений дневника)",
    "родители и ученики, давно не открывавшие дневник",
    "заявления родителей на рассмотрении и один прекращённый доступ",
]

#: How a person's e-mail is made from their login (the writer knows the domains).
EMAIL_SCHOOL, EMAIL_PERSONAL = "school", "personal"


def class_plan(count: int) -> list[tuple[int, str]]:
    """The (grade, letter) of a school with ``count`` classes, in school order."""
    return sorted(CLASS_ORDER[:count])


@dataclass(frozen=True)
class Habit:
    """How a reader opens the diary: on about ``per_week`` days a week, the last time ``last`` days before today."""

    per_week: float
    last: int


@dataclass(eq=False)
class Person:
    male: bool
    surname: str
    name: str
    patronymic: str
    #: A fixed login (the demo accounts); empty: the writer makes one.
    login: str = ""
    phone: str = ""
    #: ``EMAIL_SCHOOL``, ``EMAIL_PERSONAL`` or empty (no e-mail).
    email: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.name} {self.patronymic}"


@dataclass(eq=False)
class PStaff(Person):
    """The director, the deputy, the sysadmin: accounts without lessons."""

    key: str = ""


@dataclass(eq=False)
class PTeacher(Person):
    index: int = 0
    department: str = ""
    position: str = ""
    room: str = ""
    hours: int = 0
    leads: "PClass | None" = None
    subjects: set[str] = field(default_factory=set)
    education: str = ""
    category: str = ""
    experience: int = 0


@dataclass(eq=False)
class PAssignment:
    cls: "PClass"
    subject: str
    teacher: PTeacher
    hours: int
    #: English group 1 or 2 in the grades that split it; ``None``: the whole class.
    group: int | None = None
    #: Every lesson of the year by the timetable, in order: (date, lesson number).
    dates: list[tuple[datetime.date, int]] = field(default_factory=list)
    #: The КТП: one (title, assessed work type name or ``None``) per lesson of ``dates``.
    ktp: list[tuple[str, str | None]] = field(default_factory=list)
    #: ``False``: the assignment has no КТП written (a gap); ``ktp`` still gives the lessons their topics.
    has_ktp: bool = True
    students: list["PStudent"] = field(default_factory=list)

    @property
    def room(self) -> str:
        return self.teacher.room


@dataclass(eq=False)
class Unit:
    """One weekly timetable item of a class: one assignment, or both groups of a split subject."""

    subject: str
    hours: int
    assignments: list[PAssignment]

    @property
    def teachers(self) -> list[int]:
        return [a.teacher.index for a in self.assignments]


@dataclass(eq=False)
class PClass:
    grade: int
    letter: str
    size: int
    teacher: PTeacher | None = None
    students: list["PStudent"] = field(default_factory=list)
    assignments: list[PAssignment] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    #: weekday → [(lesson number, assignments taught then)]
    schedule: dict[int, list[tuple[int, list[PAssignment]]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def key(self) -> tuple[int, str]:
        return (self.grade, self.letter)

    @property
    def kind(self) -> str:
        return StudyPeriod.kind_for_grade(self.grade)

    @property
    def split(self) -> bool:
        """Whether a subject is taught here in two groups (English in grades 5–9)."""
        return any(a.group for a in self.assignments)

    def group_students(self, number: int) -> list["PStudent"]:
        """Group 1 is the first half of the (alphabetical) class list, group 2 the rest."""
        half = (len(self.students) + 1) // 2
        return self.students[:half] if number == 1 else self.students[half:]


@dataclass(eq=False)
class PStudent(Person):
    index: int = 0
    cls: PClass | None = None
    family: "Family | None" = None
    birth_date: datetime.date | None = None
    gender: str = ""
    #: The personal file's number (номер личного дела); ``None``: missing on the card (a gap).
    record: int | None = None
    #: The mean of the student's marks, about 2.7…4.95.
    ability: float = 4.0
    exempt_pe: bool = False
    #: The day the credentials' receipt was signed; ``None``: no receipt.
    receipt: datetime.date | None = None
    habit: Habit | None = None


@dataclass(eq=False)
class PParent(Person):
    kind: str = ""
    family: "Family | None" = None
    receipt: datetime.date | None = None
    habit: Habit | None = None
    guardianships: list["PGuardianship"] = field(default_factory=list)

    @property
    def readable(self) -> list[PStudent]:
        """The children whose diary this parent may open."""
        return [g.student for g in self.guardianships if g.status == Guardianship.Status.ACTIVE]


@dataclass(eq=False)
class PGuardianship:
    parent: PParent
    student: PStudent
    status: str
    applied: datetime.date
    decided: datetime.datetime | None = None
    ended: datetime.datetime | None = None
    end_reason: str = ""


@dataclass(eq=False)
class Family:
    surname: str
    father_name: str
    address: str
    children: list[PStudent] = field(default_factory=list)
    parents: list[PParent] = field(default_factory=list)


@dataclass(eq=False)
class SchoolPlan:
    seed: int | str
    today: datetime.date
    calendar: Calendar
    classes: list[PClass] = field(default_factory=list)
    teachers: list[PTeacher] = field(default_factory=list)
    #: "director", "deputy", "sysadmin" → the person
    staff: dict[str, PStaff] = field(default_factory=dict)
    students: list[PStudent] = field(default_factory=list)
    parents: list[PParent] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    # The featured people: the demo accounts' class, parent and child.
    demo_class: PClass | None = None
    demo_parent: PParent | None = None
    demo_student: PStudent | None = None
    # The gaps.
    late_teacher: PTeacher | None = None
    gap_teachers: list[PTeacher] = field(default_factory=list)
    #: Teachers who never leave a gap (the demo accounts' teachers, the late teacher, the bench's grid).
    protected: set[int] = field(default_factory=set)
    #: Incomplete teacher cards: [no education, no category, no contacts].
    incomplete_teachers: list[PTeacher] = field(default_factory=list)
    #: (kind, number) of a quarter or half → the assignment whose period marks were all forgotten.
    missing_period_marks: dict[tuple[str, int], PAssignment] = field(default_factory=dict)

    def rng(self, stage: str) -> random.Random:
        """The random numbers of one stage: the same seed gives the same school, stage by stage."""
        return random.Random(f"{self.seed}:{stage}")

    @property
    def assignments(self) -> list[PAssignment]:
        return [a for cls in self.classes for a in cls.assignments]

    @property
    def guardianships(self) -> list[PGuardianship]:
        return [g for parent in self.parents for g in parent.guardianships]

    @property
    def no_ktp(self) -> list[PAssignment]:
        return [a for a in self.assignments if not a.has_ktp]

    @property
    def school_days(self) -> list[datetime.date]:
        """The school days of the year up to today (the demo's lessons)."""
        return self.calendar.school_days(until=self.today)

    def class_of(self, grade: int, letter: str) -> PClass | None:
        return next((c for c in self.classes if c.key == (grade, letter)), None)
