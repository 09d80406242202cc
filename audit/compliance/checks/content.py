"""«Актуальность информации об ОУ, педагогическом коллективе и обучающихся, содержании образовательного
процесса» (п. 3.3): КТП and the cards are due before the school year starts, the timetable before each study
period."""

from collections import defaultdict

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from journal.models import PlannedTopic, School, SchoolClass, Student, Teacher, TeachingAssignment, TimetableSlot, User

from ..models import Criterion
from .base import Cause, CheckResult, Context, assignment_label, date_text


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
    detail = _("нет КТП (срок — до начала учебного года, %(day)s)") % {"day": date_text(ctx.year.start)}
    for row in rows:
        if not row["has_plan"]:
            result.causes.append(
                Cause(
                    key=str(row["id"]),
                    model=TeachingAssignment,
                    object_id=row["id"],
                    label=assignment_label(ctx, row),
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
                    % {"day": date_text(period.start)},
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
