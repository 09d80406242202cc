"""Reads of the late-change procedure (раздел 4), and the access helpers that return an object or raise 404.

Who may do what:

- file a request (п. 4.1): a teacher for the lessons and period marks of their own assignments (and the
  lessons they substitute), the deputy for any class;
- read a request: its initiator, the deputy, the director, the sysadmin, and the class teacher of its class;
- decide it: the director; apply it (п. 4.4): the sysadmin, or in their absence the class teacher of the class
  (``sysadmin_presence``: whether the sysadmin is absent on a day). Never one's own request, nor one decided.

Every page costs a constant number of queries whatever the number of requests, students or subjects.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from journal.averages import mean
from journal.models import (
    Attendance,
    Lesson,
    PeriodMark,
    Role,
    SchoolClass,
    Student,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    User,
)
from journal.roles import is_deputy, is_director, is_sysadmin, is_teacher

from .models import ChangeTableRow, LateChangeItem, LateChangeRequest, SysadminAbsence

# --- Who may file and read ---------------------------------------------------------------------------------------


def may_file(user: User) -> bool:
    """п. 4.1: «инициатор внесения изменений (учитель или заместитель директора)»."""
    return is_teacher(user) or is_deputy(user)


def sees_all_requests(user: User) -> bool:
    return is_deputy(user) or is_director(user) or is_sysadmin(user)


# --- Access helpers for filing a request -------------------------------------------------------------------------

_LESSON_RELATED = (
    "assignment__school_class__school",
    "assignment__school_class__year",
    "assignment__subject",
    "assignment__group",
    "assignment__teacher",
    "planned_topic",
)


def _own_lessons(user: User) -> Q:
    return Q(assignment__teacher=user) | Q(substitute=user)


def lesson_for_requester(*, user: User, lesson_id) -> Lesson:
    """A lesson the user may file a request about: the deputy any; a teacher their own or substituted. Else 404."""
    try:
        lesson_id = int(lesson_id)
    except (TypeError, ValueError):
        raise Http404 from None
    lessons = Lesson.objects.select_related(*_LESSON_RELATED).filter(pk=lesson_id)
    if not is_deputy(user):
        lessons = lessons.filter(_own_lessons(user))
    lesson = lessons.first()
    if lesson is None:
        raise Http404
    return lesson


def students_of_assignment(assignment: TeachingAssignment) -> QuerySet[Student]:
    """The students an assignment teaches (its class, or its group), alphabetically."""
    return Student.objects.of_assignment(assignment).alphabetical().select_related("school_class")


def student_of_assignment(*, assignment: TeachingAssignment, student_id) -> Student:
    """A student the assignment teaches, or 404 (a student of another class is nobody's business here)."""
    try:
        student_id = int(student_id)
    except (TypeError, ValueError):
        raise Http404 from None
    student = students_of_assignment(assignment).filter(pk=student_id).first()
    if student is None:
        raise Http404
    return student


def assignments_for_requester(user: User) -> QuerySet[TeachingAssignment]:
    """The assignments whose entries the user may ask to change: the deputy all of the current years."""
    assignments = TeachingAssignment.objects.select_related("school_class__year", "subject", "group", "teacher")
    if not is_deputy(user):
        assignments = assignments.filter(teacher=user)
    return assignments.order_by("school_class__grade", "school_class__letter", "subject__name", "group__name")


def assignment_for_requester(*, user: User, assignment_id) -> TeachingAssignment:
    try:
        assignment_id = int(assignment_id)
    except (TypeError, ValueError):
        raise Http404 from None
    assignment = assignments_for_requester(user).filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    return assignment


def period_mark_cell_for_requester(
    *, user: User, period_id, subject_id, student_id
) -> tuple[StudyPeriod, Subject, Student, TeachingAssignment]:
    """The period-mark cell (period × subject × student) the user may file about, with the assignment behind it.

    A teacher needs an assignment of that subject teaching that student; the deputy any. Else 404.
    """
    try:
        period_id, subject_id, student_id = int(period_id), int(subject_id), int(student_id)
    except (TypeError, ValueError):
        raise Http404 from None
    student = Student.objects.select_related("user", "school_class__school", "school_class__year").filter(
        pk=student_id, is_active=True
    )
    student = student.first()
    if student is None:
        raise Http404
    school_class = student.school_class
    assignments = TeachingAssignment.objects.select_related(
        "school_class__school", "school_class__year", "subject", "group", "teacher"
    ).filter(school_class_id=school_class.pk, subject_id=subject_id)
    assignments = assignments.filter(Q(group__isnull=True) | Q(group__students=student.pk))
    if not is_deputy(user):
        assignments = assignments.filter(teacher=user)
    assignment = assignments.first()
    if assignment is None:
        raise Http404
    period = (
        StudyPeriod.objects.select_related("year")
        .filter(pk=period_id, year_id=school_class.year_id)
        .filter(Q(kind=school_class.period_kind) | Q(kind=StudyPeriod.Kind.YEAR))
        .first()
    )
    if period is None:
        raise Http404
    return period, assignment.subject, student, assignment


def periods_of_class(school_class: SchoolClass) -> list[StudyPeriod]:
    return list(
        StudyPeriod.objects.select_related("year")
        .filter(year_id=school_class.year_id)
        .filter(Q(kind=school_class.period_kind) | Q(kind=StudyPeriod.Kind.YEAR))
        .order_by("kind", "number")
    )


def period_of_lesson(lesson: Lesson) -> StudyPeriod | None:
    """The quarter (or half-year) a lesson's date falls in: the request is filed under it (п. 4.5)."""
    school_class = lesson.assignment.school_class
    return (
        StudyPeriod.objects.select_related("year")
        .filter(year_id=school_class.year_id, kind=school_class.period_kind)
        .containing(lesson.date)
        .first()
    )


def lessons_for_choice(*, assignment: TeachingAssignment, period: StudyPeriod, today: datetime.date) -> list[Lesson]:
    """Lessons of the assignment in the period up to today, newest first (the «choose an entry» page)."""
    return list(
        Lesson.objects.filter(assignment=assignment, date__gte=period.start, date__lte=min(period.end, today))
        .only("id", "date", "number", "topic", "assignment_id")
        .order_by("-date", "-number")
    )


# --- Access helpers for reading, deciding and applying -----------------------------------------------------------


def _readable_requests(user: User) -> QuerySet[LateChangeRequest]:
    requests = LateChangeRequest.objects.for_list()
    if sees_all_requests(user):
        return requests
    return requests.filter(Q(initiator=user) | Q(school_class__class_teacher=user))


def request_for_reader(*, user: User, request_id) -> LateChangeRequest:
    """The request with its entries (``request.entries``), if ``user`` may read it; else 404. Two queries."""
    try:
        request_id = int(request_id)
    except (TypeError, ValueError):
        raise Http404 from None
    request = _readable_requests(user).select_related("school_class__class_teacher", "school_class__school")
    request = request.filter(pk=request_id).first()
    if request is None:
        raise Http404
    request.entries = list(
        LateChangeItem.objects.filter(request=request)
        .select_related("student__user", "subject", "lesson", "period__year", "work_type")
        .order_by("position")
    )
    return request


def request_for_class_teacher(*, user: User, request_id) -> LateChangeRequest:
    """A request of a class ``user`` leads (п. 4.4: the class teacher applies in the sysadmin's absence). Else 404."""
    request = request_for_reader(user=user, request_id=request_id)
    if request.school_class.class_teacher_id != user.pk:
        raise Http404
    return request


def requests_for_user(
    *, user: User, status: str = "", period_id=None, limit: int = 200
) -> tuple[list[LateChangeRequest], dict[str, int]]:
    """The requests ``user`` may read (newest first), optionally of one status or period, with counts by status."""
    requests = _readable_requests(user)
    counts = dict(requests.order_by().values_list("status").annotate(n=Count("id")))
    if status:
        requests = requests.filter(status=status)
    if period_id:
        requests = requests.filter(period_id=period_id)
    requests = requests.annotate(entries=Count("items"))
    return list(requests[:limit]), counts


def class_teacher_requests_to_apply(user: User) -> list[LateChangeRequest]:
    """Approved requests of the classes ``user`` leads, but not their own: what they may apply if the sysadmin
    is away (``services.applier_check`` has the whole rule)."""
    return list(
        LateChangeRequest.objects.for_list()
        .approved()
        .filter(school_class__class_teacher=user)
        .exclude(initiator=user)
        .exclude(decided_by=user)
    )


# --- The sysadmin's absence (п. 4.4) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SysadminPresence:
    """The holders of the sysadmin's role on ``day`` and the recorded absences that cover it."""

    day: datetime.date
    sysadmins: list[User]
    absences: list[SysadminAbsence]

    @property
    def present(self) -> list[User]:
        absent = {absence.user_id for absence in self.absences}
        return [user for user in self.sysadmins if user.pk not in absent]

    @property
    def absent(self) -> bool:
        """п. 4.4 «в случае его отсутствия»: every active holder of the role (a superuser without the role does
        not count) has a recorded absence covering the day — or nobody holds the role at all."""
        return not self.present


def sysadmins() -> QuerySet[User]:
    """The active holders of the «Системный администратор» role, whose absence the director records."""
    return User.objects.filter(is_active=True, groups__name=Role.SYSADMIN.value).distinct().order_by("surname", "name")


def sysadmin_presence(day: datetime.date) -> SysadminPresence:
    """Whether the sysadmin is at work on ``day`` (the one rule the request page and applying both ask). Two queries."""
    holders = list(sysadmins())
    absences = list(
        SysadminAbsence.objects.covering(day).filter(user__in=[user.pk for user in holders]).select_related("user")
    )
    return SysadminPresence(day=day, sysadmins=holders, absences=absences)


def absences_for_list(*, day: datetime.date, limit: int = 100) -> list[SysadminAbsence]:
    """The recorded absences, latest first, each with its ``status`` on ``day`` and whether it ``may_end``."""
    absences = list(SysadminAbsence.objects.select_related("user", "recorded_by", "ended_by")[:limit])
    for absence in absences:
        absence.status, absence.may_end = absence.status_on(day), absence.may_end_on(day)
    return absences


# --- The change table (п. 4.3) -----------------------------------------------------------------------------------


def change_table(*, school_class: SchoolClass, period: StudyPeriod) -> list[ChangeTableRow]:
    """Every applied entry of a class in a period, in the order it was applied; one query."""
    return list(ChangeTableRow.objects.for_table().filter(school_class=school_class, period=period))


def classes_for_tables(*, year_id=None) -> list[SchoolClass]:
    classes = SchoolClass.objects.select_related("year", "school")
    if year_id:
        classes = classes.filter(year_id=year_id)
    return list(classes.order_by("-year__start", "grade", "letter"))


def class_and_period(*, class_id, period_id) -> tuple[SchoolClass, StudyPeriod]:
    """The class and one of the periods of its year that apply to it; else 404. One query each."""
    try:
        class_id, period_id = int(class_id), int(period_id)
    except (TypeError, ValueError):
        raise Http404 from None
    school_class = SchoolClass.objects.select_related("school", "year", "class_teacher").filter(pk=class_id).first()
    if school_class is None:
        raise Http404
    period = (
        StudyPeriod.objects.select_related("year")
        .filter(pk=period_id, year_id=school_class.year_id)
        .filter(Q(kind=school_class.period_kind) | Q(kind=StudyPeriod.Kind.YEAR))
        .first()
    )
    if period is None:
        raise Http404
    return school_class, period


def current_periods() -> list[StudyPeriod]:
    """The periods of the academic year containing today (or the latest year), for the period pickers."""
    today = timezone.localdate()
    periods = StudyPeriod.objects.select_related("year")
    year_periods = list(periods.filter(year__start__lte=today, year__end__gte=today).order_by("kind", "number"))
    return year_periods or list(periods.order_by("-year__start", "kind", "number")[:8])


def period_by_id(period_id) -> StudyPeriod:
    try:
        period_id = int(period_id)
    except (TypeError, ValueError):
        raise Http404 from None
    period = StudyPeriod.objects.select_related("year").filter(pk=period_id).first()
    if period is None:
        raise Http404
    return period


def default_period(periods: list[StudyPeriod], today: datetime.date | None = None) -> StudyPeriod | None:
    """The period a picker starts on: the current one (``StudyPeriod.current_among``). Over the whole school's
    periods, the current quarter: it covers grades 1–9, where the current half-year covers only 10–11."""
    quarters = [p for p in periods if p.kind == StudyPeriod.Kind.QUARTER]
    return StudyPeriod.current_among(quarters or periods, today or timezone.localdate())


# --- The register of requests (п. 4.5) ---------------------------------------------------------------------------


def register_of_period(*, period: StudyPeriod) -> list[LateChangeRequest]:
    """Every request filed under a period, in registration order, with its entry count; one query."""
    return list(
        LateChangeRequest.objects.for_list()
        .filter(period=period)
        .annotate(entries=Count("items"))
        .order_by("sequence", "id")
    )


# --- The summary sheet (сводная ведомость учёта успеваемости) -----------------------------------------------------

NUMERIC = {"1", "2", "3", "4", "5"}


@dataclass
class SheetRow:
    number: int
    student: Student
    marks: list[str]
    average: Decimal | None
    absences: int
    ill: int


@dataclass
class SummarySheet:
    school_class: SchoolClass
    period: StudyPeriod
    subjects: list[Subject]
    rows: list[SheetRow]
    subject_averages: list[Decimal | None]
    class_average: Decimal | None
    absences: int
    ill: int
    changes: list[ChangeTableRow] = field(default_factory=list)

    @property
    def school(self):
        return self.school_class.school


def summary_sheet(*, school_class: SchoolClass, period: StudyPeriod) -> SummarySheet:
    """Students × subjects with the period marks, absences (all and «Б»), averages, and the change table.

    Five queries whatever the size of the class: students, subjects, period marks, absences, changes.
    ``school_class`` must come with its school and class teacher (``class_and_period`` loads them).
    """
    students = list(
        Student.objects.filter(school_class=school_class, is_active=True)
        .select_related("user")
        .order_by("user__surname", "user__name", "user__patronymic")
    )
    subjects = list(Subject.objects.filter(assignments__school_class=school_class).distinct().order_by("name", "id"))
    values: dict[tuple[int, int], str] = {}
    for student_id, subject_id, value in PeriodMark.objects.filter(
        student__school_class=school_class, period=period
    ).values_list("student_id", "subject_id", "value"):
        values[(student_id, subject_id)] = value
    absences = {
        row["student_id"]: row
        for row in Attendance.objects.filter(
            student__school_class=school_class, lesson__date__gte=period.start, lesson__date__lte=period.end
        )
        .values("student_id")
        .annotate(total=Count("id", filter=~Q(code=Attendance.Code.LATE)), ill=Count("id", filter=Q(code="Б")))
    }
    by_subject: dict[int, list[int]] = defaultdict(list)
    rows = []
    for number, student in enumerate(students, start=1):
        marks = [values.get((student.pk, subject.pk), "") for subject in subjects]
        numeric = []
        for subject, value in zip(subjects, marks, strict=True):
            if value in NUMERIC:
                numeric.append(int(value))
                by_subject[subject.pk].append(int(value))
        absent = absences.get(student.pk, {})
        rows.append(
            SheetRow(
                number=number,
                student=student,
                marks=marks,
                average=mean(numeric),
                absences=absent.get("total", 0),
                ill=absent.get("ill", 0),
            )
        )
    all_values = [v for subject in subjects for v in by_subject[subject.pk]]
    return SummarySheet(
        school_class=school_class,
        period=period,
        subjects=subjects,
        rows=rows,
        subject_averages=[mean(by_subject[subject.pk]) for subject in subjects],
        class_average=mean(all_values),
        absences=sum(r.absences for r in rows),
        ill=sum(r.ill for r in rows),
        changes=change_table(school_class=school_class, period=period),
    )


def classes_of_period(period: StudyPeriod) -> list[SchoolClass]:
    """The classes a period applies to: grades 1–9 for a quarter, 10–11 for a half-year, all for the year."""
    classes = SchoolClass.objects.select_related("school", "year", "class_teacher").filter(year_id=period.year_id)
    if period.kind == StudyPeriod.Kind.QUARTER:
        classes = classes.filter(grade__lte=9)
    elif period.kind == StudyPeriod.Kind.HALF:
        classes = classes.filter(grade__gte=10)
    return list(classes.order_by("grade", "letter"))
