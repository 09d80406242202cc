"""What every check of п. 3.3 shares: the context of one school's run, what a check returns, and the texts
of dates and assignments in the findings."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import windows
from journal.models import AcademicYear, EditWindow, Lesson, School, SchoolClass, StudyPeriod, TeachingAssignment


def date_text(value: datetime.date) -> str:
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


def assignment_label(ctx: Context, row: dict) -> str:
    return _("%(class)s — %(subject)s") % {
        "class": ctx.class_label(row["school_class_id"], row["group__name"]),
        "subject": row["subject__name"],
    }
