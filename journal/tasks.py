"""Celery tasks of the journal; the schedule is in ``CELERY_BEAT_SCHEDULE``."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import pagecache


@shared_task(
    name="journal.pagecache_prune",
    time_limit=10 * 60,
    soft_time_limit=5 * 60,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    max_retries=3,
)
def pagecache_prune() -> int:
    """Nightly: delete the superseded page versions (idempotent: a second run deletes nothing)."""
    return pagecache.prune()
