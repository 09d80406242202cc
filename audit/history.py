"""Writing the journal's append-only, hash-chained history.

Every write to marks, attendance, topics, homework and period marks records an entry here, in the same
transaction as the write (DESIGN.md: «nothing in the journal is ever lost»). Each writer locks the single
``HistoryHead`` row, so entries are chained in id order even with concurrent writers.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import HistoryEntry, HistoryHead

GENESIS_HASH = "0" * 64


def _lock_head() -> HistoryHead:
    head = HistoryHead.objects.select_for_update().filter(id=1).first()
    if head is None:  # a database created without the data migration (never in practice)
        head, _ = HistoryHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS_HASH})
    return head


def history_record(
    *,
    user,
    source: str,
    kind: str,
    action: str,
    object_id: int | None,
    lesson_id: int | None = None,
    student_id: int | None = None,
    old: Any = None,
    new: Any = None,
    reference: str = "",
    at=None,
) -> HistoryEntry:
    """Append one entry to the chain. Must run inside the writer's ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("history_record must run inside the journal write's transaction")
    head = _lock_head()
    entry = HistoryEntry(
        at=at or timezone.now(),
        user_id=getattr(user, "pk", user),
        source=source,
        reference=reference,
        kind=kind,
        action=action,
        object_id=object_id,
        lesson_id=lesson_id,
        student_id=student_id,
        old=old,
        new=new,
        prev_hash=head.last_hash,
    )
    entry.hash = entry.compute_hash()
    entry.save(force_insert=True)
    HistoryHead.objects.filter(id=1).update(last_hash=entry.hash)
    return entry


def history_record_many(entries: Iterable[HistoryEntry], *, batch_size: int = 2000) -> int:
    """Chain and bulk-insert prepared entries (seed and imports). Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("history_record_many must run inside the writer's transaction")
    head = _lock_head()
    previous = head.last_hash
    batch: list[HistoryEntry] = []
    count = 0
    for entry in entries:
        entry.prev_hash = previous
        entry.hash = entry.compute_hash()
        previous = entry.hash
        batch.append(entry)
        if len(batch) >= batch_size:
            HistoryEntry.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        HistoryEntry.objects.bulk_create(batch)
        count += len(batch)
    HistoryHead.objects.filter(id=1).update(last_hash=previous)
    return count
