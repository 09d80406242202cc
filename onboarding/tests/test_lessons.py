"""Single lessons: move, cancel, add, substitute — and the pages that do it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from journal import selectors as journal_selectors
from journal.models import HistoryEntry, Lesson, Role
from journal.tests import factories as f
from onboarding import services

TUESDAY = datetime.date(2026, 11, 24)


@pytest.fixture
def lesson(assignment, quarter):
    return f.LessonFactory(assignment=assignment, date=TUESDAY, number=2, topic="", homework="")


def test_move_within_the_period(lesson, deputy):
    services.lesson_move(lesson=lesson, date=datetime.date(2026, 11, 25), number=4, by=deputy)
    lesson.refresh_from_db()
    assert (lesson.date, lesson.number) == (datetime.date(2026, 11, 25), 4)
    entry = HistoryEntry.objects.get(kind=HistoryEntry.Kind.LESSON, lesson_id=lesson.pk)
    assert entry.old["date"] == "2026-11-24" and entry.new["number"] == 4


def test_move_outside_the_period_is_refused_in_russian(lesson, deputy, quarter1):
    with pytest.raises(ValidationError, match="в пределах периода"):
        services.lesson_move(lesson=lesson, date=datetime.date(2026, 10, 20), number=1, by=deputy)
    with pytest.raises(ValidationError, match="в пределах периода"):
        services.lesson_move(lesson=lesson, date=datetime.date(2027, 3, 1), number=1, by=deputy)


def test_move_to_a_holiday_or_sunday_is_refused(lesson, deputy, year):
    f.HolidayFactory(
        year=year, name="День народного единства", start=datetime.date(2026, 11, 4), end=datetime.date(2026, 11, 6)
    )
    with pytest.raises(ValidationError, match="День народного единства"):
        services.lesson_move(lesson=lesson, date=datetime.date(2026, 11, 6), number=1, by=deputy)
    with pytest.raises(ValidationError, match="воскресенье"):
        services.lesson_move(lesson=lesson, date=datetime.date(2026, 11, 29), number=1, by=deputy)


def test_a_lesson_with_marks_is_neither_moved_nor_cancelled(lesson, deputy, student):
    f.MarkFactory(lesson=lesson, student=student)
    with pytest.raises(ValidationError, match="отметки"):
        services.lesson_move(lesson=lesson, date=datetime.date(2026, 11, 25), number=1, by=deputy)
    with pytest.raises(ValidationError, match="отметки"):
        services.lesson_set_held(lesson=lesson, held=False, by=deputy)


def test_a_clash_with_the_class_timetable_is_refused(lesson, deputy, russian_assignment):
    f.LessonFactory(assignment=russian_assignment, date=TUESDAY, number=3)
    with pytest.raises(ValidationError, match="уже стоит"):
        services.lesson_move(lesson=lesson, date=TUESDAY, number=3, by=deputy)


def test_add_outside_the_period_is_refused(assignment, quarter, deputy):
    with pytest.raises(ValidationError, match="в пределах периода"):
        services.lesson_add(assignment=assignment, date=datetime.date(2026, 11, 2), number=1, by=deputy, period=quarter)
    with pytest.raises(ValidationError, match="не входит ни в один учебный период"):
        services.lesson_add(assignment=assignment, date=datetime.date(2026, 11, 2), number=1, by=deputy)


def test_cancel_and_restore(lesson, deputy):
    services.lesson_set_held(lesson=lesson, held=False, by=deputy)
    assert not Lesson.objects.get(pk=lesson.pk).is_held
    services.lesson_set_held(lesson=lesson, held=True, by=deputy)
    assert Lesson.objects.get(pk=lesson.pk).is_held


def test_the_substitute_may_fill_the_lesson(lesson, deputy, other_teacher):
    with pytest.raises(Exception):  # noqa: B017 — Http404 before the substitution
        journal_selectors.lesson_for_writer(user=other_teacher, lesson_id=lesson.pk)
    services.lesson_substitute(lesson=lesson, teacher=other_teacher, by=deputy)
    assert journal_selectors.lesson_for_writer(user=other_teacher, lesson_id=lesson.pk).pk == lesson.pk


def test_only_a_teacher_substitutes(lesson, deputy, teacher):
    stranger = f.UserFactory(roles=[Role.PARENT])
    with pytest.raises(ValidationError, match="только учитель"):
        services.lesson_substitute(lesson=lesson, teacher=stranger, by=deputy)
    with pytest.raises(ValidationError, match="замена не нужна"):
        services.lesson_substitute(lesson=lesson, teacher=teacher, by=deputy)


def test_the_lesson_page_moves_and_substitutes(client_for, deputy, lesson, other_teacher):
    client = client_for(deputy)
    assert client.get(f"/plan/lessons/{lesson.pk}/").status_code == 200
    response = client.post(
        f"/plan/lessons/{lesson.pk}/", {"action": "move", "date": "2026-11-26", "number": "5", "room": "12"}
    )
    assert response.status_code == 302
    client.post(f"/plan/lessons/{lesson.pk}/", {"action": "substitute", "teacher": other_teacher.pk})
    lesson.refresh_from_db()
    assert (lesson.date, lesson.number, lesson.room, lesson.substitute_id) == (
        datetime.date(2026, 11, 26),
        5,
        "12",
        other_teacher.pk,
    )
    page = client.get(f"/plan/lessons/?cls={lesson.assignment.school_class_id}&week=2026-11-23").content.decode()
    assert "замена" in page and other_teacher.short_name in page


def test_the_lesson_page_shows_a_refusal(client_for, deputy, lesson):
    response = client_for(deputy).post(
        f"/plan/lessons/{lesson.pk}/", {"action": "move", "date": "2027-02-01", "number": "1"}, follow=True
    )
    assert "в пределах периода" in response.content.decode()
