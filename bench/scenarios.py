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
"""

from __future__ import annotations

import cProfile
import datetime
import http.client
import io
import json
import pstats
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

from . import floor

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "lua"
RESULTS = ROOT / "bench" / "results"
TMP = RESULTS / "tmp"

#: Tables big enough that a sequential scan of one in a page's query is a missing index.
BIG_TABLES = {
    "journal_mark",
    "journal_attendance",
    "journal_lesson",
    "journal_plannedtopic",
    "journal_periodmark",
    "diary_diaryvisit",
    "journal_student",
    "journal_user",
    "journal_guardianship",
    "journal_studentuserobjectpermission",
    "audit_historyentry",
    "audit_finding",
    "audit_classsnapshot",
    "audit_criterionsnapshot",
    "audit_teachertimeliness",
}


# --- targets ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    metric: str
    op: str  # "<=" or ">="
    value: float
    label: str

    def check(self, result: dict) -> bool | None:
        value = result.get(self.metric)
        if value is None:
            return None
        return value <= self.value if self.op == "<=" else value >= self.value

    def miss(self, result: dict) -> str:
        value = result[self.metric]
        if self.op == "<=":
            return f"{self.label}: {value:g} — over by {value - self.value:g} ({value / self.value:.1f}×)"
        return f"{self.label}: {value:g} — short by {self.value - value:g} ({value / self.value:.0%} of it)"


KB = 1024
TARGETS: dict[str, list[Target]] = {
    "grid": [
        Target("p50_c1_ms", "<=", 20, "p50 ≤ 20 ms"),
        Target("rps_c4", ">=", 60, "≥ 60 req/s at c4"),
        Target("bytes", "<=", 150 * KB, "≤ 150 KB"),
        Target("floor_ratio", "<=", 5, "≤ 5× floor"),
    ],
    "cell": [Target("p50_c1_ms", "<=", 15, "p50 ≤ 15 ms")],
    "attendance": [Target("p50_c1_ms", "<=", 20, "p50 ≤ 20 ms")],
    "week": [
        Target("p50_c1_ms", "<=", 10, "p50 ≤ 10 ms"),
        Target("rps_c4", ">=", 150, "≥ 150 req/s at c4"),
        Target("floor_ratio", "<=", 5, "≤ 5× floor"),
    ],
    "marks": [
        Target("p50_c1_ms", "<=", 10, "p50 ≤ 10 ms"),
        Target("rps_c4", ">=", 150, "≥ 150 req/s at c4"),
        Target("floor_ratio", "<=", 5, "≤ 5× floor"),
    ],
    "dashboard": [Target("p50_c1_ms", "<=", 50, "p50 ≤ 50 ms")],
    "pdf_class": [Target("p50_c1_ms", "<=", 1000, "≤ 1 s")],
    "pdf_school": [Target("seconds", "<=", 60, "≤ 60 s")],
    "nightly": [Target("seconds_20", "<=", 30, "20 schools ≤ 30 s")],
}


def verdict(name: str, result: dict) -> tuple[str, list[str]]:
    """«ok», «miss» or «—» (nothing to compare), and the misses in words."""
    checks = [(t, t.check(result)) for t in TARGETS.get(name, [])]
    misses = [t.miss(result) for t, ok in checks if ok is False]
    if misses:
        return "miss", misses
    return ("ok" if any(ok for _t, ok in checks) else "—"), []


# --- HTTP ------------------------------------------------------------------------------------------------------


@dataclass
class Session:
    username: str
    cookies: dict[str, str]

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    @property
    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")


class Http:
    """Plain http.client requests to the server under test: no redirects followed, nothing cached."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.base = f"http://{host}:{port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        session: Session | None = None,
        form: dict | None = None,
        headers: dict | None = None,
        timeout: float = 120,
    ) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            all_headers = dict(headers or {})
            body = None
            if session is not None:
                all_headers["Cookie"] = session.cookie_header
            if form is not None:
                body = urllib.parse.urlencode(form).encode()
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
                all_headers.setdefault("Referer", self.base + path)
                if session is not None:
                    all_headers.setdefault("X-CSRFToken", session.csrf)
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
            cookies = SimpleCookie()
            for value in response.headers.get_all("Set-Cookie") or []:
                cookies.load(value)
            result_headers = {k.lower(): v for k, v in response.getheaders()}
            result_headers["_cookies"] = {k: m.value for k, m in cookies.items()}
            return response.status, result_headers, data
        finally:
            conn.close()

    def login(self, username: str, password: str) -> Session:
        status, headers, _ = self.request("GET", "/accounts/login/")
        cookies = dict(headers["_cookies"])
        if status != 200 or "csrftoken" not in cookies:
            raise RuntimeError(f"login page: HTTP {status}, cookies {sorted(cookies)}")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": cookies["csrftoken"]}
        status, headers, _ = self.request("POST", "/accounts/login/", session=Session(username, cookies), form=form)
        cookies.update(headers["_cookies"])
        if status != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"login of {username}: HTTP {status} (wrong password or the login form changed)")
        return Session(username, cookies)

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if self.request("GET", "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server on {self.base} did not answer /healthz in {seconds:.0f} s")
            time.sleep(0.25)


def wrk(base: str, path: str, script: str, args: list[str], *, connections: int, duration: float, env: dict) -> dict:
    """One wrk run; returns its JSON line (latencies in µs) with ``rps`` and ``bytes_per_request`` added."""
    cmd = [
        "wrk",
        "-t",
        str(connections),
        "-c",
        str(connections),
        "-d",
        f"{duration:g}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA / script),
        base + path,
        "--",
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env | {"BENCH_LUA": f"{LUA}/"}, cwd=ROOT)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stdout[-800:]} {proc.stderr[-800:]}")
    data = json.loads(line[len("BENCH_JSON ") :])
    seconds = data["duration_us"] / 1e6
    data["rps"] = data["requests"] / seconds if seconds else 0.0
    data["bytes_per_request"] = data["bytes"] / data["requests"] if data["requests"] else 0
    data["errors"] = data["connect"] + data["read"] + data["write"] + data["timeout"] + data["status"]
    return data


def _ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return int(fields[11]) + int(fields[12])


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


TICK_MS = 1000 / 100  # Linux USER_HZ


class CpuMeter:
    """CPU time spent by the gunicorn workers and by the PostgreSQL backends serving them, between two samples.

    On a machine shared with other work, wall-clock latency grows with the neighbours' load; CPU time per
    request does not (much). ``cores × 1000 / cpu_ms`` estimates the throughput of idle cores.
    """

    def __init__(self, server_pid: int | None, dsn: str):
        self.server_pid, self.dsn = server_pid, dsn

    def _backends(self) -> list[int]:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchall()
        return [r[0] for r in rows]

    def sample(self) -> dict:
        if not self.server_pid:
            return {}
        return {
            "app": {pid: _ticks(pid) for pid in _children(self.server_pid)},
            "db": {pid: _ticks(pid) for pid in self._backends()},
        }

    @staticmethod
    def per_request(before: dict, after: dict, requests: int) -> dict:
        if not before or not requests:
            return {}
        out = {}
        for part in ("app", "db"):
            ticks = sum(t - before[part].get(pid, 0) for pid, t in after[part].items())
            out[f"cpu_{part}_ms"] = round(ticks * TICK_MS / requests, 2)
        out["cpu_ms"] = round(out["cpu_app_ms"] + out["cpu_db_ms"], 2)
        return out


def cpu_idle(seconds: float = 2.0) -> float:
    """Share of the machine's CPU time left idle over ``seconds`` (from /proc/stat)."""

    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return fields[3] + fields[4], sum(fields[:8])

    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def wait_idle(max_seconds: float, threshold: float = 0.8, log=print) -> float:
    """Wait up to ``max_seconds`` for the machine to be at least ``threshold`` idle; returns the last idle share."""
    if max_seconds <= 0:
        return cpu_idle(1.0)
    deadline = time.monotonic() + max_seconds
    idle = cpu_idle()
    waited = False
    while idle < threshold and time.monotonic() < deadline:
        if not waited:
            log(f"  waiting for the machine to quieten (idle {idle:.0%} < {threshold:.0%}, up to {max_seconds:.0f} s)…")
            waited = True
        idle = cpu_idle()
    return idle


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:  # pragma: no cover
        return -1.0


# --- the bench ---------------------------------------------------------------------------------------------


@dataclass
class Bench:
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

    # -- the teacher -------------------------------------------------------------------------------------------

    def grid_path(self) -> str:
        return f"/journal/a/{self.actors['grid_assignment']}/?period={self.actors['grid_period']}"

    def grid(self, scale: str, **kw) -> dict:
        from journal.models import StudyPeriod

        a = self.actors
        period = StudyPeriod.objects.get(pk=a["grid_period"])

        def floor_fn(conn):
            return floor.grid_html(
                conn, assignment=a["grid_assignment"], class_id=a["grid_class"], start=period.start, end=period.end
            )

        return self.page(
            "grid",
            "teacher's grid, 30 students × 60 lessons, every cell marked",
            "grid_teacher",
            self.grid_path(),
            scale=scale,
            floor_fn=floor_fn,
            cached=True,
            **kw,
        )

    def cell_token(self, lesson_id: int, student_id: int) -> tuple[str, int | None]:
        """The cell's current token (as ``journal.services.CellState.token``) and its first mark's value."""
        from journal.models import Attendance, Mark
        from journal.services import cell_token

        marks = list(
            Mark.objects.filter(lesson_id=lesson_id, student_id=student_id)
            .order_by("entered_at", "id")
            .values_list("id", "version", "value")
        )
        attendance = (
            Attendance.objects.filter(lesson_id=lesson_id, student_id=student_id).values_list("id", "version").first()
        )
        return cell_token([(m[0], m[1]) for m in marks], attendance), (marks[0][2] if marks else None)

    def cell(self, scale: str) -> dict:
        """One mark saved per request (POST /journal/a/<id>/cell/), each a real write with a current token."""
        a = self.actors
        session = self.session("grid_teacher")
        path = f"/journal/a/{a['save_assignment']}/cell/"
        lesson, students = a["save_lessons"][0], a["save_students"]
        # Queries of one save, in-process, on a cell the load does not use.
        spare = students[-1]
        token, value = self.cell_token(lesson, spare)
        client = self.client("grid_teacher")
        client.get(self.grid_path())
        text = "4" if value == 5 else "5"
        n, captured, response = self._count(
            client,
            "post",
            path,
            {"lesson": lesson, "student": spare, "text": text, "expected": token},
            HTTP_X_REQUESTED_WITH="fetch",
        )
        if response.status_code != 200:
            raise RuntimeError(f"cell save in-process: HTTP {response.status_code} {response.content[:300]!r}")
        self.sql[f"cell@{scale}"] = [q["sql"] for q in captured]
        status, _h, body = self.http.request(
            "POST",
            path,
            session=session,
            form={
                "lesson": lesson,
                "student": spare,
                "text": "4" if text == "5" else "5",
                "expected": self.cell_token(lesson, spare)[0],
            },
            headers={"X-Requested-With": "fetch"},
        )
        if status != 200:
            raise RuntimeError(f"cell save over HTTP: {status} {body[:300]!r}")

        def specs(count: int) -> list[str]:
            # A save still in flight when wrk stopped commits after it: let it land before reading tokens.
            time.sleep(1)
            return [f"{lesson}|{s}|{self.cell_token(lesson, s)[0]}" for s in students[:count]]

        head = [session.cookie_header, session.csrf, self.http.base + self.grid_path(), path]
        result = {
            "name": "cell",
            "title": "one mark cell saved (5 ↔ 4, every request writes)",
            "scale": scale,
            "method": "POST",
            "path": path,
            "user": session.username,
            "bytes": len(body),
            "queries": n,
            "concurrency": self.concurrency,
        }
        # Tokens move with every save: read them again before each run (warm-up, c1, cN).
        result |= self._wrk_pair(path, "cell.lua", lambda: head + specs(1), lambda: head + specs(self.concurrency))
        return self._finish("cell", result)

    def attendance_bodies(self) -> tuple[str, str]:
        st = self.actors["save_students"]
        a = {st[0]: "Н", st[1]: "Н", st[2]: "Б"}
        b = {st[1]: "Б", st[3]: "Н", st[4]: "У"}
        return (
            urllib.parse.urlencode({f"s{k}": v for k, v in a.items()}),
            urllib.parse.urlencode({f"s{k}": v for k, v in b.items()}),
        )

    def attendance(self, scale: str) -> dict:
        """A whole lesson's attendance (30 students) in one POST, alternating two sets of absences."""
        a = self.actors
        session = self.session("grid_teacher")
        lessons = a["save_lessons"][1:]
        body_a, body_b = self.attendance_bodies()
        client = self.client("grid_teacher")
        client.get(self.grid_path())
        path0 = f"/journal/lesson/{a['save_lessons'][0]}/attendance/"
        n, captured, response = self._count(
            client, "post", path0, urllib.parse.parse_qs(body_a), HTTP_X_REQUESTED_WITH="fetch"
        )
        if response.status_code != 200:
            raise RuntimeError(f"attendance in-process: HTTP {response.status_code} {response.content[:300]!r}")
        self.sql[f"attendance@{scale}"] = [q["sql"] for q in captured]
        status, _h, body = self.http.request(
            "POST",
            path0,
            session=session,
            form=dict(urllib.parse.parse_qsl(body_b)),
            headers={"X-Requested-With": "fetch"},
        )
        if status != 200:
            raise RuntimeError(f"attendance over HTTP: {status} {body[:300]!r}")
        head = [session.cookie_header, session.csrf, self.http.base + self.grid_path()]
        specs = [f"{lesson}|{body_a}|{body_b}" for lesson in lessons]
        path = f"/journal/lesson/{lessons[0]}/attendance/"
        result = {
            "name": "attendance",
            "title": "a whole lesson's attendance, 30 students in one POST (3 absences ↔ 3 others)",
            "scale": scale,
            "method": "POST",
            "path": "/journal/lesson/<id>/attendance/",
            "user": session.username,
            "bytes": len(body),
            "queries": n,
            "concurrency": self.concurrency,
        }
        result |= self._wrk_pair(path, "attendance.lua", head + specs[:1], head + specs[: self.concurrency])
        return self._finish("attendance", result)

    # -- the parent ---------------------------------------------------------------------------------------------

    def week(self, scale: str, **kw) -> dict:
        a = self.actors
        monday = self.today - datetime.timedelta(days=self.today.weekday())

        def floor_fn(conn):
            return floor.week_html(conn, student=a["diary_student"], class_id=a["diary_class"], monday=monday)

        return self.page(
            "week",
            f"parent's diary, this week of a 7th-grader ({a.get('diary_subjects', 10)} subjects)",
            "parent",
            f"/diary/{a['diary_student']}/week/",
            scale=scale,
            floor_fn=floor_fn,
            cached=True,
            **kw,
        )

    def marks(self, scale: str, **kw) -> dict:
        from diary import selectors as diary_selectors
        from journal.models import Student, StudyPeriod

        a = self.actors
        student = Student.objects.select_related("school_class").get(pk=a["diary_student"])
        periods = diary_selectors.periods_for_student(student=student)
        period = StudyPeriod.current_among(periods, self.today)
        year = diary_selectors.year_period(periods)

        def floor_fn(conn):
            return floor.marks_html(
                conn, student=a["diary_student"], period=period.pk, year=year.pk, start=period.start, end=period.end
            )

        return self.page(
            "marks",
            f"parent's diary, marks of the period ({period}), {a.get('diary_subjects', 10)} subjects",
            "parent",
            f"/diary/{a['diary_student']}/marks/",
            scale=scale,
            floor_fn=floor_fn,
            cached=True,
            **kw,
        )

    # -- the deputy -------------------------------------------------------------------------------------------

    def dashboard(self, scale: str, **kw) -> dict:
        return self.page(
            "dashboard",
            "deputy's dashboard, 1,200-student school, 9 weeks of check history",
            "deputy",
            "/audit/",
            scale=scale,
            cached=True,
            **kw,
        )

    def pdf_class(self, scale: str) -> dict:
        """The summary sheet PDF of the grid's class for its half-year (WeasyPrint in the request)."""
        a = self.actors
        session = self.session("deputy")
        path = f"/audit/changes/sheet.pdf?class={a['grid_class']}&period={a['grid_period']}"
        status, headers, body = self.http.request("GET", path, session=session)
        if status != 200 or not body.startswith(b"%PDF"):
            raise RuntimeError(f"pdf_class: GET {path}: HTTP {status} {body[:200]!r}")
        n, captured = self.count_get("deputy", path)
        self.sql[f"pdf_class@{scale}"] = [q["sql"] for q in captured]
        result = {
            "name": "pdf_class",
            "title": f"summary sheet PDF of one class (30 students × {a.get('grid_class_subjects', 10)} subjects"
            " + change table)",
            "scale": scale,
            "method": "GET",
            "path": path,
            "user": session.username,
            "bytes": len(body),
            "content_type": headers.get("content-type", ""),
            "queries": n,
            "concurrency": 1,
        }
        duration, self.duration = self.duration, max(self.duration, 8)
        try:
            result |= self._wrk_pair(path, "get.lua", [session.cookie_header], None, c1_only=True)
        finally:
            self.duration = duration
        return self._finish("pdf_class", result)

    def pdf_school(self, scale: str, period_id: int) -> dict:
        """The whole school's summary sheets through Celery: POST, then poll the batch until it is done."""
        session = self.session("deputy")
        idle = wait_idle(self.wait_idle, log=self.log)
        load = load_average()
        started = time.monotonic()
        status, headers, body = self.http.request(
            "POST", "/audit/changes/sheets/", session=session, form={"period": period_id}
        )
        location = headers.get("location", "")
        match = re.search(r"batch=(\d+)", location)
        if status != 302 or not match:
            raise RuntimeError(f"pdf_school: POST /audit/changes/sheets/: HTTP {status} {location} {body[:200]!r}")
        batch = match.group(1)
        state = {}
        while time.monotonic() - started < 600:
            _s, _h, raw = self.http.request("GET", f"/audit/changes/sheets/{batch}/status/", session=session)
            state = json.loads(raw)
            if state.get("status") in ("done", "failed"):
                break
            time.sleep(0.2)
        seconds = time.monotonic() - started
        if state.get("status") != "done":
            raise RuntimeError(f"pdf_school: batch {batch} ended {state}")
        _s, _h, archive = self.http.request("GET", state["download"], session=session)
        result = {
            "name": "pdf_school",
            "title": f"the whole school's summary sheets through Celery ({state.get('total')} classes, one ZIP)",
            "scale": scale,
            "method": "POST+poll",
            "path": "/audit/changes/sheets/",
            "user": session.username,
            "bytes": len(archive),
            "classes": state.get("total"),
            "seconds": round(seconds, 1),
            "per_class_ms": round(seconds * 1000 / max(1, state.get("total") or 1)),
            "load_before": load,
            "idle_before": round(idle, 2),
        }
        return self._finish("pdf_school", result)

    # -- the nightly checks -----------------------------------------------------------------------------------

    def nightly(self, scale: str, schools: int, python: str) -> dict:
        """``manage.py run_compliance_checks`` (deadlines and visits) for every school, timed as a whole and
        per school (the command prints each part's seconds)."""
        idle = wait_idle(self.wait_idle, log=self.log)
        load = load_average()
        started = time.monotonic()
        proc = subprocess.run(
            [python, "manage.py", "run_compliance_checks"], capture_output=True, text=True, env=self.env, cwd=ROOT
        )
        seconds = time.monotonic() - started
        (TMP / f"nightly-{scale}.log").write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise RuntimeError(f"run_compliance_checks failed: {proc.stderr[-1500:]}")
        per_school = []
        current = None
        for line in proc.stdout.splitlines():
            heading = re.search(r"\(id (\d+)\)\s*$", line)
            if heading:
                current = {"school_id": int(heading.group(1)), "deadlines_s": None, "visits_s": None}
                per_school.append(current)
                continue
            part = re.match(r"\s+(Сроки|Посещения): ([\d.]+) с", line)
            if part and current is not None:
                current["deadlines_s" if part.group(1) == "Сроки" else "visits_s"] = float(part.group(2))
        parts = [
            s["deadlines_s"] + s["visits_s"]
            for s in per_school
            if s["deadlines_s"] is not None and s["visits_s"] is not None
        ]
        per = statistics.mean(parts) if parts else seconds / schools
        result = {
            "name": "nightly",
            "title": f"nightly checks of п. 3.3 (deadlines and diary visits), {schools} school(s)",
            "scale": scale,
            "schools": schools,
            "seconds": round(seconds, 1),
            "per_school_s": round(per, 2),
            "deadlines_s": round(statistics.mean([s["deadlines_s"] for s in per_school]), 2) if parts else None,
            "visits_s": round(statistics.mean([s["visits_s"] for s in per_school]), 2) if parts else None,
            "max_school_s": round(max(parts), 2) if parts else None,
            "city_100_sequential_min": round(per * 100 / 60, 1),
            "city_100_two_workers_min": round(per * 100 / 60 / 2, 1),
            "per_school": per_school,
            "load_before": load,
            "idle_before": round(idle, 2),
        }
        if schools >= 20:
            result["seconds_20"] = result["seconds"]
        return self._finish("nightly", result)

    def nightly_celery(self, scale: str, schools: int) -> dict:
        """The production path: the two nightly tasks fan out one task per school over the Celery workers;
        done when every school's ``ComplianceState`` shows both parts run after the start."""
        from django.utils import timezone

        from audit.compliance.models import ComplianceState
        from audit.compliance.tasks import run_deadline_checks, run_visit_checks

        idle = wait_idle(self.wait_idle, log=self.log)
        load = load_average()
        started_at = timezone.now()
        started = time.monotonic()
        run_deadline_checks.delay()
        run_visit_checks.delay()
        done = 0
        while time.monotonic() - started < 900:
            done = ComplianceState.objects.filter(deadlines_at__gte=started_at, visits_at__gte=started_at).count()
            if done >= schools:
                break
            time.sleep(0.25)
        seconds = time.monotonic() - started
        if done < schools:
            raise RuntimeError(f"nightly through Celery: {done} of {schools} schools done after {seconds:.0f} s")
        result = {
            "name": "nightly_celery",
            "title": f"the same nightly checks as Celery tasks, one per school, on 2 worker processes ({schools} schools)",
            "scale": scale,
            "schools": schools,
            "seconds": round(seconds, 1),
            "per_school_s": round(seconds / schools, 2),
            "city_100_two_workers_min": round(seconds / schools * 100 / 60, 1),
            "load_before": load,
            "idle_before": round(idle, 2),
        }
        if schools >= 20:
            result["seconds_20"] = result["seconds"]
        return self._finish("nightly", result)

    # -- EXPLAIN ANALYZE ------------------------------------------------------------------------------------------

    def explain(self, name: str, queries: list[dict], scale: str, *, top: int | None = None) -> dict:
        """EXPLAIN (ANALYZE, BUFFERS) of each SELECT a page ran, into ``explain/<name>.txt``; big seq scans flagged."""
        chosen = [q for q in queries if re.match(r"\s*(SELECT|WITH)\b", q["sql"], re.IGNORECASE)]
        if top:
            chosen = sorted(chosen, key=lambda q: -float(q.get("time") or 0))[:top]
        out = io.StringIO()
        out.write(f"-- {name}: EXPLAIN (ANALYZE, BUFFERS) of its queries at the {scale} scale, {self.today}\n")
        out.write(f"-- {len(queries)} queries in all, {len(chosen)} SELECTs explained below.\n\n")
        flags = []
        total_ms = 0.0
        with psycopg.connect(self.dsn) as conn:
            for i, q in enumerate(chosen, start=1):
                sql = q["sql"]
                try:
                    with conn.cursor() as cur:
                        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                        plan = "\n".join(row[0] for row in cur.fetchall())
                except psycopg.Error as error:
                    plan = f"(EXPLAIN failed: {error})"
                conn.rollback()
                execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
                ms = float(execution.group(1)) if execution else 0.0
                total_ms += ms
                for match in re.finditer(
                    r"Seq Scan on (\w+)[^\n]*actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)", plan
                ):
                    table, rows, loops = match.group(1), int(match.group(2)), int(match.group(3))
                    removed = re.search(
                        rf"Seq Scan on {table}.*?\n(?:.*\n)*?\s+Rows Removed by Filter: (\d+)", plan[match.start() :]
                    )
                    scanned = rows * loops + (int(removed.group(1)) * loops if removed else 0)
                    if table in BIG_TABLES and scanned > 5000:
                        flags.append({"query": i, "table": table, "rows_scanned": scanned, "ms": ms})
                out.write(f"-- [{i}] {ms:.2f} ms (Django measured {float(q.get('time') or 0) * 1000:.1f} ms)\n")
                out.write(sql.strip() + ";\n\n" + plan + "\n\n")
        folder = self.output / "explain"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.txt"
        path.write_text(out.getvalue())
        entry = {
            "name": name,
            "scale": scale,
            "file": f"explain/{name}.txt",
            "queries": len(queries),
            "explained": len(chosen),
            "execution_ms": round(total_ms, 2),
            "seq_scans": flags,
        }
        self.explains.append(entry)
        flagged = f", seq scans of big tables: {flags}" if flags else ""
        self.log(f"  explain {name}: {len(chosen)} SELECTs, {total_ms:.1f} ms in the database{flagged}")
        return entry

    def capture_nightly(self, school_id: int) -> list[dict]:
        """The SQL of the nightly checks of one school, captured in-process."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from audit.compliance import services

        with CaptureQueriesContext(connection) as ctx:
            services.deadline_checks_run(school_id=school_id)
            services.visit_checks_run(school_id=school_id)
        return list(ctx.captured_queries)

    # -- profiles --------------------------------------------------------------------------------------------------

    def profile(
        self,
        name: str,
        role: str,
        path: str,
        *,
        runs: int = 30,
        method: str = "get",
        data=None,
        extra: dict | None = None,
    ) -> str:
        """cProfile of ``runs`` in-process requests: the functions where the time goes, for a missed target."""
        client = self.client(role)
        call = getattr(client, method)
        call(path, data or {}, **(extra or {}))
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(runs):
            call(path, data or {}, **(extra or {}))
        profiler.disable()
        out = io.StringIO()
        out.write(
            f"# cProfile: {runs} × {method.upper()} {path} as {self.actors[role]}, in-process, CPU time "
            "(time.process_time: waits for the database and for the CPU are not counted)\n\n"
        )
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        out.write("## by cumulative time\n")
        stats.sort_stats("cumulative").print_stats(45)
        out.write("\n## by own time\n")
        stats.sort_stats("tottime").print_stats(30)
        self.output.mkdir(parents=True, exist_ok=True)
        target = self.output / f"profile-{name}.txt"
        target.write_text(out.getvalue())
        self.profiles.append(target.name)
        self.log(f"  profile: {target}")
        return str(target)


def python_executable() -> str:
    return sys.executable
