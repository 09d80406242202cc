"""Families and access: the children in their classes, their parents, the guardianships with their applications,
the receipts of the credentials, and how often each reader opens the diary.

A family shares one surname; siblings go to different grades. The demo parent's family comes first: a child in
the demo class and one in another class.
"""

import datetime
import random
from collections import defaultdict

from journal.models import Guardianship, Student

from .. import names
from .calendar import at
from .people import phone
from .school import EMAIL_PERSONAL, Family, Habit, PClass, PGuardianship, PParent, PStudent, SchoolPlan

END_REASON = "Решение суда об определении места жительства ребёнка с матерью (копия в деле)"


def plan_families(plan: SchoolPlan) -> None:
    """Who lives with whom: families of one, two or three children over the classes' seats."""
    rng = plan.rng("families")
    free = {id(cls): cls.size for cls in plan.classes}
    by_grade: dict[int, list[PClass]] = defaultdict(list)
    for cls in plan.classes:
        by_grade[cls.grade].append(cls)
    seats = sum(free.values())

    def take(grade: int) -> PClass | None:
        open_classes = [c for c in by_grade.get(grade, []) if free[id(c)] > 0]
        if not open_classes:
            return None
        cls = max(open_classes, key=lambda c: (free[id(c)], rng.random()))
        free[id(cls)] -= 1
        return cls

    demo_family_classes = [plan.demo_class]
    other = [c for c in plan.classes if c.grade != plan.demo_class.grade and c.grade >= 2]
    other = other or [c for c in plan.classes if c is not plan.demo_class]
    if other:
        demo_family_classes.append(min(other, key=lambda c: (abs(c.grade - 3), c.letter)))
    for cls in demo_family_classes:
        free[id(cls)] -= 1
    plans: list[list[PClass]] = [demo_family_classes]
    for size, share in ((3, 0.03), (2, 0.19)):
        for _ in range(round(seats * share / size)):
            grades = [g for g in by_grade if any(free[id(c)] > 0 for c in by_grade[g])]
            if len(grades) < size:
                break
            picked = [take(g) for g in rng.sample(grades, size)]
            plans.append([c for c in picked if c is not None])
    for cls in plan.classes:
        while free[id(cls)] > 0:
            free[id(cls)] -= 1
            plans.append([cls])
    tail = plans[1:]  # the demo family stays first
    rng.shuffle(tail)
    for classes in [plans[0], *tail]:
        _family(plan, rng, classes)
    # Class lists in alphabetical order, as in a paper journal.
    for cls in plan.classes:
        cls.students.sort(key=lambda s: (s.surname, s.name, s.patronymic))
    plan.students = [s for cls in plan.classes for s in cls.students]
    for index, student in enumerate(plan.students):
        student.index = index
    for cls in plan.classes:
        for a in cls.assignments:
            a.students = cls.students if a.group is None else cls.group_students(a.group)


def _family(plan: SchoolPlan, rng: random.Random, classes: list[PClass]) -> None:
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
        born_year = plan.calendar.year_start.year - 6 - cls.grade  # a first-grader is 7 in September
        if rng.random() < 0.15:
            birth = datetime.date(born_year - 1, rng.randint(9, 12), rng.randint(1, 28))
        else:
            birth = datetime.date(born_year, rng.randint(1, 12), rng.randint(1, 28))
        student = PStudent(
            male,
            surname if male else names.female_surname(surname),
            child_name,
            names.PATRONYMICS[father_name][0 if male else 1],
            cls=cls,
            family=family,
            birth_date=birth,
            gender=Student.Gender.MALE if male else Student.Gender.FEMALE,
            ability=min(4.95, max(2.7, rng.gauss(4.0, 0.5))),
        )
        if cls.grade >= 7 and rng.random() < 0.5:
            student.phone = phone(rng)
        if cls.grade >= 8 and rng.random() < 0.5:
            student.email = EMAIL_PERSONAL
        family.children.append(student)
        cls.students.append(student)
    roll = rng.random()
    if not plan.families or roll < 0.84:  # the demo family has both parents
        kinds = [Guardianship.Kind.MOTHER, Guardianship.Kind.FATHER]
    elif roll < 0.95:
        kinds = [Guardianship.Kind.MOTHER]
    elif roll < 0.97:
        kinds = [Guardianship.Kind.FATHER]
    elif roll < 0.99:
        kinds = [Guardianship.Kind.GUARDIAN]
    else:
        kinds = []
    for kind in kinds:
        grandfather = names.PATRONYMICS[rng.choice(names.GRANDFATHER_NAMES)]
        if kind == Guardianship.Kind.FATHER:
            parent = PParent(True, surname, father_name, grandfather[0], kind=kind)
        elif kind == Guardianship.Kind.MOTHER:
            own = surname if rng.random() < 0.9 else rng.choice(names.SURNAMES)
            parent = PParent(False, names.female_surname(own), rng.choice(names.WOMEN_NAMES), grandfather[1], kind=kind)
        else:
            parent = PParent(
                False,
                names.female_surname(rng.choice(names.SURNAMES)),
                rng.choice(names.OLDER_WOMEN_NAMES),
                grandfather[1],
                kind=kind,
            )
        parent.phone = phone(rng)
        parent.email = EMAIL_PERSONAL if rng.random() < 0.85 else ""
        parent.family = family
        family.parents.append(parent)
        plan.parents.append(parent)
    plan.families.append(family)


def plan_access(plan: SchoolPlan) -> None:
    """Guardianships and their applications, receipts, the diary readers' habits, incomplete student cards."""
    rng = plan.rng("access")
    demo_family = plan.families[0]
    plan.demo_parent = next(p for p in demo_family.parents if p.kind == Guardianship.Kind.MOTHER)
    plan.demo_parent.login = "parent"
    plan.demo_student = next(c for c in demo_family.children if c.cls is plan.demo_class)
    plan.demo_student.login = "student"
    status: dict[PParent, dict[PStudent, str]] = {
        parent: dict.fromkeys(parent.family.children, Guardianship.Status.ACTIVE) for parent in plan.parents
    }
    ordinary = [p for p in plan.parents if p.family is not demo_family]
    # Pending applications (about 1 %), one ended access, parents who never log in and parents without the
    # receipt document.
    for parent in rng.sample(ordinary, max(1, len(ordinary) // 100)):
        status[parent][next(iter(status[parent]))] = Guardianship.Status.APPLIED
    fathers = [
        p
        for p in ordinary
        if p.kind == Guardianship.Kind.FATHER
        and len(status[p]) == 1
        and all(s == Guardianship.Status.ACTIVE for s in status[p].values())
    ]
    if fathers:
        ended = rng.choice(fathers)
        status[ended][next(iter(status[ended]))] = Guardianship.Status.ENDED
    never = set(rng.sample(ordinary, max(1, len(ordinary) * 4 // 100)))
    with_access = [p for p in ordinary if Guardianship.Status.ACTIVE in status[p].values()]
    no_receipt = set(rng.sample(with_access, max(1, len(with_access) * 3 // 100)))
    _guardianships(plan, rng, status)
    year_start = plan.calendar.year_start
    for parent in plan.parents:
        if not parent.readable:
            no_receipt.add(parent)
            never.add(parent)
        if parent not in no_receipt:
            parent.receipt = year_start + datetime.timedelta(days=rng.randint(0, 10))
        if parent not in never:
            recent = parent.family is demo_family or rng.random() < 0.84
            last = rng.randint(1, 6) if recent else rng.randint(8, 28)
            parent.habit = Habit(per_week=round(rng.uniform(1.5, 4.5), 2), last=last)
    for student in plan.students:
        featured = student is plan.demo_student
        if featured or rng.random() < (0.95 if student.cls.grade >= 5 else 0.7):
            student.receipt = year_start + datetime.timedelta(days=rng.randint(0, 14))
        keen = 0.85 if student.cls.grade >= 5 else 0.35
        if featured or rng.random() < keen:
            student.habit = Habit(per_week=round(rng.uniform(3, 6), 2), last=1)
        elif rng.random() < 0.6:
            student.habit = Habit(per_week=round(rng.uniform(1, 3), 2), last=rng.randint(3, 28))
    _student_cards(plan, rng, protected=set(demo_family.children))


def _guardianships(plan: SchoolPlan, rng: random.Random, status: dict[PParent, dict[PStudent, str]]) -> None:
    """The applications (заявительный порядок, п. 1.16): filed in the last week of August, decided in days."""
    year_start = plan.calendar.year_start
    for parent in plan.parents:
        for student, state in status[parent].items():
            applied = year_start + datetime.timedelta(days=rng.randint(-8, 10))
            row = PGuardianship(parent=parent, student=student, status=state, applied=applied)
            if state == Guardianship.Status.APPLIED:
                row.applied = max(year_start, plan.today - datetime.timedelta(days=rng.randint(1, 9)))
            else:
                decided = applied + datetime.timedelta(days=rng.randint(1, 3))
                row.decided = at(decided, rng.randint(9, 16), rng.randint(0, 59))
            if state == Guardianship.Status.ENDED:
                row.ended = at(year_start.replace(month=10, day=14), 11, 20)
                row.end_reason = END_REASON
            parent.guardianships.append(row)


def _student_cards(plan: SchoolPlan, rng: random.Random, *, protected: set[PStudent]) -> None:
    """Personal file numbers; five incomplete cards (compliance: «карточка ученика»); PE exemptions."""
    records = list(range(1, len(plan.students) + 1))
    rng.shuffle(records)
    for student, record in zip(plan.students, records, strict=True):
        student.record = record
    for number, student in enumerate(rng.sample([s for s in plan.students if s not in protected], 5)):
        if number < 2:
            student.birth_date = None
        elif number < 4:
            student.record = None
        else:
            student.gender = ""
    for student in rng.sample(plan.students, max(1, len(plan.students) // 100)):
        student.exempt_pe = student.cls.grade >= 2
