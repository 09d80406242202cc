"""The diary's late-change notes read from the history: what a write with a late-change origin (раздел 4)
leaves behind is what the parent is shown, the request number and the local day, and nothing else."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from journal import services
from journal.history import history_record
from journal.history_selectors import late_changes_of_student
from journal.models import HistoryEntry, StudyPeriod
from journal.services.base import record_refusal
from journal.tests import factories as f

MSK = ZoneInfo("Europe/Moscow")
#: 21.11.2026 01:30 in Moscow, still the 20th in UTC: the note carries the school's day.
APPLIED = datetime.datetime(2026, 11, 20, 22, 30, tzinfo=datetime.UTC)
#: Inside the windows of a lesson of 16.11.2026.
INSIDE = datetime.datetime(2026, 11, 17, 12, 0, tzinfo=MSK)


def late(user, number: str, at: datetime.datetime = APPLIED) -> services.Origin:
    return services.Origin(by=user, source=HistoryEntry.Source.LATE_CHANGE, reference=number, late_change=True, at=at)


@pytest.fixture
def lessons(assignment, quarter1, quarter):
    """A lesson of the first quarter and one of the second (the current one)."""
    return f.LessonFactory(assignment=assignment, date=datetime.date(2026, 10, 20)), f.LessonFactory(
        assignment=assignment, date=datetime.date(2026, 11, 16)
    )


def test_each_entry_carries_its_latest_request_and_the_local_day(sysadmin, teacher, student, lessons, quarter):
    old, current = lessons
    mark = services.mark_create(origin=late(sysadmin, "1/2026-27"), lesson=current, student=student, value=3)
    services.mark_update(origin=late(sysadmin, "12/2026-27", APPLIED + datetime.timedelta(days=1)), mark=mark, value=4)
    in_grid = services.mark_create(
        origin=services.Origin(by=teacher, at=INSIDE), lesson=current, student=student, value=5
    )
    absence = services.attendance_set(origin=late(sysadmin, "2/2026-27"), lesson=current, student=student, code="Б")
    earlier = services.mark_create(origin=late(sysadmin, "3/2026-27"), lesson=old, student=student, value=5)

    notes = late_changes_of_student(student=student, period=quarter)

    assert str(notes.marks[mark.pk]) == "№ 12/2026-27, 22.11.2026"
    assert str(notes.attendance[absence.pk]) == "№ 2/2026-27, 21.11.2026"
    assert in_grid.pk not in notes.marks  # a write inside the window has no note
    assert earlier.pk not in notes.marks  # a lesson of another period
    of_old_lesson = late_changes_of_student(student=student, lesson_ids=[old.pk])
    assert {pk: str(note) for pk, note in of_old_lesson.marks.items()} == {earlier.pk: "№ 3/2026-27, 21.11.2026"}
    assert set(vars(notes.marks[mark.pk])) == {"applied_on", "number"}  # nothing of the document


def test_a_deleted_entry_keeps_its_note(sysadmin, student, lessons, quarter):
    _old, current = lessons
    mark = services.mark_create(
        origin=services.Origin(by=sysadmin, at=INSIDE), lesson=current, student=student, value=2
    )
    services.mark_delete(origin=late(sysadmin, "5/2026-27"), mark=mark)
    assert late_changes_of_student(student=student, lesson_ids=[current.pk]).marks[mark.pk].number == "5/2026-27"


def test_period_marks_by_subject_and_period_of_the_year(sysadmin, student, assignment, quarter, year):
    subject = assignment.subject
    year_period = f.StudyPeriodFactory(year=year, whole_year=True)
    quarter_mark = services.period_mark_set(
        origin=late(sysadmin, "7/2026-27"), student=student, subject=subject, period=quarter, value="4"
    )
    services.period_mark_set(
        origin=services.Origin(by=sysadmin, at=INSIDE), student=student, subject=subject, period=year_period, value="5"
    )
    services.period_mark_set(
        origin=late(sysadmin, "8/2026-27"), student=student, subject=subject, period=year_period, value=""
    )
    # A period mark of another academic year (written straight into the history: its year is not the class's).
    last_year = StudyPeriod.objects.create(
        year=f.AcademicYearFactory(
            start=datetime.date(2025, 9, 1), end=datetime.date(2026, 5, 31), marks_deadline=datetime.date(2026, 5, 31)
        ),
        kind=StudyPeriod.Kind.YEAR,
        number=1,
        start=datetime.date(2025, 9, 1),
        end=datetime.date(2026, 5, 31),
        marks_deadline=datetime.date(2026, 5, 31),
    )
    with transaction.atomic():
        history_record(
            user=sysadmin,
            source=HistoryEntry.Source.LATE_CHANGE,
            reference="40/2025-26",
            kind=HistoryEntry.Kind.PERIOD_MARK,
            action=HistoryEntry.Action.UPDATE,
            object_id=999,
            student_id=student.pk,
            old={"value": "3", "subject": subject.pk, "period": last_year.pk},
            new={"value": "4", "subject": subject.pk, "period": last_year.pk},
        )

    notes = late_changes_of_student(student=student, period=quarter)

    assert notes.period_marks[quarter_mark.pk].number == "7/2026-27"
    assert notes.for_period_mark(subject_id=subject.pk, period_id=quarter.pk).number == "7/2026-27"
    # The year mark was cleared by a request: its basis still shows beside the «—».
    assert notes.for_period_mark(subject_id=subject.pk, period_id=year_period.pk).number == "8/2026-27"
    assert notes.for_period_mark(subject_id=subject.pk, period_id=last_year.pk) is None
    assert 999 not in notes.period_marks
    assert late_changes_of_student(student=student).for_period_mark(subject_id=subject.pk, period_id=last_year.pk)


def test_a_refused_attempt_and_another_students_changes_are_not_notes(
    sysadmin, student, other_student, other_assignment, lessons
):
    _old, current = lessons
    elsewhere = f.LessonFactory(assignment=other_assignment, date=current.date)
    services.mark_create(origin=late(sysadmin, "6/2026-27"), lesson=elsewhere, student=other_student, value=5)
    with transaction.atomic():
        record_refusal(
            late(sysadmin, "9/2026-27"),
            kind=HistoryEntry.Kind.MARK,
            lesson_id=current.pk,
            student_id=student.pk,
            object_id=1,
            current={"value": 3},
            attempted={"value": 4},
        )
    assert not late_changes_of_student(student=student)


def test_one_query(sysadmin, student, lessons, quarter, django_assert_num_queries):
    _old, current = lessons
    services.mark_create(origin=late(sysadmin, "1/2026-27"), lesson=current, student=student, value=3)
    with django_assert_num_queries(1):
        notes = late_changes_of_student(student=student, lesson_ids=[current.pk], period=quarter)
    assert notes.marks
