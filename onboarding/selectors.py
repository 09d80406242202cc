"""Reads of the onboarding pages, and the access helpers that return an object or raise 404."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from journal.models import (
    AcademicYear,
    Bell,
    CredentialIssue,
    CredentialReceipt,
    Guardianship,
    Lesson,
    PlannedTopic,
    Role,
    School,
    SchoolClass,
    Student,
    StudyPeriod,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
    User,
)

from .access import is_deputy

# --- Access helpers -------------------------------------------------------------------------------------------


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def assignment_for_ktp(*, user: User, assignment_id) -> TeachingAssignment:
    """The teacher's own assignment; anyone else's answers 404 (a teacher keeps only their own КТП)."""
    assignment = (
        TeachingAssignment.objects.select_related("school_class__year", "subject", "group", "teacher")
        .filter(pk=_int(assignment_id), teacher=user)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def topic_for_ktp(*, user: User, topic_id) -> PlannedTopic:
    topic = (
        PlannedTopic.objects.select_related("assignment__school_class__year", "assignment__subject")
        .filter(pk=_int(topic_id), assignment__teacher=user)
        .first()
    )
    if topic is None:
        raise Http404
    return topic


def teacher_card_for_editor(*, user: User, teacher_id) -> Teacher:
    """A teacher's card: the teacher edits their own, the deputy everyone's; anyone else gets 404."""
    teachers = Teacher.objects.select_related("user", "school").filter(pk=_int(teacher_id))
    if not is_deputy(user):
        teachers = teachers.filter(user=user)
    teacher = teachers.first()
    if teacher is None:
        raise Http404
    return teacher


def student_card_for_editor(*, user: User, student_id) -> Student:
    """A student's card: the class teacher edits their class's, the deputy everyone's; others get 404."""
    students = Student.objects.select_related("user", "school_class").filter(pk=_int(student_id))
    if not is_deputy(user):
        students = students.filter(school_class__class_teacher=user)
    student = students.first()
    if student is None:
        raise Http404
    return student


def classes_for_card_editor(*, user: User, year: AcademicYear | None) -> list[SchoolClass]:
    classes = SchoolClass.objects.filter(year=year).order_by("grade", "letter")
    if not is_deputy(user):
        classes = classes.filter(class_teacher=user)
    return list(classes)


def get_or_404(queryset, pk):
    found = queryset.filter(pk=_int(pk)).first()
    if found is None:
        raise Http404
    return found


# --- Years, classes and periods -------------------------------------------------------------------------------


def default_year(today: datetime.date | None = None) -> AcademicYear | None:
    """The year containing today; in the summer, the coming one; failing both, the latest."""
    today = today or timezone.localdate()
    return (
        AcademicYear.objects.containing(today).first()
        or AcademicYear.objects.filter(start__gt=today).order_by("start").first()
        or AcademicYear.objects.order_by("-start").first()
    )


def pick_year(year_id=None) -> AcademicYear | None:
    if year_id:
        return get_or_404(AcademicYear.objects.all(), year_id)
    return default_year()


def classes_of_year(year: AcademicYear | None) -> list[SchoolClass]:
    if year is None:
        return []
    return list(SchoolClass.objects.filter(year=year).select_related("class_teacher").order_by("grade", "letter"))


def terms_of_year(year: AcademicYear | None) -> list[StudyPeriod]:
    if year is None:
        return []
    return list(StudyPeriod.objects.filter(year=year).exclude(kind=StudyPeriod.Kind.YEAR).order_by("kind", "number"))


def current_term(terms: list[StudyPeriod], kind: str, today: datetime.date | None = None) -> StudyPeriod | None:
    today = today or timezone.localdate()
    own = [p for p in terms if p.kind == kind]
    for period in own:
        if period.start <= today <= period.end:
            return period
    upcoming = [p for p in own if p.start > today]
    return upcoming[0] if upcoming else (own[-1] if own else None)


def the_school() -> School | None:
    return School.objects.order_by("pk").first()


# --- Timetable --------------------------------------------------------------------------------------------------


@dataclass
class TimetableGrid:
    school_class: SchoolClass
    period: StudyPeriod
    weekdays: list[tuple[int, str]]
    numbers: list[int]
    cells: dict[tuple[int, int], list[TimetableSlot]]
    bells: dict[int, Bell]
    assignments: list[TeachingAssignment]
    unscheduled: list[tuple[TeachingAssignment, int]] = field(default_factory=list)

    def rows(self):
        for number in self.numbers:
            yield number, self.bells.get(number), [(day, self.cells.get((day, number), [])) for day, _ in self.weekdays]


def timetable_for(*, school_class: SchoolClass, period: StudyPeriod) -> TimetableGrid:
    """The weekly grid of a class in a period: weekdays × lesson numbers. Four queries."""
    slots = list(
        TimetableSlot.objects.filter(period=period, assignment__school_class=school_class).select_related(
            "assignment__subject", "assignment__teacher", "assignment__group"
        )
    )
    cells: dict[tuple[int, int], list[TimetableSlot]] = {}
    for slot in slots:
        cells.setdefault((slot.weekday, slot.number), []).append(slot)
    bells = {b.number: b for b in Bell.objects.filter(school_id=school_class.school_id)}
    numbers = sorted({*range(1, 8), *bells, *(slot.number for slot in slots)})
    weekdays = list(TimetableSlot.Weekday.choices)  # Saturday too: six-day schools fill it
    assignments = list(
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "teacher", "group")
        .order_by("subject__name", "group__name")
    )
    per_assignment: dict[int, int] = {}
    for slot in slots:
        per_assignment[slot.assignment_id] = per_assignment.get(slot.assignment_id, 0) + 1
    unscheduled = [
        (a, per_assignment.get(a.pk, 0)) for a in assignments if per_assignment.get(a.pk, 0) < int(a.hours_per_week)
    ]
    return TimetableGrid(
        school_class=school_class,
        period=period,
        weekdays=weekdays,
        numbers=numbers,
        cells=cells,
        bells=bells,
        assignments=assignments,
        unscheduled=unscheduled,
    )


def teachers() -> list[User]:
    return list(
        User.objects.filter(groups__name__in=[Role.TEACHER.value, Role.CLASS_TEACHER.value], is_active=True)
        .distinct()
        .order_by("surname", "name", "patronymic")
    )


# --- Lessons of a class -------------------------------------------------------------------------------------------


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def lessons_of_week(*, school_class: SchoolClass, monday: datetime.date) -> list[Lesson]:
    return list(
        Lesson.objects.filter(
            assignment__school_class=school_class, date__gte=monday, date__lte=monday + datetime.timedelta(days=6)
        )
        .select_related("assignment__subject", "assignment__teacher", "assignment__group", "substitute", "adjustment")
        .annotate(mark_count=Count("marks", distinct=True))
        .order_by("date", "number", "assignment__subject__name")
    )


def lesson_for_planner(lesson_id) -> Lesson:
    return get_or_404(
        Lesson.objects.select_related(
            "assignment__school_class__year",
            "assignment__subject",
            "assignment__teacher",
            "assignment__group",
            "substitute",
        ),
        lesson_id,
    )


# --- КТП ----------------------------------------------------------------------------------------------------------


def ktp_overview(*, user: User) -> list[TeachingAssignment]:
    """The teacher's assignments with the size of their КТП and how many topics lessons took."""
    used = Lesson.objects.filter(planned_topic__assignment=OuterRef("pk")).values("planned_topic__assignment")
    return list(
        TeachingAssignment.objects.filter(teacher=user)
        .select_related("school_class__year", "subject", "group")
        .annotate(
            topic_count=Count("planned_topics", distinct=True),
            planned_hours=Subquery(
                PlannedTopic.objects.filter(assignment=OuterRef("pk"))
                .values("assignment")
                .annotate(total=Sum("hours"))
                .values("total")[:1]
            ),
            has_used=Exists(used),
        )
        .order_by("school_class__grade", "school_class__letter", "subject__name")
    )


# --- Cards --------------------------------------------------------------------------------------------------------


def teacher_cards() -> list[Teacher]:
    return list(Teacher.objects.select_related("user").prefetch_related("subjects").order_by("user__surname"))


def student_cards(school_class: SchoolClass) -> list[Student]:
    return list(
        Student.objects.filter(school_class=school_class, is_active=True)
        .select_related("user")
        .order_by("user__surname", "user__name")
    )


# --- Accounts -----------------------------------------------------------------------------------------------------


@dataclass
class AccountRow:
    user: User
    role: str
    student: Student | None = None
    guardianships: list[Guardianship] = field(default_factory=list)
    last_issue: datetime.datetime | None = None
    receipt: CredentialReceipt | None = None


def accounts_of_class(school_class: SchoolClass) -> list[AccountRow]:
    """Students of a class and their parents, with the last password issue and the receipt. Five queries."""
    students = list(
        Student.objects.filter(school_class=school_class, is_active=True)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "guardianships",
                queryset=Guardianship.objects.exclude(status=Guardianship.Status.ENDED)
                .select_related("parent")
                .order_by("parent__surname"),
            )
        )
        .order_by("user__surname", "user__name")
    )
    rows: list[AccountRow] = []
    for student in students:
        rows.append(AccountRow(user=student.user, role="student", student=student))
        for g in student.guardianships.all():
            rows.append(AccountRow(user=g.parent, role="parent", student=student, guardianships=[g]))
    ids = {row.user.pk for row in rows}
    issues = dict(
        CredentialIssue.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(last=Max("issued_at"))
        .values_list("user_id", "last")
    )
    receipts = {r.user_id: r for r in CredentialReceipt.objects.filter(user_id__in=ids)}
    for row in rows:
        row.last_issue = issues.get(row.user.pk)
        row.receipt = receipts.get(row.user.pk)
    return rows


def staff_accounts() -> list[AccountRow]:
    """The teachers, with their login, the last password issue and whether they changed it."""
    users = list(
        User.objects.filter(teacher__isnull=False)
        .annotate(last_issue=Max("credential_issues__issued_at"))
        .order_by("surname", "name", "patronymic")
    )
    return [AccountRow(user=u, role="teacher", last_issue=u.last_issue) for u in users]


def missing_counts(year: AcademicYear | None) -> dict[str, int]:
    """For the start page: classes without a timetable in the current term, КТП-less assignments."""
    if year is None:
        return {}
    return {
        "assignments_without_ktp": TeachingAssignment.objects.filter(school_class__year=year)
        .exclude(Exists(PlannedTopic.objects.filter(assignment=OuterRef("pk"))))
        .count(),
        "applications": Guardianship.objects.filter(status=Guardianship.Status.APPLIED).count(),
        "parents_without_receipt": User.objects.filter(
            Q(guardianships__status=Guardianship.Status.ACTIVE), credential_receipt__isnull=True
        )
        .distinct()
        .count(),
    }
