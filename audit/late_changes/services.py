"""The late-change procedure (раздел 4 положения): file and register, decide, apply.

- ``late_change_submit`` — п. 4.1–4.2: the initiator's request is checked entry by entry (their own classes,
  a real student of the lesson, a valid value, a window that has really closed), the value each entry holds
  now is kept, and the request gets its registration number «N/2026-27» and date.
- ``late_change_decide`` — the director approves or rejects, with a comment.
- ``late_change_apply`` — п. 4.4: the sysadmin (or, in their absence, the class teacher) applies exactly the
  approved entries through ``journal.services`` with ``Origin(late_change=True)``, in one transaction. An entry
  that no longer holds the value the request saw stops the whole request. Nobody's permissions, groups or edit
  windows are touched: the request itself is the permission, for these entries only. Each applied entry is
  written to the change table (п. 4.3).
"""

import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import caches, windows
from journal import services as journal
from journal.history import history_open
from journal.models import (
    Attendance,
    HistoryEntry,
    Lesson,
    Mark,
    PeriodMark,
    SchoolClass,
    Student,
    StudyPeriod,
    Subject,
    User,
    WorkType,
)
from journal.states import attendance_state, mark_state, period_mark_state

from . import selectors
from .models import (
    SCAN_EXTENSIONS,
    ChangeTableRow,
    EntryAction,
    EntryKind,
    LateChangeItem,
    LateChangeRequest,
    Reason,
    RequestCounter,
    SummarySheetBatch,
)

#: The scan of the supporting document: at most this many bytes.
SCAN_MAX_BYTES = getattr(settings, "LATE_CHANGE_SCAN_MAX_BYTES", 5 * 1024 * 1024)
#: What a scan must start with: PDF, PNG or JPEG (the extension alone proves nothing).
SCAN_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")

MAX_ENTRIES = 60
#: Archive members carry a fixed date, so building the same sheets twice gives the same archive layout.
ZIP_DATE = (2000, 1, 1, 0, 0, 0)

Status = LateChangeRequest.Status


@dataclass(frozen=True)
class EntryInput:
    """One entry as the form (or a caller) asks for it.

    ``value``: the new mark («5», «зач», «незач»), attendance code («Н», «Б», «У», «ОП») or period mark («4»,
    «н/а», «осв»…); empty for a deletion. ``work_type_id``/``comment`` for marks; ``None`` keeps them.
    """

    kind: str
    action: str
    student_id: int
    lesson_id: int | None = None
    period_id: int | None = None
    subject_id: int | None = None
    target_id: int | None = None
    value: str = ""
    work_type_id: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class DocumentInput:
    """The supporting document of раздел 4 («подтверждённым документально»)."""

    kind: str
    number: str
    date: datetime.date
    issuer: str


class LateChangeConflict(ValidationError):
    """An entry no longer holds the value the request saw: nothing of the request is applied."""

    def __init__(self, message: str, *, items: list[LateChangeItem]):
        super().__init__(message, code="conflict")
        self.items = items


# --- Values and their texts ------------------------------------------------------------------------------------


def _mark_value(text: str, *, allow_one: bool) -> tuple[int | None, bool | None]:
    """«5» → (5, None); «зач» → (None, True); «незач» → (None, False). Anything else is refused."""
    token = (text or "").strip().lower().replace("ё", "е").rstrip(".")
    if token in {"зач", "зачет", "зачтено"}:
        return None, True
    if token in {"незач", "незачет", "не зачтено"}:
        return None, False
    cell = journal.parse_cell(token, allow_one=allow_one)
    if len(cell.values) != 1 or cell.code:
        raise ValidationError(_("Укажите одну отметку: %(low)s–5, «зач» или «незач».") % {"low": 1 if allow_one else 2})
    return cell.values[0], None


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


def _mark_text(value, passed, work_type: WorkType | None) -> str:
    shown = str(value) if value is not None else (_("зач") if passed else _("незач"))
    return f"{shown} ({work_type.name})" if work_type else shown


def mark_state_text(state: dict | None) -> str:
    """A mark's ``journal.states.mark_state`` as the change table prints it: «5 (Ответ на уроке)»."""
    if not state:
        return ""
    work_type = caches.work_types().get(state.get("work_type"))
    return _mark_text(state.get("value"), state.get("passed"), work_type)


def lesson_label(lesson: Lesson) -> str:
    return _("урок %(day)s, %(n)s-й") % {"day": lesson.date.strftime("%d.%m.%Y"), "n": lesson.number}


def entry_label(kind: str, *, lesson: Lesson | None = None, period: StudyPeriod | None = None) -> str:
    if kind == EntryKind.MARK:
        return _("Отметка, %(lesson)s") % {"lesson": lesson_label(lesson)}
    if kind == EntryKind.ATTENDANCE:
        return _("Посещаемость, %(lesson)s") % {"lesson": lesson_label(lesson)}
    return _("Отметка за период: %(period)s") % {"period": period}


# --- Filing and registering (п. 4.1, 4.2) --------------------------------------------------------------------


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
        prepared.mark_value, prepared.passed = _mark_value(entry.value, allow_one=allow_one)
    if entry.action == EntryAction.ADD:
        prepared.work_type = work_type or caches.default_work_type()
        window = windows.mark_window(lesson=lesson, work_type=prepared.work_type, rules=rules)
        _refuse_if_open(window, "create", what, now)
    return prepared


def _current(prepared: _Prepared) -> tuple[object | None, dict | None]:
    """The row the entry is about as it is now, and its state (``journal.states``)."""
    entry = prepared.entry
    if entry.kind == EntryKind.MARK:
        if entry.action == EntryAction.ADD:
            return None, None
        mark = (
            Mark.objects.select_related("work_type")
            .filter(pk=entry.target_id or 0, lesson_id=prepared.lesson.pk, student_id=prepared.student.pk)
            .first()
        )
        return mark, mark_state(mark) if mark else None
    if entry.kind == EntryKind.ATTENDANCE:
        row = Attendance.objects.filter(lesson_id=prepared.lesson.pk, student_id=prepared.student.pk).first()
        return row, attendance_state(row) if row else None
    row = PeriodMark.objects.filter(
        student_id=prepared.student.pk, subject_id=prepared.subject.pk, period_id=prepared.mark_period.pk
    ).first()
    return row, period_mark_state(row) if row else None


def _item(request: LateChangeRequest, position: int, prepared: _Prepared, now: datetime.datetime) -> LateChangeItem:
    """The item with the value its entry holds now (п. 4.1: «старое → новое значение»)."""
    entry = prepared.entry
    row, state = _current(prepared)
    what = entry_label(entry.kind, lesson=prepared.lesson, period=prepared.mark_period)
    if entry.action == EntryAction.ADD and row is not None:
        raise ValidationError(_("%(what)s: запись уже есть — выберите «изменить».") % {"what": what})
    if entry.action != EntryAction.ADD and row is None:
        raise ValidationError(_("%(what)s: этой записи уже нет в журнале.") % {"what": what})
    if entry.kind == EntryKind.ATTENDANCE and entry.action != EntryAction.ADD and entry.target_id not in (None, row.pk):
        raise ValidationError(_("%(what)s: запись изменилась — откройте заявление заново.") % {"what": what})
    item = LateChangeItem(
        request=request,
        position=position,
        kind=entry.kind,
        action=entry.action,
        student=prepared.student,
        subject=prepared.subject,
        lesson=prepared.lesson,
        period=prepared.mark_period,
        target_id=row.pk if row is not None else None,
        old=state,
        label=what,
    )
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
            item.new_display = _mark_text(prepared.mark_value, prepared.passed, work_type)
        elif entry.action == EntryAction.DELETE:
            window = windows.mark_window(
                lesson=prepared.lesson, work_type=row.work_type, rules=caches.edit_window_rules()
            )
            _refuse_if_open(window, "delete", what, now)
        else:
            item.new_value = _value_token(prepared.mark_value, prepared.passed)
            item.work_type = prepared.work_type
            item.comment = (entry.comment or "").strip()
            item.new_display = _mark_text(prepared.mark_value, prepared.passed, prepared.work_type)
        return item
    old_value = (state or {}).get("code" if entry.kind == EntryKind.ATTENDANCE else "value", "")
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


# --- The director's decision ---------------------------------------------------------------------------------


def late_change_decide(
    *, request_id: int, by: User, approve: bool, comment: str = "", at: datetime.datetime | None = None
) -> LateChangeRequest:
    """п. 4.1: the director allows the change («обращается к директору школы за разрешением») or refuses it."""
    if not selectors.is_director(by):
        raise PermissionDenied(_("Разрешение на изменение журнала даёт только директор."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError(_("Укажите причину отказа."))
    with transaction.atomic():
        request = LateChangeRequest.objects.select_for_update().get(pk=request_id)
        if request.status != Status.SUBMITTED:
            raise ValidationError(
                _("По заявлению № %(number)s решение уже принято: %(status)s.")
                % {"number": request.number, "status": request.get_status_display()}
            )
        request.status = Status.APPROVED if approve else Status.REJECTED
        request.decided_by = by
        request.decided_at = at or timezone.now()
        request.decision_comment = comment
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    return request


# --- Applying (п. 4.4) ---------------------------------------------------------------------------------------


def check_applier(request: LateChangeRequest, by: User) -> None:
    """п. 4.4: the sysadmin applies; in their absence the class teacher of the class. Never the approver."""
    if request.decided_by_id is not None and by.pk == request.decided_by_id:
        raise PermissionDenied(_("Разрешивший изменение не вносит его в журнал сам."))
    if selectors.is_director(by) and not selectors.is_sysadmin(by):
        raise PermissionDenied(_("Директор разрешает изменения, но не вносит их в журнал."))
    class_teacher_id = request.school_class.class_teacher_id
    if not (selectors.is_sysadmin(by) or (class_teacher_id is not None and class_teacher_id == by.pk)):
        raise PermissionDenied(
            _("Изменения вносит системный администратор, а в его отсутствие — классный руководитель класса.")
        )


def _refuse_unless_approved(request: LateChangeRequest) -> None:
    if request.status == Status.APPLIED:
        raise ValidationError(
            _("Заявление № %(number)s уже применено %(day)s (%(who)s): повторно изменения не вносятся.")
            % {
                "number": request.number,
                "day": f"{timezone.localtime(request.applied_at):%d.%m.%Y %H:%M}",
                "who": request.applied_by.short_name,
            },
            code="applied",
        )
    if request.status == Status.REJECTED:
        raise ValidationError(
            _("Заявление № %(number)s отклонено директором: изменения не вносятся.") % {"number": request.number},
            code="rejected",
        )
    if request.status != Status.APPROVED:
        raise ValidationError(
            _("Заявление № %(number)s ещё не разрешено директором.") % {"number": request.number},
            code="not_approved",
        )


def _conflict_text(item: LateChangeItem, row, state: dict | None) -> str | None:
    """Why ``item`` cannot be applied as approved, or ``None`` if the journal still holds what it saw."""
    if item.action == EntryAction.ADD:
        if item.kind == EntryKind.MARK or row is None:
            return None
        return _("в заявлении записи не было, а сейчас в журнале «%(now)s»") % {"now": _state_value(item.kind, state)}
    if row is None or row.pk != item.target_id:
        return _("запись «%(old)s» удалена или заменена после подачи заявления") % {"old": item.old_display}
    if state != item.old:
        now_text = mark_state_text(state) if item.kind == EntryKind.MARK else _state_value(item.kind, state)
        return _("в заявлении было «%(old)s», а сейчас в журнале «%(now)s»") % {
            "old": item.old_display,
            "now": now_text,
        }
    return None


def _state_value(kind: str, state: dict | None) -> str:
    if not state:
        return ""
    return state.get("code" if kind == EntryKind.ATTENDANCE else "value", "")


def _current_of_item(item: LateChangeItem):
    if item.kind == EntryKind.MARK:
        if item.action == EntryAction.ADD:
            return None, None
        mark = Mark.objects.filter(pk=item.target_id, lesson_id=item.lesson_id, student_id=item.student_id).first()
        return mark, mark_state(mark) if mark else None
    if item.kind == EntryKind.ATTENDANCE:
        row = Attendance.objects.filter(lesson_id=item.lesson_id, student_id=item.student_id).first()
        return row, attendance_state(row) if row else None
    row = PeriodMark.objects.filter(
        student_id=item.student_id, subject_id=item.subject_id, period_id=item.period_id
    ).first()
    return row, period_mark_state(row) if row else None


def _apply_item(origin: journal.Origin, item: LateChangeItem, row) -> int | None:
    """Write one approved entry through the journal's services; returns the id of the row it made or changed."""
    if item.kind == EntryKind.MARK:
        value, passed = (None, None)
        if item.action != EntryAction.DELETE:
            value, passed = _mark_value(item.new_value, allow_one=True)
        if item.action == EntryAction.ADD:
            mark = journal.mark_create(
                origin=origin,
                lesson=item.lesson,
                student=item.student,
                value=value,
                passed=passed,
                work_type=item.work_type,
                comment=item.comment,
            )
            return mark.pk
        if item.action == EntryAction.CHANGE:
            journal.mark_update(
                origin=origin,
                mark=row,
                expected_version=row.version,
                value=value,
                passed=passed,
                work_type=item.work_type,
                comment=item.comment,
            )
            return row.pk
        journal.mark_delete(origin=origin, mark=row, expected_version=row.version)
        return row.pk
    if item.kind == EntryKind.ATTENDANCE:
        result = journal.attendance_set(origin=origin, lesson=item.lesson, student=item.student, code=item.new_value)
        return result.pk if result is not None else item.target_id
    result = journal.period_mark_set(
        origin=origin,
        student=item.student,
        subject=item.subject,
        period=item.period,
        value=item.new_value,
        expected=row.value if row is not None else "",
    )
    return result.pk if result is not None else item.target_id


def late_change_apply(*, request_id: int, by: User, at: datetime.datetime | None = None) -> list[ChangeTableRow]:
    """п. 4.4: apply exactly the approved entries of a request, «без изменений прав доступа», in one transaction.

    Refused: a request not approved (or rejected, or already applied), an applier who is neither the sysadmin
    nor the class teacher of the class (the director never applies; the approver never applies), and —
    with ``LateChangeConflict`` naming the entries — a request whose entries no longer hold the values the
    request saw: then nothing of it is applied. The history names the request (``reference``, source
    «late_change»), and every entry gets its row in the change table (п. 4.3).
    """
    with transaction.atomic():
        # Lock the request first, then read it with its relations: a second applier waits here and then sees
        # the request as the first one left it (a locking read with joins could hand it stale related rows).
        LateChangeRequest.objects.select_for_update().filter(pk=request_id).values_list("pk").get()
        request = LateChangeRequest.objects.select_related("school_class", "decided_by", "applied_by").get(
            pk=request_id
        )
        check_applier(request, by)
        _refuse_unless_approved(request)
        # Lock the history's head before reading the entries: every journal writer waits behind it, so what
        # is checked below is what is changed.
        history_open()
        items = list(
            LateChangeItem.objects.filter(request=request)
            .select_related(
                "lesson__assignment__school_class__school",
                "lesson__assignment__subject",
                "lesson__planned_topic",
                "student__school_class",
                "subject",
                "period",
                "work_type",
            )
            .order_by("position")
        )
        current = [_current_of_item(item) for item in items]
        conflicts = []
        for item, (row, state) in zip(items, current, strict=True):
            text = _conflict_text(item, row, state)
            if text:
                conflicts.append((item, text))
        if conflicts:
            details = "; ".join(
                _("запись № %(n)s «%(what)s», %(student)s: %(why)s")
                % {"n": item.position, "what": item.label, "student": item.student.user.short_name, "why": why}
                for item, why in conflicts
            )
            raise LateChangeConflict(
                _(
                    "Заявление № %(number)s не применено, журнал не изменён: %(details)s. "
                    "Проверьте записи и при необходимости подайте новое заявление."
                )
                % {"number": request.number, "details": details},
                items=[item for item, _why in conflicts],
            )
        now = at or timezone.now()
        origin = journal.Origin(
            by=by, source=HistoryEntry.Source.LATE_CHANGE, reference=request.number, late_change=True, at=now
        )
        rows = []
        for item, (row, _state) in zip(items, current, strict=True):
            object_id = _apply_item(origin, item, row)
            rows.append(
                ChangeTableRow(
                    item=item,
                    request=request,
                    applied_at=now,
                    school_class_id=request.school_class_id,
                    period_id=request.period_id,
                    subject_id=item.subject_id,
                    student_id=item.student_id,
                    lesson_id=item.lesson_id,
                    kind=item.kind,
                    action=item.action,
                    object_id=object_id,
                    entry=item.label,
                    old_display=item.old_display,
                    new_display=item.new_display,
                    request_number=request.number,
                    request_date=request.registered_on,
                    reason=request.reason,
                    approved_by_id=request.decided_by_id,
                    applied_by=by,
                )
            )
        ChangeTableRow.objects.bulk_create(rows)
        LateChangeRequest.objects.filter(pk=request.pk).update(status=Status.APPLIED, applied_by=by, applied_at=now)
    return rows


# --- The whole school's summary sheets (a Celery job) ----------------------------------------------------------


def classes_key(class_ids: list[int]) -> str:
    """The fingerprint of a set of classes: the same set gives the same batch row and file."""
    return hashlib.sha256(",".join(str(pk) for pk in sorted(set(class_ids))).encode()).hexdigest()


def summary_sheet_batch_prepare(*, period: StudyPeriod, by: User | None, class_ids: list[int] | None = None):
    """The batch row for a period and a set of classes (the whole school by default), reset to «queued».

    Returns ``(batch, start)``: ``start`` is False while the same batch is already queued or running (a second
    click does not start a second job), unless it has been stuck for longer than the task's time limit.
    """
    if class_ids is None:
        class_ids = [c.pk for c in selectors.classes_of_period(period)]
    key = classes_key(class_ids)
    now = timezone.now()
    batch, created = SummarySheetBatch.objects.select_for_update().get_or_create(
        period=period,
        classes_key=key,
        defaults={
            "class_ids": sorted(set(class_ids)),
            "total": len(set(class_ids)),
            "requested_by": by,
            "requested_at": now,
        },
    )
    busy = batch.status in (SummarySheetBatch.Status.QUEUED, SummarySheetBatch.Status.RUNNING)
    stuck = now - batch.requested_at > datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    if not created and busy and not stuck:
        return batch, False
    batch.class_ids = sorted(set(class_ids))
    batch.total = len(batch.class_ids)
    batch.done = 0
    batch.status = SummarySheetBatch.Status.QUEUED
    batch.error = ""
    batch.requested_by = by
    batch.requested_at = now
    batch.finished_at = None
    batch.save()
    return batch, True


def summary_sheet_batch_build(*, batch_id: int) -> SummarySheetBatch:
    """Render every class's summary sheet (with its change table) into one ZIP, reporting progress as it goes.

    Idempotent: the archive replaces the batch's previous one under the same name.
    """
    from . import pdf  # WeasyPrint is loaded only where documents are made

    batch = SummarySheetBatch.objects.select_related("period__year").get(pk=batch_id)
    period = batch.period
    classes = list(
        SchoolClass.objects.select_related("school", "year", "class_teacher")
        .filter(pk__in=batch.class_ids)
        .order_by("grade", "letter")
    )
    batches = SummarySheetBatch.objects.filter(pk=batch.pk)
    batches.update(status=SummarySheetBatch.Status.RUNNING, done=0, total=len(classes), error="")
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, school_class in enumerate(classes, start=1):
                sheet = selectors.summary_sheet(school_class=school_class, period=period)
                info = zipfile.ZipInfo(pdf.summary_sheet_filename(school_class, period), date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, pdf.summary_sheet_pdf(sheet))
                batches.update(done=done)
        name = f"late_changes/sheets/svodnye-vedomosti-{period.pk}-{batch.classes_key[:16]}.zip"
        if batch.file and batch.file.name != name:
            batch.file.delete(save=False)
        default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(buffer.getvalue()))
    except Exception as error:
        batches.update(status=SummarySheetBatch.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        raise
    batches.update(status=SummarySheetBatch.Status.DONE, file=saved, done=len(classes), finished_at=timezone.now())
    batch.refresh_from_db()
    return batch
