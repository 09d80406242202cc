"""The scenarios of ``make bench``: what is measured, and how.

Latency and throughput come from wrk (``bench/lua``) against gunicorn on 127.0.0.1, from a second process:
p50 and p95 with one connection (c1: what one user waits), requests per second with ``--concurrency``
connections (c4 by default: what the machine serves), and p50/p95 at c4 as well. Each wrk run is preceded
by a short warm-up run that is thrown away.

SQL queries per request are counted in-process, apart from the load: Django's test ``Client`` logged in as
the same user, against the same database with the same settings, inside ``CaptureQueriesContext``. The
count includes the user's row (with roles), the session only when the cache misses (it does not: sessions
are ``cached_db`` in Redis), and the diary's visit INSERT.

Bytes are the body of one response (no compression: the app has no GZipMiddleware; nginx would add it).

``Bench`` is composed of one class per family of scenarios, over ``BenchBase`` (``base``: the run's state and the
measuring they share): ``pages`` (grid, week, marks, dashboard), ``writes`` (cell, attendance), ``reports`` (the
PDFs), ``nightly`` (the checks, by the command and through Celery) and ``analysis`` (EXPLAIN, profiles).
"""

from .analysis import Analysis
from .nightly import NightlyScenarios
from .pages import PageScenarios
from .reports import ReportScenarios
from .writes import WriteScenarios


class Bench(PageScenarios, WriteScenarios, ReportScenarios, NightlyScenarios, Analysis):
    """The scenarios of one run, with the state they share (the fields of ``BenchBase``)."""
