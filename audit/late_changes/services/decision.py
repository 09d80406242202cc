"""The director's decision on a request (п. 4.1: «обращается к директору школы за разрешением»)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.models import User
from journal.roles import is_director

from ..models import LateChangeRequest

Status = LateChangeRequest.Status


def late_change_decide(
    *, request_id: int, by: User, approve: bool, comment: str = "", at: datetime.datetime | None = None
) -> LateChangeRequest:
    """п. 4.1: the director allows the change («обращается к директору школы за разрешением») or refuses it."""
    if not is_director(by):
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
