"""КТП files: reading them, and the report of planned against held hours.

The files teachers have: the school's КТП template (title rows, «Дата» over «план | факт», section rows,
numbering «1.1»), a Word КТП, and the two tables of the federal «Конструктор рабочих программ» — the поурочное
планирование (a row a lesson, «Количество часов» over «Всего | Контрольные работы | Практические работы»,
«Дата изучения», the electronic resources) and the тематическое (a row a topic of many hours). Any of them as
.xlsx, .xls, .csv or .docx (``tables``).

The поурочное imports as lessons: its «Контрольные работы» and «Практические работы» set the planned work. The
тематическое is recognised and refused with why, unless the teacher asks to spread each topic into as many
lessons as it has hours. Section headings become each topic's section; totals («Итого по разделу», «ОБЩЕЕ
КОЛИЧЕСТВО ЧАСОВ ПО ПРОГРАММЕ») are skipped; every skipped row is listed with why. Errors name the row a person
sees; a file with errors changes nothing.
"""

import datetime
import re
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
        "тема занятия",
        "название темы",
        "наименование темы",
        "наименование раздела, темы",
        "наименование разделов и тем",
        "наименование разделов и тем программы",
        "наименование разделов и тем учебного предмета",
        "раздел, тема",
        "разделы, темы",
        "содержание",
        "содержание урока",
    ),
    "section": ("раздел", "название раздела", "наименование раздела", "раздел программы", "модуль", "глава"),
    "number": ("№", "№ п/п", "№ урока", "номер", "номер урока", "п/п", "n", "#", "№ занятия"),
    "hours": (
        "часы",
        "часов",
        "кол-во часов",
        "количество часов",
        "кол. часов",
        "час",
        "всего",
        "всего часов",
        "количество часов всего",
    ),
    "date": (
        "дата",
        "дата проведения",
        "плановая дата",
        "дата по плану",
        "планируемая дата",
        "дата изучения",
        "план",
        "по плану",
        "дата план",
        "сроки",
        "срок",
        "сроки проведения",
        "неделя",
    ),
    "done_date": ("факт", "по факту", "фактически", "фактическая", "дата факт", "фактическая дата", "дата по факту"),
    "work": ("вид работы", "контроль", "форма контроля", "работа с отметкой", "вид контроля", "формы контроля"),
    "control": ("контрольные работы", "контрольные", "количество контрольных работ"),
    "practice": ("практические работы", "практические", "лабораторные и практические работы"),
    "content": ("программное содержание", "основное содержание"),
    "activity": ("основные виды деятельности", "основные виды деятельности обучающихся", "виды деятельности"),
}

#: Columns recognised (so that they are not taken for others) but not loaded: the КТП keeps the plan, not the fact.
UNREAD_FIELDS = ("done_date", "activity")
#: More hours than this on one row is not a lesson but a topic of the тематическое планирование.
LESSON_MAX_HOURS = 6
CONTROL_WORK, PRACTICAL_WORK = "Контрольная работа", "Практическая работа"
#: A topic titled so plans that work («Контрольная работа № 1 «Натуральные числа»»).
WORK_TITLES = (CONTROL_WORK, PRACTICAL_WORK, "Самостоятельная работа", "Проверочная работа", "Диктант")

#: How teachers write the planned work in a КТП → the work type's name.
WORK_ABBREVIATIONS = {
    "к/р": CONTROL_WORK,
    "кр": CONTROL_WORK,
    "к.р.": CONTROL_WORK,
    "контрольная": CONTROL_WORK,
    "п/р": PRACTICAL_WORK,
    "пр": PRACTICAL_WORK,
    "пр/р": PRACTICAL_WORK,
    "практическая": PRACTICAL_WORK,
    "с/р": "Самостоятельная работа",
    "ср": "Самостоятельная работа",
    "самостоятельная": "Самостоятельная работа",
}


class Kind:
    LESSONS = "lessons"  # поурочное планирование, a school's КТП: a row a lesson
    THEMATIC = "thematic"  # тематическое планирование: a row a topic of many hours


@dataclass
class ParsedTopic:
    row: int
    title: str
    hours: int
    planned_date: datetime.date | None
    work_type: WorkType | None = None
    section: str = ""


@dataclass
class KtpFile:
    topics: list[ParsedTopic] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    sections: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    header_row: int = 0
    where: str = ""
    kind: str = Kind.LESSONS
    spread: bool = False  # the тематическое was spread into lessons, as the teacher asked

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.topics)

    @property
    def hours(self) -> int:
        return sum(t.hours for t in self.topics)


@dataclass
class _Line:
    """A data row of the file, read but not yet taken as a lesson or a topic."""

    row: int
    title: str
    section: str
    hours: int
    span: tuple[datetime.date, datetime.date] | None
    work_type: WorkType | None
    control: int
    practice: int
    content: str


class _WorkTypes:
    def __init__(self):
        self.by_name = {}
        for work_type in WorkType.objects.all():
            self.by_name[work_type.name.lower().replace("ё", "е")] = work_type
            self.by_name.setdefault(work_type.code.lower(), work_type)

    def named(self, name: str) -> WorkType | None:
        return self.by_name.get(name.lower())

    def find(self, text: str) -> WorkType | None:
        """«Контрольная работа № 2», «К/р», «кр», «Практическая работа «Построение углов»» → the work type."""
        key = re.sub(r"\s*№\s*\d+.*$", "", text.lower().replace("ё", "е")).strip(" .")
        key = WORK_ABBREVIATIONS.get(key, key).lower()
        if key in self.by_name:
            return self.by_name[key]
        for name in sorted(self.by_name, key=len, reverse=True):
            if len(name) > 3 and key.startswith(name):
                return self.by_name[name]
        return None

    def names(self) -> str:
        return ", ".join(sorted({f"«{w.name}»" for w in self.by_name.values()}))


def _read(data: bytes, filename: str) -> tuple[list[tables.Table], bool]:
    """The file's tables with a topic column, and whether the topics come from a «Название раздела» column."""
    try:
        return tables.read_tables(data, filename, fields=KTP_FIELDS, required=["title"], section_field="title"), False
    except ValidationError as error:
        try:
            fields = {**KTP_FIELDS, "title": KTP_FIELDS["section"], "section": ()}
            return tables.read_tables(data, filename, fields=fields, required=["title"], section_field="title"), True
        except ValidationError:
            raise error from None


def _grades(caption: str) -> set[int]:
    """The grades a caption names: «5 КЛАСС» → {5}; «5–6 классы» → {5, 6}; «5А класс» → {5}."""
    found = set()
    pattern = r"(\d{1,2})(?:\s*[-–]\s*(\d{1,2}))?\s*(?:-?(?:й|го|х))?\s*[«\"]?[а-я]?[»\"]?\s*класс"
    for first, last in re.findall(pattern, caption.lower()):
        found.update(range(int(first), int(last or first) + 1))
    return found


def _line(
    row: tables.Row, *, section: str, year, work_types: _WorkTypes, problems: list[str], notes: list[str]
) -> _Line:
    title = " ".join(row.get("title").split())
    if len(title) > 500:
        problems.append(_("тема длиннее 500 символов: сократите её"))
    try:
        hours = tables.parse_positive_int(row.get("hours"), label=_("Часы"), default=1, maximum=100)
    except ValidationError as error:
        problems.extend(error.messages)
        hours = 1
    span = None
    try:
        span = tables.parse_date_span(row.raw.get("date"), school_year=(year.start.year, year.end.year))
        if span is not None and not (year.start <= span[0] and span[1] <= year.end):
            problems.append(
                _("дата %(day)s вне учебного года %(year)s") % {"day": span[0].strftime("%d.%m.%Y"), "year": year}
            )
    except ValidationError as error:
        problems.extend(error.messages)
    work_type = None
    if row.get("work"):
        work_type = work_types.find(row.get("work"))
        if work_type is None:
            notes.append(
                _("строка %(row)s: вид работы «%(name)s» не из справочника (%(names)s) — тема загрузится без него")
                % {"row": row.number, "name": row.get("work"), "names": work_types.names()}
            )
    return _Line(
        row=row.number,
        title=title,
        section=" ".join(section.split())[:500],
        hours=hours,
        span=span,
        work_type=work_type,
        control=tables.parse_count(row.get("control")),
        practice=tables.parse_count(row.get("practice")),
        content=row.get("content"),
    )


def _thematic_reason(table: tables.Table, lines: list[_Line]) -> str:
    """Why the table is the тематическое планирование («» when it is a КТП of lessons)."""
    if "content" in table.columns or "activity" in table.columns:
        return _("в нём есть столбец «%(col)s»") % {
            "col": table.columns.get("content") or table.columns.get("activity")
        }
    big = [line for line in lines if line.hours > LESSON_MAX_HOURS]
    if big:
        return _("в строке %(row)s на одну тему %(h)s ч, а урок — это 1–%(max)s ч") % {
            "row": big[0].row,
            "h": big[0].hours,
            "max": LESSON_MAX_HOURS,
        }
    if "date" not in table.columns:
        caption = tables.normalize_header(table.caption)
        title = tables.normalize_header(table.columns["title"])
        if title.startswith("наименование разделов и тем") or (
            "тематическое планирование" in caption and "календарно" not in caption and "поурочное" not in caption
        ):
            return _("в нём нет дат, а столбец тем — «%(col)s»") % {"col": table.columns["title"]}
    return ""


def _pick(candidates: list[tables.Table], grade: int) -> tables.Table:
    """The table for the assignment's grade, when a document has one per grade («ПОУРОЧНОЕ ПЛАНИРОВАНИЕ 5 КЛАСС»)."""
    if len(candidates) > 1:
        for_grade = [t for t in candidates if grade in _grades(t.caption)]
        if len(for_grade) != 1:
            raise ValidationError(
                _(
                    "В файле %(n)s таблиц планирования (%(list)s), и не понять, какая для %(grade)s класса: оставьте в файле одну."
                )
                % {
                    "n": len(candidates),
                    "list": "; ".join(f"{t.where}: {t.caption[:60] or '—'}" for t in candidates),
                    "grade": grade,
                }
            )
        return for_grade[0]
    table = candidates[0]
    named = _grades(table.caption)
    if named and grade not in named:
        raise ValidationError(
            _("Таблица — для %(named)s класса, а нагрузка — %(grade)s класс: загрузите планирование своего класса.")
            % {"named": ", ".join(str(n) for n in sorted(named)), "grade": grade}
        )
    return table


@dataclass
class _Candidate:
    """A table of the file with a topic column, its rows read."""

    table: tables.Table
    lines: list[_Line]
    problems: list[tuple[int, str]]
    notes: list[str]
    thematic: str  # why it is the тематическое планирование, or «»


def _candidate(table: tables.Table, *, year, work_types: _WorkTypes) -> _Candidate:
    candidate = _Candidate(table=table, lines=[], problems=[], notes=[], thematic="")
    carried = ""  # a «Раздел» column filled on the first lesson of each section only
    for row in table.rows:
        problems: list[str] = []
        carried = row.get("section") or (carried if "section" in table.columns else "")
        candidate.lines.append(
            _line(
                row,
                section=carried or row.section,
                year=year,
                work_types=work_types,
                problems=problems,
                notes=candidate.notes,
            )
        )
        if problems:
            candidate.problems.append((row.number, "; ".join(str(p) for p in problems)))
    candidate.thematic = _thematic_reason(table, candidate.lines)
    return candidate


def _thematic_refusal(candidate: _Candidate) -> str:
    hours = [line.hours for line in candidate.lines]
    return _(
        "Это тематическое планирование, а не поурочное (%(why)s): %(n)s тем по %(low)s–%(high)s ч, всего %(total)s "
        "ч. В КТП одна строка — один урок. Загрузите поурочное планирование (в конструкторе рабочих программ — "
        "таблица «Поурочное планирование») или отметьте «Разбить темы на уроки по часам» — получится %(total)s "
        "уроков."
    ) % {
        "why": candidate.thematic,
        "n": len(hours),
        "low": min(hours, default=0),
        "high": max(hours, default=0),
        "total": sum(hours),
    }


def _lesson(line: _Line, work_types: _WorkTypes) -> ParsedTopic:
    """A row of a КТП or of the поурочное: the planned work from «Вид работы», else from the «Контрольные работы» and
    «Практические работы» counts, else from a title that names it («Контрольная работа № 1 «…»»)."""
    work_type = line.work_type
    if work_type is None and (line.control or line.practice):
        work_type = work_types.named(CONTROL_WORK if line.control else PRACTICAL_WORK)
    if work_type is None and line.title.startswith(WORK_TITLES):
        work_type = work_types.find(line.title)
    planned = line.span[0] if line.span else None
    return ParsedTopic(line.row, line.title, line.hours, planned, work_type, line.section)


def _notes(chosen: _Candidate, *, tables_found: int, titles_from_sections: bool) -> list[str]:
    table = chosen.table
    notes = []
    if titles_from_sections:
        notes.append(_("Темы уроков взяты из столбца «%(col)s».") % {"col": table.columns["title"]})
    if tables_found > 1:
        notes.append(
            _("Из таблиц файла взята %(where)s: %(caption)s")
            % {"where": table.where, "caption": table.caption[:80] or "—"}
        )
    notes.extend(chosen.notes)
    ignored = table.ignored + [table.columns[name] for name in UNREAD_FIELDS if name in table.columns]
    if ignored:
        notes.append(_("Не загружаются столбцы: %(cols)s.") % {"cols": ", ".join(f"«{c}»" for c in ignored)})
    return notes


def parse_ktp(data: bytes, filename: str, *, assignment: TeachingAssignment, spread: bool = False) -> KtpFile:
    """Read a КТП file for ``assignment``: topics in file order, or errors with their row numbers.

    Of several tables (a work programme has both plans, sometimes one per grade) the поурочное of the assignment's
    grade is taken. ``spread``: a тематическое планирование is spread into lessons (a topic of N hours → N
    lessons) instead of being refused.
    """
    result = KtpFile()
    year = assignment.school_class.year
    try:
        found, titles_from_sections = _read(data, filename)
        work_types = _WorkTypes()
        candidates = [_candidate(table, year=year, work_types=work_types) for table in found]
        lessons = [c for c in candidates if not c.thematic]
        table = _pick([c.table for c in (lessons or candidates)], assignment.school_class.grade)
    except ValidationError as error:
        result.errors.append((0, " ".join(error.messages)))
        return result
    chosen = next(c for c in candidates if c.table is table)
    result.header_row, result.where = table.header_row, table.where
    result.sections, result.skipped, result.errors = table.sections, table.skipped, list(chosen.problems)
    result.notes = _notes(chosen, tables_found=len(found), titles_from_sections=titles_from_sections)
    if chosen.thematic and not spread:
        result.kind = Kind.THEMATIC
        result.errors.insert(0, (0, _thematic_refusal(chosen)))
        return result
    if chosen.thematic:
        result.kind, result.spread = Kind.THEMATIC, True
        result.topics = [topic for line in chosen.lines for topic in _spread(line, work_types)]
        result.notes.insert(
            0,
            _("Тематическое планирование разбито на уроки: %(n)s тем → %(lessons)s уроков.")
            % {"n": len(chosen.lines), "lessons": len(result.topics)},
        )
    else:
        result.topics = [_lesson(line, work_types) for line in chosen.lines]
    result.errors.extend(
        (t.row, _("нет темы: впишите тему урока или удалите строку")) for t in result.topics if not t.title
    )
    result.errors.sort(key=lambda error: error[0])
    if not result.topics and not result.errors:
        result.errors.append((table.header_row, _("Под заголовком нет ни одной темы.")))
    return result


def _content_items(content: str) -> list[str]:
    """The programme content of a topic split into the items a lesson can be named by («Ряд натуральных чисел.
    Координатный луч. Практическая работа «Построение углов»» → three)."""
    parts = re.split(r"(?<=[.;])\s+(?=[А-ЯЁA-Z«])", content or "")
    items = [part.strip().rstrip(".;").strip() for part in parts]
    return [item for item in items if (len(item) >= 6 and " " in item) or item.startswith(WORK_TITLES)]


def _spread_titles(line: _Line) -> list[str]:
    """N lesson titles for a topic of N hours: each work its content names gets a lesson, the other items of the
    content share the rest in their order; without content, «Тема (урок 3 из 12)»."""
    n, items = line.hours, _content_items(line.content)
    works = [item for item in items if item.startswith(WORK_TITLES)]
    plain = [item for item in items if item not in works]
    if n == 1:
        return [line.title]
    if not items or n < len(works) + len(plain) // 2 + 1 or (not plain and n > len(works)):
        return [_("%(title)s (урок %(i)s из %(n)s)") % {"title": line.title, "i": i + 1, "n": n} for i in range(n)]
    rest = n - len(works)
    titles = []
    for item in items:
        if item in works:
            titles.append(item)
            continue
        j = plain.index(item)
        share = (j + 1) * rest // len(plain) - j * rest // len(plain)
        titles.extend(
            item if share == 1 else _("%(title)s (урок %(i)s из %(n)s)") % {"title": item, "i": k + 1, "n": share}
            for k in range(share)
        )
    return titles


def _spread(line: _Line, work_types: _WorkTypes) -> list[ParsedTopic]:
    """A topic of N hours → N lessons (``_spread_titles``), each lesson of a named work with that work; the control
    and practical works the table counts and the content does not name become the topic's last lessons."""
    n = line.hours
    titles = _spread_titles(line)
    kinds = [work_types.find(t) if t.startswith(WORK_TITLES) else None for t in titles]
    free = [i for i in range(n) if kinds[i] is None][::-1]
    for name, count in [(CONTROL_WORK, line.control), (PRACTICAL_WORK, line.practice)]:
        work_type = work_types.named(name)
        missing = max(0, count - sum(1 for k in kinds if k is not None and k.name == name))
        chosen = sorted(free[:missing]) if work_type is not None else []
        free = free[len(chosen) :]
        for k, i in enumerate(chosen, start=1):
            kinds[i] = work_type
            number = f" № {k}" if len(chosen) > 1 else ""
            titles[i] = _("%(work)s%(n)s по теме «%(topic)s»") % {"work": name, "n": number, "topic": line.title}
    start, end = line.span if line.span else (None, None)
    topics = []
    for i in range(n):
        day = None
        if start is not None:
            day = start + datetime.timedelta(days=(end - start).days * i // (n - 1)) if n > 1 else start
        topics.append(ParsedTopic(line.row, titles[i][:500], 1, day, kinds[i], line.section or line.title))
    return topics


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
