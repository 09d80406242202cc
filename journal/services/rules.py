"""The rules that decide whether an entry may be written, guarded like the marks (DESIGN.md, п. 3.3 and раздел 4).

The edit-window table, the academic years and study periods (start, end, «срок по приказу»), the calendar
(holidays and moved working days) and the work types (category and weight) change only here: each change is
validated, written and recorded in the chained history (who, when, old → new, and why — the basis goes in the
entry's ``reference``), in one ``journal_write``.

**No change reopens an entry whose window has closed.**

- A change of the edit windows, or of a work type's category, governs only the entries still open at that
  moment: a ``WindowRevision`` keeps the rules as they were, and ``journal.windows`` keeps closed what had
  closed under them. So the deputy may lengthen a window for the lessons still open, never for the others.
- A study period's or a year's dates decide one window for all its period marks: a change that would open a
  period mark (or year mark) window that is closed now is refused; reopening it is a late change (раздел 4).
- A period stays inside its year, does not overlap another period of its kind, and is not moved off lessons
  that already have marks.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .. import windows
from ..models import (
    AcademicYear,
    EditWindow,
    Holiday,
    Mark,
    PeriodMark,
    SchoolClass,
    StudyPeriod,
    WindowRevision,
    WorkdayTransfer,
    WorkType,
)
from ..states import rule_kind, rule_state
from .base import Action, JournalWrite, Origin, journal_write

REASON_REQUIRED = _("Укажите основание изменения (например, номер и дату приказа).")


def _reason(origin: Origin) -> None:
    if not origin.reference.strip():
        raise ValidationError(REASON_REQUIRED, code="reason")


def _revise_windows(write: JournalWrite) -> None:
    """Keep the rules in force until now (``WindowRevision``): entries closed under them stay closed."""
    WindowRevision.objects.create(
        at=write.origin.now(),
        rules=[windows.rule_snapshot(rule) for rule in EditWindow.objects.order_by("-priority", "id")],
        categories={str(pk): category for pk, category in WorkType.objects.values_list("pk", "category")},
    )


def _full_clean(obj: models.Model) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError(error.messages) from None


def _save(write: JournalWrite, obj: models.Model, before: models.Model | None) -> models.Model:
    kind = rule_kind(obj)
    old = rule_state(before) if before is not None else None
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError(_("Такая запись уже есть или нарушает правила справочника.")) from None
    new = rule_state(obj)
    if new != old:
        write.log(kind, Action.UPDATE if before is not None else Action.CREATE, obj, old=old, new=new)
    return obj


def _copy(obj: models.Model | None) -> models.Model | None:
    if obj is None or obj.pk is None:
        return None
    return type(obj).objects.get(pk=obj.pk)


# --- The edit-window table ------------------------------------------------------------------------------------


def edit_window_save(*, origin: Origin, window: EditWindow) -> EditWindow:
    """Create or change a row of the edit-window table (п. 3.3). The open entries follow the new row at once;
    the entries already closed stay closed."""
    _reason(origin)
    _full_clean(window)
    with journal_write(origin) as write:
        before = _copy(window)
        if before is not None and rule_state(before) == rule_state(window):
            return window
        _revise_windows(write)
        return _save(write, window, before)


def edit_window_delete(*, origin: Origin, window: EditWindow) -> None:
    """Remove a row: the entries it governed fall under the next matching row, and only if still open."""
    _reason(origin)
    with journal_write(origin) as write:
        before = _copy(window)
        _revise_windows(write)
        pk = window.pk
        window.delete()
        window.pk = pk
        write.log(rule_kind(before), Action.DELETE, window, old=rule_state(before), new=None)


# --- Work types ----------------------------------------------------------------------------------------------


def work_type_save(*, origin: Origin, work_type: WorkType) -> WorkType:
    """A work type's name, letter, colour, weight (for marks given from now on) or category (which decides
    its marks' window: a new category governs only the marks still open)."""
    _reason(origin)
    _full_clean(work_type)
    with journal_write(origin) as write:
        before = _copy(work_type)
        if before is not None and rule_state(before) == rule_state(work_type):
            return work_type
        if work_type.is_default:
            others = WorkType.objects.filter(is_default=True).exclude(pk=work_type.pk)
            for other in others:
                previous = _copy(other)
                other.is_default = False
                _save(write, other, previous)
        if before is not None and before.category != work_type.category:
            _revise_windows(write)
        return _save(write, work_type, before)


def work_type_delete(*, origin: Origin, work_type: WorkType) -> None:
    _reason(origin)
    if work_type.is_default:
        raise ValidationError(_("Вид работы по умолчанию нельзя удалить: сначала назначьте другой."))
    if Mark.objects.filter(work_type=work_type).exists():
        raise ValidationError(_("По этому виду работы уже есть отметки: его нельзя удалить."))
    _delete(origin, work_type)


# --- Years and study periods --------------------------------------------------------------------------------


def _grades(kind: str) -> range:
    if kind == StudyPeriod.Kind.QUARTER:
        return range(1, 10)
    if kind == StudyPeriod.Kind.HALF:
        return range(10, 12)
    return range(1, 12)


def _refuse_reopening(before: StudyPeriod, after: StudyPeriod, now: datetime.datetime) -> None:
    """A period mark window closed now stays closed whatever the new dates (раздел 4 reopens it, entry by entry)."""
    rules = windows.load_rules()
    for grade in _grades(after.kind):
        old = windows.period_mark_window(period=before, grade=grade, rules=rules)
        new = windows.period_mark_window(period=after, grade=grade, rules=rules)
        for action in ("create", "update"):
            if not old.allows(action, now) and new.allows(action, now):
                raise ValidationError(
                    _(
                        "Новые даты периода «%(period)s» снова открыли бы выставление или исправление отметок за "
                        "период, срок которого уже истёк. Отметки после срока вносятся только по заявлению на имя "
                        "директора (раздел 4 положения)."
                    )
                    % {"period": before},
                    code="reopens",
                )


def _check_period(period: StudyPeriod, before: StudyPeriod | None) -> None:
    year = period.year
    if period.start < year.start or period.end > year.end:
        raise ValidationError(
            _("Период должен лежать внутри учебного года %(year)s (%(start)s–%(end)s).")
            % {"year": year, "start": f"{year.start:%d.%m.%Y}", "end": f"{year.end:%d.%m.%Y}"}
        )
    if period.kind != StudyPeriod.Kind.YEAR:
        overlap = (
            StudyPeriod.objects.filter(year=year, kind=period.kind, start__lte=period.end, end__gte=period.start)
            .exclude(pk=period.pk)
            .first()
        )
        if overlap is not None:
            raise ValidationError(
                _("Период пересекается с периодом «%(other)s» (%(start)s–%(end)s).")
                % {"other": overlap, "start": f"{overlap.start:%d.%m.%Y}", "end": f"{overlap.end:%d.%m.%Y}"}
            )
    if before is None:
        return
    moved = before.kind != period.kind or before.year_id != period.year_id
    if moved and PeriodMark.objects.filter(period=before).exists():
        raise ValidationError(_("По периоду уже выставлены отметки: его вид и учебный год не меняются."))
    # Lessons with marks that the new dates would leave outside the period.
    left_out = Q(lesson__date__gte=before.start, lesson__date__lte=before.end) & (
        Q(lesson__date__lt=period.start) | Q(lesson__date__gt=period.end)
    )
    classes = SchoolClass.objects.filter(year_id=before.year_id, grade__in=list(_grades(before.kind)))
    if Mark.objects.filter(left_out, lesson__assignment__school_class__in=classes).exists():
        raise ValidationError(
            _("На уроках, которые новые даты исключили бы из периода, уже есть отметки: так сдвинуть период нельзя.")
        )


def study_period_save(*, origin: Origin, period: StudyPeriod) -> StudyPeriod:
    """A study period's dates and «срок по приказу» (п. 3.3: they decide the period marks' window)."""
    _reason(origin)
    _full_clean(period)
    with journal_write(origin) as write:
        before = _copy(period)
        if before is not None and rule_state(before) == rule_state(period):
            return period
        _check_period(period, before)
        if before is not None:
            _refuse_reopening(before, period, origin.now())
        return _save(write, period, before)


def academic_year_save(*, origin: Origin, year: AcademicYear) -> AcademicYear:
    """An academic year's dates: its periods and lessons stay inside it."""
    _reason(origin)
    _full_clean(year)
    with journal_write(origin) as write:
        before = _copy(year)
        if before is not None and rule_state(before) == rule_state(year):
            return year
        if before is not None:
            outside = Q(start__lt=year.start) | Q(end__gt=year.end)
            if StudyPeriod.objects.filter(outside, year=before).exclude(kind=StudyPeriod.Kind.YEAR).exists():
                raise ValidationError(_("Учебные периоды этого года оказались бы за его границами."))
            from ..models import Lesson

            if (
                Lesson.objects.filter(assignment__school_class__year=before)
                .filter(Q(date__lt=year.start) | Q(date__gt=year.end))
                .exists()
            ):
                raise ValidationError(_("Уроки этого года оказались бы за его границами."))
        return _save(write, year, before)


# --- The calendar ------------------------------------------------------------------------------------------


def _check_in_year(year: AcademicYear, start: datetime.date, end: datetime.date) -> None:
    if start < year.start or end > year.end:
        raise ValidationError(
            _("Даты должны лежать внутри учебного года %(year)s (%(start)s–%(end)s).")
            % {"year": year, "start": f"{year.start:%d.%m.%Y}", "end": f"{year.end:%d.%m.%Y}"}
        )


def holiday_save(*, origin: Origin, holiday: Holiday) -> Holiday:
    """Каникулы и праздники: no lessons are generated on these days."""
    if holiday.start and holiday.end and holiday.start > holiday.end:
        raise ValidationError(_("Начало каникул позже их окончания."))
    _full_clean(holiday)
    _check_in_year(holiday.year, holiday.start, holiday.end)
    clash = WorkdayTransfer.objects.filter(year=holiday.year, date__gte=holiday.start, date__lte=holiday.end).first()
    if clash is not None:
        raise ValidationError(
            _("%(day)s назначен рабочим днём (перенос): сначала удалите перенос.")
            % {"day": clash.date.strftime("%d.%m.%Y")}
        )
    with journal_write(origin) as write:
        return _save(write, holiday, _copy(holiday))


def holiday_delete(*, origin: Origin, holiday: Holiday) -> None:
    _delete(origin, holiday)


def workday_transfer_save(*, origin: Origin, transfer: WorkdayTransfer) -> WorkdayTransfer:
    """Перенос рабочего дня: the date is worked by the timetable of another weekday (Monday to Saturday)."""
    if transfer.works_as_weekday not in range(1, 7):
        raise ValidationError(_("День недели — с понедельника по субботу."))
    if transfer.pk is None and WorkdayTransfer.objects.filter(year=transfer.year, date=transfer.date).exists():
        raise ValidationError(_("Для этой даты перенос уже внесён."))
    _full_clean(transfer)
    _check_in_year(transfer.year, transfer.date, transfer.date)
    holiday = Holiday.objects.filter(year=transfer.year, start__lte=transfer.date, end__gte=transfer.date).first()
    if holiday is not None:
        raise ValidationError(
            _("%(day)s попадает в «%(name)s»: рабочим днём его сделать нельзя.")
            % {"day": transfer.date.strftime("%d.%m.%Y"), "name": holiday.name}
        )
    with journal_write(origin) as write:
        return _save(write, transfer, _copy(transfer))


def workday_transfer_delete(*, origin: Origin, transfer: WorkdayTransfer) -> None:
    _delete(origin, transfer)


def _delete(origin: Origin, obj: models.Model) -> None:
    with journal_write(origin) as write:
        before = _copy(obj)
        if before is None:
            return
        pk = obj.pk
        try:
            with transaction.atomic():
                obj.delete()
        except models.ProtectedError:
            raise ValidationError(_("На эту запись ссылаются другие данные журнала: её нельзя удалить.")) from None
        obj.pk = pk
        write.log(rule_kind(before), Action.DELETE, obj, old=rule_state(before), new=None)
