"""What the scenarios of one run share: their state, the sessions, and the measuring every scenario does (queries
counted in-process, in-process timings from the page cache and without it, the warm-up, c1 and cN wrk runs, the
floor, the verdict logged).
"""

from __future__ import annotations

import datetime
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from .. import RESULTS, floor
from ..measure import CpuMeter, Http, Session, load_average, wait_idle, wrk
from ..targets import verdict


@dataclass
class BenchBase:
    """State shared by the scenarios of one run."""

    http: Http
    env: dict
    dsn: str
    actors: dict
    today: datetime.date
    duration: float = 10.0
    concurrency: int = 4
    log: object = print
    sessions: dict[str, Session] = field(default_factory=dict)
    results: list[dict] = field(default_factory=list)
    explains: list[dict] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sql: dict[str, list[str]] = field(default_factory=dict)
    miss_sql: dict[str, list[str]] = field(default_factory=dict)
    output: Path = RESULTS
    server_pid: int | None = None
    cores: int = 2
    wait_idle: float = 0.0

    def meter(self) -> CpuMeter:
        return CpuMeter(self.server_pid, self.dsn)

    def with_cpu(self, result: dict, before: dict, after: dict, requests: int) -> dict:
        cpu = CpuMeter.per_request(before, after, requests)
        result |= cpu
        if cpu.get("cpu_ms"):
            result["rps_idle_estimate"] = round(self.cores * 1000 / cpu["cpu_ms"])
        return result

    # -- sessions -------------------------------------------------------------------------------------------

    def session(self, role: str) -> Session:
        username = self.actors[role]
        if username not in self.sessions:
            self.sessions[username] = self.http.login(username, self.actors["password"])
        return self.sessions[username]

    def client(self, role: str):
        """A Django test client in this process, logged in as the actor (for query counts and profiles)."""
        from django.test import Client

        from journal.models import User

        client = Client(HTTP_HOST="127.0.0.1")
        # Named: django-axes' backend comes first in AUTHENTICATION_BACKENDS and loads no user.
        client.force_login(User.objects.get(username=self.actors[role]), backend="journal.backends.RoleAwareBackend")
        return client

    # -- measuring ----------------------------------------------------------------------------------------------

    def _count(self, client, method: str, path: str, data=None, **extra) -> tuple[int, list[dict], object]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = (
                getattr(client, method)(path, data, **extra)
                if data is not None
                else getattr(client, method)(path, **extra)
            )
        return len(ctx.captured_queries), list(ctx.captured_queries), response

    def count_get(self, role: str, path: str, *, rebuilt: bool = False) -> tuple[int, list[dict]]:
        """The queries of one view; ``rebuilt``: of a view built from the database, not from the page cache."""
        from journal import pagecache

        client = self.client(role)
        client.get(path)  # warm the session cache and the reference tables
        if rebuilt:
            pagecache.everything_changed()
        n, queries, response = self._count(client, "get", path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} as {self.actors[role]}: HTTP {response.status_code} in-process")
        return n, queries

    def inprocess_min(self, role: str, path: str, runs: int = 40) -> dict:
        """The page's best case in-process: the minimum CPU time and wall time of ``runs`` requests.

        On a machine shared with other work the minimum is the closest to what an idle machine does; it
        leaves out HTTP and gunicorn (a fraction of a millisecond) and counts the database only as waited for.
        """
        client = self.client(role)
        client.get(path)
        cpu = wall = float("inf")
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            cpu = min(cpu, time.process_time() - started_cpu)
            wall = min(wall, time.perf_counter() - started)
        return {"inproc_cpu_min_ms": round(cpu * 1000, 2), "inproc_wall_min_ms": round(wall * 1000, 2)}

    def inprocess_miss(self, role: str, path: str, runs: int = 30) -> dict:
        """The page built from the database, not from the page cache: what the first view after a change costs.

        Before each request (outside the timing) every cached page is retired, as a journal write retires its
        class's pages (``journal.pagecache``). Minimum and median CPU and wall time, and the SQL of one miss.
        """
        from journal import pagecache

        client = self.client(role)
        client.get(path)
        cpu, wall = [], []
        for _ in range(runs):
            pagecache.everything_changed()
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
        pagecache.everything_changed()
        queries, captured, _response = self._count(client, "get", path)
        self.miss_sql[path] = [q["sql"] for q in captured]
        return {
            "miss_cpu_min_ms": round(min(cpu) * 1000, 2),
            "miss_cpu_p50_ms": round(statistics.median(cpu) * 1000, 2),
            "miss_wall_min_ms": round(min(wall) * 1000, 2),
            "miss_wall_p50_ms": round(statistics.median(wall) * 1000, 2),
            "miss_queries": queries,
        }

    def _wrk_pair(self, path: str, script: str, args_c1, args_cn, *, c1_only: bool = False) -> dict:
        """Warm-up (discarded), then c1 and cN runs; the dict keys the report uses.

        ``args_c1``/``args_cn`` are wrk script arguments, or callables returning them just before each run
        (the cell saves read the cells' current tokens then).
        """

        def resolve(args):
            return args() if callable(args) else args

        idle = wait_idle(self.wait_idle, log=self.log)
        connections = 1 if c1_only else self.concurrency
        wrk(
            self.http.base,
            path,
            script,
            resolve(args_c1 if c1_only else args_cn),
            connections=connections,
            duration=2,
            env=self.env,
        )
        load = load_average()
        meter = self.meter()
        c1_args = resolve(args_c1)
        before = meter.sample()
        c1 = wrk(self.http.base, path, script, c1_args, connections=1, duration=self.duration, env=self.env)
        runs = {"wrk_c1": c1}
        if not c1_only:
            cn_args = resolve(args_cn)
            cn = wrk(
                self.http.base,
                path,
                script,
                cn_args,
                connections=self.concurrency,
                duration=self.duration,
                env=self.env,
            )
            runs["wrk_c4"] = cn
        after = meter.sample()
        result = {
            "p50_c1_ms": round(c1["p50"] / 1000, 2),
            "p95_c1_ms": round(c1["p95"] / 1000, 2),
            "rps_c1": round(c1["rps"], 2),
        }
        if not c1_only:
            result |= {
                "p50_c4_ms": round(cn["p50"] / 1000, 2),
                "p95_c4_ms": round(cn["p95"] / 1000, 2),
                "rps_c4": round(cn["rps"], 1),
            }
        requests = sum(r["requests"] for r in runs.values())
        result |= {
            "requests": requests,
            "errors": sum(r["errors"] for r in runs.values()),
            "bad_status": sum(r["bad"] for r in runs.values()),
            "load_before": load,
            "load_after": load_average(),
            "idle_before": round(idle, 2),
            **runs,
        }
        return self.with_cpu(result, before, after, requests)

    def page(
        self,
        name: str,
        title: str,
        role: str,
        path: str,
        *,
        scale: str,
        floor_fn=None,
        wrk_runs: bool = True,
        cached: bool = False,
    ) -> dict:
        session = self.session(role)
        status, headers, body = self.http.request("GET", path, session=session)
        if status != 200:
            raise RuntimeError(f"{name}: GET {path} as {session.username} answered HTTP {status}")
        queries, captured = self.count_get(role, path)
        self.sql[f"{name}@{scale}"] = [q["sql"] for q in captured]
        result = {
            "name": name,
            "title": title,
            "scale": scale,
            "method": "GET",
            "path": path,
            "user": session.username,
            "bytes": len(body),
            "content_type": headers.get("content-type", ""),
            "queries": queries,
            "concurrency": self.concurrency,
        }
        result |= self.inprocess_min(role, path)
        if cached:
            result |= self.inprocess_miss(role, path)
            self.sql[f"{name}@{scale}"] = self.miss_sql[path]  # EXPLAIN the queries that build the page
        if wrk_runs:
            result |= self._wrk_pair(path, "get.lua", [session.cookie_header], [session.cookie_header])
        if floor_fn is not None:
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                html = floor_fn(conn)
                measured = floor.measure(lambda: floor_fn(conn), runs=200)
            result["floor"] = measured | {"bytes": len(html.encode())}
            result["floor_p50_ms"] = measured["p50_ms"]
            if "p50_c1_ms" in result and measured["p50_ms"]:
                result["floor_ratio"] = round(result["p50_c1_ms"] / measured["p50_ms"], 1)
        return self._finish(name, result)

    def _finish(self, name: str, result: dict) -> dict:
        result["verdict"], result["misses"] = verdict(name, result)
        self.results.append(result)
        shown = {
            k: result.get(k)
            for k in (
                "p50_c1_ms",
                "p95_c1_ms",
                "rps_c4",
                "p50_c4_ms",
                "bytes",
                "queries",
                "floor_p50_ms",
                "floor_ratio",
                "inproc_cpu_min_ms",
                "miss_cpu_min_ms",
                "miss_cpu_p50_ms",
                "miss_queries",
                "cpu_ms",
                "seconds",
            )
            if result.get(k) is not None
        }
        self.log(f"  {name} [{result['scale']}]: {shown} → {result['verdict']}")
        return result

    # -- the teacher's grid: read by the pages, opened before each save, explained and profiled -----------------

    def grid_path(self) -> str:
        return f"/journal/a/{self.actors['grid_assignment']}/?period={self.actors['grid_period']}"
