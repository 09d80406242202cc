"""Celery tasks of audit.late_changes (imported by audit.tasks): the whole school's summary sheets."""

from celery import shared_task
from django.db import transaction

from . import services

__all__ = ["summary_sheets_build", "summary_sheets_enqueue"]

#: A school of 45 classes renders in well under a minute; the limits stop a runaway job.
TIME_LIMIT = 20 * 60


@shared_task(
    name="audit.late_changes.summary_sheets_build",
    acks_late=True,
    time_limit=TIME_LIMIT,
    soft_time_limit=TIME_LIMIT - 60,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def summary_sheets_build(batch_id: int) -> int:
    """Build (or rebuild, replacing the same archive) the summary sheets of a batch; returns the batch id."""
    return services.summary_sheet_batch_build(batch_id=batch_id).pk


def summary_sheets_enqueue(*, period, by, class_ids: list[int] | None = None):
    """Reset the batch of ``period`` (the whole school by default) and start its job once the transaction commits.

    Must run inside ``transaction.atomic``. A batch already queued or running is returned as it is.
    """
    batch, start = services.summary_sheet_batch_prepare(period=period, by=by, class_ids=class_ids)
    if start:
        transaction.on_commit(lambda: summary_sheets_build.delay(batch.pk))
    return batch
