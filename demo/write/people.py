"""Accounts with their roles, the teacher cards, the classes and the student cards."""

import datetime

from django.contrib.auth.models import Group

from journal.models import Role, SchoolClass, Student, Teacher, User

from .. import names
from ..plan import EMAIL_PERSONAL, EMAIL_SCHOOL, Person, at
from . import BATCH, DemoSeedError, Written, batched

#: E-mail templates: demo addresses live on reserved domains, so no letter can reach a real person.
EMAILS = {EMAIL_SCHOOL: "{login}@school84.krd.example", EMAIL_PERSONAL: "{login}@mail.example"}


def write_people(w: Written) -> None:
    plan = w.plan
    rng = w.rng("people")
    joined = at(plan.calendar.year_start - datetime.timedelta(days=7), 9)
    yesterday = plan.today - datetime.timedelta(days=1)

    def last_visit(person: Person) -> datetime.datetime | None:
        visits = w.visits.get(person)
        return visits[-1][0] if visits else None

    people: list[tuple[Person, datetime.datetime | None]] = []
    for person in plan.staff.values():
        people.append((person, at(yesterday, 8 + rng.randint(0, 8), rng.randint(0, 59))))
    for teacher in plan.teachers:
        login_day = plan.today - datetime.timedelta(days=12) if teacher is plan.late_teacher else yesterday
        people.append((teacher, at(login_day, rng.randint(7, 20), rng.randint(0, 59))))
    people += [(student, last_visit(student)) for student in plan.students]
    people += [(parent, last_visit(parent)) for parent in plan.parents]
    for person, last_login in people:
        login = person.login or _username(w, person)
        w.users[person] = User(
            username=login,
            password=w.password,
            surname=person.surname,
            name=person.name,
            patronymic=person.patronymic,
            email=EMAILS[person.email].format(login=login) if person.email else "",
            phone=person.phone,
            is_staff=person in (plan.staff["deputy"], plan.staff["sysadmin"]),
            date_joined=joined,
            last_login=last_login,
        )
    users = list(w.users.values())
    for chunk in batched(users):
        User.objects.bulk_create(chunk)
    w.counts["users"] = len(users)
    _write_roles(w)
    _write_cards(w)
    _write_classes(w)
    _write_students(w)


def _username(w: Written, person: Person) -> str:
    """``ivanova.ap``; ``ivanova.ap2`` when that is taken."""
    base = f"{names.translit(person.surname)}.{names.translit(person.name)[:1]}{names.translit(person.patronymic)[:1]}"
    username, number = base, 1
    while username in w.taken_usernames:
        number += 1
        username = f"{base}{number}"
    w.taken_usernames.add(username)
    return username


def _write_roles(w: Written) -> None:
    plan = w.plan
    groups = {g.name: g.pk for g in Group.objects.filter(name__in=[r.value for r in Role])}
    if len(groups) != len(Role):
        raise DemoSeedError("Нет групп ролей из миграции journal 0002. Выполните migrate.")
    staff_roles = {"director": Role.DIRECTOR, "deputy": Role.DEPUTY, "sysadmin": Role.SYSADMIN}
    pairs = [(w.users[person], staff_roles[key]) for key, person in plan.staff.items()]
    for teacher in plan.teachers:
        pairs.append((w.users[teacher], Role.TEACHER))
        if teacher.leads is not None:
            pairs.append((w.users[teacher], Role.CLASS_TEACHER))
    pairs += [(w.users[s], Role.STUDENT) for s in plan.students]
    pairs += [(w.users[p], Role.PARENT) for p in plan.parents]
    Through = User.groups.through
    Through.objects.bulk_create([Through(user_id=u.pk, group_id=groups[role]) for u, role in pairs], batch_size=BATCH)


def _write_cards(w: Written) -> None:
    cards = [
        Teacher(
            user=w.users[teacher],
            school=w.school,
            position=teacher.position,
            education=teacher.education,
            category=teacher.category,
            experience_years=teacher.experience,
        )
        for teacher in w.plan.teachers
    ]
    Teacher.objects.bulk_create(cards, batch_size=BATCH)
    Through = Teacher.subjects.through
    Through.objects.bulk_create(
        [
            Through(teacher_id=card.pk, subject_id=w.subjects[key].pk)
            for card, teacher in zip(cards, w.plan.teachers, strict=True)
            for key in sorted(teacher.subjects)
        ],
        batch_size=BATCH,
    )
    w.counts["teachers"] = len(cards)


def _write_classes(w: Written) -> None:
    for cls in w.plan.classes:
        w.classes[cls] = SchoolClass(
            school=w.school, year=w.year, grade=cls.grade, letter=cls.letter, class_teacher=w.users[cls.teacher]
        )
    SchoolClass.objects.bulk_create(list(w.classes.values()))
    w.counts["classes"] = len(w.classes)


def _write_students(w: Written) -> None:
    for student in w.plan.students:
        w.students[student] = Student(
            user=w.users[student],
            school_class=w.classes[student.cls],
            birth_date=student.birth_date,
            gender=student.gender,
            record_number="" if student.record is None else f"{student.surname[0]}-{student.record:04d}",
            address=student.family.address,
        )
    Student.objects.bulk_create(list(w.students.values()), batch_size=BATCH)
    w.counts["students"] = len(w.students)
    w.counts["parents"] = len(w.plan.parents)
