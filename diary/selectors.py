"""Reads for the diary (раздел 5 Положения): each page is built from a few queries, whatever its size.

Every function takes a student the caller has already opened through ``diary.access.student_for_reader``;
nothing here checks access again.
"""

import datetime
import os
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from guardian.shortcuts import get_objects_for_user

from journal.averages import weighted_average
from journal.models import (
    Attendance,
    Bell,
    Lesson,
    Mark,
    PeriodMark,
    School,
    Student,
    StudentGroup,
    StudyPeriod,
    Subject,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
)

DIARY_PERMISSION = "view_diary"
WEEK_DAYS = 6  # Monday to Saturday: the school works a six-day week.


def students_readable_by(*, user) -> QuerySet[Student]:
    """Students whose diary ``user`` may read: one query once evaluated (п. 1.13).

    Only the user's own grants count (``StudentUserObjectPermission``, the direct foreign-key table): a
    permission given to a group, to superusers or globally to the model opens nobody's diary, so that
    access exists exactly while a guardianship is active (see ``onboarding.guardianships``).
    """
    if not user.is_authenticated:
        return Student.objects.none()
    return get_objects_for_user(
        user,
        DIARY_PERMISSION,
        klass=Student,
        use_groups=False,
        with_superuser=False,
        accept_global_perms=False,
    )


def _visible_assignments(student: Student, prefix: str = "") -> Q:
    """Assignments of the student's class taught to the whole class or to a group the student is in."""
    groups = StudentGroup.students.through.objects.filter(student_id=student.pk).values("studentgroup_id")
    return Q(**{f"{prefix}school_class_id": student.school_class_id}) & (
        Q(**{f"{prefix}group__isnull": True}) | Q(**{f"{prefix}group_id__in": groups})
    )


def _bell(field_name: str) -> Subquery:
    """The bell time of the row's lesson number at the school of its class (one index lookup)."""
    return Subquery(
        Bell.objects.filter(
            school_id=OuterRef("assignment__school_class__school_id"), number=OuterRef("number")
        ).values(field_name)[:1]
    )


# ---------------------------------------------------------------------------------------------- periods


def periods_for_student(*, student: Student) -> list[StudyPeriod]:
    """The periods of the student's year that apply to the class (quarters or halves), then the year."""
    periods = StudyPeriod.objects.of_class(student.school_class).select_related("year")
    return sorted(periods, key=lambda p: (p.is_final, p.number))


def year_period(periods: list[StudyPeriod]) -> StudyPeriod | None:
    return next((p for p in periods if p.is_final), None)


# ---------------------------------------------------------------------------------------------- week


@dataclass
class DiaryDay:
    date: datetime.date
    lessons: list[Lesson] = field(default_factory=list)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week of ``day`` (a Sunday belongs to the week that ends with it)."""
    return day - datetime.timedelta(days=day.weekday())


def lessons_for_week(*, student: Student, monday: datetime.date) -> list[DiaryDay]:
    """Monday to Saturday: each day's lessons in timetable order, with their marks and attendance.

    Two queries: the lessons (with bell times and the student's attendance code as subqueries) and the
    student's marks on them. Each lesson gets ``diary_marks``, ``bell_starts``, ``bell_ends``, ``absence``.
    """
    saturday = monday + datetime.timedelta(days=WEEK_DAYS - 1)
    lessons = list(
        Lesson.objects.filter(_visible_assignments(student, "assignment__"), date__range=(monday, saturday))
        .select_related("assignment__subject", "assignment__teacher", "substitute")
        .annotate(
            bell_starts=_bell("starts"),
            bell_ends=_bell("ends"),
            absence=Subquery(
                Attendance.objects.filter(lesson_id=OuterRef("pk"), student_id=student.pk).values("code")[:1]
            ),
        )
        .order_by("date", "number", "assignment__subject__name")
    )
    marks: dict[int, list[Mark]] = defaultdict(list)
    if lessons:
        for mark in (
            Mark.objects.filter(student_id=student.pk, lesson_id__in=[lesson.pk for lesson in lessons])
            .select_related("work_type")
            .order_by("entered_at", "pk")
        ):
            marks[mark.lesson_id].append(mark)
    dates = [monday + datetime.timedelta(days=n) for n in range(WEEK_DAYS)]
    days = {day: DiaryDay(day) for day in dates}
    for lesson in lessons:
        lesson.diary_marks = marks.get(lesson.pk, [])
        lesson.homework_filename = os.path.basename(lesson.homework_file.name) if lesson.homework_file else ""
        days[lesson.date].lessons.append(lesson)
    return list(days.values())


def homework_lesson_for_student(*, student: Student, lesson_id: int) -> Lesson | None:
    """A lesson of the student (their class, their group) that has a homework file; one query."""
    return (
        Lesson.objects.filter(_visible_assignments(student, "assignment__"), pk=lesson_id)
        .exclude(homework_file="")
        .only("pk", "homework_file")
        .first()
    )


# ---------------------------------------------------------------------------------------------- marks


@dataclass
class SubjectMarks:
    subject: Subject
    marks: list[Mark] = field(default_factory=list)
    period_mark: str | None = None
    year_mark: str | None = None

    @property
    def average(self) -> Decimal | None:
        return weighted_average((mark.value, mark.weight) for mark in self.marks)


def marks_for_period(*, student: Student, period: StudyPeriod, year: StudyPeriod | None) -> list[SubjectMarks]:
    """Per subject: the marks of the period in date order, the weighted average, period and year marks.

    Two queries. The subjects are those the student is taught (whole class or their group) and those
    with a period or year mark, each carrying both marks as subqueries; then the marks of the period, each
    with its work type and ``lesson_date`` (the lesson itself is not loaded).
    """
    period_marks = PeriodMark.objects.filter(student_id=student.pk, subject_id=OuterRef("pk"))
    period_ids = [period.pk] + ([year.pk] if year else [])
    taught = TeachingAssignment.objects.filter(_visible_assignments(student), subject_id=OuterRef("pk"))
    subjects = (
        Subject.objects.filter(Exists(taught) | Exists(period_marks.filter(period_id__in=period_ids)))
        .annotate(
            period_value=Subquery(period_marks.filter(period_id=period.pk).values("value")[:1]),
            year_value=Subquery(period_marks.filter(period_id=year.pk if year else None).values("value")[:1]),
        )
        .order_by("name")
    )
    rows = {
        subject.pk: SubjectMarks(subject, period_mark=subject.period_value, year_mark=subject.year_value)
        for subject in subjects
    }
    # The lesson's date and subject come as columns rather than as three more model instances per mark
    # (a period has a hundred marks: building the instances cost more than the page's HTML).
    marks = (
        Mark.objects.filter(student_id=student.pk, lesson__date__range=(period.start, period.end))
        .select_related("work_type")
        .annotate(
            lesson_date=F("lesson__date"),
            subject_id=F("lesson__assignment__subject_id"),
            subject_name=F("lesson__assignment__subject__name"),
        )
        .order_by("lesson__date", "lesson__number", "entered_at", "pk")
    )
    for mark in marks:
        row = rows.get(mark.subject_id)
        if row is None:
            # A mark from a class the student has left still belongs in their diary.
            row = rows[mark.subject_id] = SubjectMarks(Subject(pk=mark.subject_id, name=mark.subject_name))
        row.marks.append(mark)
    return sorted(rows.values(), key=lambda row: row.subject.name)


# ---------------------------------------------------------------------------------------------- attendance

ATTENDANCE_CODES = [code for code, _label in Attendance.Code.choices]


@dataclass
class SubjectAttendance:
    name: str
    lessons: int = 0
    absences: list[Attendance] = field(default_factory=list)

    @property
    def by_code(self) -> list[int]:
        """Counts in the order of ``ATTENDANCE_CODES`` (Н, Б, У, ОП)."""
        return [sum(1 for a in self.absences if a.code == code) for code in ATTENDANCE_CODES]


@dataclass
class AttendanceReport:
    subjects: list[SubjectAttendance]

    @property
    def totals(self) -> list[int]:
        rows = [s.by_code for s in self.subjects] or [[0] * len(ATTENDANCE_CODES)]
        return [sum(column) for column in zip(*rows, strict=True)]

    @property
    def total(self) -> int:
        return sum(len(s.absences) for s in self.subjects)

    @property
    def lessons(self) -> int:
        return sum(s.lessons for s in self.subjects)


def attendance_for_period(*, student: Student, period: StudyPeriod, today: datetime.date) -> AttendanceReport:
    """Absences by subject and by code (Н, Б, У, ОП) with totals; two queries.

    The number of held lessons per subject up to today gives the absences their measure.
    """
    until = min(period.end, today)
    held = (
        Lesson.objects.held()
        .filter(_visible_assignments(student, "assignment__"), date__range=(period.start, until))
        .values("assignment__subject__name")
        .annotate(n=Count("pk"))
    )
    subjects = {
        row["assignment__subject__name"]: SubjectAttendance(row["assignment__subject__name"], row["n"]) for row in held
    }
    for absence in (
        Attendance.objects.filter(student_id=student.pk, lesson__date__range=(period.start, period.end))
        .select_related("lesson__assignment__subject")
        .order_by("lesson__date", "lesson__number")
    ):
        name = absence.lesson.assignment.subject.name
        subjects.setdefault(name, SubjectAttendance(name)).absences.append(absence)
    return AttendanceReport(sorted(subjects.values(), key=lambda s: s.name))


# ---------------------------------------------------------------------------------------------- timetable


@dataclass
class TimetableDay:
    weekday: int
    label: str
    slots: list[TimetableSlot] = field(default_factory=list)


def timetable_for_period(*, student: Student, period: StudyPeriod) -> list[TimetableDay]:
    """The weekly timetable of the class for the period (weekday × lesson number); one query."""
    slots = (
        TimetableSlot.objects.filter(_visible_assignments(student, "assignment__"), period_id=period.pk)
        .select_related("assignment__subject", "assignment__teacher")
        .annotate(bell_starts=_bell("starts"), bell_ends=_bell("ends"))
        .order_by("weekday", "number", "assignment__subject__name")
    )
    days = {value: TimetableDay(value, label) for value, label in TimetableSlot.Weekday.choices}
    for slot in slots:
        days[slot.weekday].slots.append(slot)
    return list(days.values())


# ---------------------------------------------------------------------------------------------- school


def school_for_reader(*, user) -> School | None:
    """The school of the children the user reads (one deployment serves one school); one query."""
    student = students_readable_by(user=user).select_related("school_class__school").first()
    if student is not None:
        return student.school_class.school
    return School.objects.order_by("pk").first()


def staff_of_school(*, school: School) -> list[Teacher]:
    """Teachers with their subjects (the «персоналии» of раздел 5); two queries."""
    return list(
        Teacher.objects.filter(school_id=school.pk, user__is_active=True)
        .select_related("user")
        .prefetch_related("subjects")
        .order_by("user__surname", "user__name", "user__patronymic")
    )


def bells_of_school(*, school: School) -> list[Bell]:
    return list(Bell.objects.filter(school_id=school.pk).order_by("number"))
