"""The Redis cache, tolerant of a Redis outage: the journal keeps working from the database.

Everything the site caches can be read again from the database: the rendered pages of ``journal.pagecache``
(whose versions live in the database) and the sessions (``cached_db`` keeps every session in its table too).
So while Redis is down a read is a miss and a write is skipped instead of a 500 on every page.

An outage is logged once, not per call: the first failure logs one warning and the process then leaves Redis
alone for ``RETRY_AFTER`` seconds (each request is spared the connection timeout as well); the first call that
succeeds afterwards logs that Redis is back, with how long the outage lasted.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (ConnectionError, TimeoutError)
RETRY_AFTER = 5.0
_MISSING = object()


class _Outage:
    """Per process: whether Redis is known to be down, since when, and when to try it again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.since: float | None = None
        self.retry_at = 0.0

    def skip(self) -> bool:
        return self.since is not None and time.monotonic() < self.retry_at

    def failed(self, operation: str, error: Exception) -> None:
        with self.lock:
            now = time.monotonic()
            first = self.since is None
            if first:
                self.since = now
            self.retry_at = now + RETRY_AFTER
        if first:
            logger.warning(
                "Redis is unavailable (%s: %s): working without the cache, retrying every %.0f s",
                operation,
                error,
                RETRY_AFTER,
            )

    def succeeded(self) -> None:
        if self.since is None:
            return
        with self.lock:
            since, self.since = self.since, None
        if since is not None:
            logger.warning("Redis is back after %.0f s: the cache is used again", time.monotonic() - since)


outage = _Outage()


class TolerantRedisCache(RedisCache):
    def _call(self, operation: str, call, default):
        if outage.skip():
            return default
        try:
            result = call()
        except OUTAGE as error:
            outage.failed(operation, error)
            return default
        outage.succeeded()
        return result

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._call("get_many", lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "set_many", lambda: super(TolerantRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", lambda: super(TolerantRedisCache, self).incr(key, delta, version), _MISSING)
        if result is _MISSING:
            raise ValueError(f"Key '{key}' not found (Redis is unavailable)")
        return result

    # A session deleted while Redis is down stays in Redis until it expires (at most SESSION_COOKIE_AGE) if Redis
    # comes back with its data; ending the sessions again after the outage removes it.
    def delete(self, key, version=None):
        return self._call("delete", lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        self._call("delete_many", lambda: super(TolerantRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._call("clear", lambda: super(TolerantRedisCache, self).clear(), False)
