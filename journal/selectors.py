"""Reads of the journal, and the access helpers that return an object or raise 404."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from journal import windows

from . import caches
from .averages import weighted_average
from .models import (
    Attendance,
    Lesson,
    Mark,
    PeriodMark,
    PlannedTopic,
    SchoolClass,
    Student,
    StudyPeriod,
    TeachingAssignment,
    User,
    WorkType,
)

# --- Access helpers -----------------------------------------------------------------------------------------


def assignment_for_reader(*, user: User, assignment_id) -> tuple[TeachingAssignment, bool]:
    """The assignment and whether ``user`` may write it: its teacher writes, the class teacher reads.

    Anyone else — another teacher, whatever the URL says — gets 404.
    """
    assignment = (
        TeachingAssignment.objects.select_related(
            "school_class__school", "school_class__year", "subject", "teacher", "group"
        )
        .filter(pk=assignment_id)
        .filter(Q(teacher=user) | Q(school_class__class_teacher=user))
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment, assignment.teacher_id == user.pk


def assignment_for_writer(*, user: User, assignment_id) -> TeachingAssignment:
    """The assignment if ``user`` teaches it (writes its grid); anyone else gets 404. One query."""
    assignment = _one(
        TeachingAssignment.objects.select_related(
            "school_class__school", "school_class__year", "subject", "teacher", "group"
        ).filter(pk=assignment_id, teacher=user)
    )
    if assignment is None:
        raise Http404
    return assignment


def lesson_for_writer(
    *, user: User, lesson_id, assignment: TeachingAssignment | None = None, assignment_id=None
) -> Lesson:
    """A lesson the user may write: of their own assignment, or one they substitute. Otherwise 404.

    ``assignment``/``assignment_id`` also require the lesson to belong to that assignment (the grid's URL).
    One query by primary key, with what the services' rules read (class, grade, school, subject, КТП topic);
    who may write it is checked on the row (a plain query compiles much faster than one with an OR).
    """
    try:
        lesson_id = int(lesson_id)
        assignment_id = int(assignment_id) if assignment_id is not None else None
    except (TypeError, ValueError):
        raise Http404 from None
    if assignment is not None:
        # The caller has the assignment with its class, school and subject already: read the lesson alone.
        lesson = _one(Lesson.objects.select_related("planned_topic").filter(pk=lesson_id, assignment=assignment))
        if lesson is not None:
            lesson.assignment = assignment
    else:
        lesson = _one(
            Lesson.objects.select_related(
                "assignment__school_class__school", "assignment__subject", "assignment__group", "planned_topic"
            ).filter(pk=lesson_id)
        )
    if lesson is None or (assignment_id is not None and lesson.assignment_id != assignment_id):
        raise Http404
    if lesson.assignment.teacher_id != user.pk and lesson.substitute_id != user.pk:
        raise Http404
    return lesson


def _one(queryset):
    """The row of a query by primary key, or None (no ORDER BY or LIMIT to compile: there is one row at most)."""
    return next(iter(queryset), None)


# --- Periods ------------------------------------------------------------------------------------------------


def periods_for_class(school_class: SchoolClass) -> list[StudyPeriod]:
    # the period picker prints the year
    return list(StudyPeriod.objects.of_class(school_class).select_related("year").order_by("kind", "number"))


def pick_period(periods: list[StudyPeriod], period_id) -> StudyPeriod | None:
    if period_id:
        for period in periods:
            if str(period.pk) == str(period_id):
                return period
        raise Http404
    return StudyPeriod.current_among(periods, timezone.localdate())


# --- The teacher's start page ------------------------------------------------------------------------------


@dataclass
class AssignmentRow:
    assignment: TeachingAssignment
    period: StudyPeriod | None
    lessons_held: int = 0
    without_topic: int = 0
    closing_soon: int = 0
    can_write: bool = True


def teacher_overview(
    *, user: User, today: datetime.date | None = None
) -> tuple[list[AssignmentRow], list[AssignmentRow]]:
    """The user's assignments for the current period with what is missing, and their class's (read-only)."""
    today = today or timezone.localdate()
    assignments = list(
        TeachingAssignment.objects.select_related("school_class", "subject", "group", "teacher")
        .filter(Q(teacher=user) | Q(school_class__class_teacher=user))
        .order_by("school_class__grade", "school_class__letter", "subject__name")
    )
    if not assignments:
        return [], []
    periods = list(StudyPeriod.objects.filter(year__in={a.school_class.year_id for a in assignments}))
    by_kind: dict[tuple[int, str], list[StudyPeriod]] = defaultdict(list)
    for period in periods:
        by_kind[(period.year_id, period.kind)].append(period)
    rows = []
    for assignment in assignments:
        candidates = by_kind.get((assignment.school_class.year_id, assignment.school_class.period_kind), [])
        rows.append(
            AssignmentRow(
                assignment=assignment,
                period=StudyPeriod.current_among(candidates, today),
                can_write=assignment.teacher_id == user.pk,
            )
        )
    # What is missing, for all rows in two queries: lessons held without a topic, and lessons whose
    # attendance window closes within two days while attendance was never taken.
    spans = [(r.assignment.pk, r.period.start, min(r.period.end, today)) for r in rows if r.period]
    condition = Q()
    for assignment_id, start, end in spans:
        condition |= Q(assignment_id=assignment_id, date__gte=start, date__lte=end)
    if spans:
        counts = (
            Lesson.objects.filter(condition, is_held=True)
            .values("assignment_id")
            .annotate(
                held=Count("id"),
                no_topic=Count("id", filter=Q(topic="")),
                closing=Count(
                    "id",
                    filter=Q(attendance_checked_at__isnull=True, date__gte=today - datetime.timedelta(days=2)),
                ),
            )
        )
        by_id = {c["assignment_id"]: c for c in counts}
        for row in rows:
            c = by_id.get(row.assignment.pk)
            if c:
                row.lessons_held, row.without_topic, row.closing_soon = c["held"], c["no_topic"], c["closing"]
    own = [r for r in rows if r.can_write]
    read_only = [r for r in rows if not r.can_write]
    return own, read_only


# --- The grid ----------------------------------------------------------------------------------------------


@dataclass
class GridLesson:
    lesson: Lesson
    mark_create_until: datetime.datetime | None
    mark_change_until: datetime.datetime | None
    attendance_until: datetime.datetime | None
    mark_open: bool
    change_open: bool
    attendance_open: bool


@dataclass
class GridRow:
    number: int
    student: Student
    cells: dict[int, tuple[list[tuple], tuple | None]] = field(default_factory=dict)
    average: Decimal | None = None
    period_mark: tuple[int, str] | None = None  # (version, value)
    year_mark: str = ""


@dataclass
class Grid:
    assignment: TeachingAssignment
    period: StudyPeriod
    periods: list[StudyPeriod]
    lessons: list[GridLesson]
    rows: list[GridRow]
    work_types: dict[int, WorkType]
    can_write: bool
    period_mark_open: bool
    period_mark_until: datetime.datetime | None
    planned_topics_left: int


@dataclass
class GridFrame:
    """What the grid page shows around its table; read on every request, while the table may be cached."""

    assignment: TeachingAssignment
    period: StudyPeriod
    periods: list[StudyPeriod]
    can_write: bool
    planned_topics_left: int


def planned_topics_left(assignment: TeachingAssignment) -> int:
    """КТП topics no lesson has taken yet (the «Заполнить из КТП» button); one query."""
    return (
        PlannedTopic.objects.filter(assignment=assignment)
        .exclude(Exists(Lesson.objects.filter(planned_topic=OuterRef("pk"))))
        .count()
    )


def students_of_assignment(assignment: TeachingAssignment):
    """The students an assignment teaches (its class, or its group), alphabetically."""
    return Student.objects.of_assignment(assignment).alphabetical()


def grid_for(
    *, assignment: TeachingAssignment, period: StudyPeriod, periods: list[StudyPeriod], can_write: bool
) -> Grid:
    """Everything the grid shows, in a constant number of queries whatever the class size or period length."""
    now = timezone.now()
    rules = caches.edit_window_rules()
    types = caches.work_types()
    default_type = caches.default_work_type()
    school_class = assignment.school_class
    russian = assignment.subject.is_russian_or_literature

    lessons = list(
        Lesson.objects.filter(assignment=assignment, date__gte=period.start, date__lte=period.end)
        .only(
            "id",
            "date",
            "number",
            "topic",
            "homework",
            "homework_file",
            "is_held",
            "attendance_checked_at",
            "planned_topic_id",
            "assignment_id",
        )
        .order_by("date", "number")
    )
    grid_lessons = []
    for lesson in lessons:
        mark_w = windows.entry_window(
            entry="mark",
            grade=school_class.grade,
            work_date=lesson.date,
            work_category=default_type.category,
            work_type_id=default_type.pk,
            russian_or_literature=russian,
            rules=rules,
        )
        att_w = windows.entry_window(entry="attendance", grade=school_class.grade, work_date=lesson.date, rules=rules)
        grid_lessons.append(
            GridLesson(
                lesson=lesson,
                mark_create_until=mark_w.create_until,
                mark_change_until=mark_w.change_until,
                attendance_until=att_w.change_until,
                mark_open=mark_w.allows("create", now),
                change_open=mark_w.allows("update", now),
                attendance_open=att_w.allows("update", now),
            )
        )

    students = list(students_of_assignment(assignment))
    rows = [GridRow(number=i, student=s) for i, s in enumerate(students, start=1)]
    by_student = {row.student.pk: row for row in rows}
    lesson_ids = [lesson.pk for lesson in lessons]

    marks = (
        Mark.objects.filter(lesson__assignment=assignment, lesson__date__gte=period.start, lesson__date__lte=period.end)
        .order_by("entered_at", "id")
        .values_list("id", "version", "lesson_id", "student_id", "value", "passed", "work_type_id", "weight")
    )
    per_student_marks: dict[int, list[tuple]] = defaultdict(list)
    for mark in marks:
        row = by_student.get(mark[3])
        if row is None:
            continue
        cell = row.cells.setdefault(mark[2], ([], None))
        cell[0].append(mark)
        per_student_marks[mark[3]].append((mark[4], mark[7]))
    if lesson_ids:
        attendance = Attendance.objects.filter(
            lesson__assignment=assignment, lesson__date__gte=period.start, lesson__date__lte=period.end
        ).values_list("id", "version", "lesson_id", "student_id", "code")
        for att in attendance:
            row = by_student.get(att[3])
            if row is None:
                continue
            marks_of_cell = row.cells.get(att[2], ([], None))[0]
            row.cells[att[2]] = (marks_of_cell, att)
    for row in rows:
        row.average = weighted_average(per_student_marks.get(row.student.pk, []))

    year_period = next((p for p in periods if p.is_final), None)
    wanted_periods = [period.pk] + ([year_period.pk] if year_period and year_period.pk != period.pk else [])
    for student_id, period_id, value, version in PeriodMark.objects.filter(
        subject_id=assignment.subject_id, period_id__in=wanted_periods, student_id__in=by_student
    ).values_list("student_id", "period_id", "value", "version"):
        row = by_student[student_id]
        if period_id == period.pk:
            row.period_mark = (version, value)
        else:
            row.year_mark = value

    pm_window = windows.period_mark_window(period=period, grade=school_class.grade, rules=rules)
    planned_left = planned_topics_left(assignment)
    return Grid(
        assignment=assignment,
        period=period,
        periods=periods,
        lessons=grid_lessons,
        rows=rows,
        work_types=types,
        can_write=can_write,
        period_mark_open=pm_window.allows("create", now) or pm_window.allows("update", now),
        period_mark_until=pm_window.create_until,
        planned_topics_left=planned_left,
    )


def cell_marks(*, lesson: Lesson, student: Student) -> list[Mark]:
    return list(
        Mark.objects.filter(lesson=lesson, student=student).select_related("work_type").order_by("entered_at", "id")
    )
