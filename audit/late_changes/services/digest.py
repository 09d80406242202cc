"""The fingerprint of what the director approves (DESIGN.md: «what is applied is exactly what was approved,
frozen at approval»).

``approval_digest`` is SHA-256 over a canonical JSON of the request's entries — every field applying writes
or copies into the change table — and of the request fields applying relies on (its class, period, number,
initiator). The director's decision stores it on the request and in the chained history; applying recomputes
it from the rows and refuses the request if it differs. It reads only plain attributes, so a migration can
call it with historical models.
"""

import datetime
import hashlib
import json

#: The request's own fields that applying reads: who may apply it, and what the change table copies.
REQUEST_FIELDS = ("id", "number", "registered_on", "school_class_id", "period_id", "initiator_id", "reason")
#: Everything of an entry that applying uses.
ITEM_FIELDS = (
    "position",
    "kind",
    "action",
    "target_id",
    "lesson_id",
    "student_id",
    "subject_id",
    "period_id",
    "old",
    "old_display",
    "new_value",
    "work_type_id",
    "comment",
    "new_display",
    "label",
)
#: Part of the payload: if the fields above ever change, the new digests cannot be mistaken for these.
VERSION = 1


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _fields(obj, names: tuple[str, ...]) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


def approval_payload(request, items) -> str:
    """The canonical text the digest covers: the request's fields and its entries in position order."""
    data = {
        "version": VERSION,
        "request": _fields(request, REQUEST_FIELDS),
        "items": [_fields(item, ITEM_FIELDS) for item in sorted(items, key=lambda item: item.position)],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def approval_digest(request, items) -> str:
    return hashlib.sha256(approval_payload(request, items).encode()).hexdigest()
