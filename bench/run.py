"""``make bench`` (``python -m bench.run``): build the bench database, serve, load, measure, report.

    python -m bench.run                       # everything: school scale, then 20 schools (~10–14 min)
    python -m bench.run --quick               # school scale only
    python -m bench.run --scenarios grid,week # only these (school scale unless --city)
    python -m bench.run --reuse               # keep the database built by the previous run (development)

The results go to ``bench/results/latest.md`` and ``latest.json``, the plans to ``bench/results/explain/``,
profiles of missed targets to ``bench/results/profile-*.txt``. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import platform
import pstats
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TMP = RESULTS / "tmp"

SCENARIOS = [
    "grid",
    "cell",
    "attendance",
    "week",
    "marks",
    "nightly",
    "dashboard",
    "pdf_class",
    "pdf_school",
    "explain",
]
#: Read again at the 20-school scale, shorter, to show they do not grow with the data.
CITY_PAGES = ["grid", "week", "marks", "dashboard"]

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/school84_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="school scale only (no 20-school database)")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help=f"comma-separated subset of: {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--schools", type=int, default=20, help="schools at the city scale (default 20)")
    parser.add_argument("--duration", type=float, default=6, help="seconds of each wrk run (default 6)")
    parser.add_argument(
        "--city-duration", type=float, default=4, help="seconds of each wrk run at the city scale (default 4)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="connections of the throughput runs (default 4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--port", type=int, default=8765, help="port of the bench's gunicorn (default 8765)")
    parser.add_argument("--loaders", type=int, default=2, help="schools loaded side by side (default 2)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the bench database of a previous run when it is of today and big enough",
    )
    parser.add_argument("--no-profile", action="store_true", help="do not profile the missed targets")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each measured scenario, wait up to SECONDS for the CPU to be 80%% idle (a shared machine)",
    )
    parser.add_argument("--output", default=str(RESULTS), help="where latest.md and latest.json go")
    args = parser.parse_args(argv)
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


def log(message: str = "") -> None:
    print(message, flush=True)


# --- environment -------------------------------------------------------------------------------------------


def bench_env(args) -> dict[str, str]:
    """The settings of the app under test: PostgreSQL and Redis of the bench, production switches."""
    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    name = urlparse(database).path.lstrip("/")
    if not name.endswith("_bench"):
        raise SystemExit(f"BENCH_DATABASE_URL must name a database ending in _bench (it is dropped): {name!r}")
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(TMP / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "school84.settings",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def libpq_dsn(url: str) -> str:
    parsed = urlparse(url)
    return parsed._replace(scheme="postgresql").geturl()


def ensure_wrk() -> str:
    """wrk is Debian's package ``wrk``: installed here with apt-get when running as root, else named."""
    path = shutil.which("wrk")
    if path:
        return path
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing: installing the Debian package wrk (apt-get install -y wrk)…")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=True)
        path = shutil.which("wrk")
        if path:
            return path
    raise SystemExit("The load needs wrk: sudo apt-get install wrk (the Debian package «wrk»).")


def check_services(env: dict) -> tuple[str, bool]:
    dsn = libpq_dsn(env["DATABASE_URL"])
    admin = libpq_dsn(urlparse(env["DATABASE_URL"])._replace(path="/postgres").geturl())
    try:
        with psycopg.connect(admin, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        raise SystemExit(f"PostgreSQL is not reachable ({admin}): {error}") from None
    redis_ok = False
    try:
        import redis

        client = redis.Redis.from_url(env["REDIS_URL"], socket_timeout=3)
        client.ping()
        client.flushdb()  # the bench's own database number (12 by default): stale cached ids would mislead
        redis_ok = True
    except Exception as error:
        log(f"Redis is not reachable ({env['REDIS_URL']}: {error}): local-memory cache, no Celery scenario.")
        env.pop("REDIS_URL")
    return dsn, redis_ok


# --- processes we start (and stop, by their own pid) --------------------------------------------------------------


class Process:
    def __init__(self, name: str, cmd: list[str], env: dict, logfile: Path):
        self.name, self.cmd, self.env, self.logfile = name, cmd, env, logfile
        self.proc: subprocess.Popen | None = None

    def start(self) -> Process:
        self.logfile.parent.mkdir(parents=True, exist_ok=True)
        handle = self.logfile.open("ab")
        self.proc = subprocess.Popen(self.cmd, env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
        return self

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def gunicorn(args, env) -> Process:
    return Process(
        "gunicorn",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "school84.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env,
        TMP / "gunicorn.log",
    )


def celery_worker(env) -> Process:
    return Process(
        "celery",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "school84",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            "2",
            "-n",
            f"bench{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env,
        TMP / "celery.log",
    )


def wait_celery(seconds: float = 60) -> None:
    from school84.celery import app

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1):
            return
        time.sleep(0.5)
    raise RuntimeError("the Celery worker did not answer a ping")


# --- the database ------------------------------------------------------------------------------------------


def recreate_database(env) -> None:
    url = urlparse(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = libpq_dsn(url._replace(path="/postgres").geturl())
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def read_meta(dsn: str) -> dict | None:
    try:
        with psycopg.connect(dsn) as conn:
            row = conn.execute("SELECT value FROM bench_meta WHERE key = 'bench'").fetchone()
            return row[0] if row else None
    except psycopg.Error:
        return None


def write_meta(dsn: str, meta: dict) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
        conn.execute(
            "INSERT INTO bench_meta (key, value) VALUES ('bench', %s) ON CONFLICT (key) DO UPDATE SET value = "
            "EXCLUDED.value",
            (json.dumps(meta),),
        )


# --- the machine -------------------------------------------------------------------------------------------


def python_loop_seconds() -> float:
    """A fixed pure-Python workload (10 million additions in a loop), best of three: the machine's speed.

    The kinds of machine this runs on differ up to 3× in single-core speed; the same code measures that much
    slower or faster. This number lets two runs on different machines be compared.
    """
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.process_time() - started)
    return round(best, 2)


def machine(dsn: str) -> dict:
    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": "",
        "memory_gb": None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_start": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["python_loop_s"] = python_loop_seconds()
    import django
    import gunicorn as gunicorn_module

    info["django"] = django.get_version()
    info["gunicorn"] = gunicorn_module.__version__
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    info["wrk"] = (wrk_version.stdout or wrk_version.stderr).split("[")[0].replace("wrk", "").strip()
    with psycopg.connect(dsn) as conn:
        info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
        settings = {}
        for name in (
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "max_parallel_workers_per_gather",
            "autovacuum",
            "synchronous_commit",
            "jit",
        ):
            settings[name] = conn.execute(f"SHOW {name}").fetchone()[0]
        info["postgresql_settings"] = settings
    return info


# --- the run -------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    run_started = time.monotonic()
    load_start = Path("/proc/loadavg").read_text().split()[:3]
    phases: dict[str, float] = {}
    env = bench_env(args)
    ensure_wrk()
    dsn, redis_ok = check_services(env)
    os.environ.update(env)
    if not redis_ok:
        os.environ.pop("REDIS_URL", None)
    full_env = dict(os.environ)
    TMP.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections

    from demo.plan import calendar_for

    from . import data, database
    from .scenarios import Bench, Http

    wanted = set(args.scenarios)
    city = not args.quick and bool(wanted & {"nightly", "explain", *CITY_PAGES})
    today = datetime.date.today()
    log(
        f"Bench: {env['DATABASE_URL']} · today {today} · {os.cpu_count()} cores · "
        f"load average {Path('/proc/loadavg').read_text().split()[0]}"
    )

    # 1. The school: a fresh database, migrated, with the bench school (unless --reuse finds it).
    step = time.monotonic()
    meta = read_meta(dsn) if args.reuse else None
    if meta and meta.get("today") == today.isoformat():
        log(f"Reusing the bench database ({meta['schools']} schools).")
    else:
        meta = None
        log("Creating the bench database, migrating…")
        recreate_database(env)
        call_command("migrate", verbosity=0, interactive=False)
        connections.close_all()
        phases["migrate_s"] = round(time.monotonic() - step, 1)
        step = time.monotonic()
        log("Building school 1 (1,200 students, a year of journal)…")
        with psycopg.connect(dsn) as conn:
            shared = data.build_shared(
                conn, calendar=calendar_for(today), today=today, password_hash=make_password(data.PASSWORD)
            )
        results, timings = data.build_schools(dsn, shared, range(1, 2), loaders=1, log=log)
        meta = {
            "today": today.isoformat(),
            "schools": 1,
            "actors": results[0].actors.as_dict(),
            "shared": {"year_id": shared.year_id, "periods": {f"{k}:{n}": v for (k, n), v in shared.periods.items()}},
            "school_build": [
                {"number": r.number, "seconds": round(r.seconds, 1), "counts": r.counts, "timings_ms": r.timings}
                for r in results
            ],
            "school_build_timings": timings,
        }
        write_meta(dsn, meta)
        phases["build_school_s"] = round(time.monotonic() - step, 1)
    actors = meta["actors"]
    year_period = meta["shared"]["periods"]["year:1"]
    with psycopg.connect(dsn) as conn:
        sizes_school = database.table_sizes(conn)

    http = Http("127.0.0.1", args.port)
    bench = Bench(
        http=http,
        env=full_env,
        dsn=dsn,
        actors=actors,
        today=today,
        duration=args.duration,
        concurrency=args.concurrency,
        log=log,
        output=Path(args.output),
        cores=os.cpu_count() or 2,
        wait_idle=args.wait_idle,
    )
    server = gunicorn(args, full_env)
    worker = None
    failures: list[str] = []

    def attempt(label: str, fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except Exception as error:
            failures.append(f"{label}: {error}")
            log(f"  ✗ {label}: {error}")
            return None

    try:
        step = time.monotonic()
        server.start()
        http.wait_ready()
        bench.server_pid = server.proc.pid
        log(
            f"gunicorn: {args.workers} sync workers on {http.base}; wrk: c1 and c{args.concurrency}, "
            f"{args.duration:g} s a run"
        )
        log("School scale:")
        if "grid" in wanted:
            attempt("grid", bench.grid, "school")
        if "cell" in wanted:
            attempt("cell", bench.cell, "school")
        if "attendance" in wanted:
            attempt("attendance", bench.attendance, "school")
        if "week" in wanted:
            attempt("week", bench.week, "school")
        if "marks" in wanted:
            attempt("marks", bench.marks, "school")
        if "nightly" in wanted or "dashboard" in wanted:
            attempt("nightly", bench.nightly, "school", meta["schools"], sys.executable)
            database.backfill_compliance_history(dsn, days=63, log=log)
        if "dashboard" in wanted:
            attempt("dashboard", bench.dashboard, "school")
        if "pdf_class" in wanted:
            attempt("pdf_class", bench.pdf_class, "school")
        if "pdf_school" in wanted:
            if redis_ok:
                worker = celery_worker(full_env).start()
                attempt("celery", wait_celery)
                attempt("pdf_school", bench.pdf_school, "school", year_period)
                worker.stop()
                worker = None
            else:
                failures.append("pdf_school: no Redis, so no Celery worker")
        phases["school_scenarios_s"] = round(time.monotonic() - step, 1)

        sizes_city = None
        if city:
            # 2. The city: schools 2…N beside the first; the server is stopped while indexes are rebuilt.
            server.stop()
            connections.close_all()
            step = time.monotonic()
            if meta["schools"] < args.schools:
                log(f"Building schools {meta['schools'] + 1}…{args.schools} ({args.loaders} loaders side by side)…")
                with psycopg.connect(dsn) as conn:
                    shared = data.load_shared(
                        conn, calendar=calendar_for(today), today=today, password_hash=make_password(data.PASSWORD)
                    )
                results, timings = data.build_schools(
                    dsn, shared, range(meta["schools"] + 1, args.schools + 1), loaders=args.loaders, log=log
                )
                meta["schools"] = args.schools
                meta["city_build_timings"] = timings
                meta["city_build"] = [
                    {"number": r.number, "seconds": round(r.seconds, 1), "counts": r.counts} for r in results
                ]
                write_meta(dsn, meta)
            phases["build_city_s"] = round(time.monotonic() - step, 1)
            with psycopg.connect(dsn) as conn:
                sizes_city = database.table_sizes(conn)
            step = time.monotonic()
            server = gunicorn(args, full_env)
            server.start()
            http.wait_ready()
            bench.server_pid = server.proc.pid
            log(f"City scale ({args.schools} schools):")
            if "nightly" in wanted or "dashboard" in wanted:
                attempt("nightly", bench.nightly, "city", meta["schools"], sys.executable)
                database.backfill_compliance_history(dsn, days=63, log=log)
            if "nightly" in wanted and redis_ok:
                worker = celery_worker(full_env).start()
                attempt("celery", wait_celery)
                attempt("nightly_celery", bench.nightly_celery, "city", meta["schools"])
                worker.stop()
                worker = None
            bench.duration = args.city_duration
            for name in CITY_PAGES:
                if name in wanted:
                    attempt(name, getattr(bench, name), "city")
            phases["city_scenarios_s"] = round(time.monotonic() - step, 1)

        if "explain" in wanted:
            step = time.monotonic()
            scale = "city" if city else "school"
            log(f"EXPLAIN ANALYZE ({scale}):")
            for name, role, path in [
                ("grid", "grid_teacher", bench.grid_path()),
                ("week", "parent", f"/diary/{actors['diary_student']}/week/"),
                ("marks", "parent", f"/diary/{actors['diary_student']}/marks/"),
                ("dashboard", "deputy", "/audit/"),
            ]:

                def capture(role=role, path=path):
                    return bench.count_get(role, path, rebuilt=True)[1]  # the queries that build the page

                queries = attempt(f"explain {name}", capture)
                if queries is not None:
                    attempt(f"explain {name}", bench.explain, name, queries, scale)
            queries = attempt("explain nightly", bench.capture_nightly, actors["school_id"])
            if queries:
                attempt("explain nightly", bench.explain, "nightly", queries, scale, top=15)
            for name in ("cell", "attendance"):
                key = f"{name}@school"
                if key in bench.sql:
                    captured = [{"sql": sql, "time": "0"} for sql in bench.sql[key]]
                    attempt(f"explain {name}", bench.explain, name, captured, scale)
            phases["explain_s"] = round(time.monotonic() - step, 1)

        if not args.no_profile:
            step = time.monotonic()
            profile_misses(bench, attempt)
            phases["profiles_s"] = round(time.monotonic() - step, 1)
    finally:
        if worker is not None:
            worker.stop()
        server.stop()
        connections.close_all()

    with psycopg.connect(dsn) as conn:
        indexes = database.index_usage(conn)
    phases["total_s"] = round(time.monotonic() - run_started, 1)
    report = {
        "machine": machine(dsn),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "settings": {
            "workers": args.workers,
            "worker_class": "sync",
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "city_duration_s": args.city_duration,
            "redis": redis_ok,
            "schools": meta["schools"],
        },
        "data": {
            "today": meta["today"],
            "school_build": meta.get("school_build"),
            "school_build_timings": meta.get("school_build_timings"),
            "city_build_timings": meta.get("city_build_timings"),
            "tables_school": sizes_school,
            "tables_city": sizes_city,
        },
        "phases": phases,
        "results": bench.results,
        "explain": bench.explains,
        "indexes": indexes,
        "profiles": bench.profiles,
        "failures": failures,
    }
    report["machine"]["load_average_start"] = load_start
    report["machine"]["load_average_end"] = Path("/proc/loadavg").read_text().split()[:3]
    from .report import write_report

    write_report(report, Path(args.output))
    log(f"Done in {phases['total_s'] / 60:.1f} min: {Path(args.output) / 'latest.md'}")
    return 1 if failures else 0


def profile_misses(bench, attempt) -> None:
    """cProfile of the in-process request of each page that missed a latency target."""
    paths = {
        "grid": ("grid_teacher", bench.grid_path()),
        "week": ("parent", f"/diary/{bench.actors['diary_student']}/week/"),
        "marks": ("parent", f"/diary/{bench.actors['diary_student']}/marks/"),
        "dashboard": ("deputy", "/audit/"),
        "pdf_class": (
            "deputy",
            f"/audit/changes/sheet.pdf?class={bench.actors['grid_class']}&period={bench.actors['grid_period']}",
        ),
    }
    done = set()
    for result in bench.results:
        name = result["name"]
        if result["verdict"] != "miss" or name in done:
            continue
        done.add(name)
        if name in paths:
            role, path = paths[name]
            attempt(f"profile {name}", bench.profile, name, role, path, runs=3 if name == "pdf_class" else 15)
        elif name == "cell":
            attempt("profile cell", profile_cell, bench)
        elif name == "attendance":
            attempt("profile attendance", profile_attendance, bench)


def profile_cell(bench) -> None:
    a = bench.actors
    client = bench.client("grid_teacher")
    path = f"/journal/a/{a['save_assignment']}/cell/"
    lesson, student = a["save_lessons"][0], a["save_students"][-2]
    profiler = cProfile.Profile(time.process_time)
    for i in range(20):
        token, _value = bench.cell_token(lesson, student)
        profiler.enable()
        client.post(
            path,
            {"lesson": lesson, "student": student, "text": "5" if i % 2 else "4", "expected": token},
            HTTP_X_REQUESTED_WITH="fetch",
        )
        profiler.disable()
    _write_profile(bench, "cell", profiler, f"20 × POST {path} in-process, CPU time")


def profile_attendance(bench) -> None:
    a = bench.actors
    client = bench.client("grid_teacher")
    path = f"/journal/lesson/{a['save_lessons'][0]}/attendance/"
    bodies = [urllib.parse.parse_qs(b) for b in bench.attendance_bodies()]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for i in range(20):
        client.post(path, bodies[i % 2], HTTP_X_REQUESTED_WITH="fetch")
    profiler.disable()
    _write_profile(bench, "attendance", profiler, f"20 × POST {path} in-process, CPU time")


def _write_profile(bench, name: str, profiler: cProfile.Profile, header: str) -> None:
    out = io.StringIO()
    out.write(f"# cProfile: {header}\n\n## by cumulative time\n")
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    out.write("\n## by own time\n")
    stats.sort_stats("tottime").print_stats(30)
    target = bench.output / f"profile-{name}.txt"
    target.write_text(out.getvalue())
    bench.profiles.append(target.name)
    log(f"  profile: {target}")


if __name__ == "__main__":
    sys.exit(main())
