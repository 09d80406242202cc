"""Lesson generation from the timetable: holidays, transfers, idempotence, lessons with marks survive."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from journal.models import HistoryEntry, Lesson, LessonAdjustment, TimetableSlot
from journal.services import Origin
from journal.tests import factories as f
from journal.tests.factories import journal_entries
from onboarding import generation, services

MONDAY, WEDNESDAY = TimetableSlot.Weekday.MONDAY, TimetableSlot.Weekday.WEDNESDAY
# The quarter is 05.11.2026 (Thursday) – 28.12.2026 (Monday).
MONDAYS = [datetime.date(2026, 11, 9) + datetime.timedelta(weeks=n) for n in range(8)]  # 09.11 … 28.12
WEDNESDAYS = [datetime.date(2026, 11, 11) + datetime.timedelta(weeks=n) for n in range(7)]  # 11.11 … 23.12
HOLIDAY = datetime.date(2026, 11, 16)  # a Monday
SATURDAY = datetime.date(2026, 11, 21)  # worked as a Monday


@pytest.fixture
def timetable(quarter, assignment):
    f.TimetableSlotFactory(period=quarter, assignment=assignment, weekday=MONDAY, number=1, room="21")
    f.TimetableSlotFactory(period=quarter, assignment=assignment, weekday=WEDNESDAY, number=2, room="21")
    return quarter


@pytest.fixture
def calendar(year, deputy):
    f.HolidayFactory(year=year, name="Выходной день", start=HOLIDAY, end=HOLIDAY)
    services.transfer_add(
        origin=Origin(by=deputy), year=year, date=SATURDAY, works_as_weekday=MONDAY, reason="приказ № 1"
    )


def _dates(assignment):
    return sorted((lesson.date, lesson.number) for lesson in Lesson.objects.filter(assignment=assignment))


def test_lessons_follow_the_timetable_skipping_holidays_and_using_transfers(timetable, calendar, assignment, deputy):
    plan = generation.generation_plan(period=timetable)
    assert len(plan.to_add) == 15 and not plan.to_remove

    generation.generation_apply(period=timetable, by=deputy)

    expected = [(d, 1) for d in MONDAYS if d != HOLIDAY] + [(SATURDAY, 1)] + [(d, 2) for d in WEDNESDAYS]
    assert _dates(assignment) == sorted(expected)
    assert HOLIDAY not in {d for d, _ in _dates(assignment)}
    assert set(Lesson.objects.values_list("room", flat=True)) == {"21"}
    assert (HOLIDAY, "Выходной день") in plan.days_off


def test_generating_again_changes_nothing(timetable, calendar, assignment, deputy):
    generation.generation_apply(period=timetable, by=deputy)
    before = list(Lesson.objects.order_by("pk").values_list("pk", "date", "number"))

    again = generation.generation_apply(period=timetable, by=deputy)

    assert again.changes == 0 and again.unchanged == 15
    assert list(Lesson.objects.order_by("pk").values_list("pk", "date", "number")) == before


def test_a_lesson_with_marks_survives_a_timetable_change(timetable, assignment, student, deputy):
    generation.generation_apply(period=timetable, by=deputy)
    marked = Lesson.objects.get(assignment=assignment, date=WEDNESDAYS[0])
    f.MarkFactory(lesson=marked, student=student)
    with_topic = Lesson.objects.get(assignment=assignment, date=WEDNESDAYS[1])
    Lesson.objects.filter(pk=with_topic.pk).update(topic="Делимость")

    TimetableSlot.objects.filter(period=timetable, weekday=WEDNESDAY).delete()
    plan = generation.generation_plan(period=timetable)

    assert {lesson.date for lesson in plan.to_remove} == set(WEDNESDAYS[2:])
    assert {k.lesson.pk: k.reason for k in plan.kept} == {
        marked.pk: "есть отметки",
        with_topic.pk: "заполнены тема или домашнее задание",
    }
    generation.generation_apply(period=timetable, by=deputy)
    assert Lesson.objects.filter(pk__in=[marked.pk, with_topic.pk]).count() == 2
    assert not Lesson.objects.filter(assignment=assignment, date__in=WEDNESDAYS[2:]).exists()
    removed = journal_entries().filter(kind=HistoryEntry.Kind.LESSON, action=HistoryEntry.Action.DELETE)
    assert removed.count() == len(WEDNESDAYS) - 2


def test_a_moved_lesson_is_not_generated_again(timetable, assignment, deputy, today):
    generation.generation_apply(period=timetable, by=deputy)
    lesson = Lesson.objects.get(assignment=assignment, date=MONDAYS[0])

    services.lesson_move(origin=Origin(by=deputy), lesson=lesson, date=datetime.date(2026, 11, 10), number=3)
    plan = generation.generation_plan(period=timetable)

    assert plan.changes == 0
    assert [k.reason for k in plan.kept] == ["перенесён"]
    adjustment = LessonAdjustment.objects.get(lesson=lesson)
    assert (adjustment.original_date, adjustment.original_number) == (MONDAYS[0], 1)


def test_a_lesson_added_by_hand_is_kept(timetable, assignment, deputy):
    extra = services.lesson_add(
        origin=Origin(by=deputy), assignment=assignment, date=datetime.date(2026, 11, 13), number=6
    )
    plan = generation.generation_apply(period=timetable, by=deputy)
    assert Lesson.objects.filter(pk=extra.pk).exists()
    assert [k.lesson.pk for k in plan.kept] == [extra.pk]


def test_only_the_classes_of_the_period_kind_are_generated(half, quarter, assignment, deputy, school, year):
    senior = f.SchoolClassFactory(school=school, year=year, grade=10, letter="А")
    senior_math = f.TeachingAssignmentFactory(school_class=senior, teacher=assignment.teacher)
    f.TimetableSlotFactory(period=half, assignment=senior_math, weekday=MONDAY, number=1)
    f.TimetableSlotFactory(period=quarter, assignment=assignment, weekday=MONDAY, number=1)

    plan = generation.generation_plan(period=half)
    assert {lesson.assignment_id for lesson in plan.to_add} == {senior_math.pk}


def test_the_year_period_is_refused(year):
    whole = f.StudyPeriodFactory(year=year, whole_year=True)
    with pytest.raises(ValidationError, match="четверти или полугодия"):
        generation.generation_plan(period=whole)


def test_the_command_dry_run_writes_nothing_and_the_real_run_does(timetable, calendar, capsys):
    call_command("generate_lessons", "--period", str(timetable.pk), "--dry-run")
    assert "добавить 15" in capsys.readouterr().out
    assert not Lesson.objects.exists()

    call_command("generate_lessons", "--period", str(timetable.pk), "--class", "5А")
    assert Lesson.objects.count() == 15
    call_command("generate_lessons", "--period", str(timetable.pk))
    assert "добавить 0, удалить 0" in capsys.readouterr().out
    assert Lesson.objects.count() == 15
