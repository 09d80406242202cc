"""Reads of audit.compliance: the dashboard and its drill-downs, from the stored results only.

Nothing here recomputes a check: the nightly jobs did. Every page costs a constant number of queries,
whatever the size of the school (the tests pin it).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.models import Role, School, SchoolClass, Teacher, User

from . import charts
from .checks import CRITERIA, CriterionInfo, Group
from .models import ClassSnapshot, ComplianceState, Criterion, CriterionSnapshot, Finding, TeacherTimeliness

#: How far back the trends and the weekly charts look.
WEEKS = 8
#: The criterion page lists at most this many findings; the XLSX export has them all.
LIST_LIMIT = 500
#: Shares below this are highlighted on the dashboard.
LOW_SHARE = 0.8
VISIT_CRITERIA = (Criterion.PARENT_VISITS, Criterion.STUDENT_VISITS, Criterion.RECEIPTS)


# --- access helpers ------------------------------------------------------------------------------------


def school_for(*, user: User) -> School:
    """The school whose results the user reads: that of their teacher card, else the first (one deployment
    serves one school). 404 when there is none yet."""
    mine = Exists(Teacher.objects.filter(user=user, school=OuterRef("pk")))
    school = School.objects.annotate(mine=mine).order_by("-mine", "pk").first()
    if school is None:
        raise Http404
    return school


def criterion_info(code: str) -> CriterionInfo:
    info = CRITERIA.get(code)
    if info is None:
        raise Http404
    return info


def class_for_reader(*, school: School, class_id) -> SchoolClass:
    """A class of the deputy's school; any other id is 404."""
    school_class = SchoolClass.objects.select_related("class_teacher").filter(pk=class_id, school=school).first()
    if school_class is None:
        raise Http404
    return school_class


def teacher_for_reader(*, teacher_id) -> User:
    teacher = User.objects.filter(pk=teacher_id).first()
    if teacher is None:
        raise Http404
    return teacher


def led_classes(*, user: User) -> list[SchoolClass]:
    """The classes the user leads in the latest year they lead any class."""
    classes = list(
        SchoolClass.objects.filter(class_teacher=user)
        .select_related("year", "school")
        .order_by("-year__start", "grade")
    )
    if not classes:
        return []
    latest = classes[0].year_id
    return sorted((c for c in classes if c.year_id == latest), key=lambda c: (c.grade, c.letter))


def may_see_own_class(*, user: User, classes: list[SchoolClass]) -> bool:
    return bool(classes) or user.has_role(Role.CLASS_TEACHER)


# --- the dashboard ----------------------------------------------------------------------------------------


@dataclass
class CriterionRow:
    info: CriterionInfo
    count: int | None = None
    total: int = 0
    previous: int | None = None
    week_ago: int | None = None
    weekly: list[int | None] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.count is None:
            return "nodata"
        if self.count == 0:
            return "ok"
        return "advisory" if self.info.advisory else "violations"

    @property
    def change(self) -> int | None:
        return None if self.count is None or self.previous is None else self.count - self.previous

    @property
    def change_week(self) -> int | None:
        return None if self.count is None or self.week_ago is None else self.count - self.week_ago

    @property
    def change_label(self) -> str:
        return signed(self.change)

    @property
    def change_week_label(self) -> str:
        return signed(self.change_week)

    @property
    def sparkline(self) -> str:
        return charts.sparkline(self.weekly, label=str(self.info.title))


def signed(value: int | None) -> str:
    """«+3», «−2», «0»; «—» when there is nothing to compare with."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{value}"
    return f"−{-value}" if value < 0 else "0"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.0f} %"


@dataclass
class VisitRow:
    school_class: SchoolClass
    parents_total: int | None = None
    parents_missing: int = 0
    students_total: int | None = None
    students_missing: int = 0
    receipts_missing: int = 0

    @staticmethod
    def _share(total: int | None, missing: int) -> float | None:
        return (total - missing) / total if total else None

    @property
    def parents_share(self) -> float | None:
        return self._share(self.parents_total, self.parents_missing)

    @property
    def students_share(self) -> float | None:
        return self._share(self.students_total, self.students_missing)

    @property
    def parents_percent(self) -> str:
        return percent(self.parents_share)

    @property
    def students_percent(self) -> str:
        return percent(self.students_share)

    @property
    def parents_low(self) -> bool:
        return self.parents_share is not None and self.parents_share < LOW_SHARE

    @property
    def students_low(self) -> bool:
        return self.students_share is not None and self.students_share < LOW_SHARE


@dataclass
class Dashboard:
    school: School
    state: ComplianceState | None
    day: datetime.date | None
    groups: list[tuple[str, list[CriterionRow]]]
    timeliness: list[TeacherTimeliness]
    visits: list[VisitRow]
    week_labels: list[str]
    chart: str

    @property
    def computed_at(self) -> datetime.datetime | None:
        return self.state.computed_at if self.state else None


def _week_ends(last: datetime.date) -> list[datetime.date]:
    """The last day of each of the last ``WEEKS`` weeks, oldest first, ending on ``last``."""
    return [last - datetime.timedelta(days=7 * i) for i in range(WEEKS - 1, -1, -1)]


def _at_or_before(series: dict[datetime.date, int], day: datetime.date, days: int = 7):
    """The value of the latest snapshot in the week ending on ``day``."""
    for back in range(days):
        value = series.get(day - datetime.timedelta(days=back))
        if value is not None:
            return value
    return None


def dashboard_for(*, school: School) -> Dashboard:
    """The deputy's dashboard: every criterion with status, count and trend, timeliness, visit statistics."""
    state = ComplianceState.objects.filter(school=school).first()
    since = timezone.localdate() - datetime.timedelta(days=7 * WEEKS + 7)
    snapshots = list(
        CriterionSnapshot.objects.filter(school=school, day__gte=since)
        .order_by("day")
        .values_list("criterion", "day", "count", "total")
    )
    days = sorted({day for _, day, _, _ in snapshots})
    last_day = days[-1] if days else None
    counts: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    totals: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    for code, day, count, total in snapshots:
        counts[code][day] = count
        totals[code][day] = total

    week_ends = _week_ends(last_day) if last_day else []
    rows: dict[str, list[CriterionRow]] = defaultdict(list)
    for code, info in CRITERIA.items():
        row = CriterionRow(info=info)
        series = counts.get(code, {})
        if last_day is not None and last_day in series:
            row.count = series[last_day]
            row.total = totals[code][last_day]
            earlier = [d for d in series if d < last_day]
            row.previous = series[max(earlier)] if earlier else None
            row.week_ago = series.get(last_day - datetime.timedelta(days=7))
        row.weekly = [_at_or_before(series, end) for end in week_ends]
        rows[info.group].append(row)

    timeliness_day = Subquery(
        TeacherTimeliness.objects.filter(school=school).values("school").annotate(last=Max("day")).values("last")
    )
    timeliness = list(
        TeacherTimeliness.objects.filter(school=school, day=timeliness_day)
        .select_related("teacher")
        .order_by("teacher__surname", "teacher__name", "teacher__patronymic")
    )
    timeliness.sort(key=lambda t: (t.share_on_time if t.share_on_time is not None else 2, t.teacher.surname))
    weekly_timeliness = {
        row["day"]: (row["total"], row["late"])
        for row in TeacherTimeliness.objects.filter(school=school, day__gte=since)
        .values("day")
        .annotate(total=Sum("marks_total"), late=Sum("marks_late"))
        .order_by("day")
    }

    visits = visit_rows(school=school)
    week_labels = [end.strftime("%d.%m") for end in week_ends]
    chart = charts.line_chart(
        [
            (
                _share_series(counts, totals, Criterion.PARENT_VISITS, week_ends),
                "parents",
                _("Родители: посещение за 7 дней"),
            ),
            (
                _share_series(counts, totals, Criterion.STUDENT_VISITS, week_ends),
                "students",
                _("Ученики: посещение за 2 дня"),
            ),
            (_timeliness_series(weekly_timeliness, week_ends), "timeliness", _("Отметки в течение 10 дней")),
        ],
        week_labels,
        title=_("Доля, % — по неделям"),
    )
    return Dashboard(
        school=school,
        state=state,
        day=last_day,
        groups=[(Group(group).label, rows[group]) for group in Group.values],
        timeliness=timeliness,
        visits=visits,
        week_labels=week_labels,
        chart=chart,
    )


def _share_series(counts, totals, code: str, week_ends: list[datetime.date]) -> list[float | None]:
    values = []
    for end in week_ends:
        count = _at_or_before(counts.get(code, {}), end)
        total = _at_or_before(totals.get(code, {}), end)
        values.append(100 * (total - count) / total if count is not None and total else None)
    return values


def _timeliness_series(weekly: dict, week_ends: list[datetime.date]) -> list[float | None]:
    values = []
    for end in week_ends:
        point = _at_or_before(weekly, end)
        values.append(100 * (point[0] - point[1]) / point[0] if point and point[0] else None)
    return values


def visit_rows(*, school: School, classes: list[SchoolClass] | None = None) -> list[VisitRow]:
    """The visit statistics per class on the last day the visits job ran (one query)."""
    last = Subquery(
        ClassSnapshot.objects.filter(school_class__school=school, criterion=Criterion.PARENT_VISITS)
        .values("criterion")
        .annotate(last=Max("day"))
        .values("last")
    )
    snapshots = ClassSnapshot.objects.filter(
        school_class__school=school, criterion__in=VISIT_CRITERIA, day=last
    ).select_related("school_class__class_teacher")
    if classes is not None:
        snapshots = snapshots.filter(school_class__in=classes)
    rows: dict[int, VisitRow] = {}
    for snap in snapshots:
        row = rows.setdefault(snap.school_class_id, VisitRow(school_class=snap.school_class))
        if snap.criterion == Criterion.PARENT_VISITS:
            row.parents_total, row.parents_missing = snap.total, snap.count
        elif snap.criterion == Criterion.STUDENT_VISITS:
            row.students_total, row.students_missing = snap.total, snap.count
        else:
            row.receipts_missing = snap.count
    return sorted(rows.values(), key=lambda r: (r.school_class.grade, r.school_class.letter))


# --- drill-down -------------------------------------------------------------------------------------------


@dataclass
class Bucket:
    """Open findings of a criterion for one class or one teacher."""

    pk: int | None
    label: str
    count: int
    people: int


@dataclass
class CriterionPage:
    info: CriterionInfo
    row: CriterionRow
    by_class: list[Bucket]
    by_teacher: list[Bucket]
    findings: list[Finding]
    open_count: int
    state: ComplianceState | None

    @property
    def truncated(self) -> bool:
        return self.open_count > len(self.findings)


def _name(surname, name, patronymic) -> str:
    initials = " ".join(f"{part[0]}." for part in (name, patronymic) if part)
    return f"{surname} {initials}".strip()


def criterion_page(*, school: School, info: CriterionInfo) -> CriterionPage:
    findings = Finding.objects.open().filter(school=school, criterion=info.code)
    by_class = [
        Bucket(
            pk=row["school_class_id"],
            label=f"{row['school_class__grade']}{row['school_class__letter']}" if row["school_class_id"] else "—",
            count=row["count"],
            people=row["people"],
        )
        for row in findings.values("school_class_id", "school_class__grade", "school_class__letter")
        .annotate(count=Count("id"), people=Count("person", distinct=True))
        .order_by("school_class__grade", "school_class__letter")
    ]
    by_teacher = [
        Bucket(
            pk=row["teacher_id"],
            label=_name(row["teacher__surname"], row["teacher__name"], row["teacher__patronymic"])
            if row["teacher_id"]
            else "—",
            count=row["count"],
            people=row["people"],
        )
        for row in findings.values("teacher_id", "teacher__surname", "teacher__name", "teacher__patronymic")
        .annotate(count=Count("id"), people=Count("person", distinct=True))
        .order_by("-count", "teacher__surname", "teacher__name")
    ]
    open_count = sum(b.count for b in by_class)
    listed = list(findings.select_related("school_class", "teacher", "person").order_by("day", "label")[:LIST_LIMIT])
    return CriterionPage(
        info=info,
        row=_criterion_row(school=school, info=info),
        by_class=by_class if info.by_class else [],
        by_teacher=by_teacher if info.by_teacher else [],
        findings=listed,
        open_count=open_count,
        state=ComplianceState.objects.filter(school=school).first(),
    )


def _criterion_row(*, school: School, info: CriterionInfo) -> CriterionRow:
    since = timezone.localdate() - datetime.timedelta(days=7 * WEEKS + 7)
    series = {
        day: (count, total)
        for day, count, total in CriterionSnapshot.objects.filter(
            school=school, criterion=info.code, day__gte=since
        ).values_list("day", "count", "total")
    }
    row = CriterionRow(info=info)
    if series:
        last = max(series)
        row.count, row.total = series[last]
        earlier = [d for d in series if d < last]
        row.previous = series[max(earlier)][0] if earlier else None
        week_ago = series.get(last - datetime.timedelta(days=7))
        row.week_ago = week_ago[0] if week_ago else None
        counts = {d: c for d, (c, _) in series.items()}
        row.weekly = [_at_or_before(counts, end) for end in _week_ends(last)]
    return row


def findings_for(*, school: School, info: CriterionInfo, school_class=None, teacher=None) -> list[Finding]:
    """The open findings of a criterion for one class or one teacher: the exact lessons, students, parents."""
    condition = Q(school=school, criterion=info.code)
    if school_class is not None:
        condition &= Q(school_class=school_class)
    if teacher is not None:
        condition &= Q(teacher=teacher)
    return list(
        Finding.objects.open()
        .filter(condition)
        .select_related("school_class", "teacher", "person")
        .order_by("day", "label")
    )


# --- the class teacher's page ----------------------------------------------------------------------------


@dataclass
class ClassReport:
    school_class: SchoolClass
    sections: list[tuple[CriterionInfo, list[Finding]]]
    visits: VisitRow | None

    @property
    def parents_to_remind(self) -> list[Finding]:
        for info, findings in self.sections:
            if info.code == Criterion.PARENT_VISITS:
                return findings
        return []


def class_reports(*, classes: list[SchoolClass]) -> list[ClassReport]:
    """Every open finding of the user's classes, by criterion, with the classes' visit statistics."""
    if not classes:
        return []
    findings: dict[int, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in (
        Finding.objects.open()
        .filter(school_class__in=classes)
        .select_related("teacher", "person")
        .order_by("day", "label")
    ):
        findings[finding.school_class_id][finding.criterion].append(finding)
    visits = {}
    for school in {c.school_id: c.school for c in classes}.values():
        for row in visit_rows(school=school, classes=classes):
            visits[row.school_class.pk] = row
    reports = []
    for school_class in classes:
        found = findings.get(school_class.pk, {})
        sections = [(info, found[code]) for code, info in CRITERIA.items() if found.get(code)]
        reports.append(ClassReport(school_class=school_class, sections=sections, visits=visits.get(school_class.pk)))
    return reports


def state_for(*, school: School) -> ComplianceState | None:
    return ComplianceState.objects.filter(school=school).first()
