"""Applying an approved request (п. 4.4 положения): «системный администратор вносит изменения в электронный
журнал без изменений „прав доступа“. В случае его отсутствия изменения может внести классный руководитель».

Exactly the approved entries are written through ``journal.services`` with ``Origin(late_change=True)``, in
one transaction; an entry that no longer holds the value the request saw stops the whole request. Nobody's
permissions, groups or edit windows are touched: the request itself is the permission, for these entries
only. Each applied entry gets its row in the change table (п. 4.3), and its history entry names the request.

Separation of duties (DESIGN.md): ``applier_check`` is the one rule of who may apply on a given day — the
request page asks it too, to show the button or the reason there is none.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import services as journal
from journal.history import history_open
from journal.models import HistoryEntry, User
from journal.roles import is_director, is_sysadmin

from .. import selectors
from ..models import ChangeTableRow, EntryAction, EntryKind, LateChangeItem, LateChangeRequest
from .digest import approval_digest
from .entries import current_of_item, mark_state_text, parse_mark, state_value

Status = LateChangeRequest.Status


class LateChangeConflict(ValidationError):
    """An entry no longer holds the value the request saw: nothing of the request is applied."""

    def __init__(self, message: str, *, items: list[LateChangeItem]):
        super().__init__(message, code="conflict")
        self.items = items


@dataclass(frozen=True)
class ApplierCheck:
    """Whether a user may apply a request on a day, and if not, why (the request page shows the same text)."""

    refusal: str = ""
    #: When the user applies as the class teacher: who holds the sysadmin's role that day, and their absences.
    presence: selectors.SysadminPresence | None = None

    @property
    def allowed(self) -> bool:
        return not self.refusal


def applier_check(request: LateChangeRequest, user: User, *, day: datetime.date) -> ApplierCheck:
    """п. 4.4 and the separation of duties: who may apply ``request`` on ``day``.

    Never its initiator, never the director who decided it (nor any director who is not also the sysadmin).
    The sysadmin (a superuser counts) applies; the class teacher of the request's class only on a day the
    sysadmin is absent (``selectors.sysadmin_presence``: every holder of the role has a recorded absence).
    """
    if user.pk == request.initiator_id:
        return ApplierCheck(
            _(
                "Заявление № %(number)s подали вы: изменения по нему вносит другой сотрудник — системный "
                "администратор, а в его отсутствие классный руководитель."
            )
            % {"number": request.number}
        )
    if request.decided_by_id is not None and user.pk == request.decided_by_id:
        return ApplierCheck(_("Разрешивший изменение не вносит его в журнал сам."))
    if is_sysadmin(user):
        return ApplierCheck()
    if is_director(user):
        return ApplierCheck(_("Директор разрешает изменения, но не вносит их в журнал."))
    if request.school_class.class_teacher_id is None or request.school_class.class_teacher_id != user.pk:
        return ApplierCheck(
            _("Изменения вносит системный администратор, а в его отсутствие — классный руководитель класса.")
        )
    presence = selectors.sysadmin_presence(day)
    if presence.absent:
        return ApplierCheck(presence=presence)
    return ApplierCheck(
        _(
            "%(day)s системный администратор на работе (%(names)s): изменения вносит он. Классный руководитель "
            "вносит их только в день, когда отсутствие системного администратора записано директором или "
            "заместителем директора."
        )
        % {"day": f"{day:%d.%m.%Y}", "names": ", ".join(user.short_name for user in presence.present)},
        presence=presence,
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


def _refuse_unless_as_approved(request: LateChangeRequest, items: list[LateChangeItem]) -> None:
    """Exactly what the director approved: the digest of the entries as they are now must be the one stored at
    approval and the one the chained history recorded with the decision. A difference means the rows were
    rewritten around the database's triggers: nothing is applied."""
    digest = approval_digest(request, items)
    decision = HistoryEntry.objects.filter(kind=HistoryEntry.Kind.REQUEST, object_id=request.pk).order_by("-id").first()
    recorded = decision.new if decision is not None else None
    expected = {"status": Status.APPROVED.value, "decided_by": request.decided_by_id, "digest": digest}
    if request.approved_digest == digest and recorded == expected:
        return
    raise ValidationError(
        _(
            "Заявление № %(number)s не применено, журнал не изменён: его записи в базе данных не совпадают с "
            "разрешёнными директором (изменены в обход системы после решения). Сообщите директору и заместителю "
            "директора; запустите проверку журнала (verify_journal)."
        )
        % {"number": request.number},
        code="tampered",
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

    Refused: a request not approved (or rejected, or already applied); an applier ``applier_check`` refuses
    (the initiator and the approver never apply; the class teacher only while the sysadmin is absent); a
    request whose entries are not those the director approved (their digest differs: rewritten around the
    triggers); and — with ``LateChangeConflict`` naming the entries — a request whose entries no longer hold
    the values the request saw. Then nothing of it is applied. The history names the request (``reference``,
    source «late_change»), and every entry gets its row in the change table (п. 4.3).
    """
    with transaction.atomic():
        # Lock the request first, then read it with its relations: a second applier waits here and then sees
        # the request as the first one left it (a locking read with joins could hand it stale related rows).
        LateChangeRequest.objects.select_for_update().filter(pk=request_id).values_list("pk").get()
        request = LateChangeRequest.objects.select_related("school_class", "decided_by", "applied_by").get(
            pk=request_id
        )
        now = at or timezone.now()
        check = applier_check(request, by, day=timezone.localdate(now))
        if not check.allowed:
            raise PermissionDenied(check.refusal)
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
        _refuse_unless_as_approved(request, items)
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
