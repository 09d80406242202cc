"""A lesson's place (``journal.services.timetable``): the journal's own rules and the history of kind «урок»."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from journal import selectors, services
from journal.models import HistoryEntry, Lesson, LessonAdjustment, Role
from journal.services import Origin
from journal.tests import factories as f
from journal.tests.factories import journal_entries

TUESDAY = datetime.date(2026, 11, 24)


@pytest.fixture
def origin(deputy):
    return Origin(by=deputy)


@pytest.fixture
def lesson(assignment, quarter):
    return f.LessonFactory(assignment=assignment, date=TUESDAY, number=2, topic="", homework="")


def _entries(lesson: Lesson):
    return journal_entries().filter(kind=HistoryEntry.Kind.LESSON, lesson_id=lesson.pk).order_by("id")


def test_add_records_the_lesson_as_added_by_hand(origin, assignment, quarter, deputy):
    lesson = services.lesson_add(origin=origin, assignment=assignment, date=TUESDAY, number=6, room=" 21 ")

    assert (lesson.room, lesson.is_held) == ("21", True)
    assert LessonAdjustment.objects.get(lesson=lesson).kind == LessonAdjustment.Kind.ADDED
    (entry,) = _entries(lesson)
    assert (entry.action, entry.source, entry.user_id, entry.object_id) == ("create", "grid", deputy.pk, lesson.pk)
    assert entry.old is None and entry.new["date"] == "2026-11-24" and entry.new["number"] == 6


def test_the_callers_place_check_refuses_and_nothing_is_written(origin, lesson):
    def refuse(current: Lesson) -> None:
        raise ValidationError("место занято")

    with pytest.raises(ValidationError, match="место занято"):
        services.lesson_move(origin=origin, lesson=lesson, date=TUESDAY, number=5, check_place=refuse)
    assert Lesson.objects.get(pk=lesson.pk).number == 2
    assert not _entries(lesson).exists() and not LessonAdjustment.objects.exists()


def test_a_move_keeps_the_timetable_place_and_back_there_is_ordinary_again(origin, lesson):
    services.lesson_move(origin=origin, lesson=lesson, date=TUESDAY, number=5, room="12")
    adjustment = LessonAdjustment.objects.get(lesson=lesson)
    assert (adjustment.original_date, adjustment.original_number) == (TUESDAY, 2)

    services.lesson_move(origin=origin, lesson=lesson, date=TUESDAY, number=2)

    assert not LessonAdjustment.objects.filter(lesson=lesson).exists()
    assert [(e.old["number"], e.new["number"]) for e in _entries(lesson)] == [(2, 5), (5, 2)]
    assert Lesson.objects.get(pk=lesson.pk).room == "12"


def test_a_lesson_with_marks_is_neither_moved_nor_cancelled(origin, lesson, student):
    f.MarkFactory(lesson=lesson, student=student)
    with pytest.raises(ValidationError, match="отметки"):
        services.lesson_move(origin=origin, lesson=lesson, date=datetime.date(2026, 11, 25), number=1)
    with pytest.raises(ValidationError, match="отметки"):
        services.lesson_set_held(origin=origin, lesson=lesson, held=False)
    assert not _entries(lesson).exists()


def test_cancel_and_restore(origin, lesson):
    services.lesson_set_held(origin=origin, lesson=lesson, held=False)
    assert not Lesson.objects.get(pk=lesson.pk).is_held
    services.lesson_set_held(origin=origin, lesson=lesson, held=False)  # again: nothing changes
    services.lesson_set_held(origin=origin, lesson=lesson, held=True)
    assert Lesson.objects.get(pk=lesson.pk).is_held
    assert [(e.old["is_held"], e.new["is_held"]) for e in _entries(lesson)] == [(True, False), (False, True)]


def test_the_substitute_may_fill_the_lesson(origin, lesson, other_teacher):
    with pytest.raises(Exception):  # noqa: B017 — Http404 before the substitution
        selectors.lesson_for_writer(user=other_teacher, lesson_id=lesson.pk)
    services.lesson_substitute(origin=origin, lesson=lesson, teacher=other_teacher)
    assert selectors.lesson_for_writer(user=other_teacher, lesson_id=lesson.pk).pk == lesson.pk


def test_only_a_teacher_substitutes(origin, lesson, teacher):
    stranger = f.UserFactory(roles=[Role.PARENT])
    with pytest.raises(ValidationError, match="только учитель"):
        services.lesson_substitute(origin=origin, lesson=lesson, teacher=stranger)
    with pytest.raises(ValidationError, match="замена не нужна"):
        services.lesson_substitute(origin=origin, lesson=lesson, teacher=teacher)


def test_created_in_bulk_each_with_its_history_entry(origin, assignment, quarter):
    planned = [Lesson(assignment=assignment, date=TUESDAY, number=n, is_held=True) for n in (1, 3)]

    created = services.lessons_create_many(origin=origin, lessons=planned)

    assert len(created) == Lesson.objects.count() == 2
    entries = journal_entries().filter(kind=HistoryEntry.Kind.LESSON, action=HistoryEntry.Action.CREATE)
    assert sorted(entry.new["number"] for entry in entries) == [1, 3]
    assert {entry.lesson_id for entry in entries} == {lesson.pk for lesson in created}


def test_only_lessons_nothing_hangs_on_are_deleted(assignment, quarter, student, deputy):
    empty = f.LessonFactory(assignment=assignment, date=TUESDAY, number=1, topic="", homework="")
    marked = f.LessonFactory(assignment=assignment, date=TUESDAY, number=3, topic="", homework="")
    f.MarkFactory(lesson=marked, student=student)
    with_topic = f.LessonFactory(assignment=assignment, date=TUESDAY, number=4, topic="Дроби", homework="")
    origin = Origin(by=deputy, source=HistoryEntry.Source.COMMAND, reference="генерация по расписанию")

    removed = services.lessons_delete_many(origin=origin, lessons=[empty, marked, with_topic])

    assert removed == [empty]
    assert set(Lesson.objects.values_list("pk", flat=True)) == {marked.pk, with_topic.pk}
    entry = journal_entries().get(kind=HistoryEntry.Kind.LESSON)
    assert (entry.action, entry.lesson_id, entry.new) == ("delete", empty.pk, None)
    assert (entry.source, entry.reference, entry.old["number"]) == ("command", "генерация по расписанию", 1)
