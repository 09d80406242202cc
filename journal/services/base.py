"""What every journal write shares: who writes (``Origin``), the refusal of a stale save, and the write itself.

A write to the journal is one ``journal_write`` block: it opens a transaction, locks the end of the history
chain, lets the service check the edit window (п. 3.3) and write its rows, records one history entry per
changed entry, and on the way out chains the entries in and tells the page cache which classes changed::

    with journal_write(origin) as write:
        mark = write.change(kind=Kind.MARK, action=Action.CREATE, window=..., what=..., before=None,
                            apply=lambda: Mark.objects.create(...), state=mark_state)

``JournalWrite.change`` is the one create/update/delete-under-a-window step of every entry: the window for
that action, then the row, then its history entry.
"""

import datetime
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import pagecache, windows
from ..history import Chain, history_open
from ..models import HistoryEntry, User
from ..states import entry_refs

Kind = HistoryEntry.Kind
Action = HistoryEntry.Action
Source = HistoryEntry.Source


@dataclass(frozen=True)
class Origin:
    """Who writes, from where, and on what basis.

    ``late_change`` is set only by the late-change procedure (раздел 4) for the entries a director approved:
    it lifts the edit window for that write alone, and ``reference`` names the request.
    """

    by: User | None  # None: the system itself (a migration, the demo seed)
    source: str = Source.GRID
    reference: str = ""
    late_change: bool = False
    at: datetime.datetime | None = None

    def now(self) -> datetime.datetime:
        return self.at or timezone.now()


class StaleWrite(ValidationError):
    """The entry changed since the form was shown; ``current`` is what it holds now."""

    def __init__(self, message, *, current):
        super().__init__(message, code="stale")
        self.current = current


class JournalWrite:
    """One write transaction of the journal, from the window check to the history and the page cache."""

    def __init__(self, origin: Origin, chain: Chain | None = None) -> None:
        self.origin = origin
        self.chain: Chain = chain if chain is not None else history_open()

    @property
    def pending(self) -> bool:
        return bool(self.chain.pending)

    def check(self, window: windows.Window, action: str, *, what: str) -> None:
        """п. 3.3: ``action`` must be open in ``window`` now — except for an approved late change (раздел 4)."""
        if not self.origin.late_change:
            windows.check_window(window, action, what=what, at=self.origin.now())

    def log(self, kind: str, action: str, obj, *, old, new) -> None:
        """One history entry about ``obj`` (a mark, attendance row, period mark or lesson)."""
        lesson_id, student_id = entry_refs(kind, obj)
        self.add(
            kind=kind,
            action=action,
            object_id=obj.pk,
            lesson_id=lesson_id,
            student_id=student_id,
            old=old,
            new=new,
        )

    def add(self, **fields) -> None:
        origin = self.origin
        self.chain.add(user=origin.by, source=origin.source, reference=origin.reference, at=origin.now(), **fields)

    def change(
        self,
        *,
        kind: str,
        action: str,
        window: windows.Window,
        what: str,
        before,
        apply: Callable[[], Any],
        state: Callable[[Any], dict],
    ):
        """Create, update or delete one entry under its window: check, write (``apply``), record old → new.

        ``before`` is the entry as it is (``None`` for a create); ``apply`` writes and returns the entry as it
        is afterwards (``None`` for a delete); ``state`` gives an entry's state as the history records it.
        """
        old = state(before) if before is not None else None
        self.check(window, action, what=what)
        after = apply()
        self.log(
            kind,
            action,
            after if after is not None else before,
            old=old,
            new=state(after) if after is not None else None,
        )
        return after

    def close(self) -> None:
        """Chain the entries in, then retire the cached pages of the lessons' and students' classes."""
        written = self.chain.close()
        if written:
            pagecache.journal_written(
                lesson_ids={entry.lesson_id for entry in written}, student_ids={entry.student_id for entry in written}
            )


_open = threading.local()


@contextmanager
def journal_write(origin: Origin) -> Iterator[JournalWrite]:
    """A write of the journal: one transaction, the history chain locked first (see ``journal.history``).

    A service called inside another's write (a guardianship that grants a role) joins it: its entries go on
    the same chain, in a savepoint; if it is refused, its rows and its entries are both undone.
    """
    outer: JournalWrite | None = getattr(_open, "write", None)
    if outer is not None:
        mark = len(outer.chain.pending)
        try:
            with transaction.atomic():
                yield JournalWrite(origin, chain=outer.chain)
        except BaseException:
            del outer.chain.pending[mark:]
            raise
        return
    with transaction.atomic():
        write = _open.write = JournalWrite(origin)
        try:
            yield write
            write.close()
        finally:
            _open.write = None


def record_refusal(origin: Origin, *, kind: str, lesson_id, student_id, object_id, current, attempted) -> None:
    """A stale save is refused, and the refused attempt is kept in the history beside the winning one."""
    with journal_write(origin) as write:
        write.add(
            kind=kind,
            action=Action.REFUSED,
            object_id=object_id,
            lesson_id=lesson_id,
            student_id=student_id,
            old=current,
            new=attempted,
        )
