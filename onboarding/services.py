"""Writes of the planning data: timetable, bells, holidays and transfers, single lessons' places, КТП and cards.

Keyword-only services, each in one ``transaction.atomic``; bad input raises ``ValidationError`` with a
Russian message and changes nothing. Lessons themselves — their place, topics, homework, marks and attendance
— are written by ``journal.services``, which records them in the journal history; for a lesson added or moved
by hand this module checks where it may stand (the study period, the calendar, the class's other lessons).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from journal import services as journal_services
from journal.models import (
    AcademicYear,
    Bell,
    Holiday,
    Lesson,
    PlannedTopic,
    School,
    SchoolClass,
    Student,
    StudyPeriod,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
    User,
    WorkdayTransfer,
    WorkType,
)
from journal.services import Origin
from journal.services import rules as journal_rules

from . import ktp
from .generation import lessons_outside_period_message, period_of_class, school_day_check

MAX_LESSON_NUMBER = 10


# --- Timetable ----------------------------------------------------------------------------------------------


def _check_slot_period(period: StudyPeriod, assignment: TeachingAssignment) -> None:
    school_class = assignment.school_class
    if period.kind == StudyPeriod.Kind.YEAR:
        raise ValidationError(_("Расписание составляется на четверть или полугодие, а не на учебный год."))
    if period.year_id != school_class.year_id:
        raise ValidationError(_("Период и класс относятся к разным учебным годам."))
    if period.kind != school_class.period_kind:
        raise ValidationError(
            _("%(cls)s класс учится по периодам «%(kind)s».")
            % {"cls": school_class, "kind": StudyPeriod.Kind(school_class.period_kind).label}
        )


def _slot_conflicts(
    *, period: StudyPeriod, assignment: TeachingAssignment, weekday: int, number: int, room: str, exclude=None
) -> tuple[str | None, list[str]]:
    """(the reason the slot is refused, or ``None``; warnings about the teacher's and the room's other slots)."""
    same_time = TimetableSlot.objects.filter(period=period, weekday=weekday, number=number).select_related(
        "assignment__school_class", "assignment__subject", "assignment__group", "assignment__teacher"
    )
    if exclude is not None:
        same_time = same_time.exclude(pk=exclude.pk)
    warnings = []
    for other in same_time:
        if other.assignment_id == assignment.pk:
            return _("Этот урок уже стоит в расписании в это время."), []
        if other.assignment.school_class_id == assignment.school_class_id and not (
            other.assignment.group_id and assignment.group_id and other.assignment.group_id != assignment.group_id
        ):
            return (
                _(
                    "В это время у класса уже стоит «%(title)s». Два урока одновременно возможны только у разных подгрупп."
                )
                % {"title": other.assignment.title}
            ), []
        if other.assignment.teacher_id == assignment.teacher_id:
            warnings.append(
                _("У учителя %(teacher)s в это время урок в %(cls)s.")
                % {"teacher": assignment.teacher.short_name, "cls": other.assignment.school_class}
            )
        if room and other.room == room:
            warnings.append(
                _("Кабинет %(room)s в это время занят: %(title)s.") % {"room": room, "title": other.assignment.title}
            )
    return None, warnings


def _check_number(number: int) -> None:
    if not 0 <= number <= MAX_LESSON_NUMBER:
        raise ValidationError(_("Номер урока — от 0 до %(max)s.") % {"max": MAX_LESSON_NUMBER})


def slot_add(
    *, period: StudyPeriod, assignment: TeachingAssignment, weekday: int, number: int, room: str = ""
) -> tuple[TimetableSlot, list[str]]:
    """Put a lesson into the weekly timetable of a period (п. 3.3: «наличие расписания уроков на период»).

    Two lessons of one class at the same time are refused unless they are of different subgroups; the
    teacher's or the room's other lesson at that time is only a warning (returned with the slot).
    """
    _check_slot_period(period, assignment)
    _check_number(number)
    if weekday not in TimetableSlot.Weekday.values:
        raise ValidationError(_("День недели — с понедельника по субботу."))
    room = (room or "").strip()
    with transaction.atomic():
        refused, warnings = _slot_conflicts(
            period=period, assignment=assignment, weekday=weekday, number=number, room=room
        )
        if refused:
            raise ValidationError(refused)
        slot = TimetableSlot.objects.create(
            period=period, assignment=assignment, weekday=weekday, number=number, room=room
        )
    return slot, warnings


def slot_delete(*, slot: TimetableSlot) -> None:
    """Remove a slot. Lessons already generated stay until lesson generation runs again (see ``generation``)."""
    slot.delete()


@dataclass
class CopyResult:
    copied: int = 0
    replaced: int = 0
    skipped: list[str] = field(default_factory=list)


def timetable_copy(
    *,
    source_period: StudyPeriod,
    source_class: SchoolClass,
    target_period: StudyPeriod,
    target_class: SchoolClass,
    replace: bool = False,
) -> CopyResult:
    """Copy a class's weekly timetable from another period, or from another class.

    For another class the assignments are matched by subject (and subgroup name): «Математика» of 5А
    becomes «Математика» of 5Б, taught by 5Б's teacher. Slots with no such assignment, or that clash with
    the target's timetable, are skipped and listed. ``replace`` clears the target's timetable first.
    """
    if source_period.pk == target_period.pk and source_class.pk == target_class.pk:
        raise ValidationError(_("Выберите другой период или другой класс — копировать расписание в себя нельзя."))
    result = CopyResult()
    with transaction.atomic():
        slots = list(
            TimetableSlot.objects.filter(period=source_period, assignment__school_class=source_class)
            .select_related("assignment__subject", "assignment__group")
            .order_by("weekday", "number")
        )
        targets = {
            (a.subject_id, a.group.name if a.group_id else None): a
            for a in TeachingAssignment.objects.filter(school_class=target_class).select_related(
                "group", "school_class", "teacher", "subject"
            )
        }
        if replace:
            result.replaced, _rows = TimetableSlot.objects.filter(
                period=target_period, assignment__school_class=target_class
            ).delete()
        for slot in slots:
            source = slot.assignment
            key = (source.subject_id, source.group.name if source.group_id else None)
            assignment = source if target_class.pk == source_class.pk else targets.get(key)
            where = f"{slot.get_weekday_display()}, {slot.number} {_('урок')}"
            if assignment is None:
                result.skipped.append(
                    _("%(where)s: у %(cls)s нет нагрузки «%(subject)s»%(group)s.")
                    % {
                        "where": where,
                        "cls": target_class,
                        "subject": source.subject,
                        "group": f" ({source.group.name})" if source.group_id else "",
                    }
                )
                continue
            try:
                with transaction.atomic():
                    slot_add(
                        period=target_period,
                        assignment=assignment,
                        weekday=slot.weekday,
                        number=slot.number,
                        room=slot.room,
                    )
                result.copied += 1
            except ValidationError as error:
                result.skipped.append(f"{where}: {' '.join(error.messages)}")
    return result


# --- Bells, holidays, transfers -----------------------------------------------------------------------------


def bells_save(*, school: School, rows: list[dict]) -> int:
    """Расписание звонков: ``rows`` of {number, starts, ends}; numbers left out are removed."""
    numbers = [row["number"] for row in rows]
    if len(numbers) != len(set(numbers)):
        raise ValidationError(_("Номера уроков в расписании звонков повторяются."))
    ordered = sorted(rows, key=lambda r: r["number"])
    for row in ordered:
        _check_number(row["number"])
        if row["starts"] >= row["ends"]:
            raise ValidationError(_("Урок %(n)s: начало должно быть раньше окончания.") % {"n": row["number"]})
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first["ends"] > second["starts"]:
            raise ValidationError(
                _("Урок %(a)s заканчивается позже, чем начинается урок %(b)s.")
                % {"a": first["number"], "b": second["number"]}
            )
    with transaction.atomic():
        Bell.objects.filter(school=school).exclude(number__in=numbers).delete()
        for row in ordered:
            Bell.objects.update_or_create(
                school=school, number=row["number"], defaults={"starts": row["starts"], "ends": row["ends"]}
            )
    return len(ordered)


# The calendar is one of the rules (journal.services.rules): its checks and its history live there, shared with
# the admin; these are the calendar page's calls.


def holiday_add(*, origin: Origin, year: AcademicYear, name: str, start: datetime.date, end: datetime.date) -> Holiday:
    """Каникулы или праздничный день: no lessons are generated on these dates."""
    return journal_rules.holiday_save(
        origin=origin, holiday=Holiday(year=year, name=name.strip(), start=start, end=end)
    )


def holiday_delete(*, origin: Origin, holiday: Holiday) -> None:
    journal_rules.holiday_delete(origin=origin, holiday=holiday)


def transfer_add(
    *, origin: Origin, year: AcademicYear, date: datetime.date, works_as_weekday: int, reason: str = ""
) -> WorkdayTransfer:
    """Перенос рабочего дня: ``date`` is worked by the timetable of ``works_as_weekday``."""
    transfer = WorkdayTransfer(year=year, date=date, works_as_weekday=works_as_weekday, reason=reason)
    return journal_rules.workday_transfer_save(origin=origin, transfer=transfer)


def transfer_delete(*, origin: Origin, transfer: WorkdayTransfer) -> None:
    journal_rules.workday_transfer_delete(origin=origin, transfer=transfer)


# --- Single lessons -------------------------------------------------------------------------------------------
# The lesson itself is written by ``journal.services`` (its history, the entries' rule); here is its place.


def _check_lesson_place(
    *, assignment: TeachingAssignment, date: datetime.date, number: int, period: StudyPeriod, exclude=None
) -> None:
    _check_number(number)
    if not period.start <= date <= period.end:
        raise ValidationError(lessons_outside_period_message(period))
    school_class = assignment.school_class
    if not school_class.year.start <= date <= school_class.year.end:
        raise ValidationError(_("Дата вне учебного года класса."))
    school_day_check(date=date, year_id=school_class.year_id)
    others = Lesson.objects.filter(date=date, number=number, assignment__school_class=school_class).select_related(
        "assignment__subject", "assignment__group", "assignment__school_class"
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others:
        if other.assignment_id == assignment.pk:
            raise ValidationError(
                _("%(day)s %(n)s уроком уже стоит этот же урок.") % {"day": date.strftime("%d.%m.%Y"), "n": number}
            )
        if not (other.assignment.group_id and assignment.group_id and other.assignment.group_id != assignment.group_id):
            raise ValidationError(
                _("%(day)s %(n)s уроком у класса уже стоит «%(title)s».")
                % {"day": date.strftime("%d.%m.%Y"), "n": number, "title": other.assignment.title}
            )


def _term_for(assignment: TeachingAssignment, date: datetime.date, period: StudyPeriod | None) -> StudyPeriod:
    if period is not None:
        return period
    term = period_of_class(school_class=assignment.school_class, date=date)
    if term is None:
        raise ValidationError(
            _("%(day)s не входит ни в один учебный период класса.") % {"day": date.strftime("%d.%m.%Y")}
        )
    return term


def lesson_add(
    *,
    origin: Origin,
    assignment: TeachingAssignment,
    date: datetime.date,
    number: int,
    room: str = "",
    period: StudyPeriod | None = None,
) -> Lesson:
    """A lesson beyond the timetable (a make-up or an extra lesson), inside a study period of the class."""
    period = _term_for(assignment, date, period)
    return journal_services.lesson_add(
        origin=origin,
        assignment=assignment,
        date=date,
        number=number,
        room=room,
        check_place=lambda: _check_lesson_place(assignment=assignment, date=date, number=number, period=period),
    )


def lesson_move(*, origin: Origin, lesson: Lesson, date: datetime.date, number: int, room: str | None = None) -> Lesson:
    """Move a lesson to another date or lesson number within its study period (one with entries stays: see
    ``journal.services.lesson_move``)."""

    def check_place(current: Lesson) -> None:
        period = _term_for(current.assignment, current.date, None)
        if not period.start <= date <= period.end:
            raise ValidationError(lessons_outside_period_message(period))
        _check_lesson_place(assignment=current.assignment, date=date, number=number, period=period, exclude=current)

    return journal_services.lesson_move(
        origin=origin, lesson=lesson, date=date, number=number, room=room, check_place=check_place
    )


# --- КТП ----------------------------------------------------------------------------------------------------

RENUMBER_OFFSET = 100_000


def _renumber(assignment: TeachingAssignment, ordered: list[PlannedTopic]) -> None:
    """Positions 1…n in the given order, in two passes.

    PostgreSQL checks the unique position row by row inside one UPDATE, so positions pass through
    ``RENUMBER_OFFSET + i`` first. Callers keep other temporary positions at 2× or 3× the offset.
    """
    for index, topic in enumerate(ordered, start=1):
        topic.position = RENUMBER_OFFSET + index
    PlannedTopic.objects.bulk_update(ordered, ["position"], batch_size=500)
    for index, topic in enumerate(ordered, start=1):
        topic.position = index
    PlannedTopic.objects.bulk_update(ordered, ["position"], batch_size=500)


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Укажите тему."))
    if len(title) > 500:
        raise ValidationError(_("Тема длиннее 500 символов."))
    return title


def _check_hours(hours: int) -> int:
    if hours is None or not 1 <= int(hours) <= 100:
        raise ValidationError(_("Часы — целое число от 1 до 100."))
    return int(hours)


def _check_planned_date(assignment: TeachingAssignment, planned_date: datetime.date | None) -> None:
    year = assignment.school_class.year
    if planned_date is not None and not year.start <= planned_date <= year.end:
        raise ValidationError(
            _("Дата %(day)s вне учебного года %(year)s.") % {"day": planned_date.strftime("%d.%m.%Y"), "year": year}
        )


def topic_add(
    *,
    assignment: TeachingAssignment,
    title: str,
    hours: int = 1,
    planned_date: datetime.date | None = None,
    assessed_work_type: WorkType | None = None,
    section: str = "",
    after: PlannedTopic | None = None,
) -> PlannedTopic:
    """Add a topic to the КТП (п. 3.3: «наличие календарно-тематического планирования»), at the end or after one."""
    title = _clean_title(title)
    hours = _check_hours(hours)
    _check_planned_date(assignment, planned_date)
    with transaction.atomic():
        TeachingAssignment.objects.select_for_update().filter(pk=assignment.pk).first()
        topics = list(PlannedTopic.objects.filter(assignment=assignment).order_by("position"))
        topic = PlannedTopic.objects.create(
            assignment=assignment,
            position=RENUMBER_OFFSET * 2 + len(topics) + 1,
            title=title,
            hours=hours,
            planned_date=planned_date,
            assessed_work_type=assessed_work_type,
            section=" ".join((section or "").split()),
        )
        index = next((i + 1 for i, t in enumerate(topics) if after and t.pk == after.pk), len(topics))
        topics.insert(index, topic)
        _renumber(assignment, topics)
    return topic


def topic_update(
    *,
    topic: PlannedTopic,
    title: str,
    hours: int,
    planned_date: datetime.date | None,
    assessed_work_type: WorkType | None = None,
    section: str = "",
) -> PlannedTopic:
    """Edit a topic. Lessons that already took it keep their own topic text (the journal is not rewritten)."""
    topic.title = _clean_title(title)
    topic.hours = _check_hours(hours)
    _check_planned_date(topic.assignment, planned_date)
    topic.planned_date = planned_date
    topic.assessed_work_type = assessed_work_type
    topic.section = " ".join((section or "").split())
    topic.save(update_fields=["title", "hours", "planned_date", "assessed_work_type", "section"])
    return topic


def topic_delete(*, topic: PlannedTopic) -> None:
    """Delete an unused topic; a topic a lesson took is kept (the lesson links to it)."""
    with transaction.atomic():
        used = Lesson.objects.filter(planned_topic=topic).order_by("date").first()
        if used is not None:
            raise ValidationError(
                _("Тема уже использована на уроке %(day)s — удалить её нельзя.")
                % {"day": used.date.strftime("%d.%m.%Y")}
            )
        assignment = topic.assignment
        topic.delete()
        _renumber(assignment, list(PlannedTopic.objects.filter(assignment=assignment).order_by("position")))


def topic_move(*, topic: PlannedTopic, offset: int) -> None:
    """Move a topic up (-1) or down (+1) in the КТП."""
    with transaction.atomic():
        topics = list(PlannedTopic.objects.filter(assignment_id=topic.assignment_id).order_by("position"))
        index = next(i for i, t in enumerate(topics) if t.pk == topic.pk)
        target = index + offset
        if not 0 <= target < len(topics):
            return
        topics[index], topics[target] = topics[target], topics[index]
        _renumber(topic.assignment, topics)


def _title_key(title: str) -> str:
    return " ".join(title.lower().replace("ё", "е").split()).rstrip(".")


@dataclass
class KtpImportResult:
    """What an import of a КТП file does (or, in a dry run, would do) to the teacher's КТП, topic by topic."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # taken by lessons, not in the file: stay at the end
    deleted: list[str] = field(default_factory=list)
    changes: list[tuple[str, list[str]]] = field(default_factory=list)  # (title, what changes) of ``updated``
    #: Each topic of the file, in its order: «create», «update» or «same», with what changes.
    plan: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.kept)

    def summary(self, *, dry_run: bool) -> str:
        counts = {
            "c": len(self.created),
            "u": len(self.updated),
            "s": len(self.unchanged),
            "k": len(self.kept),
            "d": len(self.deleted),
        }
        if dry_run:
            return (
                _(
                    "Проверка, ничего не записано. Будет новых тем: %(c)s, изменится: %(u)s, без изменений: %(s)s, "
                    "останется (уже в уроках): %(k)s, будет удалено: %(d)s."
                )
                % counts
            )
        return (
            _(
                "КТП загружено: новых тем %(c)s, изменено %(u)s, без изменений %(s)s, оставлено (уже в уроках) "
                "%(k)s, удалено %(d)s."
            )
            % counts
        )


def _topic_changes(topic: PlannedTopic, row) -> list[str]:
    def day(value):
        return value.strftime("%d.%m.%Y") if value else "—"

    changes = []
    if topic.title != row.title:
        changes.append(_("тема: «%(old)s» → «%(new)s»") % {"old": topic.title, "new": row.title})
    if topic.hours != row.hours:
        changes.append(_("часы: %(old)s → %(new)s") % {"old": topic.hours, "new": row.hours})
    if topic.planned_date != row.planned_date:
        changes.append(_("дата: %(old)s → %(new)s") % {"old": day(topic.planned_date), "new": day(row.planned_date)})
    if topic.assessed_work_type_id != (row.work_type.pk if row.work_type else None):
        changes.append(
            _("работа: %(old)s → %(new)s") % {"old": topic.assessed_work_type or "—", "new": row.work_type or "—"}
        )
    if topic.section != row.section:
        changes.append(_("раздел: %(old)s → %(new)s") % {"old": topic.section or "—", "new": row.section or "—"})
    return changes


def ktp_replace(*, assignment: TeachingAssignment, topics: list, dry_run: bool = False) -> KtpImportResult:
    """Make the КТП the file's topics, keeping the ones lessons already took (п. 3.3: «наличие КТП»).

    The rule of re-import: a topic of the КТП with the same title as a topic of the file is that topic — updated
    in place (hours, date, work type, section, its new position), those a lesson took matched first. A topic a
    lesson took (``Lesson.planned_topic``) is never deleted: if the file no longer has it, it is kept after the
    file's topics. Every other topic not in the file is deleted. ``topics`` are ``ktp.ParsedTopic`` rows in file
    order; a dry run reports the same and writes nothing.
    """
    result = KtpImportResult()
    with transaction.atomic():
        TeachingAssignment.objects.select_for_update().filter(pk=assignment.pk).first()
        existing = list(
            PlannedTopic.objects.filter(assignment=assignment)
            .select_related("assessed_work_type")
            .annotate(used=Exists(Lesson.objects.filter(planned_topic=OuterRef("pk"))))
            .order_by("position")
        )
        by_title: dict[str, list[PlannedTopic]] = {}
        for topic in sorted(existing, key=lambda t: not t.used):  # a taken topic is matched first
            by_title.setdefault(_title_key(topic.title), []).append(topic)
        final: list[PlannedTopic] = []
        matched: set[int] = set()
        for row in topics:
            candidates = by_title.get(_title_key(row.title), [])
            topic = next((t for t in candidates if t.pk not in matched), None)
            if topic is not None:
                matched.add(topic.pk)
                changes = _topic_changes(topic, row)
                if changes:
                    result.updated.append(row.title)
                    result.changes.append((row.title, changes))
                else:
                    result.unchanged.append(row.title)
                result.plan.append(("update" if changes else "same", changes))
                topic.title, topic.hours, topic.planned_date = row.title, row.hours, row.planned_date
                topic.assessed_work_type, topic.section = row.work_type, row.section
            else:
                topic = PlannedTopic(
                    assignment=assignment,
                    title=row.title,
                    hours=row.hours,
                    planned_date=row.planned_date,
                    assessed_work_type=row.work_type,
                    section=row.section,
                )
                result.created.append(row.title)
                result.plan.append(("create", []))
            final.append(topic)
        for topic in existing:
            if topic.pk in matched:
                continue
            if topic.used:
                final.append(topic)
                result.kept.append(topic.title)
            else:
                result.deleted.append(topic.title)
        if dry_run:
            return result
        PlannedTopic.objects.filter(assignment=assignment).exclude(pk__in=[t.pk for t in final if t.pk]).delete()
        # Temporary positions out of the way of _renumber's own passes (see there).
        kept_topics = [t for t in final if t.pk]
        for index, topic in enumerate(kept_topics, start=1):
            topic.position = RENUMBER_OFFSET * 3 + index
        PlannedTopic.objects.bulk_update(
            kept_topics,
            ["title", "hours", "planned_date", "assessed_work_type", "section", "position"],
            batch_size=500,
        )
        new_topics = [t for t in final if not t.pk]
        for index, topic in enumerate(new_topics, start=1):
            topic.position = RENUMBER_OFFSET * 2 + index
        PlannedTopic.objects.bulk_create(new_topics, batch_size=500)
        _renumber(assignment, final)
    return result


@dataclass
class KtpImport:
    """An import of a КТП file: what the file says (``ktp.KtpFile``) and what it does to the КТП."""

    parsed: ktp.KtpFile
    result: KtpImportResult | None
    dry_run: bool

    @property
    def applied(self) -> bool:
        return self.result is not None and not self.dry_run

    def summary(self) -> str:
        if self.result is None:
            return _("КТП не загружено: исправьте файл — что именно, сказано ниже.")
        return self.result.summary(dry_run=self.dry_run)

    def rows(self) -> list[tuple[str, list[str], "ktp.ParsedTopic"]]:
        """(what happens, what changes, the topic) for each topic of the file."""
        if self.result is None:
            return []
        return [
            (status, changes, topic)
            for (status, changes), topic in zip(self.result.plan, self.parsed.topics, strict=True)
        ]

    def lines(self) -> list[str]:
        """The whole report as text, in the order the import page shows it (``import_ktp`` prints it)."""
        parsed, out = self.parsed, []
        if parsed.where:
            out.append(
                _("Таблица: %(where)s, заголовок в строке %(row)s.") % {"where": parsed.where, "row": parsed.header_row}
            )
        out.extend(parsed.notes)
        out.extend(_("строка %(row)s: %(error)s") % {"row": row, "error": e} if row else e for row, e in parsed.errors)
        if parsed.sections:
            out.append(
                _("Разделы: %(list)s.")
                % {"list": "; ".join(_("«%(t)s» (строка %(r)s)") % {"t": t, "r": r} for r, t in parsed.sections)}
            )
        out.extend(_("строка %(row)s пропущена: %(why)s") % {"row": row, "why": why} for row, why in parsed.skipped)
        signs = {"create": "+", "update": "~", "same": "="}
        for status, changes, topic in self.rows():
            details = [_("%(h)s ч") % {"h": topic.hours}]
            if topic.planned_date:
                details.append(topic.planned_date.strftime("%d.%m.%Y"))
            if topic.work_type:
                details.append(topic.work_type.name)
            if topic.section:
                details.append(_("раздел «%(s)s»") % {"s": topic.section})
            line = f"{signs[status]} {topic.title} ({', '.join(details)})"
            out.append(f"{line}: {'; '.join(changes)}" if changes else line)
        if self.result is not None:
            out.extend(_("останется (уже в уроках): %(t)s") % {"t": t} for t in self.result.kept)
            out.extend(_("удалится: %(t)s") % {"t": t} for t in self.result.deleted)
        out.append(self.summary())
        return out


def ktp_import(
    *,
    assignment: TeachingAssignment,
    data: bytes,
    filename: str,
    spread: bool = False,
    dry_run: bool = True,
) -> KtpImport:
    """Read a КТП file and replace the КТП with it (``ktp_replace``), or, in a dry run (the default), show what would
    be created, changed and removed. A file with any error changes nothing. The page and ``import_ktp`` both
    call this, so they give the same result for the same file."""
    parsed = ktp.parse_ktp(data, filename, assignment=assignment, spread=spread)
    result = ktp_replace(assignment=assignment, topics=parsed.topics, dry_run=dry_run) if parsed.ok else None
    return KtpImport(parsed=parsed, result=result, dry_run=dry_run)


# --- Cards --------------------------------------------------------------------------------------------------


def school_card_update(*, school: School, data: dict) -> School:
    """Карточка ОУ (п. 3.3: «информация об образовательном учреждении»)."""
    for name, value in data.items():
        setattr(school, name, value)
    school.full_clean()
    school.save()
    return school


def teacher_card_update(*, teacher: Teacher, data: dict, subjects=None, email: str, phone: str) -> Teacher:
    """Карточка учителя (п. 3.3: «информация о педагогическом коллективе»)."""
    with transaction.atomic():
        for name, value in data.items():
            setattr(teacher, name, value)
        teacher.full_clean(exclude=["user", "school", "subjects"])
        teacher.save()
        if subjects is not None:
            teacher.subjects.set(subjects)
        user = teacher.user
        email = (email or "").strip()
        if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise ValidationError(_("Этот e-mail уже указан у другого пользователя."))
        user.email, user.phone = email, (phone or "").strip()
        user.save(update_fields=["email", "phone"])
    return teacher


def student_card_update(*, student: Student, data: dict) -> Student:
    """Карточка ученика (п. 3.3: «информация об обучающихся»)."""
    with transaction.atomic():
        for name, value in data.items():
            setattr(student, name, value)
        number = (student.record_number or "").strip()
        student.record_number = number
        if number and Student.objects.filter(record_number=number).exclude(pk=student.pk).exists():
            raise ValidationError(_("Номер личного дела %(n)s уже есть у другого ученика.") % {"n": number})
        student.full_clean(exclude=["user", "school_class"])
        student.save()
    return student
