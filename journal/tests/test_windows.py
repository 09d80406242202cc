"""Edit windows of п. 3.3 at their edges: the last instant inside is accepted, the first outside refused.

Each row of DESIGN.md's table is exercised through the journal services (the grid's write path); the
admin path is covered in journal/tests/test_admin_writes.py.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from journal import services
from journal.models import Attendance, EditWindow, Mark, PeriodMark, StudyPeriod, WorkType
from journal.tests import factories as f
from journal.windows import WindowClosed, end_of_day

MSK = ZoneInfo("Europe/Moscow")
LESSON_DAY = datetime.date(2026, 11, 16)


def last_inside(day: datetime.date, days: int) -> datetime.datetime:
    return end_of_day(day + datetime.timedelta(days=days))


def first_outside(day: datetime.date, days: int) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=days + 1), datetime.time.min, tzinfo=MSK)


def test_day_ends_at_midnight_moscow():
    edge = end_of_day(LESSON_DAY)
    assert edge.astimezone(MSK).strftime("%H:%M:%S") == "23:59:59"
    assert edge.astimezone(datetime.UTC).hour == 20  # 23:59:59 MSK is 20:59:59 UTC


def work_type(category: str) -> WorkType:
    return WorkType.objects.filter(category=category).order_by("pk").first()


@pytest.fixture
def lesson(assignment, quarter):
    return f.LessonFactory(assignment=assignment, date=LESSON_DAY)


def origin(user, at):
    return services.Origin(by=user, at=at)


# --- current marks: created until day 10, changed until day 2 ------------------------------------------


@pytest.mark.parametrize(
    ("at", "allowed"), [(last_inside(LESSON_DAY, 10), True), (first_outside(LESSON_DAY, 10), False)]
)
def test_current_mark_creation_window(teacher, student, lesson, at, allowed):
    with time_machine.travel(at, tick=False):
        if allowed:
            services.cell_save(origin=origin(teacher, at), lesson=lesson, student_id=student.pk, text="5", expected="")
            assert Mark.objects.get().value == 5
        else:
            with pytest.raises(WindowClosed, match="раздел 4"):
                services.cell_save(
                    origin=origin(teacher, at), lesson=lesson, student_id=student.pk, text="5", expected=""
                )
            assert not Mark.objects.exists()


@pytest.mark.parametrize(("at", "allowed"), [(last_inside(LESSON_DAY, 2), True), (first_outside(LESSON_DAY, 2), False)])
def test_current_mark_change_window(teacher, student, lesson, at, allowed):
    start = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=MSK)
    state = services.cell_save(
        origin=origin(teacher, start), lesson=lesson, student_id=student.pk, text="4", expected=""
    )
    with time_machine.travel(at, tick=False):
        call = lambda: services.cell_save(  # noqa: E731
            origin=origin(teacher, at), lesson=lesson, student_id=student.pk, text="5", expected=state.token
        )
        if allowed:
            call()
            assert Mark.objects.get().value == 5
        else:
            with pytest.raises(WindowClosed):
                call()
            assert Mark.objects.get().value == 4


def test_deleting_a_current_mark_follows_the_change_window(teacher, student, lesson):
    start = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=MSK)
    state = services.cell_save(
        origin=origin(teacher, start), lesson=lesson, student_id=student.pk, text="3", expected=""
    )
    late = first_outside(LESSON_DAY, 2)
    with pytest.raises(WindowClosed):
        services.cell_save(
            origin=origin(teacher, late), lesson=lesson, student_id=student.pk, text="", expected=state.token
        )
    assert Mark.objects.count() == 1


# --- control work of internal monitoring (ВСОКО): 10 days for both --------------------------------------


@pytest.mark.parametrize(
    ("at", "allowed"), [(last_inside(LESSON_DAY, 10), True), (first_outside(LESSON_DAY, 10), False)]
)
def test_vsoko_mark_change_window_is_ten_days(teacher, student, lesson, at, allowed):
    start = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=MSK)
    mark = services.mark_create(
        origin=origin(teacher, start), lesson=lesson, student=student, value=3, work_type=work_type("vsoko")
    )
    if allowed:
        services.mark_update(origin=origin(teacher, at), mark=mark, value=4)
        mark.refresh_from_db()
        assert mark.value == 4
    else:
        with pytest.raises(WindowClosed):
            services.mark_update(origin=origin(teacher, at), mark=mark, value=4)
        mark.refresh_from_db()
        assert mark.value == 3


def test_a_vsoko_mark_cannot_be_recast_as_current_to_escape_its_window(teacher, student, lesson):
    start = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=MSK)
    mark = services.mark_create(
        origin=origin(teacher, start), lesson=lesson, student=student, value=3, work_type=work_type("vsoko")
    )
    with pytest.raises(WindowClosed):
        # day 5: the ВСОКО window is open, but a current mark could no longer be changed
        services.mark_update(
            origin=origin(teacher, last_inside(LESSON_DAY, 5)), mark=mark, work_type=work_type("current")
        )


# --- written work, Russian and literature: 10 days in grades 10–11, 2 days in grade 9 -------------------


@pytest.fixture
def russian_lesson(request, school, year, subject_russian, half, quarter):
    grade = request.param
    teacher_user = f.UserFactory(roles=["Учитель"])
    school_class = f.SchoolClassFactory(school=school, year=year, grade=grade, letter="А")
    assignment = f.TeachingAssignmentFactory(teacher=teacher_user, school_class=school_class, subject=subject_russian)
    student = f.StudentFactory(school_class=school_class)
    lesson = f.LessonFactory(assignment=assignment, date=LESSON_DAY)
    start = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=MSK)
    mark = services.mark_create(
        origin=origin(teacher_user, start), lesson=lesson, student=student, value=3, work_type=work_type("written")
    )
    return teacher_user, mark


@pytest.mark.parametrize(
    ("russian_lesson", "days"), [(10, 10), (11, 10), (9, 2)], indirect=["russian_lesson"], ids=["10", "11", "9"]
)
def test_written_work_window_depends_on_grade(russian_lesson, days):
    teacher_user, mark = russian_lesson
    services.mark_update(origin=origin(teacher_user, last_inside(LESSON_DAY, days)), mark=mark, value=4)
    with pytest.raises(WindowClosed):
        services.mark_update(origin=origin(teacher_user, first_outside(LESSON_DAY, days)), mark=mark, value=5)
    mark.refresh_from_db()
    assert mark.value == 4


def test_written_work_in_another_subject_keeps_the_two_day_window(teacher, student, lesson):
    start = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=MSK)
    mark = services.mark_create(
        origin=origin(teacher, start), lesson=lesson, student=student, value=3, work_type=work_type("written")
    )
    with pytest.raises(WindowClosed):
        services.mark_update(origin=origin(teacher, first_outside(LESSON_DAY, 2)), mark=mark, value=5)


# --- attendance: 2 days --------------------------------------------------------------------------------


@pytest.mark.parametrize(("at", "allowed"), [(last_inside(LESSON_DAY, 2), True), (first_outside(LESSON_DAY, 2), False)])
def test_attendance_window(teacher, student, lesson, at, allowed):
    call = lambda: services.cell_save(  # noqa: E731
        origin=origin(teacher, at), lesson=lesson, student_id=student.pk, text="Н", expected=""
    )
    if allowed:
        call()
        assert Attendance.objects.get().code == "Н"
    else:
        with pytest.raises(WindowClosed):
            call()
        assert not Attendance.objects.exists()


def test_nothing_is_entered_before_the_lesson(teacher, student, lesson):
    before = datetime.datetime(2026, 11, 15, 23, 59, 59, tzinfo=MSK)
    with pytest.raises(WindowClosed, match="не проведён"):
        services.cell_save(origin=origin(teacher, before), lesson=lesson, student_id=student.pk, text="5", expected="")


# --- period marks: created by «срок по приказу», changed until period end + 7 ----------------------------


def period_mark(teacher, student, subject, period, value, at, expected=None):
    return services.period_mark_set(
        origin=origin(teacher, at), student=student, subject=subject, period=period, value=value, expected=expected
    )


@pytest.mark.parametrize("allowed", [True, False])
def test_period_mark_creation_until_order_deadline(teacher, student, subject_math, quarter, allowed):
    at = last_inside(quarter.marks_deadline, 0) if allowed else first_outside(quarter.marks_deadline, 0)
    if allowed:
        period_mark(teacher, student, subject_math, quarter, "5", at)
        assert PeriodMark.objects.get().value == "5"
    else:
        with pytest.raises(WindowClosed):
            period_mark(teacher, student, subject_math, quarter, "5", at)
        assert not PeriodMark.objects.exists()


@pytest.mark.parametrize("allowed", [True, False])
def test_period_mark_change_until_end_plus_seven(teacher, student, subject_math, quarter, allowed):
    period_mark(teacher, student, subject_math, quarter, "4", datetime.datetime(2026, 12, 25, 12, tzinfo=MSK))
    at = last_inside(quarter.end, 7) if allowed else first_outside(quarter.end, 7)
    if allowed:
        period_mark(teacher, student, subject_math, quarter, "5", at)
        assert PeriodMark.objects.get().value == "5"
    else:
        with pytest.raises(WindowClosed):
            period_mark(teacher, student, subject_math, quarter, "5", at)
        assert PeriodMark.objects.get().value == "4"


@pytest.mark.parametrize("allowed", [True, False])
def test_year_mark_windows(teacher, student, subject_math, year, allowed):
    year_period = f.StudyPeriodFactory(
        year=year,
        kind=StudyPeriod.Kind.YEAR,
        number=1,
        start=year.start,
        end=year.end,
        marks_deadline=datetime.date(2027, 5, 28),
    )
    at = last_inside(year_period.marks_deadline, 0) if allowed else first_outside(year_period.marks_deadline, 0)
    if allowed:
        period_mark(teacher, student, subject_math, year_period, "4", at)
        changed = period_mark(teacher, student, subject_math, year_period, "5", last_inside(year_period.end, 7))
        assert changed.value == "5"
    else:
        with pytest.raises(WindowClosed):
            period_mark(teacher, student, subject_math, year_period, "4", at)


# --- the table is the deputy's: a changed row changes the rule at once ----------------------------------


def test_changed_window_row_applies_immediately(teacher, student, lesson):
    rule = EditWindow.objects.get(entry="attendance")
    rule.change_days = rule.create_days = 5
    rule.save()
    at = last_inside(LESSON_DAY, 5)
    services.cell_save(origin=origin(teacher, at), lesson=lesson, student_id=student.pk, text="Б", expected="")
    assert Attendance.objects.get().code == "Б"


def test_late_change_origin_lifts_the_window_for_that_write(teacher, student, lesson):
    at = first_outside(LESSON_DAY, 30)
    late = services.Origin(by=teacher, at=at, late_change=True, reference="1/2026-27", source="late_change")
    services.mark_create(origin=late, lesson=lesson, student=student, value=5)
    assert Mark.objects.get().value == 5


def test_window_refusal_message_is_russian_and_names_the_day(teacher, student, lesson):
    with pytest.raises(ValidationError) as error:
        services.cell_save(
            origin=origin(teacher, first_outside(LESSON_DAY, 10)),
            lesson=lesson,
            student_id=student.pk,
            text="5",
            expected="",
        )
    assert "26.11.2026" in error.value.messages[0]
