"""The Redis cache, tolerant of a Redis outage: the journal keeps working from the database.

Everything the site caches can be read again from the database: the reference rows of ``journal.caches`` and
the sessions (``cached_db`` keeps every session in its table too). So while Redis is down a read is a miss and a
write is skipped, with an error in the log, instead of a 500 on every page.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (ConnectionError, TimeoutError)


class TolerantRedisCache(RedisCache):
    def _outage(self, operation: str) -> None:
        logger.error("Redis is unavailable (%s): working without the cache", operation, exc_info=True)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OUTAGE:
            self._outage("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except OUTAGE:
            self._outage("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except OUTAGE:
            self._outage("has_key")
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except OUTAGE:
            self._outage("add")
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except OUTAGE:
            self._outage("set")

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except OUTAGE:
            self._outage("set_many")
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except OUTAGE:
            self._outage("touch")
            return False

    # A session deleted while Redis is down stays in Redis until it expires (at most SESSION_COOKIE_AGE) if Redis
    # comes back with its data: the log line says so, and ending the sessions again after the outage removes it.
    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OUTAGE:
            self._outage(f"delete {key}")
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except OUTAGE:
            self._outage("delete_many")

    def clear(self):
        try:
            return super().clear()
        except OUTAGE:
            self._outage("clear")
            return False
