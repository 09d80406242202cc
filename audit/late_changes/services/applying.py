"""Applying an approved request (п. 4.4 положения): «системный администратор вносит изменения в электронный
журнал без изменений „прав доступа“. В случае его отсутствия изменения может внести классный руководитель».

Exactly the approved entries are written through ``journal.services`` with ``Origin(late_change=True)``, in
one transaction; an entry that no longer holds the value the request saw stops the whole request. Nobody's
permissions, groups or edit windows are touched: the request itself is the permission, for these entries
only. Each applied entry gets its row in the change table (п. 4.3), and its history entry names the request.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import services as journal
from journal.history import history_open
from journal.models import HistoryEntry, User
from journal.roles import is_director, is_sysadmin

from ..models import ChangeTableRow, EntryAction, EntryKind, LateChangeItem, LateChangeRequest
from .entries import current_of_item, mark_state_text, parse_mark, state_value

Status = LateChangeRequest.Status


class LateChangeConflict(ValidationError):
    """An entry no longer holds the value the request saw: nothing of the request is applied."""

    def __init__(self, message: str, *, items: list[LateChangeItem]):
        super().__init__(message, code="conflict")
        self.items = items


def check_applier(request: LateChangeRequest, by: User) -> None:
    """п. 4.4: the sysadmin applies; in their absence the class teacher of the class. Never the approver."""
    if request.decided_by_id is not None and by.pk == request.decided_by_id:
        raise PermissionDenied(_("Разрешивший изменение не вносит его в журнал сам."))
    if is_director(by) and not is_sysadmin(by):
        raise PermissionDenied(_("Директор разрешает изменения, но не вносит их в журнал."))
    class_teacher_id = request.school_class.class_teacher_id
    if not (is_sysadmin(by) or (class_teacher_id is not None and class_teacher_id == by.pk)):
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
        return _("в заявлении записи не было, а сейчас в журнале «%(now)s»") % {"now": state_value(item.kind, state)}
    if row is None or row.pk != item.target_id:
        return _("запись «%(old)s» удалена или заменена после подачи заявления") % {"old": item.old_display}
    if state != item.old:
        now_text = mark_state_text(state) if item.kind == EntryKind.MARK else state_value(item.kind, state)
        return _("в заявлении было «%(old)s», а сейчас в журнале «%(now)s»") % {
            "old": item.old_display,
            "now": now_text,
        }
    return None


def _apply_item(origin: journal.Origin, item: LateChangeItem, row) -> int | None:
    """Write one approved entry through the journal's services; returns the id of the row it made or changed."""
    if item.kind == EntryKind.MARK:
        value, passed = (None, None)
        if item.action != EntryAction.DELETE:
            value, passed = parse_mark(item.new_value, allow_one=True)
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
        current = [current_of_item(item) for item in items]
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
