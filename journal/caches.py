"""Small reference tables read on every journal write, kept in each process's memory.

The edit windows (with their past revisions) and work types change a few times a year but are read several times by every cell save.
Each process keeps them in a module-level memo tagged with a version: the ``reference`` scope of the page
versions in the database (``journal.pagecache``), which ``clear()`` moves on (signals in ``journal.apps`` call
it when a row is saved or deleted) in the transaction of the change.

How fresh a process is:

- the process that made the change sees it at once (``clear()`` drops its memo);
- another process re-reads the version at most every ``CHECK_EVERY`` seconds (at a read of the tables, one
  indexed query), so it sees a committed change within ``CHECK_EVERY`` seconds — whether or not anybody can
  reach Redis, since the version is in the database with the rows;
- whatever happens, a memo is dropped ``TTL`` seconds after it was loaded.

The memo is shared by the process: callers must not change the instances they get.
"""

import dataclasses
import math
import time

from . import pagecache, windows
from .models import WorkType

TTL = 60
CHECK_EVERY = 2.0


@dataclasses.dataclass
class _Memo:
    version: int | None = None
    loaded_at: float = -math.inf
    checked_at: float = -math.inf
    rules: windows.RuleSet | None = None
    types: dict[int, WorkType] | None = None


_memo = _Memo()


def _shared_version() -> int:
    (version,) = pagecache.versions([pagecache.REFERENCE])
    return version


def _current() -> _Memo:
    """The memo, dropped first if another process changed the tables or it is older than ``TTL``."""
    global _memo
    memo = _memo
    now = time.monotonic()
    if now - memo.loaded_at > TTL:
        memo = _memo = _Memo(version=_shared_version(), loaded_at=now, checked_at=now)
    elif now - memo.checked_at >= CHECK_EVERY:
        version = _shared_version()
        if version != memo.version:
            memo = _memo = _Memo(version=version, loaded_at=now, checked_at=now)
        else:
            memo.checked_at = now
    return memo


def edit_window_rules() -> windows.RuleSet:
    """The edit windows in force, best first, with their past revisions (``journal.windows.load_rules``)."""
    memo = _current()
    if memo.rules is None:
        memo.rules = windows.load_rules()
    rules = windows.RuleSet(memo.rules)
    rules.revisions = memo.rules.revisions
    return rules


def work_types() -> dict[int, WorkType]:
    memo = _current()
    if memo.types is None:
        memo.types = {wt.pk: wt for wt in WorkType.objects.order_by("name")}
    return dict(memo.types)


def default_work_type() -> WorkType:
    types = work_types()
    for work_type in types.values():
        if work_type.is_default:
            return work_type
    return next(iter(types.values()))


def clear(**kwargs) -> None:
    """Drop this process's memo now; every other process reloads once the change commits. A signal receiver."""
    global _memo
    _memo = _Memo()
    pagecache.changed([pagecache.REFERENCE])


def forget() -> None:
    """Drop this process's memo only (tests: a rolled-back test must not leave its rows to the next one)."""
    global _memo
    _memo = _Memo()
