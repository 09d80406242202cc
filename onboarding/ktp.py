"""КТП files: reading them, and the report of planned against held hours.

The file is a table with the usual columns — «№», «Тема», «Часы», «Дата» (and, optionally, «Вид работы»
for a planned assessed work) — under a header row anywhere in the first 30 rows. Dates are Russian
(ДД.ММ.ГГГГ, ДД.ММ.ГГ, ДД.ММ with the year taken from the school year) or Excel dates. A row with a title
but no number, hours or date is a section heading («Раздел 1. Натуральные числа») and is skipped.
Errors name the row number the spreadsheet shows; a file with errors changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.models import Lesson, PlannedTopic, StudyPeriod, TeachingAssignment, WorkType

from . import tables

KTP_FIELDS = {
    "title": (
        "тема",
        "тема урока",
        "темы уроков",
        "наименование темы",
        "название темы",
        "наименование раздела, темы",
        "наименование разделов и тем",
        "тема занятия",
        "содержание",
    ),
    "number": ("№", "№ п/п", "№ урока", "номер", "номер урока", "n", "#"),
    "hours": ("часы", "часов", "кол-во часов", "количество часов", "кол. часов", "час"),
    "date": ("дата", "дата проведения", "плановая дата", "дата по плану", "планируемая дата", "сроки", "срок"),
    "work": ("вид работы", "контроль", "форма контроля", "работа с отметкой", "вид контроля"),
}


@dataclass
class ParsedTopic:
    row: int
    title: str
    hours: int
    planned_date: datetime.date | None
    work_type: WorkType | None = None


@dataclass
class KtpFile:
    topics: list[ParsedTopic] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    sections: list[tuple[int, str]] = field(default_factory=list)
    header_row: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.topics)


def _work_types() -> dict[str, WorkType]:
    found = {}
    for work_type in WorkType.objects.all():
        found[work_type.name.lower()] = work_type
        found[work_type.code.lower()] = work_type
    return found


def parse_ktp(data: bytes, filename: str, *, assignment: TeachingAssignment) -> KtpFile:
    """Read a КТП file for ``assignment``: topics in file order, or errors with their row numbers."""
    result = KtpFile()
    try:
        table = tables.read_table(data, filename, fields=KTP_FIELDS, required=["title"])
    except ValidationError as error:
        result.errors.append((0, " ".join(error.messages)))
        return result
    result.header_row = table.header_row
    year = assignment.school_class.year
    work_types = None
    for row in table.rows:
        title = row.get("title")
        if title and not (row.get("number") or row.get("hours") or row.get("date")):
            result.sections.append((row.number, title))
            continue
        problems = []
        if not title:
            problems.append(_("нет темы"))
        elif len(title) > 500:
            problems.append(_("тема длиннее 500 символов"))
        try:
            hours = tables.parse_positive_int(row.get("hours"), label=_("Часы"), default=1, maximum=100)
        except ValidationError as error:
            problems.extend(error.messages)
            hours = 1
        try:
            planned = tables.parse_date(row.raw.get("date"), school_year=(year.start.year, year.end.year))
            if planned is not None and not year.start <= planned <= year.end:
                problems.append(
                    _("дата %(day)s вне учебного года %(year)s") % {"day": planned.strftime("%d.%m.%Y"), "year": year}
                )
        except ValidationError as error:
            problems.extend(error.messages)
            planned = None
        work_type = None
        if row.get("work"):
            work_types = work_types if work_types is not None else _work_types()
            work_type = work_types.get(row.get("work").lower())
            if work_type is None:
                problems.append(_("вид работы «%(name)s» не найден") % {"name": row.get("work")})
        if problems:
            result.errors.append((row.number, "; ".join(str(p) for p in problems)))
            continue
        result.topics.append(ParsedTopic(row.number, title, hours, planned, work_type))
    if not result.topics and not result.errors:
        result.errors.append((table.header_row, _("Под заголовком нет ни одной темы.")))
    return result


# --- The report -----------------------------------------------------------------------------------------------


@dataclass
class KtpReport:
    assignment: TeachingAssignment
    period: StudyPeriod | None
    topics: list[PlannedTopic]
    planned_hours: int
    planned_hours_to_date: int
    held_lessons: int
    held_from_plan: int
    skipped: list[PlannedTopic]
    added: list[Lesson]
    without_topic: int
    today: datetime.date


def ktp_report(
    *, assignment: TeachingAssignment, period: StudyPeriod | None = None, today: datetime.date | None = None
) -> KtpReport:
    """Planned against held: hours, topics skipped (planned before today, no lesson took them) and lessons
    held with a topic not from the КТП. Five queries whatever the length of the plan."""
    today = today or timezone.localdate()
    topics = PlannedTopic.objects.filter(assignment=assignment).select_related("assessed_work_type")
    lessons = Lesson.objects.filter(assignment=assignment, is_held=True, date__lte=today)
    if period is not None:
        topics = topics.filter(planned_date__gte=period.start, planned_date__lte=period.end)
        lessons = lessons.filter(date__gte=period.start, date__lte=period.end)
    topics = list(
        topics.annotate(
            lesson_count=Count("lessons", filter=Q(lessons__is_held=True)),
        ).order_by("position")
    )
    counts = lessons.aggregate(
        held=Count("id"),
        from_plan=Count("id", filter=Q(planned_topic__isnull=False)),
        without_topic=Count("id", filter=Q(topic="")),
    )
    added = list(lessons.filter(planned_topic__isnull=True).exclude(topic="").order_by("date", "number"))
    skipped = [t for t in topics if t.planned_date and t.planned_date < today and not t.lesson_count]
    return KtpReport(
        assignment=assignment,
        period=period,
        topics=topics,
        planned_hours=sum(t.hours for t in topics),
        planned_hours_to_date=sum(t.hours for t in topics if t.planned_date and t.planned_date <= today),
        held_lessons=counts["held"],
        held_from_plan=counts["from_plan"],
        skipped=skipped,
        added=added,
        without_topic=counts["without_topic"],
        today=today,
    )


def topics_with_use(assignment: TeachingAssignment) -> list[PlannedTopic]:
    """The КТП for the editing page, each topic with whether a lesson took it and when first."""
    first_use = Lesson.objects.filter(planned_topic=OuterRef("pk")).order_by("date").values("date")[:1]
    return list(
        PlannedTopic.objects.filter(assignment=assignment)
        .select_related("assessed_work_type")
        .annotate(used=Exists(Lesson.objects.filter(planned_topic=OuterRef("pk"))))
        .annotate(first_used=Subquery(first_use))
        .order_by("position")
    )
