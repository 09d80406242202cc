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
import datetime
import os
import sys
import time
from pathlib import Path

import psycopg

from . import RESULTS, ROOT, TMP, log
from .processes import (
    bench_env,
    celery_worker,
    check_services,
    ensure_wrk,
    gunicorn,
    machine,
    read_meta,
    recreate_database,
    wait_celery,
    write_meta,
)

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
    from .measure import Http
    from .scenarios import Bench

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
            bench.profile_misses(attempt)
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


if __name__ == "__main__":
    sys.exit(main())
