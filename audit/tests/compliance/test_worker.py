"""The jobs through a real Celery worker on Redis (CI): running the nightly check twice, or two copies at
once, leaves the same findings; two reminder runs at once send each letter once.

The worker runs in threads of this process (``start_worker``), so the locmem outbox sees its letters.
"""

import datetime
import os

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from audit.compliance import tasks
from audit.compliance.models import CriterionSnapshot, Finding, SentReminder
from journal.models import Guardianship
from journal.tests import factories as f
from school84.celery import app

from .conftest import NIGHT, msk

pytestmark = pytest.mark.redis


def _close_connections(**kwargs):
    connections.close_all()  # each worker thread's own connection: none may outlive the test database


@pytest.fixture
def worker(transactional_db):
    url = os.environ["REDIS_URL"]
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    task_postrun.connect(_close_connections, weak=False, dispatch_uid="compliance-test-close")
    try:
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        task_postrun.disconnect(dispatch_uid="compliance-test-close")
        app.conf.update(saved)


@pytest.fixture
def gaps(transactional_db, school, assignment, quarter, student, parent, teacher):
    """Gaps for every job: lessons without topic or attendance, a parent without a receipt or a visit."""
    for day in (24, 25, 26, 27):
        f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, day), topic="", attendance_checked_at=None)
    Guardianship.objects.filter(parent=parent).update(decided_at=msk(2026, 9, 1, 10, 0))
    return school


def snapshot_of_findings():
    return sorted(Finding.objects.values_list("pk", "criterion", "key", "first_seen", "resolved_at"))


def test_nightly_checks_twice_and_at_once_through_the_worker(gaps, worker):
    school_id = gaps.pk
    with time_machine.travel(NIGHT, tick=True):
        tasks.run_deadline_checks.delay(school_id=school_id).get(timeout=60)
        tasks.run_visit_checks.delay(school_id=school_id).get(timeout=60)
        once = snapshot_of_findings()
        assert {criterion for _, criterion, *_ in once} >= {"topics", "attendance", "ktp", "receipts"}

        tasks.run_deadline_checks.delay(school_id=school_id).get(timeout=60)  # twice
        assert snapshot_of_findings() == once

        together = [tasks.run_deadline_checks.delay(school_id=school_id) for _ in range(2)]
        together += [tasks.run_visit_checks.delay(school_id=school_id) for _ in range(2)]
        for result in together:
            result.get(timeout=60)
    assert snapshot_of_findings() == once
    assert Finding.objects.open().count() == len(once)
    assert CriterionSnapshot.objects.count() == 14  # one per criterion and day, however many runs


def test_two_reminder_runs_at_once_send_each_letter_once(gaps, worker, teacher, mailoutbox):
    school_id = gaps.pk
    with time_machine.travel(msk(2026, 11, 27, 15, 0), tick=True):
        runs = [tasks.send_deadline_reminders.delay(school_id=school_id) for _ in range(2)]
        sent = sorted(result.get(timeout=60) for result in runs)
        again = tasks.send_deadline_reminders.delay(school_id=school_id).get(timeout=60)
    assert sent == [0, 1]
    assert again == 0
    assert [m.to for m in mailoutbox] == [[teacher.email]]
    # The lesson of 26.11: its attendance window ends on 28.11; attendance and topic are both missing.
    assert SentReminder.objects.filter(sent_at__isnull=False).count() == 2
