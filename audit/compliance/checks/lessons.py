"""«Актуальность информации о ходе, результатах текущего контроля успеваемости, промежуточной аттестации
обучающихся и посещаемости ими уроков» (п. 3.3): topics and homework of held lessons, attendance within its
window, marks within 10 days of the lesson («срок информирования об оценках не более 10 дней от даты
проведения урока»), and period and year marks by the «срок, указанный в приказе»."""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import windows
from journal.models import EditWindow, Lesson, Mark, PeriodMark, Student, StudentGroup, StudyPeriod, TeachingAssignment

from ..models import Criterion
from .base import Cause, CheckResult, Context, assignment_label, date_text

#: п. 3.3: «срок информирования об оценках не более 10 дней от даты проведения урока».
INFORM_DAYS = 10
#: How many missing students a period-mark finding names before «и ещё N».
NAMES_SHOWN = 8


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
        "day": date_text(row["date"]),
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
            "day": date_text(timezone.localtime(info["last"], windows.SCHOOL_TZ).date()),
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
            "day": date_text(row["date"] + datetime.timedelta(days=INFORM_DAYS)),
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
                    % {"assignment": assignment_label(ctx, row), "period": period},
                    detail=_("нет отметки у %(missing)s из %(total)s (срок по приказу — %(day)s): %(names)s")
                    % {
                        "missing": len(missing),
                        "total": len(taught),
                        "day": date_text(period.marks_deadline),
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
