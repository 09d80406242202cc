"""«Актуальность информации о ходе, результатах текущего контроля …» (п. 3.3): topics, homework, attendance,
marks within 10 days, marks for the works the КТП plans, period and year marks after the «срок по приказу»."""

import datetime

import pytest
from django.utils import timezone

from audit.compliance.models import Criterion, TeacherTimeliness
from journal.models import PeriodMark, WorkType
from journal.tests import factories as f

from .conftest import NIGHT, msk, open_findings, open_keys, run_deadlines

D = datetime.date


@pytest.fixture
def lesson_on(assignment, quarter):
    def make(day: datetime.date, **fields):
        fields.setdefault("attendance_checked_at", timezone.now())
        return f.LessonFactory(assignment=assignment, date=day, **fields)

    return make


# --- topics -----------------------------------------------------------------------------------------------


def test_held_lesson_without_topic_is_a_finding_from_the_next_day(lesson_on, school, teacher):
    yesterday = lesson_on(D(2026, 11, 27), topic="")
    lesson_on(D(2026, 11, 28), topic="")  # today: the teacher still has the day
    lesson_on(D(2026, 11, 26), topic="", is_held=False)  # not held: nothing to write
    lesson_on(D(2026, 11, 25))  # with a topic

    run_deadlines(school, NIGHT)
    [finding] = open_findings(Criterion.TOPICS)
    assert finding.key == str(yesterday.pk)
    assert finding.teacher == teacher
    assert finding.day == D(2026, 11, 27)
    assert finding.label == f"27.11.2026, {yesterday.number}-й урок — 5А, Математика"


def test_topic_written_resolves_and_the_substitute_answers(lesson_on, school, other_teacher):
    lesson = lesson_on(D(2026, 11, 27), topic="", substitute=other_teacher)
    run_deadlines(school, NIGHT)
    [finding] = open_findings(Criterion.TOPICS)
    assert finding.teacher == other_teacher

    lesson.topic = "Деление с остатком"
    lesson.save()
    run_deadlines(school, NIGHT + datetime.timedelta(hours=1))
    assert open_findings(Criterion.TOPICS) == []


# --- homework ---------------------------------------------------------------------------------------------


def test_homework_is_checked_in_the_current_period_only(lesson_on, school, quarter1):
    current = lesson_on(D(2026, 11, 27), homework="")
    lesson_on(D(2026, 11, 26))  # the assignment does set homework
    lesson_on(D(2026, 10, 20), homework="")  # the first quarter is over
    lesson_on(D(2026, 11, 28), homework="")  # today
    lesson_on(D(2026, 11, 24), homework="", homework_file="homework/2026/11/task.pdf")

    run_deadlines(school, NIGHT)
    assert open_keys(Criterion.HOMEWORK) == {str(current.pk)}


def test_homework_is_not_expected_where_none_is_set(lesson_on, school):
    lesson_on(D(2026, 11, 26), homework="")
    lesson_on(D(2026, 11, 27), homework="")
    run_deadlines(school, NIGHT)
    assert open_findings(Criterion.HOMEWORK) == []


# --- attendance -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [(msk(2026, 11, 27, 23, 59, 59), False), (msk(2026, 11, 28, 0, 0, 0), True)],
    ids=["last-second-of-the-window", "first-second-after"],
)
def test_attendance_window_of_two_days(lesson_on, school, at, expected):
    lesson = lesson_on(D(2026, 11, 25), attendance_checked_at=None)
    lesson_on(D(2026, 11, 26), attendance_checked_at=None)  # its window ends on 28.11
    run_deadlines(school, at)
    assert open_keys(Criterion.ATTENDANCE) == ({str(lesson.pk)} if expected else set())


# --- marks within 10 days ---------------------------------------------------------------------------------


def test_a_mark_entered_after_the_run_is_not_seen_yet(lesson_on, school, student, control_work, assignment):
    planned = f.PlannedTopicFactory(assignment=assignment, assessed_work_type=control_work)
    lesson = lesson_on(D(2026, 11, 10), planned_topic=planned)
    f.MarkFactory(
        lesson=lesson, student=student, work_type=control_work, entered_at=NIGHT + datetime.timedelta(hours=5)
    )
    run_deadlines(school, NIGHT)  # a replayed past night sees the journal as it was then
    assert open_keys(Criterion.ASSESSED_MARKS) == {str(lesson.pk)}


def test_mark_entered_after_the_tenth_day_is_late(lesson_on, school, student, teacher):
    in_time = lesson_on(D(2026, 11, 10))
    late = lesson_on(D(2026, 11, 9))
    f.MarkFactory(lesson=in_time, student=student, entered_at=msk(2026, 11, 20, 23, 59, 59))
    f.MarkFactory(lesson=late, student=student, entered_at=msk(2026, 11, 20, 0, 0, 0))

    run_deadlines(school, NIGHT)
    [finding] = open_findings(Criterion.LATE_MARKS)
    assert finding.key == str(late.pk)
    assert finding.amount == 1
    assert "20.11.2026" in finding.detail

    timeliness = TeacherTimeliness.objects.get(teacher=teacher, day=D(2026, 11, 28))
    assert (timeliness.marks_total, timeliness.marks_late) == (2, 1)
    assert timeliness.percent_on_time == "50 %"


def test_a_late_lesson_names_its_last_mark(lesson_on, school, student, teacher):
    lesson = lesson_on(D(2026, 11, 9))
    f.MarkFactory(lesson=lesson, student=student, entered_at=msk(2026, 11, 19, 23, 59, 59))  # the last day in time
    f.MarkFactory(
        lesson=lesson,
        student=f.StudentFactory(school_class=student.school_class),
        entered_at=msk(2026, 11, 21, 8, 0, 0),
    )

    run_deadlines(school, NIGHT)
    [finding] = open_findings(Criterion.LATE_MARKS)
    assert finding.amount == 1
    assert "(последняя — 21.11.2026)" in finding.detail
    timeliness = TeacherTimeliness.objects.get(teacher=teacher, day=D(2026, 11, 28))
    assert (timeliness.marks_total, timeliness.marks_late) == (2, 1)


def test_the_marks_of_the_runs_own_day_count_for_timeliness(lesson_on, school, student, teacher):
    # The night's run (03:00, 28.11) reads the marks of lessons up to that day: one entered at midnight
    # for the day's first lesson is already the teacher's.
    lesson_on(D(2026, 11, 27))
    today = lesson_on(D(2026, 11, 28))
    f.MarkFactory(lesson=today, student=student, entered_at=msk(2026, 11, 28, 0, 0, 0))

    run_deadlines(school, NIGHT)
    timeliness = TeacherTimeliness.objects.get(teacher=teacher, day=D(2026, 11, 28))
    assert (timeliness.marks_total, timeliness.marks_late) == (1, 0)


@pytest.fixture
def control_work(db):
    return WorkType.objects.filter(category=WorkType.Category.CONTROL).order_by("pk").first()


@pytest.mark.parametrize(
    ("at", "expected"),
    [(msk(2026, 11, 27, 23, 59, 59), False), (msk(2026, 11, 28, 0, 0, 0), True)],
    ids=["tenth-day", "eleventh-day"],
)
def test_planned_assessed_work_without_marks_after_ten_days(lesson_on, school, assignment, control_work, at, expected):
    planned = f.PlannedTopicFactory(assignment=assignment, assessed_work_type=control_work)
    lesson = lesson_on(D(2026, 11, 17), planned_topic=planned)
    lesson_on(D(2026, 11, 16), planned_topic=f.PlannedTopicFactory(assignment=assignment))  # no work planned
    run_deadlines(school, at)
    assert open_keys(Criterion.ASSESSED_MARKS) == ({str(lesson.pk)} if expected else set())


def test_marks_entered_resolve_the_assessed_work(lesson_on, school, assignment, control_work, student):
    planned = f.PlannedTopicFactory(assignment=assignment, assessed_work_type=control_work)
    lesson = lesson_on(D(2026, 11, 10), planned_topic=planned)
    run_deadlines(school, NIGHT)
    [finding] = open_findings(Criterion.ASSESSED_MARKS)
    assert control_work.name in finding.detail

    f.MarkFactory(lesson=lesson, student=student, work_type=control_work, entered_at=msk(2026, 11, 28, 4, 0))
    run_deadlines(school, NIGHT + datetime.timedelta(hours=2))
    assert open_findings(Criterion.ASSESSED_MARKS) == []


# --- period and year marks --------------------------------------------------------------------------------


@pytest.fixture
def graded(lesson_on, student):
    """Math in 5А has current marks: period marks are expected."""
    lesson = lesson_on(D(2026, 10, 14))
    f.MarkFactory(lesson=lesson, student=student)
    return lesson


@pytest.mark.parametrize(
    ("at", "expected"),
    [(msk(2026, 10, 27, 23, 59, 59), False), (msk(2026, 10, 28, 0, 0, 0), True)],
    ids=["deadline-day", "day-after"],
)
def test_period_marks_after_the_order_deadline(graded, school, quarter1, assignment, student, at, expected):
    # quarter1: marks due by 27.10.2026 («срок по приказу»).
    run_deadlines(school, at)
    findings = open_findings(Criterion.PERIOD_MARKS)
    if not expected:
        assert findings == []
        return
    [finding] = findings
    assert finding.key == f"{assignment.pk}:{quarter1.pk}"
    assert finding.amount == 1
    assert finding.period == quarter1
    assert finding.teacher == assignment.teacher
    assert "Лебедева М." in finding.detail
    assert "27.10.2026" in finding.detail


def test_period_mark_set_resolves(graded, school, quarter1, assignment, student, subject_math):
    run_deadlines(school, NIGHT)
    assert len(open_findings(Criterion.PERIOD_MARKS)) == 1
    f.PeriodMarkFactory(student=student, subject=subject_math, period=quarter1, value=PeriodMark.Value.NOT_ATTESTED)
    run_deadlines(school, NIGHT + datetime.timedelta(hours=1))
    assert open_findings(Criterion.PERIOD_MARKS) == []


def test_period_marks_not_expected_without_current_marks(lesson_on, student, school, quarter1):
    lesson_on(D(2026, 10, 14))  # no marks at all: an ungraded course
    run_deadlines(school, NIGHT)
    assert open_findings(Criterion.PERIOD_MARKS) == []


def test_period_marks_of_a_group_count_its_students_only(school, year, quarter1, student, class_5a):
    f.StudentFactory(school_class=class_5a)  # a classmate outside the group
    group = f.StudentGroupFactory(school_class=class_5a, name="Английский, 1 группа", students=[student])
    english = f.TeachingAssignmentFactory(
        school_class=class_5a, group=group, subject=f.SubjectFactory(name="Английский язык")
    )
    lesson = f.LessonFactory(assignment=english, date=D(2026, 10, 14))
    f.MarkFactory(lesson=lesson, student=student)

    run_deadlines(school, NIGHT)
    [finding] = open_findings(Criterion.PERIOD_MARKS)
    assert finding.amount == 1
    assert finding.detail.startswith("нет отметки у 1 из 1 ")  # the classmate is not in the group
    assert finding.label.startswith("5А (Английский, 1 группа) — Английский язык")
