"""Helpers for the compliance tests: run a job at a frozen instant and read its findings."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.compliance import reminders, services
from audit.compliance.models import Finding

MSK = ZoneInfo("Europe/Moscow")
#: The night of the brief: 28.11.2026, 03:00 Moscow time.
NIGHT = datetime.datetime(2026, 11, 28, 3, 0, tzinfo=MSK)


def msk(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=MSK)


def run_deadlines(school, at: datetime.datetime = NIGHT):
    with time_machine.travel(at, tick=False):
        return services.deadline_checks_run(school_id=school.pk)


def run_visits(school, at: datetime.datetime = NIGHT):
    with time_machine.travel(at, tick=False):
        return services.visit_checks_run(school_id=school.pk)


def send_reminders(school, at: datetime.datetime):
    with time_machine.travel(at, tick=False):
        return reminders.reminders_send(school_id=school.pk)


def open_findings(criterion: str) -> list[Finding]:
    return list(Finding.objects.open().filter(criterion=criterion).order_by("day", "key"))


def open_keys(criterion: str) -> set[str]:
    return {f.key for f in open_findings(criterion)}


@pytest.fixture
def night():
    return NIGHT
