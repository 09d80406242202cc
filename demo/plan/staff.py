"""Classes, staff and teaching: who teaches which subject in which class, who leads each class, and the teachers
the gaps are planted on."""

import random
from collections import defaultdict
from collections.abc import Collection

from journal.models import Teacher

from .. import curriculum as cur
from .people import Namer, phone
from .school import DEMO_CLASS, EMAIL_SCHOOL, FULL_CLASS_COUNT, PAssignment, PClass, PStaff, PTeacher, SchoolPlan, Unit


def plan_classes(plan: SchoolPlan, grades: list[tuple[int, str]], sizes: dict[tuple[int, str], int]) -> None:
    """The classes with 25–29 students each (``sizes`` fixes some), and the demo accounts' class."""
    rng = plan.rng("classes")
    for grade, letter in grades:
        size = rng.randint(25, 29)
        plan.classes.append(PClass(grade=grade, letter=letter, size=sizes.get((grade, letter), size)))
    plan.demo_class = plan.class_of(*DEMO_CLASS) or next(
        (c for c in plan.classes if 5 <= c.grade <= 9), plan.classes[0]
    )


def plan_staff(plan: SchoolPlan, namer: Namer) -> None:
    """The director, the deputy and the sysadmin (their logins are the demo accounts')."""
    rng = plan.rng("staff")
    for key, male in (("director", False), ("deputy", False), ("sysadmin", True)):
        surname, name, patronymic = namer.adult(rng, male=male, older=key != "sysadmin")
        plan.staff[key] = PStaff(
            male, surname, name, patronymic, login=key, phone="+7 (861) 234-84-84", email=EMAIL_SCHOOL, key=key
        )


def plan_teaching(plan: SchoolPlan, namer: Namer, *, protect: Collection[tuple[int, str, str]] = ()) -> None:
    """Teachers by department, their load, the class teachers, the featured and the careless ones, their cards.

    ``protect``: (grade, letter, subject) whose teacher must carry no gap (the bench's grid).
    """
    rng = plan.rng("teaching")
    _primary(plan, namer, rng)
    room = _departments(plan, namer, rng, room=201)
    support = round(len(cur.SUPPORT_STAFF) * len(plan.classes) / FULL_CLASS_COUNT)
    for position, men in cur.SUPPORT_STAFF[:support]:
        teacher = _new_teacher(plan, namer, rng, "support", position, rng.random() < men)
        teacher.room = str(room)
        room += 1
    _class_teachers(plan)
    _roles(plan, rng, protect)
    _cards(plan, rng)


def _new_teacher(
    plan: SchoolPlan, namer: Namer, rng: random.Random, department: str, position: str, male: bool
) -> PTeacher:
    surname, name, patronymic = namer.adult(rng, male=male, older=True)
    teacher = PTeacher(
        male, surname, name, patronymic, index=len(plan.teachers), department=department, position=position
    )
    plan.teachers.append(teacher)
    return teacher


def _assign(cls: PClass, subject: str, teacher: PTeacher, hours: int, group: int | None = None) -> None:
    assignment = PAssignment(cls=cls, subject=subject, teacher=teacher, hours=hours, group=group)
    cls.assignments.append(assignment)
    teacher.hours += hours
    teacher.subjects.add(subject)
    if group == 2:
        first = next(u for u in cls.units if u.subject == subject)
        first.assignments.append(assignment)
    else:
        cls.units.append(Unit(subject=subject, hours=hours, assignments=[assignment]))


def _primary(plan: SchoolPlan, namer: Namer, rng: random.Random) -> None:
    """Grades 1–4: the class's own teacher takes most subjects and leads the class."""
    room = 101
    for cls in plan.classes:
        if cls.grade > 4:
            continue
        teacher = _new_teacher(plan, namer, rng, "primary", cur.DEPARTMENTS["primary"][0], male=False)
        teacher.room = str(room)
        room += 1
        cls.teacher = teacher
        teacher.leads = cls
        for subject, hours in cur.hours_for(cls.grade, cls.letter).items():
            if subject in cur.PRIMARY_TEACHER_SUBJECTS:
                _assign(cls, subject, teacher, hours)


def _departments(plan: SchoolPlan, namer: Namer, rng: random.Random, *, room: int) -> int:
    """Subject departments: each class's subjects in bundles (one teacher per class and department), split
    into contiguous runs of classes so that each teacher has a few parallels. Returns the next free room."""
    Bundle = tuple[PClass, list[tuple[str, int]], int | None]
    bundles: dict[str, list[Bundle]] = defaultdict(list)
    second_groups: dict[str, list[Bundle]] = defaultdict(list)
    for cls in plan.classes:
        per_department: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for subject, hours in cur.hours_for(cls.grade, cls.letter).items():
            if cls.grade <= 4 and subject in cur.PRIMARY_TEACHER_SUBJECTS:
                continue
            per_department[cur.SUBJECT_BY_KEY[subject].department].append((subject, hours))
        for department, subjects in per_department.items():
            if department == "english" and cls.grade in cur.SPLIT_ENGLISH_GRADES:
                bundles[department].append((cls, subjects, 1))
                second_groups[department].append((cls, subjects, 2))
            else:
                bundles[department].append((cls, subjects, None))
    for department, (position, load, men) in cur.DEPARTMENTS.items():
        items = bundles.get(department, []) + second_groups.get(department, [])
        if not items:
            continue
        total = sum(h for _, subjects, _ in items for _, h in subjects)
        count = max(1, int(total / load + 0.5))
        if second_groups.get(department):
            count = max(count, 2)
        staff = [_new_teacher(plan, namer, rng, department, position, rng.random() < men) for _ in range(count)]
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
                _assign(cls, subject, teacher, subject_hours, group)
            done += hours
    return room


def _class_teachers(plan: SchoolPlan) -> None:
    """Grades 5–11: the teacher with most hours in the class who leads no other class (the demo class first)."""
    ordered = [plan.demo_class] + [c for c in plan.classes if c is not plan.demo_class]
    for cls in ordered:
        if cls.teacher is not None:
            continue
        hours: dict[int, int] = defaultdict(int)
        for assignment in cls.assignments:
            hours[assignment.teacher.index] += assignment.hours
        candidates = [plan.teachers[i] for i in hours if plan.teachers[i].leads is None]
        if not candidates:
            candidates = [t for t in plan.teachers if t.leads is None and t.department != "support"]
        teacher = min(candidates, key=lambda t: (-hours.get(t.index, 0), t.index))
        cls.teacher = teacher
        teacher.leads = cls


def _roles(plan: SchoolPlan, rng: random.Random, protect: Collection[tuple[int, str, str]]) -> None:
    """The demo accounts' teachers and the teachers whose gaps the dashboard must find."""
    demo = plan.demo_class.teacher
    demo.login = "teacher"
    in_demo_class = sorted(
        {a.teacher for a in plan.demo_class.assignments if a.teacher is not demo},
        key=lambda t: (-sum(a.hours for a in plan.demo_class.assignments if a.teacher is t), t.index),
    )
    second = in_demo_class[0] if in_demo_class else next(t for t in plan.teachers if t is not demo)
    second.login = "teacher2"
    protected = {demo.index, second.index}
    protected |= {a.teacher.index for a in plan.assignments if (a.cls.grade, a.cls.letter, a.subject) in protect}
    graded = [
        t
        for t in plan.teachers
        if t.index not in protected
        and t.department in {"history", "biology", "geography", "chemistry", "physics", "math", "russian"}
    ]
    graded = graded or [t for t in plan.teachers if t.index not in protected and t.department != "support"]
    plan.late_teacher = rng.choice(graded) if graded else None
    if plan.late_teacher:
        protected.add(plan.late_teacher.index)
    others = [t for t in plan.teachers if t.index not in protected and t.department != "support"]
    plan.gap_teachers = rng.sample(others, min(2, len(others)))
    plan.protected = protected
    unprotected = [t for t in plan.teachers if t.index not in protected]
    plan.incomplete_teachers = rng.sample(unprotected, min(3, len(unprotected)))
    # Two assignments without a КТП, of ordinary teachers.
    candidates = [a for a in plan.assignments if a.teacher.index not in protected and a.group is None]
    preferred = [a for a in candidates if a.subject in {"kuban", "art", "music", "tech", "obzr"}]
    for assignment in rng.sample(preferred or candidates, min(2, len(preferred or candidates))):
        assignment.has_ktp = False
    # One class and subject whose period marks were all forgotten, in each quarter and half.
    for period in [*plan.calendar.quarters, *plan.calendar.halves]:
        pairs = [
            a
            for a in plan.assignments
            if a.cls.kind == period.kind
            and a.cls.grade >= 2
            and a.cls is not plan.demo_class
            and a.group is None
            and cur.SUBJECT_BY_KEY[a.subject].graded
            and a.teacher.index not in protected
        ]
        if pairs:
            plan.missing_period_marks[(period.kind, period.number)] = rng.choice(pairs)


def _cards(plan: SchoolPlan, rng: random.Random) -> None:
    """The teacher cards: education, category, experience, contacts; three of them incomplete."""
    incomplete = {t.index: n for n, t in enumerate(plan.incomplete_teachers)}
    for teacher in plan.teachers:
        education = rng.choice(cur.EDUCATION[:-1] if teacher.department != "primary" else cur.EDUCATION)
        if teacher.department == "pe":
            education = cur.EDUCATION[3]
        category = rng.choices(
            [Teacher.Category.HIGHEST, Teacher.Category.FIRST, Teacher.Category.CONFORMITY], [35, 40, 25]
        )[0]
        gap = incomplete.get(teacher.index)
        teacher.education = "" if gap == 0 else education
        teacher.category = "" if gap == 1 else category
        teacher.experience = rng.randint(2, 38)
        no_contact = gap == 2
        teacher.email = "" if no_contact else EMAIL_SCHOOL
        teacher.phone = "" if no_contact or rng.random() < 0.3 else phone(rng)
