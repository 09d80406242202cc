"""Small reference tables read on every journal write, kept in each process's memory.

The edit windows and work types change a few times a year but are read several times by every cell save.
Each process keeps them in a module-level memo tagged with a version number; the version lives in the shared
cache (one small int key) and ``clear()`` bumps it (signals in ``audit.apps`` call it when a row is saved or
deleted), so reading the tables costs no cache round trip and no unpickling.

How fresh a process is:

- the process that made the change sees it at once (``clear()`` drops its memo);
- another process re-reads the version at most every ``CHECK_EVERY`` seconds (at a read of the tables), so with
  Redis it sees a committed change within ``CHECK_EVERY`` seconds. Not once per request: a cache round trip
  (a new Redis client in Django's backend) costs about as much as the rest of this module on a cell save,
  and two seconds is nothing for rows changed a few times a year. The version is bumped again when the
  transaction that changed a row commits, so a process that reloaded the old rows between the write and its
  commit reloads again;
- whatever happens to the shared cache (no Redis: locmem is per process; Redis down; a change rolled back after
  this process read it), a memo is dropped ``TTL`` seconds after it was loaded.

The memo is shared by the process: callers must not change the instances they get.
"""

import dataclasses
import math
import time

from django.core.cache import cache
from django.db import transaction

from journal.models import EditWindow
from school84.cache import OUTAGE

from .models import WorkType

TTL = 60
CHECK_EVERY = 2.0
VERSION_KEY = "journal:reference:version"


@dataclasses.dataclass
class _Memo:
    version: int | None = None
    loaded_at: float = -math.inf
    checked_at: float = -math.inf
    rules: list[EditWindow] | None = None
    types: dict[int, WorkType] | None = None


_memo = _Memo()


def _shared_version() -> int | None:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Missing (first start, evicted, cache cleared): start from a value no process can hold already.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
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
        if version is None or version != memo.version:  # None: the cache is down, read the tables again
            memo = _memo = _Memo(version=version, loaded_at=now, checked_at=now)
        else:
            memo.checked_at = now
    return memo


def edit_window_rules() -> list[EditWindow]:
    memo = _current()
    if memo.rules is None:
        memo.rules = list(EditWindow.objects.order_by("-priority", "id"))
    return list(memo.rules)


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


def _bump() -> None:
    global _memo
    _memo = _Memo()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing: the next read adds a fresh one
        pass
    except OUTAGE:  # Redis down: other processes read the version as missing and reload at every check
        pass


def clear(using=None, **kwargs) -> None:
    """Drop this process's memo now; make every process reload, now and when the change commits."""
    _bump()
    transaction.on_commit(_bump, using=using)


def forget() -> None:
    """Drop this process's memo only (tests: a rolled-back test must not leave its rows to the next one)."""
    global _memo
    _memo = _Memo()
