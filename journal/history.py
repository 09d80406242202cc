"""Writing the journal's append-only, hash-chained history.

Every write to marks, attendance, topics, homework and period marks records an entry here, in the same
transaction as the write (DESIGN.md: «nothing in the journal is ever lost»).

A writer first locks the single ``HistoryHead`` row (``history_open``). That lock serialises journal writes,
so the chain stays linear in id order, and a writer that reads the journal *after* taking it sees every
write committed before — which is what lets the services refuse a save based on a stale value instead of
silently overwriting it.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import HistoryEntry, HistoryHead

GENESIS_HASH = "0" * 64


class Chain:
    """The locked end of the history chain inside one write transaction."""

    def __init__(self) -> None:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("the history chain is written only inside the journal write's transaction")
        head = HistoryHead.objects.select_for_update().filter(id=1).first()
        if head is None:  # a database created without the data migration (never in practice)
            head, _ = HistoryHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS_HASH})
        self.last_hash = head.last_hash
        self.entries = head.entries
        self.pending: list[HistoryEntry] = []

    def add(
        self,
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
        )
        self.pending.append(entry)
        return entry

    def extend(self, entries: Iterable[HistoryEntry]) -> None:
        self.pending.extend(entries)

    def close(self, *, batch_size: int = 2000) -> list[HistoryEntry]:
        """Chain the pending entries, insert them and move the head: three queries.

        The writer (``journal.services.base.JournalWrite``) then retires the cached pages of what it wrote.
        """
        written = self.pending
        if not written:
            return written
        for entry in written:
            entry.prev_hash = self.last_hash
            entry.hash = entry.compute_hash()
            self.last_hash = entry.hash
        HistoryEntry.objects.bulk_create(written, batch_size=batch_size)
        self.entries += len(written)
        HistoryHead.objects.filter(id=1).update(last_hash=self.last_hash, entries=self.entries)
        self.pending = []
        return written


def history_open() -> Chain:
    """Lock the chain's head. Call it first in a write transaction, before reading what you will change."""
    return Chain()


def history_record(**fields) -> HistoryEntry:
    """Append one entry (a writer with a single change). Must run inside the writer's transaction."""
    chain = history_open()
    entry = chain.add(**fields)
    chain.close()
    return entry


def history_record_many(entries: Iterable[HistoryEntry], *, batch_size: int = 2000) -> int:
    """Chain and bulk-insert prepared entries (the demo school). Must run inside a transaction; the caller
    retires the cached pages (``pagecache.everything_changed``)."""
    chain = history_open()
    chain.extend(entries)
    return len(chain.close(batch_size=batch_size))
