"""«Статистика посещений родителями (законными представителями) и обучающимися» (п. 3.3): parents with access
hold the receipt of their account and open the diary «не реже 1 раза в неделю», students «не реже 1 раза в
2 дня»."""

import datetime
from collections import defaultdict

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.models import DiaryVisit
from journal import windows
from journal.models import CredentialReceipt, Guardianship, Student

from ..models import Criterion
from .base import Cause, CheckResult, Context, date_text

#: п. 3.3: parents open the diary «не реже 1 раза в неделю», students «не реже 1 раза в 2 дня».
PARENT_VISIT_DAYS = 7
STUDENT_VISIT_DAYS = 2


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
        "day": date_text(local.date()),
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
