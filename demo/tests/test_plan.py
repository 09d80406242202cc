"""The plan of a school (``demo.plan``), without a database: what both writers — ``seed_demo`` and the bench —
rely on."""

import datetime
from collections import Counter

import pytest

from demo import curriculum as cur
from demo.plan import DEMO_YEAR, SMALL_CLASS_COUNT, calendar_for, plan_school, school_year

TODAY = datetime.date(2026, 11, 28)


@pytest.fixture(scope="module")
def plan():
    return plan_school(calendar=school_year(DEMO_YEAR), today=TODAY, seed=84)


def _fingerprint(plan) -> list:
    return [
        [(s.full_name, s.cls.label, s.record, s.habit) for s in plan.students],
        [(t.full_name, sorted(t.subjects), t.category) for t in plan.teachers],
        [
            (c.label, sorted((d, n, a.subject) for d, ls in c.schedule.items() for n, t in ls for a in t))
            for c in plan.classes
        ],
        [(g.parent.full_name, g.student.full_name, g.status, g.applied) for g in plan.guardianships],
    ]


def test_the_same_seed_plans_the_same_school_and_another_seed_another(plan):
    again = plan_school(calendar=school_year(DEMO_YEAR), today=TODAY, seed=84)
    other = plan_school(calendar=school_year(DEMO_YEAR), today=TODAY, seed=85)

    assert _fingerprint(again) == _fingerprint(plan)
    assert _fingerprint(other) != _fingerprint(plan)


def test_the_calendar_is_krasnodars_year_moved_to_any_year():
    demo, later = school_year(DEMO_YEAR), calendar_for(datetime.date(2031, 2, 1))

    assert (demo.year_start, demo.lessons_end, demo.year_end) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 5, 26),
        datetime.date(2027, 8, 31),
    )
    assert later.year_start == datetime.date(2030, 9, 1)
    assert [(p.kind, p.number) for p in later.periods] == [(p.kind, p.number) for p in demo.periods]
    days = demo.school_days()
    assert all(day.isoweekday() <= 5 and not demo.is_holiday(day) for day in days)
    assert datetime.date(2026, 10, 27) not in days  # autumn holidays
    assert 160 <= len(days) <= 175


def test_every_class_gets_its_curriculum_and_no_teacher_is_in_two_places(plan):
    busy = Counter()
    for cls in plan.classes:
        hours = cur.hours_for(cls.grade, cls.letter)
        taught = Counter(a.subject for lessons in cls.schedule.values() for _n, group in lessons for a in group[:1])
        assert taught == Counter(hours), cls.label
        for weekday, lessons in cls.schedule.items():
            for number, group in lessons:
                for a in group:
                    busy[(a.teacher.index, weekday, number)] += 1
    assert max(busy.values()) == 1
    assert plan.class_of(10, "А") and cur.hours_for(10, "А")["alg"] == 4


def test_the_ktp_has_a_topic_for_every_lesson_of_the_year_and_two_assignments_miss_it(plan):
    for a in plan.assignments:
        assert len(a.ktp) == len(a.dates) > 0
    assert len(plan.no_ktp) == 2
    late = [a for a in plan.assignments if a.teacher is plan.late_teacher and a.cls.grade >= 2]
    assert any(work for a in late for _title, work in a.ktp)


def test_the_featured_people_and_the_gaps(plan):
    assert plan.demo_student.cls is plan.demo_class == plan.class_of(7, "А")
    assert plan.demo_student in plan.demo_parent.readable and len(plan.demo_parent.readable) == 2
    assert plan.demo_class.teacher.login == "teacher"
    assert {t.login for t in plan.teachers if t.login} == {"teacher", "teacher2"}
    assert plan.late_teacher.index in plan.protected
    assert not {t.index for t in plan.gap_teachers} & plan.protected
    assert len(plan.incomplete_teachers) == 3
    assert sum(s.birth_date is None or s.record is None or not s.gender for s in plan.students) == 5
    statuses = Counter(g.status for g in plan.guardianships)
    assert statuses["ended"] == 1 and statuses["applied"] >= 1
    assert any(p.readable and p.habit is None for p in plan.parents)  # never opened the diary
    assert any(p.readable and p.receipt is None for p in plan.parents)
    assert {(p.kind, p.number) for p in [*plan.calendar.quarters, *plan.calendar.halves]} == set(
        plan.missing_period_marks
    )


def test_a_small_school_keeps_quarters_and_halves():
    small = plan_school(calendar=school_year(DEMO_YEAR), today=TODAY, seed=84, classes=SMALL_CLASS_COUNT)

    assert sorted(c.label for c in small.classes) == ["10А", "2А", "5А", "8А"]
    assert small.demo_class.label == "5А"
