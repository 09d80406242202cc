"""The checks of п. 3.3: each finds, for one school, the current causes of one criterion.

A check reads the journal in a few set-based queries (never one per lesson or per student) and returns
its causes with what was checked (the base of the share). It writes nothing: ``services`` compares the
causes with the stored findings. The registry ``CRITERIA`` describes each criterion for the dashboard.

Deadlines are those of the regulation: «до начала учебного года (для расписания — учебного периода)»,
«срок информирования об оценках не более 10 дней от даты проведения урока», «срок, указанный в приказе»
for period and year marks, diary visits «не реже 1 раза в неделю» (parents) and «1 раза в 2 дня»
(students). «Day N» ends at 23:59:59 Europe/Moscow, as in the edit windows.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.models import DiaryVisit
from journal import windows
from journal.models import (
    AcademicYear,
    CredentialReceipt,
    EditWindow,
    Guardianship,
    Lesson,
    Mark,
    PeriodMark,
    PlannedTopic,
    School,
    SchoolClass,
    Student,
    StudentGroup,
    StudyPeriod,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
    User,
)

from .models import Criterion

#: п. 3.3: «срок информирования об оценках не более 10 дней от даты проведения урока».
INFORM_DAYS = 10
#: п. 3.3: parents open the diary «не реже 1 раза в неделю», students «не реже 1 раза в 2 дня».
PARENT_VISIT_DAYS = 7
STUDENT_VISIT_DAYS = 2
#: How many missing students a period-mark finding names before «и ещё N».
NAMES_SHOWN = 8


def _day(value: datetime.date) -> str:
    """«05.11.2026», as ``date_format(value, "d.m.Y")`` writes it (digits only, the same in every locale)
    without its format lookup per call: a run writes one per finding, hundreds a night per school."""
    return f"{value.day:02}.{value.month:02}.{value.year:04}"


# --- what a check returns -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    """One current violation: what it is about, who answers for it, and the text the dashboard shows."""

    key: str
    model: type[models.Model]
    object_id: int
    label: str
    detail: str = ""
    school_class_id: int | None = None
    teacher_id: int | None = None
    person_id: int | None = None
    period_id: int | None = None
    day: datetime.date | None = None
    amount: int = 1


@dataclass
class CheckResult:
    criterion: str
    causes: list[Cause] = field(default_factory=list)
    #: How many objects were checked (lessons, cards, parents …).
    total: int = 0
    #: Per class, how many were checked — kept for the visit statistics.
    class_totals: dict[int, int] | None = None
    #: Late marks only: each teacher's (marks of the year, marks entered after 10 days).
    timeliness: dict[int, tuple[int, int]] | None = None


@dataclass
class Context:
    """What every check of one school needs, loaded once per run."""

    school: School
    now: datetime.datetime
    today: datetime.date
    year: AcademicYear | None
    classes: dict[int, SchoolClass]
    periods: list[StudyPeriod]
    rules: list[EditWindow]

    @property
    def year_started(self) -> bool:
        return self.year is not None and self.year.start <= self.today

    def class_label(self, class_id: int, group: str | None = None) -> str:
        label = str(self.classes[class_id]) if class_id in self.classes else "?"
        return f"{label} ({group})" if group else label

    def class_teacher(self, class_id: int | None) -> int | None:
        school_class = self.classes.get(class_id) if class_id else None
        return school_class.class_teacher_id if school_class else None

    @cached_property
    def _assignment_ids(self) -> list[int]:
        return list(
            TeachingAssignment.objects.filter(school_class__school=self.school, school_class__year=self.year)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def assignment_ids(self) -> list[int]:
        """This school's assignments of the year, read once. Lessons are then found through their own index
        (assignment, date), so a school's checks cost the same however many schools share the database. A list,
        not a subquery: with the subquery the planner misjudged the late-marks query and scanned every
        school's lessons by date (bench at 20 schools: 843,561 rows; with the list a bitmap scan of the
        school's 14,182, and the query 500 → 400 ms)."""
        return self._assignment_ids

    def lessons(self):
        """Lessons of this school's classes in the current year."""
        assert self.year is not None
        return Lesson.objects.filter(assignment_id__in=self.assignment_ids(), date__gte=self.year.start)

    def term_periods(self, kind: str) -> list[StudyPeriod]:
        return sorted((p for p in self.periods if p.kind == kind), key=lambda p: p.number)


def load_context(*, school: School, now: datetime.datetime) -> Context:
    """The current academic year (or, between years, the last one that started) with its classes and periods."""
    today = timezone.localdate(now, windows.SCHOOL_TZ)
    year = (
        AcademicYear.objects.filter(start__lte=today, classes__school=school).order_by("-start").first()
        or AcademicYear.objects.filter(classes__school=school).order_by("start").first()
    )
    classes: dict[int, SchoolClass] = {}
    periods: list[StudyPeriod] = []
    if year is not None:
        classes = {c.pk: c for c in SchoolClass.objects.filter(school=school, year=year).order_by("grade", "letter")}
        periods = list(StudyPeriod.objects.filter(year=year).order_by("kind", "number"))
    return Context(
        school=school, now=now, today=today, year=year, classes=classes, periods=periods, rules=windows.load_rules()
    )


# --- lessons: shared reading ---------------------------------------------------------------------------

LESSON_FIELDS = (
    "id",
    "date",
    "number",
    "assignment_id",
    "assignment__school_class_id",
    "assignment__subject__name",
    "assignment__group__name",
    "responsible",
)


def _lesson_rows(queryset, *extra: str) -> list[dict]:
    """Lesson rows with what their findings show; the responsible teacher is the substitute, if any."""
    return list(
        queryset.annotate(responsible=Coalesce("substitute_id", "assignment__teacher_id"))
        .values(*LESSON_FIELDS, *extra)
        .order_by("date", "number", "id")
    )


def _lesson_cause(ctx: Context, row: dict, *, detail: str, amount: int = 1) -> Cause:
    class_id = row["assignment__school_class_id"]
    label = _("%(day)s, %(number)s-й урок — %(class)s, %(subject)s") % {
        "day": _day(row["date"]),
        "number": row["number"],
        "class": ctx.class_label(class_id, row["assignment__group__name"]),
        "subject": row["assignment__subject__name"],
    }
    return Cause(
        key=str(row["id"]),
        model=Lesson,
        object_id=row["id"],
        label=label,
        detail=detail,
        school_class_id=class_id,
        teacher_id=row["responsible"],
        day=row["date"],
        amount=amount,
    )


def _assignment_label(ctx: Context, row: dict) -> str:
    return _("%(class)s — %(subject)s") % {
        "class": ctx.class_label(row["school_class_id"], row["group__name"]),
        "subject": row["subject__name"],
    }


# --- «Актуальность информации об ОУ, педагогическом коллективе и обучающихся» ----------------------------


def check_ktp(ctx: Context) -> CheckResult:
    """КТП for every teaching assignment, due before the school year starts."""
    result = CheckResult(Criterion.KTP)
    if not ctx.year_started:
        return result
    rows = list(
        TeachingAssignment.objects.filter(school_class__school=ctx.school, school_class__year=ctx.year)
        .annotate(has_plan=Exists(PlannedTopic.objects.filter(assignment=OuterRef("pk"))))
        .values("id", "school_class_id", "group__name", "subject__name", "teacher_id", "has_plan")
        .order_by("school_class__grade", "school_class__letter", "subject__name")
    )
    result.total = len(rows)
    detail = _("нет КТП (срок — до начала учебного года, %(day)s)") % {"day": _day(ctx.year.start)}
    for row in rows:
        if not row["has_plan"]:
            result.causes.append(
                Cause(
                    key=str(row["id"]),
                    model=TeachingAssignment,
                    object_id=row["id"],
                    label=_assignment_label(ctx, row),
                    detail=detail,
                    school_class_id=row["school_class_id"],
                    teacher_id=row["teacher_id"],
                )
            )
    return result


def check_timetable(ctx: Context) -> CheckResult:
    """The timetable of each class for each study period, due before the period starts."""
    result = CheckResult(Criterion.TIMETABLE)
    started = [p for p in ctx.periods if not p.is_final and p.start <= ctx.today]
    if not started or not ctx.classes:
        return result
    with_slots = set(
        TimetableSlot.objects.filter(period__in=started, assignment__school_class__in=list(ctx.classes))
        .values_list("period_id", "assignment__school_class_id")
        .distinct()
    )
    for period in started:
        for school_class in ctx.classes.values():
            if school_class.period_kind != period.kind:
                continue
            result.total += 1
            if (period.pk, school_class.pk) in with_slots:
                continue
            result.causes.append(
                Cause(
                    key=f"{school_class.pk}:{period.pk}",
                    model=SchoolClass,
                    object_id=school_class.pk,
                    label=_("%(class)s — %(period)s") % {"class": school_class, "period": period},
                    detail=_("нет расписания уроков на период (срок — до начала периода, %(day)s)")
                    % {"day": _day(period.start)},
                    school_class_id=school_class.pk,
                    teacher_id=school_class.class_teacher_id,
                    period_id=period.pk,
                    day=period.start,
                )
            )
    return result


def _missing(fields: list[str]) -> str:
    return _("не заполнено: %(fields)s") % {"fields": ", ".join(fields)}


def check_school_card(ctx: Context) -> CheckResult:
    """Карточка ОУ, complete before the school year starts."""
    result = CheckResult(Criterion.SCHOOL_CARD)
    if not ctx.year_started:
        return result
    result.total = 1
    missing = ctx.school.missing_fields()
    if missing:
        result.causes.append(
            Cause(
                key=str(ctx.school.pk),
                model=School,
                object_id=ctx.school.pk,
                label=ctx.school.short_name or ctx.school.name,
                detail=_missing(missing),
            )
        )
    return result


def check_teacher_cards(ctx: Context) -> CheckResult:
    """Карточки учителей, complete before the school year starts; a teacher with a load must have one."""
    result = CheckResult(Criterion.TEACHER_CARDS)
    if not ctx.year_started:
        return result
    cards = list(
        Teacher.objects.filter(school=ctx.school, user__is_active=True)
        .select_related("user")
        .order_by("user__surname", "user__name")
    )
    without_card = list(
        User.objects.filter(
            is_active=True,
            assignments__school_class__school=ctx.school,
            assignments__school_class__year=ctx.year,
            teacher__isnull=True,
        )
        .distinct()
        .order_by("surname", "name")
    )
    result.total = len(cards) + len(without_card)
    for card in cards:
        missing = card.missing_fields()
        if missing:
            result.causes.append(
                Cause(
                    key=f"card:{card.pk}",
                    model=Teacher,
                    object_id=card.pk,
                    label=card.user.full_name,
                    detail=_missing(missing),
                    teacher_id=card.user_id,
                    person_id=card.user_id,
                )
            )
    for user in without_card:
        result.causes.append(
            Cause(
                key=f"user:{user.pk}",
                model=User,
                object_id=user.pk,
                label=user.full_name,
                detail=_("нет карточки учителя, хотя есть учебная нагрузка"),
                teacher_id=user.pk,
                person_id=user.pk,
            )
        )
    return result


def check_student_cards(ctx: Context) -> CheckResult:
    """Карточки учеников, complete before the school year starts; the class teacher answers for them."""
    result = CheckResult(Criterion.STUDENT_CARDS, class_totals=defaultdict(int))
    if not ctx.year_started or not ctx.classes:
        return result
    students = (
        Student.objects.filter(school_class__in=list(ctx.classes), is_active=True)
        .select_related("user")
        .only(*Student.REQUIRED_FIELDS, "school_class_id", "user__surname", "user__name", "user__patronymic")
        .order_by("user__surname", "user__name")
    )
    for student in students:
        result.total += 1
        result.class_totals[student.school_class_id] += 1
        missing = student.missing_fields()
        if missing:
            result.causes.append(
                Cause(
                    key=str(student.pk),
                    model=Student,
                    object_id=student.pk,
                    label=f"{student.user.full_name}, {ctx.class_label(student.school_class_id)}",
                    detail=_missing(missing),
                    school_class_id=student.school_class_id,
                    teacher_id=ctx.class_teacher(student.school_class_id),
                    person_id=student.user_id,
                )
            )
    return result


# --- «Актуальность информации о ходе, результатах текущего контроля …» ----------------------------------


def check_topics(ctx: Context) -> CheckResult:
    """A lesson held before today without its topic."""
    result = CheckResult(Criterion.TOPICS)
    if ctx.year is None:
        return result
    held = ctx.lessons().held().filter(date__lt=ctx.today)
    result.total = held.count()
    detail = _("урок проведён, тема не указана")
    result.causes = [_lesson_cause(ctx, row, detail=detail) for row in _lesson_rows(held.filter(topic=""))]
    return result


def _current_spans(ctx: Context) -> Q | None:
    """Lessons of the current period of each class (quarter or half-year), up to yesterday."""
    condition = None
    for kind in (StudyPeriod.Kind.QUARTER, StudyPeriod.Kind.HALF):
        class_ids = [c.pk for c in ctx.classes.values() if c.period_kind == kind]
        period = StudyPeriod.current_among(ctx.term_periods(kind), ctx.today)
        if not class_ids or period is None or period.start >= ctx.today:
            continue
        span = Q(
            assignment__school_class_id__in=class_ids,
            date__gte=period.start,
            date__lte=min(period.end, ctx.today - datetime.timedelta(days=1)),
        )
        condition = span if condition is None else condition | span
    return condition


def check_homework(ctx: Context) -> CheckResult:
    """A lesson of the current period held without homework (neither text nor a file).

    Homework is optional where the lesson sets none: an assignment that set no homework at all in the period
    (physical education, music, the first grade) is not checked, and the criterion is advisory.
    """
    result = CheckResult(Criterion.HOMEWORK)
    spans = _current_spans(ctx) if ctx.year is not None else None
    if spans is None:
        return result
    held = ctx.lessons().held().filter(spans)
    setting = held.filter(~Q(homework="") | ~Q(homework_file="")).values("assignment_id")
    checked = held.filter(assignment_id__in=Subquery(setting))
    result.total = checked.count()
    detail = _("урок проведён, домашнее задание не указано")
    result.causes = [
        _lesson_cause(ctx, row, detail=detail) for row in _lesson_rows(checked.filter(homework="", homework_file=""))
    ]
    return result


def check_attendance(ctx: Context) -> CheckResult:
    """A held lesson whose attendance window (п. 3.3, 2 days) closed without attendance being taken."""
    result = CheckResult(Criterion.ATTENDANCE)
    if ctx.year is None:
        return result
    closed = Q(pk__in=[])
    for grade in sorted({c.grade for c in ctx.classes.values()}):
        rule = windows.select_rule(ctx.rules, entry=EditWindow.Entry.ATTENDANCE, grade=grade)
        if rule is None or rule.create_anchor != EditWindow.Anchor.LESSON_DATE:
            continue
        # The window ends at the end of «date + N days»: closed when that day is before today.
        last_open_date = ctx.today - datetime.timedelta(days=rule.create_days + 1)
        closed |= Q(assignment__school_class__grade=grade, date__lte=last_open_date)
    held = ctx.lessons().held().filter(closed)
    result.total = held.count()
    detail = _("посещаемость не отмечена, срок внесения истёк")
    result.causes = [
        _lesson_cause(ctx, row, detail=detail) for row in _lesson_rows(held.filter(attendance_checked_at__isnull=True))
    ]
    return result


def late_mark_condition() -> Q:
    """A mark entered after the end of «lesson date + 10 days», Moscow time (use on a ``Mark`` queryset
    annotated with ``entered_day``)."""
    return Q(entered_day__gt=F("lesson__date") + datetime.timedelta(days=INFORM_DAYS))


def marks_with_entered_day(queryset):
    return queryset.annotate(entered_day=TruncDate("entered_at", tzinfo=windows.SCHOOL_TZ))


def _year_marks(ctx: Context):
    """The current marks of the school's year entered up to the run's instant.

    Only lessons up to today can have them: a mark is entered no earlier than its lesson's day
    (``windows.entry_window``, ``not_before``). Saying so lets the query skip the rest of the year's
    lessons, whose marks it would otherwise read only to filter them out by ``entered_at``.
    """
    return marks_with_entered_day(
        Mark.objects.filter(
            entered_at__lte=ctx.now,
            lesson__assignment_id__in=ctx.assignment_ids(),
            lesson__date__gte=ctx.year.start,
            lesson__date__lte=ctx.today,
        )
    )


def check_late_marks(ctx: Context) -> CheckResult:
    """Lessons with marks entered more than 10 days after the lesson (possible only by раздел 4).

    One pass over the year's marks, grouped by lesson, also gives each teacher's timeliness.
    """
    result = CheckResult(Criterion.LATE_MARKS, timeliness={})
    if ctx.year is None:
        return result
    late = late_mark_condition()
    per_lesson = (
        _year_marks(ctx)
        .values("lesson_id", "lesson__assignment__teacher_id")
        # The lesson's last mark is a late one whenever any is, so the last late mark is the last mark; asked
        # of the late ones only, it is NULL for the other lessons and their timestamps are never transferred
        # nor parsed (14,000 lessons a night at the school scale).
        .annotate(marks=Count("id"), late=Count("id", filter=late), last=Max("entered_at", filter=late))
        .order_by()
    )
    per_teacher: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    late_lessons: dict[int, dict] = {}
    for row in per_lesson:
        result.total += 1
        counts = per_teacher[row["lesson__assignment__teacher_id"]]
        counts[0] += row["marks"]
        counts[1] += row["late"]
        if row["late"]:
            late_lessons[row["lesson_id"]] = row
    result.timeliness = {teacher: (total, late) for teacher, (total, late) in per_teacher.items()}
    if not late_lessons:
        return result
    for row in _lesson_rows(Lesson.objects.filter(pk__in=list(late_lessons))):
        info = late_lessons[row["id"]]
        detail = _("отметок внесено позже 10 дней: %(count)s (последняя — %(day)s)") % {
            "count": info["late"],
            "day": _day(timezone.localtime(info["last"], windows.SCHOOL_TZ).date()),
        }
        result.causes.append(_lesson_cause(ctx, row, detail=detail, amount=info["late"]))
    return result


def check_assessed_marks(ctx: Context) -> CheckResult:
    """A held lesson older than 10 days with no marks, where the КТП plans an assessed work."""
    result = CheckResult(Criterion.ASSESSED_MARKS)
    if ctx.year is None:
        return result
    due = (
        ctx.lessons()
        .held()
        .filter(
            date__lt=ctx.today - datetime.timedelta(days=INFORM_DAYS),
            planned_topic__assessed_work_type__isnull=False,
        )
    )
    result.total = due.count()
    missing = due.filter(~Exists(Mark.objects.filter(lesson=OuterRef("pk"), entered_at__lte=ctx.now))).annotate(
        work=F("planned_topic__assessed_work_type__name")
    )
    for row in _lesson_rows(missing, "work"):
        detail = _("по КТП — «%(work)s», отметок нет (срок — %(day)s)") % {
            "work": row["work"],
            "day": _day(row["date"] + datetime.timedelta(days=INFORM_DAYS)),
        }
        result.causes.append(_lesson_cause(ctx, row, detail=detail))
    return result


def check_period_marks(ctx: Context) -> CheckResult:
    """Period and year marks missing after the «срок по приказу», per assignment and period.

    The students of the assignment (its class, or its group) without a ``PeriodMark`` for the subject.
    Assignments without any current mark in the year (безотметочное обучение: the first grade, courses
    without marks) are not expected to have period marks.
    """
    result = CheckResult(Criterion.PERIOD_MARKS)
    due = [p for p in ctx.periods if p.marks_deadline < ctx.today]
    if not due or not ctx.classes:
        return result
    assignments = list(
        TeachingAssignment.objects.filter(school_class__in=list(ctx.classes))
        .filter(Exists(Mark.objects.filter(lesson__assignment=OuterRef("pk"))))
        .values("id", "school_class_id", "group_id", "group__name", "subject_id", "subject__name", "teacher_id")
        .order_by("school_class__grade", "school_class__letter", "subject__name", "group__name")
    )
    if not assignments:
        return result
    students: dict[int, list[tuple[int, str]]] = defaultdict(list)
    names: dict[int, str] = {}
    for pk, class_id, surname, name in (
        Student.objects.filter(school_class__in=list(ctx.classes), is_active=True)
        .order_by("user__surname", "user__name")
        .values_list("id", "school_class_id", "user__surname", "user__name")
    ):
        students[class_id].append(pk)
        names[pk] = f"{surname} {name[:1]}." if name else surname
    members: dict[int, set[int]] = defaultdict(set)
    group_ids = {a["group_id"] for a in assignments if a["group_id"]}
    for group_id, student_id in StudentGroup.students.through.objects.filter(studentgroup_id__in=group_ids).values_list(
        "studentgroup_id", "student_id"
    ):
        members[group_id].add(student_id)
    marked = defaultdict(set)
    for period_id, student_id, subject_id in PeriodMark.objects.filter(
        period__in=due, student__school_class__in=list(ctx.classes)
    ).values_list("period_id", "student_id", "subject_id"):
        marked[period_id].add((student_id, subject_id))
    for period in due:
        for row in assignments:
            school_class = ctx.classes[row["school_class_id"]]
            if not period.is_final and school_class.period_kind != period.kind:
                continue
            taught = students[row["school_class_id"]]
            if row["group_id"]:
                taught = [s for s in taught if s in members[row["group_id"]]]
            if not taught:
                continue
            result.total += 1
            missing = [s for s in taught if (s, row["subject_id"]) not in marked[period.pk]]
            if not missing:
                continue
            shown = ", ".join(names[s] for s in missing[:NAMES_SHOWN])
            if len(missing) > NAMES_SHOWN:
                shown += _(" и ещё %(count)s") % {"count": len(missing) - NAMES_SHOWN}
            result.causes.append(
                Cause(
                    key=f"{row['id']}:{period.pk}",
                    model=TeachingAssignment,
                    object_id=row["id"],
                    label=_("%(assignment)s — %(period)s")
                    % {"assignment": _assignment_label(ctx, row), "period": period},
                    detail=_("нет отметки у %(missing)s из %(total)s (срок по приказу — %(day)s): %(names)s")
                    % {
                        "missing": len(missing),
                        "total": len(taught),
                        "day": _day(period.marks_deadline),
                        "names": shown,
                    },
                    school_class_id=row["school_class_id"],
                    teacher_id=row["teacher_id"],
                    period_id=period.pk,
                    day=period.marks_deadline,
                    amount=len(missing),
                )
            )
    return result


# --- «Статистика посещений электронного дневника» -----------------------------------------------------


def _since(ctx: Context, days: int) -> datetime.datetime:
    """The start of the window «the last N days»: N whole days before today, and today so far."""
    return windows.start_of_day(ctx.today - datetime.timedelta(days=days))


def _last_visit(ctx: Context, user_field: str) -> Subquery:
    """The user's last diary visit up to the run's instant (index diary_visit_user_at)."""
    visits = DiaryVisit.objects.filter(user=OuterRef(user_field), at__lte=ctx.now).order_by("-at")
    return Subquery(visits.values("at")[:1])


def _guardianships(ctx: Context) -> list[dict]:
    """Active guardianships of the school's students with the parent's receipt and last diary visit."""
    last_visit = _last_visit(ctx, "parent_id")
    return list(
        Guardianship.objects.active()
        .filter(student__school_class__in=list(ctx.classes), student__is_active=True, parent__is_active=True)
        .annotate(
            has_receipt=Exists(CredentialReceipt.objects.filter(user=OuterRef("parent_id"))),
            last_visit=last_visit,
        )
        .values(
            "id",
            "kind",
            "decided_at",
            "parent_id",
            "parent__surname",
            "parent__name",
            "parent__patronymic",
            "student__school_class_id",
            "student__user__surname",
            "student__user__name",
            "has_receipt",
            "last_visit",
        )
        .order_by("parent__surname", "parent__name", "id")
    )


def _parent_label(ctx: Context, row: dict) -> str:
    parent = " ".join(p for p in (row["parent__surname"], row["parent__name"], row["parent__patronymic"]) if p)
    return _("%(parent)s (%(kind)s) — %(child)s, %(class)s") % {
        "parent": parent,
        "kind": Guardianship.Kind(row["kind"]).label,
        "child": f"{row['student__user__surname']} {row['student__user__name']}",
        "class": ctx.class_label(row["student__school_class_id"]),
    }


def _visit_detail(last_visit: datetime.datetime | None, days: int) -> str:
    if last_visit is None:
        return _("ни разу не открывал(а) дневник")
    local = timezone.localtime(last_visit, windows.SCHOOL_TZ)
    return _("не открывал(а) дневник %(days)s дн.; последнее посещение — %(day)s") % {
        "days": days,
        "day": _day(local.date()),
    }


def _guardianship_cause(ctx: Context, row: dict, detail: str) -> Cause:
    class_id = row["student__school_class_id"]
    return Cause(
        key=str(row["id"]),
        model=Guardianship,
        object_id=row["id"],
        label=_parent_label(ctx, row),
        detail=detail,
        school_class_id=class_id,
        teacher_id=ctx.class_teacher(class_id),
        person_id=row["parent_id"],
    )


def check_parents(ctx: Context) -> tuple[CheckResult, CheckResult]:
    """Receipts and diary visits of the parents with access, from one read of the guardianships.

    A parent counts once per class (a parent of two children in one class is one parent there). Visits are
    checked only for parents who had access for the whole week.
    """
    receipts = CheckResult(Criterion.RECEIPTS, class_totals={})
    visits = CheckResult(Criterion.PARENT_VISITS, class_totals={})
    if not ctx.classes:
        return receipts, visits
    since = _since(ctx, PARENT_VISIT_DAYS)
    rows = _guardianships(ctx)
    with_access: dict[int, set[int]] = defaultdict(set)
    checked: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        class_id = row["student__school_class_id"]
        with_access[class_id].add(row["parent_id"])
        if not row["has_receipt"]:
            receipts.causes.append(
                _guardianship_cause(ctx, row, _("доступ предоставлен, документа о получении учётной записи нет"))
            )
        if row["decided_at"] is not None and row["decided_at"] >= since:
            continue  # access given during the week: not yet due
        checked[class_id].add(row["parent_id"])
        if row["last_visit"] is None or row["last_visit"] < since:
            visits.causes.append(_guardianship_cause(ctx, row, _visit_detail(row["last_visit"], PARENT_VISIT_DAYS)))
    receipts.class_totals = {k: len(v) for k, v in with_access.items()}
    visits.class_totals = {k: len(v) for k, v in checked.items()}
    receipts.total = len({row["parent_id"] for row in rows})
    visits.total = len(set().union(*checked.values())) if checked else 0
    return receipts, visits


def check_receipts(ctx: Context) -> CheckResult:
    return check_parents(ctx)[0]


def check_parent_visits(ctx: Context) -> CheckResult:
    return check_parents(ctx)[1]


def check_student_visits(ctx: Context) -> CheckResult:
    """A student (with an account for the whole window) who has not opened the diary in the last 2 days."""
    result = CheckResult(Criterion.STUDENT_VISITS, class_totals=defaultdict(int))
    if not ctx.classes:
        return result
    since = _since(ctx, STUDENT_VISIT_DAYS)
    rows = (
        Student.objects.filter(
            school_class__in=list(ctx.classes), is_active=True, user__is_active=True, user__date_joined__lt=since
        )
        .annotate(last_visit=_last_visit(ctx, "user_id"))
        .values("id", "user_id", "school_class_id", "user__surname", "user__name", "user__patronymic", "last_visit")
        .order_by("user__surname", "user__name", "id")
    )
    for row in rows:
        result.total += 1
        result.class_totals[row["school_class_id"]] += 1
        if row["last_visit"] is not None and row["last_visit"] >= since:
            continue
        name = " ".join(p for p in (row["user__surname"], row["user__name"], row["user__patronymic"]) if p)
        result.causes.append(
            Cause(
                key=str(row["id"]),
                model=Student,
                object_id=row["id"],
                label=f"{name}, {ctx.class_label(row['school_class_id'])}",
                detail=_visit_detail(row["last_visit"], STUDENT_VISIT_DAYS),
                school_class_id=row["school_class_id"],
                teacher_id=ctx.class_teacher(row["school_class_id"]),
                person_id=row["user_id"],
            )
        )
    return result


# --- the registry ---------------------------------------------------------------------------------------


class Group(models.TextChoices):
    """The three criteria of the table in п. 3.3."""

    CONTENT = (
        "content",
        gettext_lazy(
            "Актуальность информации об ОУ, педагогическом коллективе и обучающихся, содержании образовательного процесса"
        ),
    )
    PROGRESS = (
        "progress",
        gettext_lazy(
            "Актуальность информации о ходе, результатах текущего контроля успеваемости, промежуточной аттестации "
            "обучающихся и посещаемости ими уроков"
        ),
    )
    VISITS = "visits", gettext_lazy("Статистика посещений родителями (законными представителями) и обучающимися")


class Job(models.TextChoices):
    DEADLINES = "deadlines", gettext_lazy("проверка сроков")
    VISITS = "visits", gettext_lazy("статистика посещений")


@dataclass(frozen=True)
class CriterionInfo:
    code: str
    group: str
    job: str
    violation: str
    unit: str
    check: Callable[[Context], CheckResult]
    #: Counted in people (parents), not in findings: a parent of two children is one parent.
    counts_people: bool = False
    #: Findings name a responsible teacher worth a drill-down.
    by_teacher: bool = True
    by_class: bool = True
    #: Advisory: a finding is worth a look, not necessarily a breach (homework is optional).
    advisory: bool = False

    @property
    def title(self) -> str:
        return Criterion(self.code).label


_L = gettext_lazy

CRITERIA: dict[str, CriterionInfo] = {
    info.code: info
    for info in [
        CriterionInfo(
            Criterion.KTP,
            Group.CONTENT,
            Job.DEADLINES,
            _L("нет КТП на начало учебного года"),
            _L("нагрузок"),
            check_ktp,
        ),
        CriterionInfo(
            Criterion.TIMETABLE,
            Group.CONTENT,
            Job.DEADLINES,
            _L("нет расписания на начало учебного периода"),
            _L("классов"),
            check_timetable,
        ),
        CriterionInfo(
            Criterion.SCHOOL_CARD,
            Group.CONTENT,
            Job.DEADLINES,
            _L("карточка ОУ не заполнена на начало учебного года"),
            _L("карточек"),
            check_school_card,
            by_teacher=False,
            by_class=False,
        ),
        CriterionInfo(
            Criterion.TEACHER_CARDS,
            Group.CONTENT,
            Job.DEADLINES,
            _L("карточка учителя не заполнена на начало учебного года"),
            _L("учителей"),
            check_teacher_cards,
            by_class=False,
        ),
        CriterionInfo(
            Criterion.STUDENT_CARDS,
            Group.CONTENT,
            Job.DEADLINES,
            _L("карточка ученика не заполнена на начало учебного года"),
            _L("учеников"),
            check_student_cards,
        ),
        CriterionInfo(
            Criterion.TOPICS, Group.PROGRESS, Job.DEADLINES, _L("проведённый урок без темы"), _L("уроков"), check_topics
        ),
        CriterionInfo(
            Criterion.HOMEWORK,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("урок текущего периода без домашнего задания, хотя по предмету задания задаются"),
            _L("уроков"),
            check_homework,
            advisory=True,
        ),
        CriterionInfo(
            Criterion.ATTENDANCE,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("посещаемость не отмечена в течение 2 дней"),
            _L("уроков"),
            check_attendance,
        ),
        CriterionInfo(
            Criterion.LATE_MARKS,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("отметки внесены позже 10 дней после урока"),
            _L("уроков"),
            check_late_marks,
        ),
        CriterionInfo(
            Criterion.ASSESSED_MARKS,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("нет отметок через 10 дней после работы, запланированной в КТП"),
            _L("уроков"),
            check_assessed_marks,
        ),
        CriterionInfo(
            Criterion.PERIOD_MARKS,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("нет отметок за период или год после срока по приказу"),
            _L("нагрузок"),
            check_period_marks,
        ),
        CriterionInfo(
            Criterion.RECEIPTS,
            Group.VISITS,
            Job.VISITS,
            _L("родитель с доступом без документа о получении учётной записи"),
            _L("родителей"),
            check_receipts,
            counts_people=True,
        ),
        CriterionInfo(
            Criterion.PARENT_VISITS,
            Group.VISITS,
            Job.VISITS,
            _L("родитель не открывал дневник 7 дней"),
            _L("родителей"),
            check_parent_visits,
            counts_people=True,
        ),
        CriterionInfo(
            Criterion.STUDENT_VISITS,
            Group.VISITS,
            Job.VISITS,
            _L("обучающийся не открывал дневник 2 дня"),
            _L("учеников"),
            check_student_visits,
        ),
    ]
}


def criteria_of(job: str) -> list[str]:
    return [code for code, info in CRITERIA.items() if info.job == job]


def run_checks(ctx: Context, job: str) -> list[CheckResult]:
    """Every check of a job; the two parent checks share one read."""
    results = []
    for code in criteria_of(job):
        if code == Criterion.RECEIPTS:
            receipts, parent_visits = check_parents(ctx)
            results += [receipts, parent_visits]
        elif code == Criterion.PARENT_VISITS:
            continue
        else:
            results.append(CRITERIA[code].check(ctx))
    return results
