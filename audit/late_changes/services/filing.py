"""Filing and registering a request (п. 4.1–4.2 положения).

The initiator (a teacher for their own classes, or the deputy) asks the director in writing; each entry is
checked (a real student of the lesson, a valid value, a window that has really closed), the value it holds
now is kept («старое → новое значение»), and the request is registered: its number «N/2026-27» within the
academic year and its date. The request is filed under the study period of its entries (п. 4.5).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import caches, windows
from journal import services as journal
from journal.models import Lesson, PeriodMark, Student, StudyPeriod, Subject, User, WorkType

from .. import selectors
from ..models import SCAN_EXTENSIONS, EntryAction, EntryKind, LateChangeItem, LateChangeRequest, Reason, RequestCounter
from .entries import current_of_item, mark_state_text, mark_text, parse_mark, state_value
from .inputs import DocumentInput, EntryInput

#: The scan of the supporting document: at most this many bytes.
SCAN_MAX_BYTES = getattr(settings, "LATE_CHANGE_SCAN_MAX_BYTES", 5 * 1024 * 1024)
#: What a scan must start with: PDF, PNG or JPEG (the extension alone proves nothing).
SCAN_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")

MAX_ENTRIES = 60


def _period_value(text: str) -> str:
    """The period mark as ``journal.services.period_mark_set`` normalises it."""
    value = (text or "").strip().lower().replace(".", "")
    aliases = {"на": "н/а", "н/a": "н/а", "h/a": "н/а", "зачет": "зач", "зачёт": "зач", "незачет": "незач"}
    value = aliases.get(value, value)
    if value not in PeriodMark.Value.values:
        raise ValidationError(
            _("Отметки за период «%(value)s» не существует: допустимы 5, 4, 3, 2, н/а, осв, зач, незач.")
            % {"value": text}
        )
    return value


def lesson_label(lesson: Lesson) -> str:
    return _("урок %(day)s, %(n)s-й") % {"day": lesson.date.strftime("%d.%m.%Y"), "n": lesson.number}


def entry_label(kind: str, *, lesson: Lesson | None = None, period: StudyPeriod | None = None) -> str:
    if kind == EntryKind.MARK:
        return _("Отметка, %(lesson)s") % {"lesson": lesson_label(lesson)}
    if kind == EntryKind.ATTENDANCE:
        return _("Посещаемость, %(lesson)s") % {"lesson": lesson_label(lesson)}
    return _("Отметка за период: %(period)s") % {"period": period}


@dataclass
class _Prepared:
    """An entry checked against the journal as it is now; becomes a ``LateChangeItem``."""

    entry: EntryInput
    student: Student
    subject: Subject
    lesson: Lesson | None
    period: StudyPeriod  # the period the request is filed under
    mark_period: StudyPeriod | None
    work_type: WorkType | None
    mark_value: int | None = None
    passed: bool | None = None
    value: str = ""


def validate_scan(upload: UploadedFile) -> None:
    """The scan of the document: PDF, JPEG or PNG, not larger than ``SCAN_MAX_BYTES``."""
    if upload.size > SCAN_MAX_BYTES:
        raise ValidationError(_("Скан больше %(mb)s МБ.") % {"mb": SCAN_MAX_BYTES // (1024 * 1024)})
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    head = upload.read(8)
    upload.seek(0)
    if extension not in SCAN_EXTENSIONS or not head.startswith(SCAN_SIGNATURES):
        raise ValidationError(_("Скан документа — файл PDF, JPEG или PNG."))


def _refuse_if_open(window: windows.Window, action: str, what: str, now: datetime.datetime) -> None:
    if window.allows(action, now):
        raise ValidationError(
            _("%(what)s: срок редактирования ещё не истёк — внесите изменение в журнале сами, без заявления.")
            % {"what": what}
        )


def _prepare(initiator: User, entry: EntryInput, now: datetime.datetime) -> _Prepared:
    """Access (404 for another teacher's class), the student, the value and the window of one entry."""
    if entry.kind not in EntryKind.values or entry.action not in EntryAction.values:
        raise ValidationError(_("Неизвестный вид изменения."))
    rules = caches.edit_window_rules()
    today = timezone.localdate(now)
    if entry.kind == EntryKind.PERIOD_MARK:
        period, subject, student, _assignment = selectors.period_mark_cell_for_requester(
            user=initiator, period_id=entry.period_id, subject_id=entry.subject_id, student_id=entry.student_id
        )
        what = entry_label(entry.kind, period=period)
        window = windows.period_mark_window(period=period, grade=student.school_class.grade, rules=rules)
        _refuse_if_open(window, "create" if entry.action == EntryAction.ADD else "update", what, now)
        value = _period_value(entry.value) if entry.action != EntryAction.DELETE else ""
        return _Prepared(entry, student, subject, None, period, period, None, value=value)

    lesson = selectors.lesson_for_requester(user=initiator, lesson_id=entry.lesson_id)
    student = selectors.student_of_assignment(assignment=lesson.assignment, student_id=entry.student_id)
    period = selectors.period_of_lesson(lesson)
    if period is None:
        raise ValidationError(
            _("Урок %(day)s не входит ни в один учебный период.") % {"day": f"{lesson.date:%d.%m.%Y}"}
        )
    if lesson.date > today:
        raise ValidationError(_("Урок %(day)s ещё не проведён.") % {"day": f"{lesson.date:%d.%m.%Y}"})
    what = entry_label(entry.kind, lesson=lesson)
    subject = lesson.assignment.subject
    if entry.kind == EntryKind.ATTENDANCE:
        window = windows.attendance_window(lesson=lesson, rules=rules)
        _refuse_if_open(window, "create" if entry.action == EntryAction.ADD else "update", what, now)
        value = journal.attendance_code(entry.value) if entry.action != EntryAction.DELETE else ""
        return _Prepared(entry, student, subject, lesson, period, None, None, value=value)

    types = caches.work_types()
    work_type = None
    if entry.work_type_id is not None:
        work_type = types.get(int(entry.work_type_id))
        if work_type is None:
            raise ValidationError(_("Такого вида работы нет."))
    prepared = _Prepared(entry, student, subject, lesson, period, None, work_type)
    if entry.action != EntryAction.DELETE:
        allow_one = lesson.assignment.school_class.school.uses_mark_one
        prepared.mark_value, prepared.passed = parse_mark(entry.value, allow_one=allow_one)
    if entry.action == EntryAction.ADD:
        prepared.work_type = work_type or caches.default_work_type()
        window = windows.mark_window(lesson=lesson, work_type=prepared.work_type, rules=rules)
        _refuse_if_open(window, "create", what, now)
    return prepared


def _item(request: LateChangeRequest, position: int, prepared: _Prepared, now: datetime.datetime) -> LateChangeItem:
    """The item with the value its entry holds now (п. 4.1: «старое → новое значение»)."""
    entry = prepared.entry
    what = entry_label(entry.kind, lesson=prepared.lesson, period=prepared.mark_period)
    item = LateChangeItem(
        request=request,
        position=position,
        kind=entry.kind,
        action=entry.action,
        student=prepared.student,
        subject=prepared.subject,
        lesson=prepared.lesson,
        period=prepared.mark_period,
        target_id=entry.target_id,
        label=what,
    )
    row, state = current_of_item(item)
    if entry.action == EntryAction.ADD and row is not None:
        raise ValidationError(_("%(what)s: запись уже есть — выберите «изменить».") % {"what": what})
    if entry.action != EntryAction.ADD and row is None:
        raise ValidationError(_("%(what)s: этой записи уже нет в журнале.") % {"what": what})
    if entry.kind == EntryKind.ATTENDANCE and entry.action != EntryAction.ADD and entry.target_id not in (None, row.pk):
        raise ValidationError(_("%(what)s: запись изменилась — откройте заявление заново.") % {"what": what})
    item.target_id = row.pk if row is not None else None
    item.old = state
    if entry.kind == EntryKind.MARK:
        item.old_display = mark_state_text(state)
        if entry.action == EntryAction.CHANGE:
            # The mark's window for changes is its own work type's (a ВСОКО mark has 10 days, not 2).
            window = windows.mark_window(
                lesson=prepared.lesson, work_type=row.work_type, rules=caches.edit_window_rules()
            )
            _refuse_if_open(window, "update", what, now)
            work_type = prepared.work_type or row.work_type
            comment = row.comment if entry.comment is None else entry.comment.strip()
            new_state = {"value": prepared.mark_value, "passed": prepared.passed, "work_type": work_type.pk}
            if new_state == {k: state[k] for k in new_state} and comment == row.comment:
                raise ValidationError(_("%(what)s: новое значение совпадает с прежним.") % {"what": what})
            item.new_value = _value_token(prepared.mark_value, prepared.passed)
            item.work_type = work_type
            item.comment = comment
            item.new_display = mark_text(prepared.mark_value, prepared.passed, work_type)
        elif entry.action == EntryAction.DELETE:
            window = windows.mark_window(
                lesson=prepared.lesson, work_type=row.work_type, rules=caches.edit_window_rules()
            )
            _refuse_if_open(window, "delete", what, now)
        else:
            item.new_value = _value_token(prepared.mark_value, prepared.passed)
            item.work_type = prepared.work_type
            item.comment = (entry.comment or "").strip()
            item.new_display = mark_text(prepared.mark_value, prepared.passed, prepared.work_type)
        return item
    old_value = state_value(entry.kind, state)
    if entry.action == EntryAction.CHANGE and prepared.value == old_value:
        raise ValidationError(_("%(what)s: новое значение совпадает с прежним.") % {"what": what})
    item.old_display = old_value
    item.new_value = prepared.value
    item.new_display = prepared.value
    return item


def _value_token(value: int | None, passed: bool | None) -> str:
    if value is not None:
        return str(value)
    return "зач" if passed else "незач"


def _register(year_id: int, now: datetime.datetime) -> tuple[int, str]:
    """п. 4.2: the next number of the academic year. The counter row is locked until the request is saved."""
    RequestCounter.objects.get_or_create(year_id=year_id)
    counter = RequestCounter.objects.select_for_update().select_related("year").get(year_id=year_id)
    counter.last += 1
    RequestCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return counter.last, f"{counter.last}/{counter.year.short_label}"


def late_change_submit(
    *,
    initiator: User,
    reason: str,
    document: DocumentInput,
    entries: list[EntryInput],
    comment: str = "",
    scan: UploadedFile | None = None,
    at: datetime.datetime | None = None,
) -> LateChangeRequest:
    """п. 4.1–4.2: file a request to the director and register it (number within the year, date).

    A teacher may ask only about their own classes (``Http404`` otherwise, as for any foreign object); all
    entries concern one class and one study period, under which the request is filed (п. 4.5).
    """
    if not selectors.may_file(initiator):
        raise PermissionDenied(_("Заявление подаёт учитель или заместитель директора."))
    if reason not in Reason.values:
        raise ValidationError(_("Выберите основание из раздела 4 положения."))
    if not entries:
        raise ValidationError(_("Укажите хотя бы одно изменение."))
    if len(entries) > MAX_ENTRIES:
        raise ValidationError(_("Не больше %(n)s изменений в одном заявлении.") % {"n": MAX_ENTRIES})
    if not (document.kind.strip() and document.number.strip() and document.issuer.strip() and document.date):
        raise ValidationError(_("Укажите подтверждающий документ: вид, номер, дату и кем выдан."))
    now = at or timezone.now()
    if document.date > timezone.localdate(now):
        raise ValidationError(_("Дата документа не может быть позже сегодняшней."))
    if scan is not None:
        validate_scan(scan)
    prepared = [_prepare(initiator, entry, now) for entry in entries]
    classes = {p.student.school_class_id for p in prepared}
    periods = {p.period.pk for p in prepared}
    if len(classes) > 1:
        raise ValidationError(_("В одном заявлении — изменения одного класса. Подайте отдельное заявление."))
    if len(periods) > 1:
        raise ValidationError(
            _("В одном заявлении — изменения одного учебного периода (заявления подшиваются по периодам).")
        )
    keys = [
        (p.entry.kind, p.entry.lesson_id, p.entry.period_id, p.subject.pk, p.student.pk, p.entry.target_id)
        for p in prepared
        if not (p.entry.kind == EntryKind.MARK and p.entry.action == EntryAction.ADD)
    ]
    if len(keys) != len(set(keys)):
        raise ValidationError(_("Одна и та же запись указана в заявлении дважды."))
    period = prepared[0].period
    with transaction.atomic():
        sequence, number = _register(period.year_id, now)
        request = LateChangeRequest(
            year_id=period.year_id,
            sequence=sequence,
            number=number,
            registered_on=timezone.localdate(now),
            registered_at=now,
            period=period,
            school_class_id=prepared[0].student.school_class_id,
            initiator=initiator,
            reason=reason,
            document_kind=document.kind.strip(),
            document_number=document.number.strip(),
            document_date=document.date,
            document_issuer=document.issuer.strip(),
            comment=(comment or "").strip(),
        )
        if scan is not None:
            request.scan.save(scan.name, scan, save=False)
        request.save()
        LateChangeItem.objects.bulk_create(
            [_item(request, position, p, now) for position, p in enumerate(prepared, start=1)]
        )
    return request
