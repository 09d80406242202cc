"""Lessons from the timetable: what generating a period would do, and doing it.

The rule (idempotent: a second run changes nothing):

- the school days of a period are its dates minus holidays (``Holiday``) and Sundays; a date with a
  ``WorkdayTransfer`` is worked by the timetable of the weekday it names (a Saturday worked as a Monday);
- every timetable slot of the period gives a lesson on each school day of its weekday; it is **added**
  unless a lesson of that assignment already holds that date and number, or a lesson generated there was
  moved by hand (``LessonAdjustment``);
- a lesson whose slot disappeared is **removed** only if nothing hangs on it: no marks, no attendance, no
  topic or homework, no entry in the journal history, not added or moved by hand. Everything else is
  **kept** and listed, so the deputy can move or cancel it by hand.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.models import (
    Attendance,
    HistoryEntry,
    Holiday,
    Lesson,
    LessonAdjustment,
    Mark,
    SchoolClass,
    StudyPeriod,
    TimetableSlot,
    User,
    WorkdayTransfer,
)
from journal.services import Origin, lessons_create_many, lessons_delete_many

SUNDAY = 7


@dataclass(frozen=True)
class SchoolDay:
    date: datetime.date
    weekday: int  # the timetable day used: 1–6
    transferred: bool = False


@dataclass
class KeptLesson:
    lesson: Lesson
    reason: str


@dataclass
class GenerationPlan:
    period: StudyPeriod
    classes: list[SchoolClass]
    school_days: list[SchoolDay]
    days_off: list[tuple[datetime.date, str]]
    to_add: list[Lesson] = field(default_factory=list)
    to_remove: list[Lesson] = field(default_factory=list)
    kept: list[KeptLesson] = field(default_factory=list)
    unchanged: int = 0
    slots: int = 0

    @property
    def changes(self) -> int:
        return len(self.to_add) + len(self.to_remove)

    def added_by_class(self) -> list[tuple[str, int]]:
        counts = Counter(str(lesson.assignment.school_class) for lesson in self.to_add)
        order = {str(c): i for i, c in enumerate(self.classes)}
        return sorted(counts.items(), key=lambda item: order.get(item[0], 0))

    def summary(self) -> str:
        return _(
            "%(period)s: добавить %(add)s, удалить %(remove)s, оставить без изменений %(same)s, "
            "оставить вне расписания %(kept)s."
        ) % {
            "period": self.period,
            "add": len(self.to_add),
            "remove": len(self.to_remove),
            "same": self.unchanged,
            "kept": len(self.kept),
        }


def check_period(period: StudyPeriod) -> None:
    if period.kind == StudyPeriod.Kind.YEAR:
        raise ValidationError(_("Уроки создаются по расписанию четверти или полугодия, а не учебного года."))


def classes_of_period(period: StudyPeriod, classes=None) -> list[SchoolClass]:
    """The classes that study by this period: grades 1–9 by quarters, 10–11 by halves, of its year."""
    queryset = SchoolClass.objects.filter(year_id=period.year_id)
    queryset = queryset.filter(grade__gte=10) if period.kind == StudyPeriod.Kind.HALF else queryset.filter(grade__lte=9)
    if classes is not None:
        queryset = queryset.filter(pk__in=[c.pk for c in classes])
    return list(queryset.select_related("year").order_by("grade", "letter"))


def school_days(period: StudyPeriod) -> tuple[list[SchoolDay], list[tuple[datetime.date, str]]]:
    """The days lessons are held in a period, and the weekdays off with their reason (holidays)."""
    holidays = list(Holiday.objects.filter(year_id=period.year_id, start__lte=period.end, end__gte=period.start))
    transfers = {
        t.date: t.works_as_weekday
        for t in WorkdayTransfer.objects.filter(year_id=period.year_id, date__gte=period.start, date__lte=period.end)
    }
    days, off = [], []
    day = period.start
    while day <= period.end:
        holiday = next((h for h in holidays if h.start <= day <= h.end), None)
        if holiday is not None:
            if day.isoweekday() != SUNDAY or day in transfers:
                off.append((day, holiday.name))
        elif day in transfers:
            days.append(SchoolDay(day, transfers[day], transferred=True))
        elif day.isoweekday() != SUNDAY:
            days.append(SchoolDay(day, day.isoweekday()))
        day += datetime.timedelta(days=1)
    return days, off


def _lessons_with_flags(period: StudyPeriod, classes: list[SchoolClass]):
    # A lesson's own place in the history (kind «урок») is not something that hangs on it.
    history = HistoryEntry.objects.filter(lesson_id=OuterRef("pk")).exclude(kind=HistoryEntry.Kind.LESSON)
    return (
        Lesson.objects.filter(assignment__school_class__in=classes, date__gte=period.start, date__lte=period.end)
        .select_related("assignment__school_class", "assignment__subject", "assignment__group", "adjustment")
        .annotate(
            has_marks=Exists(Mark.objects.filter(lesson=OuterRef("pk"))),
            has_attendance=Exists(Attendance.objects.filter(lesson=OuterRef("pk"))),
            has_history=Exists(history),
        )
    )


def _why_kept(lesson: Lesson) -> str | None:
    """Why a lesson without a slot stays; ``None`` if nothing hangs on it."""
    adjustment = getattr(lesson, "adjustment", None)
    if adjustment is not None:
        return str(adjustment.get_kind_display())
    if lesson.has_marks:
        return _("есть отметки")
    if lesson.has_attendance or lesson.attendance_checked_at:
        return _("отмечена посещаемость")
    if lesson.topic or lesson.homework or lesson.homework_file:
        return _("заполнены тема или домашнее задание")
    if lesson.has_history:
        return _("есть записи в истории журнала")
    if lesson.substitute_id:
        return _("назначена замена")
    return None


def generation_plan(*, period: StudyPeriod, classes=None) -> GenerationPlan:
    """What generating lessons for ``period`` would do (nothing is written). A constant number of queries."""
    check_period(period)
    scope = classes_of_period(period, classes)
    days, off = school_days(period)
    plan = GenerationPlan(period=period, classes=scope, school_days=days, days_off=off)
    if not scope:
        return plan
    slots = list(
        TimetableSlot.objects.filter(period=period, assignment__school_class__in=scope).select_related(
            "assignment__school_class__year", "assignment__subject", "assignment__group"
        )
    )
    plan.slots = len(slots)
    by_weekday: dict[int, list[TimetableSlot]] = defaultdict(list)
    for slot in slots:
        by_weekday[slot.weekday].append(slot)
    expected: dict[tuple[int, datetime.date, int], TimetableSlot] = {}
    for day in days:
        for slot in by_weekday.get(day.weekday, []):
            year = slot.assignment.school_class.year
            if year.start <= day.date <= year.end:  # the lesson-date trigger's rule, checked before writing
                expected[(slot.assignment_id, day.date, slot.number)] = slot

    moved_from = set(
        LessonAdjustment.objects.filter(
            kind=LessonAdjustment.Kind.MOVED,
            lesson__assignment__school_class__in=scope,
            original_date__gte=period.start,
            original_date__lte=period.end,
        ).values_list("lesson__assignment_id", "original_date", "original_number")
    )
    existing = set()
    for lesson in _lessons_with_flags(period, scope).order_by("date", "number", "pk"):
        key = (lesson.assignment_id, lesson.date, lesson.number)
        existing.add(key)
        if key in expected:
            plan.unchanged += 1
            continue
        reason = _why_kept(lesson)
        if reason is None:
            plan.to_remove.append(lesson)
        else:
            plan.kept.append(KeptLesson(lesson, reason))
    for key, slot in sorted(expected.items(), key=lambda item: (item[0][1], item[0][2], item[0][0])):
        if key in existing or key in moved_from:
            continue
        assignment_id, date, number = key
        plan.to_add.append(Lesson(assignment=slot.assignment, date=date, number=number, room=slot.room, is_held=True))
    return plan


def generation_apply(
    *, period: StudyPeriod, by: User | None, classes=None, source: str = HistoryEntry.Source.GRID
) -> GenerationPlan:
    """Generate the lessons of ``period`` from its timetable (the rule is in the module docstring).

    п. 3.3: «наличие расписания уроков на учебный период» — the journal's lessons follow the timetable.
    The journal writes them (``journal.services``): removals are recorded in its history (kind «урок»),
    additions are the timetable itself.
    """
    with transaction.atomic():
        # Lock the class rows in scope: two deputies generating at once wait for each other, and the
        # second sees the first one's lessons (so nothing is added twice).
        scope = classes_of_period(period, classes)
        list(SchoolClass.objects.select_for_update().filter(pk__in=[c.pk for c in scope]).values_list("pk"))
        plan = generation_plan(period=period, classes=scope)
        origin = Origin(by=by, source=source, reference=_("генерация по расписанию"), at=timezone.now())
        plan.to_remove = lessons_delete_many(origin=origin, lessons=plan.to_remove)
        lessons_create_many(origin=origin, lessons=plan.to_add)
    return plan


def lessons_outside_period_message(period: StudyPeriod) -> str:
    return _("Дата должна быть в пределах периода «%(period)s»: %(start)s–%(end)s.") % {
        "period": period,
        "start": period.start.strftime("%d.%m.%Y"),
        "end": period.end.strftime("%d.%m.%Y"),
    }


def school_day_check(*, date: datetime.date, year_id: int) -> None:
    """Refuse a holiday or a Sunday that is not a transferred working day (Russian message)."""
    holiday = Holiday.objects.filter(year_id=year_id, start__lte=date, end__gte=date).first()
    if holiday is not None:
        raise ValidationError(
            _("%(day)s — %(name)s: уроков нет.") % {"day": date.strftime("%d.%m.%Y"), "name": holiday.name}
        )
    if date.isoweekday() == SUNDAY and not WorkdayTransfer.objects.filter(year_id=year_id, date=date).exists():
        raise ValidationError(_("%(day)s — воскресенье.") % {"day": date.strftime("%d.%m.%Y")})


def period_of_class(*, school_class: SchoolClass, date: datetime.date) -> StudyPeriod | None:
    """The term (quarter or half) of the class that contains ``date``."""
    return (
        StudyPeriod.objects.filter(year_id=school_class.year_id, kind=school_class.period_kind)
        .filter(Q(start__lte=date) & Q(end__gte=date))
        .first()
    )
