"""Celery tasks of audit.compliance (imported by audit.tasks); the schedule is in ``CELERY_BEAT_SCHEDULE``.

Thin: each takes a school id, calls one service and returns its summary. Without a school id a task
enqueues one task per school, so a city's schools spread over the workers. Each is idempotent (the
services lock the school's state row and the reminders are unique per lesson), has time limits and
retries on database hiccups (a lock timeout, a dropped connection).
"""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from journal.models import School

from . import reminders, services

DB_ERRORS = (OperationalError, InterfaceError)
RETRY = {"retry_backoff": 60, "retry_backoff_max": 15 * 60, "retry_jitter": True, "max_retries": 3}


def _each_school(task) -> list[int]:
    ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        task.delay(school_id=pk)
    return ids


@shared_task(
    name="audit.compliance.deadline_checks",
    time_limit=20 * 60,
    soft_time_limit=15 * 60,
    autoretry_for=DB_ERRORS,
    **RETRY,
)
def run_deadline_checks(school_id: int | None = None):
    """Nightly: the deadline criteria of п. 3.3 and the teachers' timeliness, for one school or all."""
    if school_id is None:
        return _each_school(run_deadline_checks)
    return services.deadline_checks_run(school_id=school_id).as_dict()


@shared_task(
    name="audit.compliance.visit_checks",
    time_limit=10 * 60,
    soft_time_limit=8 * 60,
    autoretry_for=DB_ERRORS,
    **RETRY,
)
def run_visit_checks(school_id: int | None = None):
    """Nightly: receipts and diary visits of parents and students, for one school or all."""
    if school_id is None:
        return _each_school(run_visit_checks)
    return services.visit_checks_run(school_id=school_id).as_dict()


@shared_task(
    name="audit.compliance.deadline_reminders",
    time_limit=10 * 60,
    soft_time_limit=8 * 60,
    autoretry_for=(*DB_ERRORS, smtplib.SMTPException, ConnectionError, TimeoutError),
    **RETRY,
)
def send_deadline_reminders(school_id: int | None = None):
    """Afternoon: one e-mail per teacher about tomorrow's closing windows; never twice for a lesson."""
    if school_id is None:
        return _each_school(send_deadline_reminders)
    return reminders.reminders_send(school_id=school_id)


__all__ = ["run_deadline_checks", "run_visit_checks", "send_deadline_reminders"]
