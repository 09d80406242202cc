"""The demo school of ``manage.py seed_demo``: МАОУ СОШ № 84, 2026/27, from September to «today».

The builder plans everything in memory first (classes, staff, load, a conflict-free timetable, families,
КТП), then writes it with ``bulk_create`` in one transaction. The journal (lessons, marks, attendance,
topics, homework, period marks) is written week by week, each row with its history entry, exactly as a
service would have recorded it, so ``verify_journal`` agrees with the seeded data.

Everything random comes from ``random.Random`` seeded per stage: the same seed and «today» give the same
school. Only «today» decides how far the lessons go.

Every demo account has the password ``demo84``, and they all share one hash computed once with
``make_password``: hashing ~3,300 passwords one by one (PBKDF2) would take minutes. A password changed later
gets its own salt as usual.

The gaps the compliance dashboard must find are made on purpose and listed in ``GAPS``.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test.utils import override_settings

from diary.models import DiaryVisit
from journal.history import history_record_many
from journal.models import (
    AcademicYear,
    Attendance,
    Bell,
    CredentialReceipt,
    Guardianship,
    HistoryEntry,
    Holiday,
    Lesson,
    Mark,
    PeriodMark,
    PlannedTopic,
    Role,
    School,
    SchoolClass,
    Student,
    StudentGroup,
    StudentUserObjectPermission,
    StudyPeriod,
    Subject,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
    User,
    WorkType,
)
from journal.states import (
    attendance_state,
    history_entry_for,
    homework_state,
    mark_state,
    period_mark_state,
    topic_state,
)

from . import curriculum as cur
from . import names

MSK = ZoneInfo("Europe/Moscow")
BATCH = 2000
DEMO_PASSWORD = "demo84"
DEFAULT_SEED = 84
#: E-mail templates: demo addresses live on reserved domains, so no letter can reach a real person.
SCHOOL_EMAIL = "{login}@school84.krd.example"
PERSONAL_EMAIL = "{login}@mail.example"

SCHOOL = {
    "name": (
        "Муниципальное автономное общеобразовательное учреждение муниципального образования город Краснодар "
        "средняя общеобразовательная школа № 84"
    ),
    "short_name": "МАОУ СОШ № 84",
    "address": "350059, г. Краснодар, ул. Уральская, д. 84",
    "phone": "+7 (861) 234-84-84",
    "email": "school84@krd.example",
    "website": "https://school84.krd.example",
}

D = datetime.date
YEAR_START, YEAR_END, YEAR_MARKS_DEADLINE = D(2026, 9, 1), D(2027, 5, 31), D(2027, 5, 28)
#: (number, start, end, «срок по приказу»)
QUARTERS = [
    (1, D(2026, 9, 1), D(2026, 10, 24), D(2026, 10, 26)),
    (2, D(2026, 11, 5), D(2026, 12, 28), D(2026, 12, 30)),
    (3, D(2027, 1, 12), D(2027, 3, 20), D(2027, 3, 23)),
    (4, D(2027, 3, 30), D(2027, 5, 26), D(2027, 5, 28)),
]
HALVES = [
    (1, D(2026, 9, 1), D(2026, 12, 28), D(2026, 12, 30)),
    (2, D(2027, 1, 12), D(2027, 5, 26), D(2027, 5, 28)),
]
HOLIDAYS = [
    ("Осенние каникулы", D(2026, 10, 25), D(2026, 11, 4)),
    ("Зимние каникулы", D(2026, 12, 29), D(2027, 1, 11)),
    ("День защитника Отечества", D(2027, 2, 23), D(2027, 2, 23)),
    ("Международный женский день", D(2027, 3, 8), D(2027, 3, 8)),
    ("Весенние каникулы", D(2027, 3, 21), D(2027, 3, 29)),
    ("Праздник Весны и Труда", D(2027, 5, 1), D(2027, 5, 1)),
    ("День Победы", D(2027, 5, 9), D(2027, 5, 9)),
]

LETTERS = "АБВГ"
FULL_CLASS_COUNT = 45
SMALL_CLASS_COUNT = 4
#: Which classes a smaller demo keeps first: quarters and halves, primary and senior, from the start.
_GRADE_ORDER = [5, 10, 2, 8, 11, 1, 6, 9, 3, 7, 4]
CLASS_ORDER = [(grade, letter) for letter in LETTERS for grade in _GRADE_ORDER] + [(1, "Д")]
DEMO_CLASS = (7, "А")
#: The demo accounts, one per role (see ``demo.accounts``).
DEMO_USERNAMES = ["teacher", "teacher2", "deputy", "director", "sysadmin", "parent", "student"]
#: The late teacher has entered no marks for lessons of the last this many days.
LATE_DAYS = 17

#: The intentional gaps (DESIGN.md, «Deadlines and compliance»), for the README and the report.
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


class DemoSeedError(Exception):
    """The demo cannot be built (a missing work type, an impossible timetable)."""


# --- the plan --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class PTeacher:
    index: int
    department: str
    position: str
    male: bool
    surname: str
    name: str
    patronymic: str
    room: str = ""
    hours: int = 0
    user: User | None = None
    leads: "PClass | None" = None
    subjects: set[str] = field(default_factory=set)
    username: str = ""


@dataclass(eq=False)
class PAssignment:
    cls: "PClass"
    subject: str
    teacher: PTeacher
    hours: int
    group: int | None = None
    obj: TeachingAssignment | None = None
    dates: list[tuple[datetime.date, int]] = field(default_factory=list)
    plan: list[tuple[str, str | None]] = field(default_factory=list)
    topics: list[PlannedTopic] | None = None
    students: list["PStudent"] = field(default_factory=list)
    held: int = 0

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
    obj: SchoolClass | None = None
    students: list["PStudent"] = field(default_factory=list)
    assignments: list[PAssignment] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    #: weekday → [(lesson number, assignments taught then)]
    schedule: dict[int, list[tuple[int, list[PAssignment]]]] = field(default_factory=dict)
    groups: dict[int, StudentGroup] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def kind(self) -> str:
        return StudyPeriod.kind_for_grade(self.grade)


@dataclass(eq=False)
class PStudent:
    index: int
    cls: PClass
    male: bool
    surname: str
    name: str
    patronymic: str
    birth_date: datetime.date | None
    ability: float
    family: "Family"
    username: str = ""
    record_number: str = ""
    gender: str = ""
    exempt_pe: bool = False
    user: User | None = None
    obj: Student | None = None
    receipt: bool = True
    visits: list[tuple[datetime.datetime, str]] = field(default_factory=list)
    ill_left: int = 0
    ill_code: str = ""
    email: str = ""
    phone: str = ""


@dataclass(eq=False)
class PParent:
    male: bool
    kind: str
    surname: str
    name: str
    patronymic: str
    username: str = ""
    email: str = ""
    phone: str = ""
    user: User | None = None
    family: "Family | None" = None
    never_logs_in: bool = False
    receipt: bool = True
    #: student → guardianship status
    status: dict[int, str] = field(default_factory=dict)
    visits: list[tuple[datetime.datetime, "PStudent", str]] = field(default_factory=list)


@dataclass(eq=False)
class Family:
    surname: str
    father_name: str
    address: str
    children: list[PStudent] = field(default_factory=list)
    parents: list[PParent] = field(default_factory=list)


@dataclass
class PeriodInfo:
    obj: StudyPeriod
    kind: str
    start: datetime.date
    end: datetime.date
    deadline: datetime.date


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


def _days(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def _batched(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def class_plan(count: int) -> list[tuple[int, str]]:
    """The (grade, letter) of a demo with ``count`` classes, in school order."""
    return sorted(CLASS_ORDER[:count])


class DemoSchoolBuilder:
    """Plans and writes the demo school. ``build()`` runs in one transaction."""

    def __init__(self, *, today: datetime.date, classes: int = FULL_CLASS_COUNT, seed: int = DEFAULT_SEED):
        if not 1 <= classes <= FULL_CLASS_COUNT:
            raise ValueError(f"classes must be 1…{FULL_CLASS_COUNT}")
        self.today = today
        self.class_count = classes
        self.seed = seed
        # One hash for every demo account: hashing ~3,300 passwords one by one would take minutes.
        self.password = make_password(DEMO_PASSWORD)
        self.taken_usernames = set(User.objects.values_list("username", flat=True))
        self.full_names: set[str] = set()
        self.teachers: list[PTeacher] = []
        self.classes: list[PClass] = []
        self.students: list[PStudent] = []
        self.families: list[Family] = []
        self.parents: list[PParent] = []
        self.staff: dict[str, PTeacher] = {}
        self.counts: dict[str, int] = defaultdict(int)
        #: gaps made at least once: ("topic" | "homework" | "late_entry", teacher index)
        self.gaps_left: set[tuple[str, int]] = set()

    def rng(self, stage: str) -> random.Random:
        return random.Random(f"{self.seed}:{stage}")

    # --- entry point ------------------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        self._check_room()
        self._plan_calendar()
        self._plan_classes()
        self._plan_staff()
        self._plan_teaching()
        self._plan_timetable()
        self._plan_families()
        self._plan_access()
        # With DEBUG on, Django would format and keep each of the thousands of bulk INSERTs for the debug
        # page: a seventh of the run for nothing.
        with override_settings(DEBUG=False), transaction.atomic():
            self._write_reference()
            self._write_people()
            self._write_teaching()
            self._write_journal()
            self._write_visits()
        return dict(self.counts)

    def _check_room(self) -> None:
        """Refuse, before writing anything, to build over data that is not the demo's."""
        taken = sorted(self.taken_usernames & set(DEMO_USERNAMES))
        if taken:
            raise DemoSeedError(
                f"Логины демо-пользователей уже заняты ({', '.join(taken)}): запустите seed_demo --reset."
            )
        if AcademicYear.objects.filter(start=YEAR_START).exists():
            raise DemoSeedError(
                f"Учебный год {YEAR_START.year}/{YEAR_END.year} уже есть в базе: запустите seed_demo --reset."
            )

    # --- planning ---------------------------------------------------------------------------------------

    def _plan_calendar(self) -> None:
        self.holiday_days = {day for _, start, end in HOLIDAYS for day in _days(start, end)}
        quarter_days = {day for _, start, end, _ in QUARTERS for day in _days(start, end)}
        self.year_school_days = [
            day
            for day in _days(YEAR_START, YEAR_END)
            if day.isoweekday() <= 5 and day not in self.holiday_days and day in quarter_days
        ]
        self.school_days = [day for day in self.year_school_days if day <= self.today]

    def _plan_classes(self) -> None:
        rng = self.rng("classes")
        for grade, letter in class_plan(self.class_count):
            self.classes.append(PClass(grade=grade, letter=letter, size=rng.randint(25, 29)))
        by_key = {(c.grade, c.letter): c for c in self.classes}
        self.demo_class = by_key.get(DEMO_CLASS) or next(
            (c for c in self.classes if 5 <= c.grade <= 9), self.classes[0]
        )

    def _person(self, rng: random.Random, *, male: bool, older: bool = False) -> tuple[str, str, str]:
        """A unique «surname name patronymic» of an adult."""
        while True:
            surname = rng.choice(names.SURNAMES)
            father = rng.choice(names.GRANDFATHER_NAMES)
            if male:
                name = rng.choice(names.OLDER_MEN_NAMES if older and rng.random() < 0.5 else names.FATHER_NAMES)
                full = (surname, name, names.PATRONYMICS[father][0])
            else:
                pool = names.OLDER_WOMEN_NAMES if older and rng.random() < 0.4 else names.WOMEN_NAMES
                full = (names.female_surname(surname), rng.choice(pool), names.PATRONYMICS[father][1])
            if " ".join(full) not in self.full_names:
                self.full_names.add(" ".join(full))
                return full

    def _new_teacher(self, rng: random.Random, department: str, position: str, male: bool) -> PTeacher:
        surname, name, patronymic = self._person(rng, male=male, older=True)
        teacher = PTeacher(
            index=len(self.teachers),
            department=department,
            position=position,
            male=male,
            surname=surname,
            name=name,
            patronymic=patronymic,
        )
        self.teachers.append(teacher)
        return teacher

    def _plan_staff(self) -> None:
        rng = self.rng("staff")
        for key, male in (("director", False), ("deputy", False), ("sysadmin", True)):
            surname, name, patronymic = self._person(rng, male=male, older=key != "sysadmin")
            self.staff[key] = PTeacher(-1, key, key, male, surname, name, patronymic, username=key)

    def _plan_teaching(self) -> None:
        rng = self.rng("teaching")
        primary_room = 101
        for cls in self.classes:
            if cls.grade <= 4:
                teacher = self._new_teacher(rng, "primary", cur.DEPARTMENTS["primary"][0], male=False)
                teacher.room = str(primary_room)
                primary_room += 1
                cls.teacher = teacher
                teacher.leads = cls
                for subject, hours in cur.HOURS[cls.grade].items():
                    if subject in cur.PRIMARY_TEACHER_SUBJECTS:
                        self._assign(cls, subject, teacher, hours)
        # Subject departments: the classes' subjects in bundles (one teacher per class and department),
        # split into contiguous runs of classes so that each teacher has a few parallels.
        bundles: dict[str, list[tuple[PClass, list[tuple[str, int]], int | None]]] = defaultdict(list)
        second_groups: dict[str, list[tuple[PClass, list[tuple[str, int]], int | None]]] = defaultdict(list)
        for cls in self.classes:
            per_department: dict[str, list[tuple[str, int]]] = defaultdict(list)
            for subject, hours in cur.HOURS[cls.grade].items():
                if cls.grade <= 4 and subject in cur.PRIMARY_TEACHER_SUBJECTS:
                    continue
                per_department[cur.SUBJECT_BY_KEY[subject].department].append((subject, hours))
            for department, subjects in per_department.items():
                if department == "english" and cls.grade in cur.SPLIT_ENGLISH_GRADES:
                    bundles[department].append((cls, subjects, 1))
                    second_groups[department].append((cls, subjects, 2))
                else:
                    bundles[department].append((cls, subjects, None))
        room = 201
        for department, (position, load, men) in cur.DEPARTMENTS.items():
            items = bundles.get(department, []) + second_groups.get(department, [])
            if not items:
                continue
            total = sum(h for _, subjects, _ in items for _, h in subjects)
            count = max(1, int(total / load + 0.5))
            if second_groups.get(department):
                count = max(count, 2)
            staff = [self._new_teacher(rng, department, position, rng.random() < men) for _ in range(count)]
            for teacher in staff:
                if department == "pe":
                    teacher.room = "спортзал"
                elif department == "music":
                    teacher.room = "актовый зал"
                else:
                    teacher.room = str(room)
                    room += 1 if room % 100 < 30 else 71
            share, done, current = total / count, 0, 0
            chosen: dict[tuple[int, int | None], PTeacher] = {}
            for cls, subjects, group in items:
                hours = sum(h for _, h in subjects)
                if done + hours / 2 > share * (current + 1) and current < count - 1:
                    current += 1
                teacher = staff[current]
                if group == 2 and chosen.get((id(cls), 1)) is teacher:
                    teacher = min((t for t in staff if t is not teacher), key=lambda t: (t.hours, t.index))
                chosen[(id(cls), group)] = teacher
                for subject, subject_hours in subjects:
                    self._assign(cls, subject, teacher, subject_hours, group)
                done += hours
        support = round(len(cur.SUPPORT_STAFF) * self.class_count / FULL_CLASS_COUNT)
        for position, men in cur.SUPPORT_STAFF[:support]:
            teacher = self._new_teacher(rng, "support", position, rng.random() < men)
            teacher.room = str(room)
            room += 1
        self._plan_class_teachers()
        self._plan_roles(rng)

    def _assign(self, cls: PClass, subject: str, teacher: PTeacher, hours: int, group: int | None = None) -> None:
        assignment = PAssignment(cls=cls, subject=subject, teacher=teacher, hours=hours, group=group)
        cls.assignments.append(assignment)
        teacher.hours += hours
        teacher.subjects.add(subject)
        if group == 2:
            first = next(u for u in cls.units if u.subject == subject)
            first.assignments.append(assignment)
        else:
            cls.units.append(Unit(subject=subject, hours=hours, assignments=[assignment]))

    def _plan_class_teachers(self) -> None:
        ordered = [self.demo_class] + [c for c in self.classes if c is not self.demo_class]
        for cls in ordered:
            if cls.teacher is not None:
                continue
            hours: dict[int, int] = defaultdict(int)
            for assignment in cls.assignments:
                hours[assignment.teacher.index] += assignment.hours
            candidates = [self.teachers[i] for i in hours if self.teachers[i].leads is None]
            if not candidates:
                candidates = [t for t in self.teachers if t.leads is None and t.department != "support"]
            teacher = min(candidates, key=lambda t: (-hours.get(t.index, 0), t.index))
            cls.teacher = teacher
            teacher.leads = cls

    def _plan_roles(self, rng: random.Random) -> None:
        """The demo accounts' teachers and the teachers whose gaps the dashboard must find."""
        demo = self.demo_class.teacher
        demo.username = "teacher"
        in_demo_class = sorted(
            {a.teacher for a in self.demo_class.assignments if a.teacher is not demo},
            key=lambda t: (-sum(a.hours for a in self.demo_class.assignments if a.teacher is t), t.index),
        )
        second = in_demo_class[0] if in_demo_class else next(t for t in self.teachers if t is not demo)
        second.username = "teacher2"
        protected = {demo.index, second.index}
        graded = [
            t
            for t in self.teachers
            if t.index not in protected
            and t.department in {"history", "biology", "geography", "chemistry", "physics", "math", "russian"}
        ]
        graded = graded or [t for t in self.teachers if t.index not in protected and t.department != "support"]
        self.late_teacher = rng.choice(graded) if graded else None
        if self.late_teacher:
            protected.add(self.late_teacher.index)
        others = [t for t in self.teachers if t.index not in protected and t.department != "support"]
        self.gap_teachers = rng.sample(others, min(2, len(others)))
        self.protected_teachers = protected
        lessonless = [t for t in self.teachers if t.index not in protected]
        self.incomplete_teachers = rng.sample(lessonless, min(3, len(lessonless)))
        # Two assignments without a КТП, of ordinary teachers.
        candidates = [
            a for c in self.classes for a in c.assignments if a.teacher.index not in protected and a.group is None
        ]
        preferred = [a for a in candidates if a.subject in {"kuban", "art", "music", "tech", "obzr"}]
        self.no_ktp = rng.sample(preferred or candidates, min(2, len(preferred or candidates)))

    # --- timetable --------------------------------------------------------------------------------------

    def _plan_timetable(self) -> None:
        rng = self.rng("timetable")
        busy: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for cls in sorted(self.classes, key=lambda c: (-c.grade, c.letter)):
            for _attempt in range(500):
                placed = self._try_schedule(cls, busy, rng)
                if placed is not None:
                    break
            else:
                raise DemoSeedError(f"Не удалось составить расписание для {cls.label} класса.")
            schedule: dict[int, list[tuple[int, list[PAssignment]]]] = defaultdict(list)
            for day, number, unit in sorted(placed, key=lambda p: (p[0], p[1])):
                for teacher in unit.teachers:
                    busy[teacher].add((day, number))
                schedule[day].append((number, unit.assignments))
            cls.schedule = dict(schedule)
        # Every assignment's lessons of the whole year, in order: the КТП is planned against them.
        for day in self.year_school_days:
            for cls in self.classes:
                for number, assignments in cls.schedule.get(day.isoweekday(), []):
                    for assignment in assignments:
                        assignment.dates.append((day, number))

    def _try_schedule(self, cls: PClass, busy, rng: random.Random):
        weekdays = (1, 2, 3, 4, 5)
        total = sum(unit.hours for unit in cls.units)
        base, extra = divmod(total, 5)
        quota = dict.fromkeys(weekdays, base)
        for day in rng.sample(weekdays, extra):
            quota[day] += 1
        remaining = dict(quota)
        per_day: dict[int, list[Unit]] = {day: [] for day in weekdays}

        def free(day: int, unit: Unit) -> int:
            return sum(1 for n in range(1, quota[day] + 1) if all((day, n) not in busy[t] for t in unit.teachers))

        for unit in sorted(cls.units, key=lambda u: (-u.hours, -len(u.teachers), rng.random())):
            used: set[int] = set()
            for _ in range(unit.hours):
                open_days = [d for d in weekdays if remaining[d] > 0]
                candidates = [d for d in open_days if d not in used] or open_days
                day = max(candidates, key=lambda d: (free(d, unit) > 0, remaining[d] + 2 * rng.random()))
                used.add(day)
                remaining[day] -= 1
                per_day[day].append(unit)
        placed = []
        for day in weekdays:
            matched = self._match_day(day, quota[day], per_day[day], busy, rng)
            if matched is None:
                return None
            placed.extend((day, number, unit) for number, unit in matched.items())
        return placed

    @staticmethod
    def _match_day(day: int, lessons: int, units: list[Unit], busy, rng: random.Random) -> dict[int, Unit] | None:
        """Lesson numbers 1…``lessons`` for the day's units, no teacher in two places (Kuhn's matching)."""
        owner: dict[int, int] = {}
        options = []
        for unit in units:
            numbers = [n for n in range(1, lessons + 1) if all((day, n) not in busy[t] for t in unit.teachers)]
            rng.shuffle(numbers)
            options.append(numbers)

        def place(i: int, seen: set[int]) -> bool:
            for number in options[i]:
                if number in seen:
                    continue
                seen.add(number)
                if number not in owner or place(owner[number], seen):
                    owner[number] = i
                    return True
            return False

        order = sorted(range(len(units)), key=lambda i: (len(options[i]), rng.random()))
        for i in order:
            if not place(i, set()):
                return None
        return {number: units[i] for number, i in owner.items()}

    # --- families ---------------------------------------------------------------------------------------

    def _plan_families(self) -> None:
        rng = self.rng("families")
        free = {id(cls): cls.size for cls in self.classes}
        by_grade: dict[int, list[PClass]] = defaultdict(list)
        for cls in self.classes:
            by_grade[cls.grade].append(cls)
        seats = sum(free.values())

        def take(grade: int) -> PClass | None:
            open_classes = [c for c in by_grade.get(grade, []) if free[id(c)] > 0]
            if not open_classes:
                return None
            cls = max(open_classes, key=lambda c: (free[id(c)], rng.random()))
            free[id(cls)] -= 1
            return cls

        # The demo parent's family comes first: a child in the demo class and one in another class.
        demo_family_classes = [self.demo_class]
        other = [c for c in self.classes if c.grade != self.demo_class.grade and c.grade >= 2]
        other = other or [c for c in self.classes if c is not self.demo_class]
        if other:
            second = min(other, key=lambda c: (abs(c.grade - 3), c.letter))
            demo_family_classes.append(second)
        plans: list[list[PClass]] = []
        for cls in demo_family_classes:
            free[id(cls)] -= 1
        plans.append(demo_family_classes)
        for size, share in ((3, 0.03), (2, 0.19)):
            for _ in range(round(seats * share / size)):
                grades = [g for g in by_grade if any(free[id(c)] > 0 for c in by_grade[g])]
                if len(grades) < size:
                    break
                picked = [take(g) for g in rng.sample(grades, size)]
                plans.append([c for c in picked if c is not None])
        for cls in self.classes:
            while free[id(cls)] > 0:
                free[id(cls)] -= 1
                plans.append([cls])
        tail = plans[1:]  # the demo family stays first
        rng.shuffle(tail)
        plans = plans[:1] + tail
        for number, classes in enumerate(plans):
            self._family(rng, classes, demo=number == 0)
        # Class lists in alphabetical order, as in a paper journal.
        for cls in self.classes:
            cls.students.sort(key=lambda s: (s.surname, s.name, s.patronymic))
        self.students = [s for cls in self.classes for s in cls.students]
        for index, student in enumerate(self.students):
            student.index = index

    def _family(self, rng: random.Random, classes: list[PClass], *, demo: bool) -> None:
        surname = rng.choice(names.SURNAMES)
        father_name = rng.choice(names.FATHER_NAMES)
        street = rng.choice(names.STREETS)
        address = f"г. Краснодар, {street}, д. {rng.randint(1, 250)}, кв. {rng.randint(1, 320)}"
        family = Family(surname=surname, father_name=father_name, address=address)
        for cls in classes:
            male = rng.random() < 0.5
            child_name = rng.choice(names.BOY_NAMES if male else names.GIRL_NAMES)
            if child_name in {child.name for child in family.children}:
                child_name = rng.choice(names.BOY_NAMES if male else names.GIRL_NAMES)
            born_year = 2020 - cls.grade
            if rng.random() < 0.15:
                birth = D(born_year - 1, rng.randint(9, 12), rng.randint(1, 28))
            else:
                birth = D(born_year, rng.randint(1, 12), rng.randint(1, 28))
            patronymic = names.PATRONYMICS[father_name][0 if male else 1]
            student = PStudent(
                index=0,
                cls=cls,
                male=male,
                surname=surname if male else names.female_surname(surname),
                name=child_name,
                patronymic=patronymic,
                birth_date=birth,
                ability=min(4.95, max(2.7, rng.gauss(4.0, 0.5))),
                family=family,
                gender=Student.Gender.MALE if male else Student.Gender.FEMALE,
            )
            if cls.grade >= 7 and rng.random() < 0.5:
                student.phone = self._phone(rng)
            family.children.append(student)
            cls.students.append(student)
        roll = rng.random()
        if demo or roll < 0.84:
            kinds = ["mother", "father"]
        elif roll < 0.95:
            kinds = ["mother"]
        elif roll < 0.97:
            kinds = ["father"]
        elif roll < 0.99:
            kinds = ["guardian"]
        else:
            kinds = []
        for kind in kinds:
            if kind == "father":
                parent = PParent(
                    True,
                    Guardianship.Kind.FATHER,
                    surname,
                    father_name,
                    names.PATRONYMICS[rng.choice(names.GRANDFATHER_NAMES)][0],
                )
            elif kind == "mother":
                own = surname if rng.random() < 0.9 else rng.choice(names.SURNAMES)
                parent = PParent(
                    False,
                    Guardianship.Kind.MOTHER,
                    names.female_surname(own),
                    rng.choice(names.WOMEN_NAMES),
                    names.PATRONYMICS[rng.choice(names.GRANDFATHER_NAMES)][1],
                )
            else:
                parent = PParent(
                    False,
                    Guardianship.Kind.GUARDIAN,
                    names.female_surname(rng.choice(names.SURNAMES)),
                    rng.choice(names.OLDER_WOMEN_NAMES),
                    names.PATRONYMICS[rng.choice(names.GRANDFATHER_NAMES)][1],
                )
            parent.phone = self._phone(rng)
            parent.email = PERSONAL_EMAIL if rng.random() < 0.85 else ""
            parent.family = family
            family.parents.append(parent)
            self.parents.append(parent)
        self.families.append(family)

    @staticmethod
    def _phone(rng: random.Random) -> str:
        code = rng.choice(["918", "928", "988", "989", "961", "900"])
        number = rng.randint(0, 9_999_999)
        return f"+7 ({code}) {number // 10000:03d}-{number // 100 % 100:02d}-{number % 100:02d}"

    def _plan_access(self) -> None:
        """Guardianship statuses, receipts, who logs in and when the diary was last opened."""
        rng = self.rng("access")
        demo_family = self.families[0]
        demo_parent = next(p for p in demo_family.parents if p.kind == Guardianship.Kind.MOTHER)
        demo_parent.username = "parent"
        demo_student = next(c for c in demo_family.children if c.cls is self.demo_class)
        demo_student.username = "student"
        self.demo_parent, self.demo_student = demo_parent, demo_student
        demo_people = {id(p) for p in demo_family.parents}
        for parent in self.parents:
            for child in parent.family.children:
                parent.status[child.index] = Guardianship.Status.ACTIVE
        ordinary = [p for p in self.parents if id(p) not in demo_people]
        # Pending applications (about 1 %), one ended access, parents who never log in and parents
        # without the receipt document.
        for parent in rng.sample(ordinary, max(1, len(ordinary) // 100)):
            first = next(iter(parent.status))
            parent.status[first] = Guardianship.Status.APPLIED
        fathers = [
            p
            for p in ordinary
            if p.kind == Guardianship.Kind.FATHER
            and len(p.status) == 1
            and all(s == Guardianship.Status.ACTIVE for s in p.status.values())
        ]
        if fathers:
            ended = rng.choice(fathers)
            ended.status[next(iter(ended.status))] = Guardianship.Status.ENDED
        for parent in rng.sample(ordinary, max(1, len(ordinary) * 4 // 100)):
            parent.never_logs_in = True
        with_access = [p for p in ordinary if Guardianship.Status.ACTIVE in p.status.values()]
        for parent in rng.sample(with_access, max(1, len(with_access) * 3 // 100)):
            parent.receipt = False
        for parent in self.parents:
            if Guardianship.Status.ACTIVE not in parent.status.values():
                parent.receipt = False
                parent.never_logs_in = True
        # Diary visits: parents weekly (most in the last 7 days), students every other day.
        children = {s.index: s for s in self.students}
        for parent in self.parents:
            if parent.never_logs_in:
                continue
            readable = [children[i] for i, s in parent.status.items() if s == Guardianship.Status.ACTIVE]
            recent = id(parent) in demo_people or rng.random() < 0.84
            parent.visits = [(when, rng.choice(readable), page) for when, page in self._visits(rng, recent, 7)]
        for student in self.students:
            student.receipt = student is demo_student or rng.random() < (0.95 if student.cls.grade >= 5 else 0.7)
            keen = 0.85 if student.cls.grade >= 5 else 0.35
            if student is demo_student or rng.random() < keen:
                student.visits = self._visits(rng, True, 2)
            elif rng.random() < 0.6:
                student.visits = self._visits(rng, False, 2)
        # Incomplete student cards (compliance: «карточка ученика»).
        protected = {demo_student.index} | {c.index for c in demo_family.children}
        for number, student in enumerate(rng.sample([s for s in self.students if s.index not in protected], 5)):
            if number < 2:
                student.birth_date = None
            elif number < 4:
                student.record_number = "-"
            else:
                student.gender = ""
        for student in rng.sample(self.students, max(1, len(self.students) // 100)):
            student.exempt_pe = student.cls.grade >= 2

    def _visits(self, rng: random.Random, recent: bool, window: int) -> list[tuple[datetime.datetime, str]]:
        """Diary visits over the last four weeks; ``recent`` ones include one inside the ``window`` days."""
        pages = ["week", "week", "week", "marks", "marks", "timetable", "attendance"]
        visits = []
        for _ in range(rng.randint(2, 10)):
            day = self.today - datetime.timedelta(days=rng.randint(window + 1, 28))
            visits.append((_at(day, rng.randint(7, 22), rng.randint(0, 59)), rng.choice(pages)))
        if recent:
            for _ in range(rng.randint(1, 3)):
                day = self.today - datetime.timedelta(days=rng.randint(1, window - 1 if window > 2 else 1))
                visits.append((_at(day, rng.randint(7, 22), rng.randint(0, 59)), rng.choice(pages)))
        return sorted(visits)

    # --- writing: reference data and people -------------------------------------------------------------

    def _username(self, surname: str, name: str, patronymic: str) -> str:
        base = f"{names.translit(surname)}.{names.translit(name)[:1]}{names.translit(patronymic)[:1]}"
        username, number = base, 1
        while username in self.taken_usernames:
            number += 1
            username = f"{base}{number}"
        self.taken_usernames.add(username)
        return username

    def _write_reference(self) -> None:
        director = self.staff["director"]
        self.school = School.objects.create(
            **SCHOOL, director_name=f"{director.surname} {director.name} {director.patronymic}"
        )
        self.year = AcademicYear.objects.create(start=YEAR_START, end=YEAR_END, marks_deadline=YEAR_MARKS_DEADLINE)
        periods = [
            StudyPeriod(year=self.year, kind=StudyPeriod.Kind.QUARTER, number=n, start=s, end=e, marks_deadline=d)
            for n, s, e, d in QUARTERS
        ]
        periods += [
            StudyPeriod(year=self.year, kind=StudyPeriod.Kind.HALF, number=n, start=s, end=e, marks_deadline=d)
            for n, s, e, d in HALVES
        ]
        periods.append(
            StudyPeriod(
                year=self.year,
                kind=StudyPeriod.Kind.YEAR,
                number=1,
                start=YEAR_START,
                end=YEAR_END,
                marks_deadline=YEAR_MARKS_DEADLINE,
            )
        )
        StudyPeriod.objects.bulk_create(periods)
        self.periods = [PeriodInfo(p, p.kind, p.start, p.end, p.marks_deadline) for p in periods]
        Holiday.objects.bulk_create(
            [Holiday(year=self.year, name=name, start=start, end=end) for name, start, end in HOLIDAYS]
        )
        Bell.objects.bulk_create(
            [
                Bell(
                    school=self.school,
                    number=number,
                    starts=datetime.time.fromisoformat(starts),
                    ends=datetime.time.fromisoformat(ends),
                )
                for number, (starts, ends) in enumerate(cur.BELLS, start=1)
            ]
        )
        self.bell_start = {n: datetime.time.fromisoformat(s) for n, (s, _) in enumerate(cur.BELLS, start=1)}
        existing = {s.name: s for s in Subject.objects.filter(name__in=[info.name for info in cur.SUBJECTS])}
        missing = [
            Subject(name=info.name, short_name=info.short_name, is_russian_or_literature=info.is_russian_or_literature)
            for info in cur.SUBJECTS
            if info.name not in existing
        ]
        Subject.objects.bulk_create(missing)
        existing.update({s.name: s for s in missing})
        self.subjects = {info.key: existing[info.name] for info in cur.SUBJECTS}
        work_types = {w.name: w for w in WorkType.objects.filter(name__in=cur.WORK_TYPE_NAMES)}
        absent = [name for name in cur.WORK_TYPE_NAMES if name not in work_types]
        if absent:
            raise DemoSeedError(
                "Нет видов работ из миграции journal 0002: " + ", ".join(absent) + ". Выполните migrate."
            )
        self.work_types = work_types
        self.counts["subjects"] = len(self.subjects)

    def _write_people(self) -> None:
        rng = self.rng("people")
        joined = _at(D(2026, 8, 25), 9)
        users: list[User] = []

        def user(surname, name, patronymic, *, username="", email="", phone="", staff=False, last_login=None):
            username = username or self._username(surname, name, patronymic)
            self.taken_usernames.add(username)
            email = email.format(login=username)
            obj = User(
                username=username,
                password=self.password,
                surname=surname,
                name=name,
                patronymic=patronymic,
                email=email,
                phone=phone,
                is_staff=staff,
                date_joined=joined,
                last_login=last_login,
            )
            users.append(obj)
            return obj

        yesterday = self.today - datetime.timedelta(days=1)
        for key, person in self.staff.items():
            person.user = user(
                person.surname,
                person.name,
                person.patronymic,
                username=key,
                email=SCHOOL_EMAIL,
                phone="+7 (861) 234-84-84",
                staff=key in {"deputy", "sysadmin"},
                last_login=_at(yesterday, 8 + rng.randint(0, 8), rng.randint(0, 59)),
            )
        incomplete = {t.index: n for n, t in enumerate(self.incomplete_teachers)}
        for teacher in self.teachers:
            login_day = yesterday
            if teacher is self.late_teacher:
                login_day = self.today - datetime.timedelta(days=12)
            no_contact = incomplete.get(teacher.index) == 2
            teacher.user = user(
                teacher.surname,
                teacher.name,
                teacher.patronymic,
                username=teacher.username,
                email="" if no_contact else SCHOOL_EMAIL,
                phone="" if no_contact or rng.random() < 0.3 else self._phone(rng),
                last_login=_at(login_day, rng.randint(7, 20), rng.randint(0, 59)),
            )
        for student in self.students:
            student.user = user(
                student.surname,
                student.name,
                student.patronymic,
                username=student.username,
                email=PERSONAL_EMAIL if student.cls.grade >= 8 and rng.random() < 0.5 else "",
                phone=student.phone,
                last_login=student.visits[-1][0] if student.visits else None,
            )
        for parent in self.parents:
            parent.user = user(
                parent.surname,
                parent.name,
                parent.patronymic,
                username=parent.username,
                email=parent.email,
                phone=parent.phone,
                last_login=parent.visits[-1][0] if parent.visits else None,
            )
        for chunk in _batched(users):
            User.objects.bulk_create(chunk)
        self.counts["users"] = len(users)
        self._write_roles()
        self._write_cards(rng)

    def _write_roles(self) -> None:
        groups = {g.name: g.pk for g in Group.objects.filter(name__in=[r.value for r in Role])}
        if len(groups) != len(Role):
            raise DemoSeedError("Нет групп ролей из миграции journal 0002. Выполните migrate.")
        Through = User.groups.through
        rows = [
            Through(user_id=self.staff["director"].user.pk, group_id=groups[Role.DIRECTOR]),
            Through(user_id=self.staff["deputy"].user.pk, group_id=groups[Role.DEPUTY]),
            Through(user_id=self.staff["sysadmin"].user.pk, group_id=groups[Role.SYSADMIN]),
        ]
        for teacher in self.teachers:
            rows.append(Through(user_id=teacher.user.pk, group_id=groups[Role.TEACHER]))
            if teacher.leads is not None:
                rows.append(Through(user_id=teacher.user.pk, group_id=groups[Role.CLASS_TEACHER]))
        rows += [Through(user_id=s.user.pk, group_id=groups[Role.STUDENT]) for s in self.students]
        rows += [Through(user_id=p.user.pk, group_id=groups[Role.PARENT]) for p in self.parents]
        Through.objects.bulk_create(rows, batch_size=BATCH)

    def _write_cards(self, rng: random.Random) -> None:
        incomplete = {t.index: n for n, t in enumerate(self.incomplete_teachers)}
        cards = []
        for teacher in self.teachers:
            education = rng.choice(cur.EDUCATION[:-1] if teacher.department != "primary" else cur.EDUCATION)
            if teacher.department == "pe":
                education = cur.EDUCATION[3]
            category = rng.choices(
                [Teacher.Category.HIGHEST, Teacher.Category.FIRST, Teacher.Category.CONFORMITY], [35, 40, 25]
            )[0]
            gap = incomplete.get(teacher.index)
            cards.append(
                Teacher(
                    user=teacher.user,
                    school=self.school,
                    position=teacher.position,
                    education="" if gap == 0 else education,
                    category="" if gap == 1 else category,
                    experience_years=rng.randint(2, 38),
                )
            )
        Teacher.objects.bulk_create(cards, batch_size=BATCH)
        Through = Teacher.subjects.through
        Through.objects.bulk_create(
            [
                Through(teacher_id=card.pk, subject_id=self.subjects[key].pk)
                for card, teacher in zip(cards, self.teachers, strict=True)
                for key in sorted(teacher.subjects)
            ],
            batch_size=BATCH,
        )
        self.counts["teachers"] = len(cards)
        classes = [
            SchoolClass(
                school=self.school, year=self.year, grade=c.grade, letter=c.letter, class_teacher=c.teacher.user
            )
            for c in self.classes
        ]
        SchoolClass.objects.bulk_create(classes)
        for cls, obj in zip(self.classes, classes, strict=True):
            cls.obj = obj
        self.counts["classes"] = len(classes)
        records = list(range(1, len(self.students) + 1))
        rng.shuffle(records)
        students = []
        for student, record in zip(self.students, records, strict=True):
            number = "" if student.record_number == "-" else f"{student.surname[0]}-{record:04d}"
            student.record_number = number
            student.obj = Student(
                user=student.user,
                school_class=student.cls.obj,
                birth_date=student.birth_date,
                gender=student.gender,
                record_number=number,
                address=student.family.address,
            )
            students.append(student.obj)
        Student.objects.bulk_create(students, batch_size=BATCH)
        self.counts["students"] = len(students)
        self.counts["parents"] = len(self.parents)
        self._write_guardianships(rng)

    def _write_guardianships(self, rng: random.Random) -> None:
        permission = Permission.objects.get(content_type__app_label="journal", codename="view_diary")
        students = {s.index: s for s in self.students}
        guardianships, grants = [], []
        for parent in self.parents:
            for index, status in parent.status.items():
                student = students[index]
                applied = D(2026, 8, 24) + datetime.timedelta(days=rng.randint(0, 18))
                row = Guardianship(parent=parent.user, student=student.obj, kind=parent.kind, status=status)
                if status == Guardianship.Status.APPLIED:
                    applied = max(YEAR_START, self.today - datetime.timedelta(days=rng.randint(1, 9)))
                else:
                    decided = applied + datetime.timedelta(days=rng.randint(1, 3))
                    row.decided_at = _at(decided, rng.randint(9, 16), rng.randint(0, 59))
                if status == Guardianship.Status.ENDED:
                    row.ended_at = _at(D(2026, 10, 14), 11, 20)
                    row.end_reason = "Решение суда об определении места жительства ребёнка с матерью (копия в деле)"
                row.application_date = applied
                guardianships.append(row)
                if status == Guardianship.Status.ACTIVE:
                    grants.append(
                        StudentUserObjectPermission(user=parent.user, permission=permission, content_object=student.obj)
                    )
        guardianships.sort(key=lambda g: (g.application_date, g.parent.username))
        for number, row in enumerate(guardianships, start=1):
            row.application_number = f"З-{number:04d}"
        Guardianship.objects.bulk_create(guardianships, batch_size=BATCH)
        grants += [
            StudentUserObjectPermission(user=s.user, permission=permission, content_object=s.obj) for s in self.students
        ]
        StudentUserObjectPermission.objects.bulk_create(grants, batch_size=BATCH)
        self.counts["guardianships"] = len(guardianships)
        self.counts["diary_permissions"] = len(grants)
        # Receipts (документ о получении учётной записи), numbered in the order they were signed.
        receipts = []
        for parent in self.parents:
            if parent.receipt:
                receipts.append((D(2026, 9, 1) + datetime.timedelta(days=rng.randint(0, 10)), parent.user))
        for student in self.students:
            if student.receipt:
                receipts.append((D(2026, 9, 1) + datetime.timedelta(days=rng.randint(0, 14)), student.user))
        receipts.sort(key=lambda r: (r[0], r[1].username))
        rows = [
            CredentialReceipt(user=u, number=f"УЗ-{n:04d}", date=day, recorded_by=self.staff["sysadmin"].user)
            for n, (day, u) in enumerate(receipts, start=1)
        ]
        CredentialReceipt.objects.bulk_create(rows, batch_size=BATCH)
        # ``recorded_at`` is auto_now_add: put it on the day the document was signed, not on the seed's clock.
        for day in sorted({r.date for r in rows}):
            CredentialReceipt.objects.filter(date=day).update(recorded_at=_at(day, 16))
        self.counts["credential_receipts"] = len(rows)

    # --- writing: groups, load, timetable, КТП ----------------------------------------------------------

    def _write_teaching(self) -> None:
        groups, members = [], []
        for cls in self.classes:
            if not any(a.group for a in cls.assignments):
                continue
            for number in (1, 2):
                group = StudentGroup(school_class=cls.obj, name=f"Английский язык, {number} группа")
                cls.groups[number] = group
                groups.append(group)
        StudentGroup.objects.bulk_create(groups)
        Through = StudentGroup.students.through
        for cls in self.classes:
            if not cls.groups:
                continue
            half = (len(cls.students) + 1) // 2
            for number, part in ((1, cls.students[:half]), (2, cls.students[half:])):
                members += [Through(studentgroup_id=cls.groups[number].pk, student_id=s.obj.pk) for s in part]
        Through.objects.bulk_create(members, batch_size=BATCH)
        assignments = []
        for cls in self.classes:
            half = (len(cls.students) + 1) // 2
            for a in cls.assignments:
                a.obj = TeachingAssignment(
                    teacher=a.teacher.user,
                    school_class=cls.obj,
                    group=cls.groups.get(a.group) if a.group else None,
                    subject=self.subjects[a.subject],
                    hours_per_week=Decimal(a.hours),
                )
                a.students = (
                    cls.students if a.group is None else (cls.students[:half] if a.group == 1 else cls.students[half:])
                )
                assignments.append(a.obj)
        TeachingAssignment.objects.bulk_create(assignments, batch_size=BATCH)
        self.counts["assignments"] = len(assignments)
        slots = []
        for cls in self.classes:
            for period in self.periods:
                if period.kind != cls.kind:
                    continue
                for weekday, lessons in sorted(cls.schedule.items()):
                    for number, taught in lessons:
                        slots += [
                            TimetableSlot(
                                period_id=period.obj.pk,
                                assignment_id=a.obj.pk,
                                weekday=weekday,
                                number=number,
                                room=a.room,
                            )
                            for a in taught
                        ]
        TimetableSlot.objects.bulk_create(slots, batch_size=BATCH)
        self.counts["timetable_slots"] = len(slots)
        self._write_ktp()

    def _write_ktp(self) -> None:
        no_ktp = {id(a) for a in self.no_ktp}
        window = (self.today - datetime.timedelta(days=LATE_DAYS), self.today - datetime.timedelta(days=11))
        rows = []
        for cls in self.classes:
            for a in cls.assignments:
                plan = cur.plan_topics(a.subject, cls.grade, len(a.dates))
                graded = cur.SUBJECT_BY_KEY[a.subject].graded and cls.grade >= 2
                if graded and a.subject in cur.VSOKO_SUBJECTS:
                    self._vsoko(a, plan)
                if a.teacher is self.late_teacher and graded:
                    in_window = [i for i, (day, _) in enumerate(a.dates) if window[0] <= day <= window[1]]
                    if in_window and not any(plan[i][1] for i in in_window):
                        i = in_window[len(in_window) // 2]
                        plan[i] = (f"Проверочная работа по теме «{plan[i][0]}»", cur.WT_CHECK)
                a.plan = plan
                if id(a) in no_ktp:
                    continue
                a.topics = [
                    PlannedTopic(
                        assignment_id=a.obj.pk,
                        position=i,
                        title=title[:500],
                        planned_date=a.dates[i - 1][0],
                        assessed_work_type_id=self.work_types[work].pk if work else None,
                    )
                    for i, (title, work) in enumerate(plan, start=1)
                ]
                rows += a.topics
        PlannedTopic.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["planned_topics"] = len(rows)

    @staticmethod
    def _vsoko(a: PAssignment, plan: list[tuple[str, str | None]]) -> None:
        """Internal quality monitoring (ВСОКО): the entry, half-year and final tests of the school's plan."""
        marks = [
            (D(2026, 9, 9), "Входная контрольная работа"),
            (D(2026, 12, 14), "Административная контрольная работа за I полугодие"),
            (D(2027, 5, 12), "Итоговая контрольная работа"),
        ]
        for since, title in marks:
            index = next((i for i, (day, _) in enumerate(a.dates) if day >= since), None)
            if index is not None and index < len(plan):
                plan[index] = (title, cur.WT_VSOKO)

    # --- writing: the journal ---------------------------------------------------------------------------

    def _write_journal(self) -> None:
        rng = self.rng("journal")
        self.aggregates: dict[tuple[int, int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.pending_periods = sorted(
            [p for p in self.periods if p.kind != StudyPeriod.Kind.YEAR], key=lambda p: (p.deadline, p.kind)
        )
        self.subject_offsets: dict[tuple[int, str], float] = {}
        self.period_of: dict[tuple[str, datetime.date], PeriodInfo] = {}
        for period in self.periods:
            for day in _days(period.start, period.end):
                self.period_of.setdefault((period.kind, day), period)
        gap_teachers = {t.index for t in self.gap_teachers}
        weeks: dict[tuple[int, int], list[datetime.date]] = defaultdict(list)
        for day in self.school_days:
            weeks[day.isocalendar()[:2]].append(day)
        for days in weeks.values():
            self._flush_period_marks(before=days[0], rng=rng)
            self._write_week(days, rng, gap_teachers)
        self._flush_period_marks(before=self.today, rng=rng)

    def _write_week(self, days: list[datetime.date], rng: random.Random, gap_teachers: set[int]) -> None:
        lessons: list[Lesson] = []
        meta: list[tuple[PAssignment, dict[int, str], tuple[str, str | None] | None]] = []
        recent = self.today - datetime.timedelta(days=28)
        for day in days:
            for cls in self.classes:
                absent_today = self._day_absences(cls, rng) if day < self.today else {}
                for number, taught in cls.schedule.get(day.isoweekday(), []):
                    for a in taught:
                        teacher = a.teacher
                        lesson = Lesson(assignment_id=a.obj.pk, date=day, number=number, room=a.room)
                        planned = None
                        cancelled = (
                            day < self.today and teacher.index not in self.protected_teachers and rng.random() < 0.002
                        )
                        if cancelled:
                            lesson.is_held = False
                        else:
                            planned = a.plan[a.held] if a.held < len(a.plan) else None
                            if planned is not None:
                                lesson.topic = planned[0][:500]
                                lesson.planned_topic_id = a.topics[a.held].pk if a.topics is not None else None
                            lesson.homework = self._homework(a, a.held, planned, rng)
                            a.held += 1
                            if teacher.index in gap_teachers and recent <= day < self.today:
                                self._leave_gaps(lesson, teacher, rng)
                            if day < self.today:
                                lesson.attendance_checked_at = self._lesson_time(day, number, rng.randint(3, 15))
                        lessons.append(lesson)
                        meta.append((a, absent_today, planned))
        for chunk in _batched(lessons):
            Lesson.objects.bulk_create(chunk)
        self.counts["lessons"] += len(lessons)
        entries: list[HistoryEntry] = []
        marks: list[Mark] = []
        attendance: list[Attendance] = []
        for lesson, (a, absent_today, planned) in zip(lessons, meta, strict=True):
            if not lesson.is_held:
                continue
            user = a.teacher.user.pk
            written = self._lesson_time(lesson.date, lesson.number, rng.randint(5, 40))
            if lesson.topic:
                entries.append(self._entry(HistoryEntry.Kind.TOPIC, lesson, topic_state(lesson), user, written))
            if lesson.homework:
                written = written + datetime.timedelta(minutes=1)
                entries.append(self._entry(HistoryEntry.Kind.HOMEWORK, lesson, homework_state(lesson), user, written))
            if lesson.date >= self.today:
                continue
            absent = self._lesson_absences(lesson, a, absent_today, rng)
            for student, code in absent.items():
                at = self._lesson_time(lesson.date, lesson.number, rng.randint(2, 15))
                attendance.append(
                    Attendance(
                        student_id=student.obj.pk,
                        lesson_id=lesson.pk,
                        code=code,
                        entered_by_id=user,
                        entered_at=at,
                        changed_by_id=user,
                        changed_at=at,
                    )
                )
            marks += self._lesson_marks(lesson, a, planned, absent, rng)
        for chunk in _batched(marks):
            Mark.objects.bulk_create(chunk)
        for chunk in _batched(attendance):
            Attendance.objects.bulk_create(chunk)
        self.counts["marks"] += len(marks)
        self.counts["attendance"] += len(attendance)
        for mark in marks:
            entries.append(
                self._entry(HistoryEntry.Kind.MARK, mark, mark_state(mark), mark.entered_by_id, mark.entered_at)
            )
        for row in attendance:
            entries.append(
                self._entry(HistoryEntry.Kind.ATTENDANCE, row, attendance_state(row), row.entered_by_id, row.entered_at)
            )
        self._record(entries)

    def _leave_gaps(self, lesson: Lesson, teacher: PTeacher, rng: random.Random) -> None:
        """A careless teacher's held lesson: sometimes no topic, sometimes no homework (at least once each)."""
        if ("topic", teacher.index) not in self.gaps_left or rng.random() < 0.08:
            self.gaps_left.add(("topic", teacher.index))
            lesson.topic, lesson.planned_topic_id = "", None
        elif lesson.homework and (("homework", teacher.index) not in self.gaps_left or rng.random() < 0.12):
            self.gaps_left.add(("homework", teacher.index))
            lesson.homework = ""

    def _entry(self, kind: str, obj, state: dict, user, at: datetime.datetime) -> HistoryEntry:
        return history_entry_for(
            kind=kind,
            action=HistoryEntry.Action.CREATE,
            obj=obj,
            old=None,
            new=state,
            user=user,
            source=HistoryEntry.Source.SEED,
            at=at,
        )

    def _record(self, entries: list[HistoryEntry]) -> None:
        entries.sort(key=lambda e: (e.at, e.kind, e.object_id))
        self.counts["history"] += history_record_many(entries, batch_size=BATCH)

    def _lesson_time(self, day: datetime.date, number: int, minutes: int) -> datetime.datetime:
        start = self.bell_start.get(number, datetime.time(8, 0))
        return _at(day, start.hour, start.minute) + datetime.timedelta(minutes=minutes)

    def _homework(self, a: PAssignment, index: int, planned, rng: random.Random) -> str:
        info = cur.SUBJECT_BY_KEY[a.subject]
        if a.cls.grade == 1:  # СанПиН: no homework in the first grade
            return ""
        patterns = cur.HOMEWORK.get(a.subject)
        if not patterns:
            return ""
        if not info.homework:
            return rng.choice(patterns) if rng.random() < 0.05 else ""
        if planned is not None and planned[1] and rng.random() < 0.6:
            return ""  # nothing is set after a test
        if rng.random() < 0.07:
            return ""
        total = max(1, len(a.plan))
        n = 10 + index * 4 + rng.randint(0, 3)
        page = 6 + index * 2
        values = {
            "p": 1 + index * 38 // total,
            "n": n,
            "n2": n + rng.randint(1, 4),
            "n3": n + rng.randint(5, 9),
            "m": 4 + index + rng.randint(0, 2),
            "pg": page,
            "pg2": page + rng.randint(2, 6),
            "q": rng.randint(3, 6),
        }
        return rng.choice(patterns).format(**values)

    def _day_absences(self, cls: PClass, rng: random.Random) -> dict[int, str]:
        """Whole-day absences of a class: illness spells (Б) and days away for a valid reason (У)."""
        absent = {}
        illness = 0.008 if cls.grade <= 4 else 0.006
        for student in cls.students:
            if student.ill_left <= 0:
                roll = rng.random()
                if roll < illness:
                    student.ill_left, student.ill_code = rng.randint(2, 6), Attendance.Code.ILL
                elif roll < illness + 0.0015:
                    student.ill_left, student.ill_code = rng.randint(1, 2), Attendance.Code.VALID
            if student.ill_left > 0:
                student.ill_left -= 1
                absent[student.index] = student.ill_code
        return absent

    def _lesson_absences(
        self, lesson: Lesson, a: PAssignment, absent_today: dict[int, str], rng: random.Random
    ) -> dict[PStudent, str]:
        skip = 0.007 if a.cls.grade >= 9 else 0.003
        late = 0.012 if lesson.number == 1 else 0.003
        result = {}
        for student in a.students:
            code = absent_today.get(student.index)
            if code is None:
                roll = rng.random()
                if roll < skip:
                    code = Attendance.Code.ABSENT
                elif roll < skip + late:
                    code = Attendance.Code.LATE
            if code is not None:
                result[student] = code
        return result

    def _lesson_marks(
        self, lesson: Lesson, a: PAssignment, planned, absent: dict[PStudent, str], rng: random.Random
    ) -> list[Mark]:
        info = cur.SUBJECT_BY_KEY[a.subject]
        if not info.graded or a.cls.grade == 1:
            return []
        late_teacher = a.teacher is self.late_teacher
        if late_teacher and lesson.date >= self.today - datetime.timedelta(days=LATE_DAYS):
            return []  # the teacher who is behind: nothing entered for the last two and a half weeks
        present = [
            s
            for s in a.students
            if absent.get(s) in (None, Attendance.Code.LATE) and not (a.subject == "pe" and s.exempt_pe)
        ]
        if not present:
            return []
        work = planned[1] if planned else None
        period = self.period_of.get((a.cls.kind, lesson.date))
        if work:
            chosen = [s for s in present if rng.random() > 0.03]
            delay_choices = [1, 1, 2, 2, 3, 4, 5]
        else:
            count = rng.choice([3, 4, 5, 6, 7, 7, 8, 9, 10])
            count = max(1, round(count * len(present) / 26)) if len(present) < 20 else count
            # Teachers see to it that everyone has marks for the period: those with fewer marks are asked first.
            weights = {
                s.index: self.aggregates[key][1]
                if (key := (id(period), s.index, a.subject)) in self.aggregates
                else 0.0
                for s in present
            }
            chosen = sorted(present, key=lambda s: weights[s.index] + 3 * rng.random())[:count]
            delay_choices = [0] * 15 + [1] * 3 + [2, 3]
        # …and some of their earlier marks went in more than 10 days after the lesson.
        gap = ("late_entry", a.teacher.index)
        late_entry = late_teacher and (gap not in self.gaps_left or rng.random() < 0.35)
        if late_entry:
            self.gaps_left.add(gap)
        teacher = a.teacher.user.pk
        marks = []
        for student in chosen:
            if work:
                work_type = self.work_types[work]
                comment = planned[0][:255]
                shift = -0.15
            else:
                work_type = self._current_work_type(a.subject, rng)
                shift = 0.0
                if work_type.name in (cur.WT_INDEPENDENT, cur.WT_CHECK) and lesson.topic:
                    comment = f"{work_type.name}: {lesson.topic}"[:255]
                elif rng.random() < 0.4:
                    comment = rng.choice(cur.MARK_COMMENTS[a.subject])
                else:
                    comment = ""
            value = self._mark_value(student, a.subject, shift, rng)
            delay = rng.randint(11, 15) if late_entry else rng.choice(delay_choices)
            day = min(lesson.date + datetime.timedelta(days=delay), self.today - datetime.timedelta(days=1))
            at = _at(day, rng.randint(14, 21), rng.randint(0, 59))
            marks.append(
                Mark(
                    student_id=student.obj.pk,
                    lesson_id=lesson.pk,
                    value=value,
                    work_type_id=work_type.pk,
                    weight=work_type.weight,
                    comment=comment,
                    entered_by_id=teacher,
                    entered_at=at,
                    changed_by_id=teacher,
                    changed_at=at,
                    version=1,
                )
            )
            if period is not None:
                total = self.aggregates[(id(period), student.index, a.subject)]
                total[0] += value * float(work_type.weight)
                total[1] += float(work_type.weight)
        return marks

    def _current_work_type(self, subject: str, rng: random.Random) -> WorkType:
        if subject in {"pe", "tech", "art"}:
            name = rng.choices([cur.WT_ANSWER, cur.WT_PRACTICAL], [45, 55])[0]
        else:
            name = rng.choices(
                [cur.WT_ANSWER, cur.WT_HOMEWORK, cur.WT_INDEPENDENT, cur.WT_CHECK, cur.WT_PRACTICAL],
                [58, 15, 17, 6, 4],
            )[0]
        return self.work_types[name]

    def _mark_value(self, student: PStudent, subject: str, shift: float, rng: random.Random) -> int:
        key = (student.index, subject)
        if key not in self.subject_offsets:
            self.subject_offsets[key] = rng.gauss(0, 0.3)
        value = round(rng.gauss(student.ability + self.subject_offsets[key] + shift, 0.7))
        return min(5, max(2, value))

    def _flush_period_marks(self, *, before: datetime.date, rng: random.Random) -> None:
        while self.pending_periods and self.pending_periods[0].deadline < before:
            self._period_marks(self.pending_periods.pop(0), rng)

    def _period_marks(self, period: PeriodInfo, rng: random.Random) -> None:
        """Четвертные / полугодовые отметки from the weighted average, with a few left out on purpose."""
        classes = [c for c in self.classes if c.kind == period.kind and c.grade >= 2]
        pairs = [
            (c, a)
            for c in classes
            if c is not self.demo_class
            for a in c.assignments
            if a.group is None
            and cur.SUBJECT_BY_KEY[a.subject].graded
            and a.teacher.index not in self.protected_teachers
        ]
        forgotten = {id(rng.choice(pairs)[1])} if pairs else set()
        rows: list[PeriodMark] = []
        last_day = min(period.deadline, self.today - datetime.timedelta(days=1))
        for cls in classes:
            for a in cls.assignments:
                if not cur.SUBJECT_BY_KEY[a.subject].graded or id(a) in forgotten:
                    continue
                for student in a.students:
                    careless = cls is not self.demo_class and a.teacher.index not in self.protected_teachers
                    if careless and rng.random() < 0.012:
                        continue
                    total, weight = self.aggregates.get((id(period), student.index, a.subject), (0.0, 0.0))
                    if a.subject == "pe" and student.exempt_pe:
                        value = PeriodMark.Value.EXEMPT
                    elif weight == 0:
                        value = PeriodMark.Value.NOT_ATTESTED
                    else:
                        average = total / weight
                        value = "5" if average >= 4.5 else "4" if average >= 3.5 else "3" if average >= 2.5 else "2"
                    day = period.end - datetime.timedelta(days=rng.randint(0, 5))
                    day = min(day + datetime.timedelta(days=rng.randint(0, 3)), last_day)
                    at = _at(day, rng.randint(15, 21), rng.randint(0, 59))
                    user = a.teacher.user.pk
                    rows.append(
                        PeriodMark(
                            student_id=student.obj.pk,
                            subject_id=self.subjects[a.subject].pk,
                            period_id=period.obj.pk,
                            value=value,
                            entered_by_id=user,
                            entered_at=at,
                            changed_by_id=user,
                            changed_at=at,
                        )
                    )
        for chunk in _batched(rows):
            PeriodMark.objects.bulk_create(chunk)
        self.counts["period_marks"] += len(rows)
        self._record(
            [
                self._entry(
                    HistoryEntry.Kind.PERIOD_MARK, row, period_mark_state(row), row.entered_by_id, row.entered_at
                )
                for row in rows
            ]
        )

    # --- writing: diary visits --------------------------------------------------------------------------

    def _write_visits(self) -> None:
        rows = [
            DiaryVisit(user_id=p.user.pk, student_id=child.obj.pk, at=at, page=page)
            for p in self.parents
            for at, child, page in p.visits
        ]
        rows += [
            DiaryVisit(user_id=s.user.pk, student_id=s.obj.pk, at=at, page=page)
            for s in self.students
            for at, page in s.visits
        ]
        rows.sort(key=lambda v: v.at)
        DiaryVisit.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["diary_visits"] = len(rows)


def demo_school_exists() -> bool:
    return School.objects.filter(short_name=SCHOOL["short_name"]).exists()
