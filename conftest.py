"""Suite-wide fixtures: service markers, the append-only triggers around flushes, the cast, the machine's date.

Every test passes on any day of the year: the tests freeze the clock at the cast's «today» or travel to the
instants they test. To prove it, the whole suite runs with the machine's own clock moved to another day —
``make test-dates`` runs it as if it were a Sunday, 1 September and 31 December::

    .venv/bin/pytest --machine-date 2026-12-06      # or MACHINE_DATE=2026-12-06
"""

import datetime
import os

import pytest
import time_machine
from django.db import connection

from journal import dbtriggers

pytest_plugins = ["journal.tests.cast"]

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_addoption(parser):
    parser.addoption(
        "--machine-date",
        default=os.environ.get("MACHINE_DATE", ""),
        help="run the suite as if the machine's clock said this day (YYYY-MM-DD), 10:00 Moscow time",
    )


_machine_clock = None


def pytest_configure(config):
    """Move the real clock (ticking) for the whole run: tests must not depend on it."""
    global _machine_clock
    value = config.getoption("--machine-date")
    if value:
        day = datetime.date.fromisoformat(value)
        _machine_clock = time_machine.travel(
            datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=datetime.UTC), tick=True
        )
        _machine_clock.start()


def pytest_unconfigure(config):
    if _machine_clock is not None:
        _machine_clock.stop()


def pytest_report_header(config):
    value = config.getoption("--machine-date")
    return f"machine date: {value} (the real clock moved)" if value else None


def pytest_runtest_setup(item):
    """``postgres``/``redis`` tests need the real services: skipped without them locally, an error in CI."""
    if item.get_closest_marker("postgres") and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _missing("DATABASE_URL (PostgreSQL)")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("REDIS_URL (Redis)")


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true, but {what} is not configured: this test must run in CI")
    pytest.skip(f"needs {what}; set it to run this test")


# Use the ``db`` and ``transactional_db`` fixtures (not the ``django_db`` mark): these overrides keep the
# history's append-only triggers in place during each test and out of the way of the flush after one.
@pytest.fixture
def db(db):
    """Ordinary tests run with the append-only triggers in place (a transactional test may have dropped them)."""
    dbtriggers.install_append_only(connection)
    return db


@pytest.fixture
def transactional_db(transactional_db):
    """Transactional tests: triggers in place while the test runs; dropped for the flush that follows it.

    The next test's ``db`` or ``transactional_db`` fixture installs them again.
    """
    dbtriggers.install_append_only(connection)
    yield transactional_db
    dbtriggers.remove_append_only(connection)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The locmem cache outlives a test: clear it so cached reference rows never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
