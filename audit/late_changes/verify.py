"""``verify_journal``'s check of the late-change requests (registered in ``AuditConfig.ready``).

Every approved or applied request still holds exactly the entries the director approved: their digest equals
the one stored on the request and the one the chained history recorded with the decision (раздел 4: what is
applied is exactly what was approved).
"""

from collections.abc import Iterator

from journal.models import HistoryEntry
from journal.verify import Problem

from .models import LateChangeItem, LateChangeRequest
from .services.digest import approval_digest

Status = LateChangeRequest.Status


def verify_requests() -> Iterator[Problem]:
    decided = list(LateChangeRequest.objects.filter(status__in=[Status.APPROVED, Status.APPLIED]).order_by("pk"))
    if not decided:
        return
    items: dict[int, list[LateChangeItem]] = {}
    for item in LateChangeItem.objects.filter(request__in=decided):
        items.setdefault(item.request_id, []).append(item)
    approvals: dict[int, dict] = {}
    for object_id, new in (
        HistoryEntry.objects.filter(kind=HistoryEntry.Kind.REQUEST).order_by("id").values_list("object_id", "new")
    ):
        if new and new.get("status") == Status.APPROVED:
            approvals[object_id] = new
    for request in decided:
        digest = approval_digest(request, items.get(request.pk, []))
        recorded = approvals.get(request.pk)
        if request.approved_digest != digest:
            yield Problem(
                f"заявление № {request.number}: его записи не совпадают с разрешёнными директором "
                "(изменены в обход системы после решения)"
            )
        elif (
            recorded is None or recorded.get("digest") != digest or recorded.get("decided_by") != request.decided_by_id
        ):
            yield Problem(f"заявление № {request.number}: решение директора не совпадает с записанным в истории")
