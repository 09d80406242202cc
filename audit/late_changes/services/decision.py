"""The director's decision on a request (п. 4.1: «обращается к директору школы за разрешением»).

Approving fingerprints the entries (``digest``) and freezes them: from then on the database refuses any change
to them (``audit.late_changes.dbtriggers``), and applying writes exactly what was approved. The decision is
recorded in the chained history (kind «заявление»), the digest with it.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import services as journal
from journal.models import HistoryEntry, User
from journal.roles import is_director

from ..models import LateChangeItem, LateChangeRequest
from .digest import approval_digest

Status = LateChangeRequest.Status


def decision_refusal(request: LateChangeRequest, user: User) -> str:
    """Why ``user`` may not decide ``request`` («» if they may): the director, and never on their own request."""
    if not is_director(user):
        return _("Разрешение на изменение журнала даёт только директор.")
    if request.initiator_id == user.pk:
        return _(
            "Заявление № %(number)s подали вы: решение по собственному заявлению не принимается — "
            "инициатор, разрешающий и вносящий изменения — три разных человека."
        ) % {"number": request.number}
    return ""


def decision_state(request: LateChangeRequest) -> dict:
    """The decision as the history records it (kind «заявление»)."""
    state = {"status": request.status}
    if request.status != Status.SUBMITTED:
        state["decided_by"] = request.decided_by_id
    if request.approved_digest:
        state["digest"] = request.approved_digest
    return state


def late_change_decide(
    *, request_id: int, by: User, approve: bool, comment: str = "", at: datetime.datetime | None = None
) -> LateChangeRequest:
    """п. 4.1: the director allows the change («обращается к директору школы за разрешением») or refuses it.

    Never on a request the director filed themselves. Approval stores the digest of the entries as they are
    (the database freezes them from then on); the decision goes into the chained history with it.
    """
    comment = (comment or "").strip()
    now = at or timezone.now()
    with transaction.atomic():
        # The request first, then the history's head (inside ``journal_write``): the order applying takes them in.
        request = LateChangeRequest.objects.select_for_update().get(pk=request_id)
        refusal = decision_refusal(request, by)
        if refusal:
            raise PermissionDenied(refusal)
        if not approve and not comment:
            raise ValidationError(_("Укажите причину отказа."))
        if request.status != Status.SUBMITTED:
            raise ValidationError(
                _("По заявлению № %(number)s решение уже принято: %(status)s.")
                % {"number": request.number, "status": request.get_status_display()}
            )
        old = decision_state(request)
        request.status = Status.APPROVED if approve else Status.REJECTED
        request.decided_by = by
        request.decided_at = now
        request.decision_comment = comment
        if approve:
            request.approved_digest = approval_digest(request, LateChangeItem.objects.filter(request=request))
        # Made on the request page; the «late_change» source stays for the journal entries a request changes.
        origin = journal.Origin(by=by, source=HistoryEntry.Source.GRID, reference=request.number, at=now)
        with journal.journal_write(origin) as write:
            request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "approved_digest"])
            write.add(
                kind=HistoryEntry.Kind.REQUEST,
                action=HistoryEntry.Action.UPDATE,
                object_id=request.pk,
                old=old,
                new=decision_state(request),
            )
    return request
