"""Single lessons: where one may be moved or added — and the pages that move, cancel and substitute."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from journal.models import HistoryEntry
from journal.services import Origin
from journal.tests import factories as f
from journal.tests.factories import journal_entries
from onboarding import services

TUESDAY = datetime.date(2026, 11, 24)


@pytest.fixture
def origin(deputy):
    return Origin(by=deputy)


@pytest.fixture
def lesson(assignment, quarter):
    return f.LessonFactory(assignment=assignment, date=TUESDAY, number=2, topic="", homework="")


def test_move_within_the_period(lesson, origin):
    services.lesson_move(origin=origin, lesson=lesson, date=datetime.date(2026, 11, 25), number=4)
    lesson.refresh_from_db()
    assert (lesson.date, lesson.number) == (datetime.date(2026, 11, 25), 4)
    entry = journal_entries().get(kind=HistoryEntry.Kind.LESSON, lesson_id=lesson.pk)
    assert entry.old["date"] == "2026-11-24" and entry.new["number"] == 4


def test_move_outside_the_period_is_refused_in_russian(lesson, origin, quarter1):
    with pytest.raises(ValidationError, match="в пределах периода"):
        services.lesson_move(origin=origin, lesson=lesson, date=datetime.date(2026, 10, 20), number=1)
    with pytest.raises(ValidationError, match="в пределах периода"):
        services.lesson_move(origin=origin, lesson=lesson, date=datetime.date(2027, 3, 1), number=1)


def test_move_to_a_holiday_or_sunday_is_refused(lesson, origin, year):
    f.HolidayFactory(
        year=year, name="День народного единства", start=datetime.date(2026, 11, 4), end=datetime.date(2026, 11, 6)
    )
    with pytest.raises(ValidationError, match="День народного единства"):
        services.lesson_move(origin=origin, lesson=lesson, date=datetime.date(2026, 11, 6), number=1)
    with pytest.raises(ValidationError, match="воскресенье"):
        services.lesson_move(origin=origin, lesson=lesson, date=datetime.date(2026, 11, 29), number=1)


def test_a_lesson_with_marks_is_not_moved(lesson, origin, student):
    f.MarkFactory(lesson=lesson, student=student)
    with pytest.raises(ValidationError, match="отметки"):
        services.lesson_move(origin=origin, lesson=lesson, date=datetime.date(2026, 11, 25), number=1)
    with pytest.raises(ValidationError, match="отметки"):  # the journal's rule first, then the place
        services.lesson_move(origin=origin, lesson=lesson, date=datetime.date(2026, 11, 29), number=1)


def test_a_clash_with_the_class_timetable_is_refused(lesson, origin, russian_assignment):
    f.LessonFactory(assignment=russian_assignment, date=TUESDAY, number=3)
    with pytest.raises(ValidationError, match="уже стоит"):
        services.lesson_move(origin=origin, lesson=lesson, date=TUESDAY, number=3)


def test_add_outside_the_period_is_refused(assignment, quarter, origin):
    with pytest.raises(ValidationError, match="в пределах периода"):
        services.lesson_add(
            origin=origin, assignment=assignment, date=datetime.date(2026, 11, 2), number=1, period=quarter
        )
    with pytest.raises(ValidationError, match="не входит ни в один учебный период"):
        services.lesson_add(origin=origin, assignment=assignment, date=datetime.date(2026, 11, 2), number=1)


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
