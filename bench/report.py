"""``bench/results/latest.md`` and ``latest.json`` from one run's measurements.

Everything in the tables is measured by the run. The section between ``<!-- analysis -->`` and
``<!-- /analysis -->`` is written by a person (why a target is missed, what would close it); a new run keeps
it from the previous ``latest.md`` so that it can be checked against the new numbers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .targets import TARGETS

ANALYSIS_START, ANALYSIS_END = "<!-- analysis -->", "<!-- /analysis -->"

PEER = {
    "grid": {"p50_c1_ms": 101, "rps_c4": "11–15", "bytes": 873 * 1024, "queries": 21},
    "marks": {"p50_c1_ms": 53},
    "attendance": {"p50_c1_ms": 204},
    "floor": "2–3 ms",
}


def _ms(value) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _kb(value) -> str:
    if value is None:
        return "—"
    return f"{value / 1024:.1f} KB" if value < 10 * 1024 * 1024 else f"{value / 1024 / 1024:.1f} MB"


def _load(result: dict) -> str:
    load, idle = result.get("load_before"), result.get("idle_before")
    if load is None:
        return "—"
    return f"{load:.1f} · {idle:.0%}" if idle is not None else f"{load:.1f}"


def _targets(name: str) -> str:
    return "; ".join(t.label for t in TARGETS.get(name, [])) or "—"


def _verdict(result: dict) -> str:
    return {"ok": "✅ met", "miss": "❌ missed", "—": "—"}.get(result.get("verdict"), "—")


def _page_rows(results: list[dict], scale: str) -> list[str]:
    rows = []
    for r in results:
        if r["scale"] != scale or r["name"] in ("nightly", "nightly_celery", "pdf_school"):
            continue
        ratio = f"{r['floor_ratio']:.1f}×" if r.get("floor_ratio") is not None else "—"
        floor = _ms(r.get("floor_p50_ms")) if r.get("floor_p50_ms") is not None else "—"
        c4 = "—" if r.get("rps_c4") is None else f"{r['rps_c4']:.0f}"
        inproc = (
            f"{_ms(r['inproc_cpu_min_ms'])} / {_ms(r['inproc_wall_min_ms'])}" if r.get("inproc_cpu_min_ms") else "—"
        )
        cpu = f"{_ms(r['cpu_app_ms'])} + {_ms(r['cpu_db_ms'])}" if r.get("cpu_app_ms") is not None else "—"
        built = (
            f"{_ms(r['miss_wall_p50_ms'])} / {_ms(r['miss_cpu_p50_ms'])} · {r['miss_queries']}"
            if r.get("miss_cpu_p50_ms") is not None
            else "—"
        )
        rows.append(
            f"| **{r['name']}** — {r['title']} | {_ms(r.get('p50_c1_ms'))} | {_ms(r.get('p95_c1_ms'))} | {c4} | "
            f"{_ms(r.get('p50_c4_ms'))} | {_ms(r.get('p95_c4_ms'))} | {_kb(r.get('bytes'))} | {r.get('queries', '—')} "
            f"| {floor} | {ratio} | {cpu} | {inproc} | {built} | {_load(r)} | {_targets(r['name'])} | {_verdict(r)} |"
        )
    return rows


def _job_rows(results: list[dict]) -> list[str]:
    rows = []
    for r in results:
        if r["name"] == "nightly":
            per = (
                f"{r['per_school_s']:.2f} s/school (deadlines {r.get('deadlines_s')} s + visits {r.get('visits_s')} s)"
            )
            projection = (
                f"100 schools: {r['city_100_sequential_min']} min in one process, "
                f"{r['city_100_two_workers_min']} min on two Celery workers"
            )
            rows.append(
                f"| **nightly** — {r['title']} | {r['scale']} | {r['seconds']:.1f} s | {per} | {projection} | "
                f"{_targets('nightly')} | {_verdict(r) if r.get('seconds_20') is not None else '—'} |"
            )
        elif r["name"] == "nightly_celery":
            rows.append(
                f"| **nightly_celery** — {r['title']} | {r['scale']} | {r['seconds']:.1f} s | "
                f"{r['per_school_s']:.2f} s/school of wall time | 100 schools: {r['city_100_two_workers_min']} min | "
                f"{_targets('nightly')} | {_verdict(r) if r.get('seconds_20') is not None else '—'} |"
            )
        elif r["name"] == "pdf_school":
            rows.append(
                f"| **pdf_school** — {r['title']} | {r['scale']} | {r['seconds']:.1f} s | {r['per_class_ms']} ms/class "
                f"| {_kb(r.get('bytes'))} ZIP | {_targets('pdf_school')} | {_verdict(r)} |"
            )
    return rows


def _peer_rows(results: list[dict]) -> list[str]:
    by = {(r["name"], r["scale"]): r for r in results}
    grid = by.get(("grid", "school"))
    marks = by.get(("marks", "school"))
    attendance = by.get(("attendance", "school"))
    rows = []
    if grid:
        rows.append(f"| Markbook / grid 30 × 60, median (c1) | 101 ms | {_ms(grid.get('p50_c1_ms'))} ms |")
        rows.append(f"| Markbook / grid, req/s at c4 | 11–15 | {grid.get('rps_c4', 0):.0f} |")
        rows.append(f"| Markbook / grid, bytes | 873 KB | {_kb(grid.get('bytes'))} |")
        rows.append(f"| Markbook / grid, SQL queries | 21 | {grid.get('queries')} |")
        rows.append(f"| Raw floor (one query + string joins) | 2–3 ms | {_ms(grid.get('floor_p50_ms'))} ms |")
    if marks:
        rows.append(f"| Parent's grades page, median | 53 ms | {_ms(marks.get('p50_c1_ms'))} ms |")
    if attendance:
        rows.append(f"| Saving 30 attendance codes, median | 204 ms | {_ms(attendance.get('p50_c1_ms'))} ms |")
    return rows


def _previous_analysis(path: Path) -> str:
    if not path.exists():
        return ""
    text = path.read_text()
    match = re.search(re.escape(ANALYSIS_START) + r"(.*?)" + re.escape(ANALYSIS_END), text, re.DOTALL)
    return match.group(1).strip() if match else ""


def markdown(report: dict, analysis: str = "") -> str:
    m = report["machine"]
    pg = m.get("postgresql_settings", {})
    s = report["settings"]
    phases = report["phases"]
    results = report["results"]
    data = report["data"]
    lines = [
        "# `make bench` — latest results",
        "",
        f"Run {m['date']} · `{report['command'].strip()}` · **{phases.get('total_s', 0) / 60:.1f} min** in all "
        f"({', '.join(f'{k} {v}' for k, v in phases.items() if k != 'total_s')}).",
        "",
        f"**Machine:** {m['nproc']} × {m['cpu']}, {m['memory_gb']} GB RAM, Linux {m['kernel']}; "
        f"PostgreSQL {m['postgresql']} (shared_buffers {pg.get('shared_buffers')}, work_mem {pg.get('work_mem')}, "
        f"effective_cache_size {pg.get('effective_cache_size')}, autovacuum {pg.get('autovacuum')}, "
        f"jit {pg.get('jit')}); Redis {'on' if s['redis'] else 'off'}; Python {m['python']}, Django {m['django']}, "
        f"gunicorn {m['gunicorn']} ({s['workers']} {s['worker_class']} workers), wrk {m['wrk']}. "
        f"Load average at start {' '.join(m.get('load_average_start') or [])}, at the end "
        f"{' '.join(m.get('load_average_end') or [])} (other processes on the machine share the two cores). "
        f"Single-core speed: 10 million additions in a Python loop take {m.get('python_loop_s', '—')} s "
        "(compare runs on different machines with this number).",
        "",
        "**How to read it.** p50/p95 c1: latency with one connection (what one user waits). req/s c4: "
        f"throughput with {s['concurrency']} connections, and p50/p95 c4 the latency under that load (on two cores "
        "four busy connections queue, so c4 latency ≈ 4 / req/s). Body: one response, uncompressed. SQL: queries "
        "of one request, counted in-process (test Client + CaptureQueriesContext, same database and settings). "
        "Floor: the same data read with one raw SQL query through psycopg and formatted with string joins, "
        "in-process; × floor = p50 c1 / floor p50. "
        "CPU/request: CPU time of the gunicorn workers + of the PostgreSQL backends (from /proc) over the c1 and "
        "c4 runs, divided by the requests. In-process min: the least CPU and wall time of 40 requests made "
        "in-process (test Client), the closest to an idle machine when others share it. The grid's table and "
        "the diary's week and marks are kept in the page cache between changes (journal.pagecache), so wrk and "
        "the in-process minimum measure a view with nothing changed since the last one; «built after a change» "
        "is the same page rebuilt from the database (every cached page retired before each of 30 in-process "
        "requests: median wall and CPU time, and its SQL queries). Load · idle: the load "
        "average before the runs and the share of CPU left idle just before them. "
        f"wrk runs last {s['duration_s']:g} s at the school scale and {s['city_duration_s']:g} s at the city scale, "
        "each after a 2 s warm-up that is thrown away.",
        "",
        f"**Data** (built by the run in PostgreSQL, today = {data['today']}): the school scale is one school of "
        "1,200 students, 2,000 parents, 80 teachers, 45 classes with a whole year of journal; the city scale adds "
        f"schools up to {s['schools']}. See bench/README.md.",
        "",
    ]
    tables = data.get("tables_city") or data.get("tables_school") or {}
    if tables:
        lines.append("| table | rows (school) | rows (city) | size (city) | of it indexes |")
        lines.append("|---|---:|---:|---:|---:|")
        school_tables = data.get("tables_school") or {}
        for name, t in tables.items():
            school_rows = school_tables.get(name, {}).get("rows")
            city = data.get("tables_city") or {}
            lines.append(
                f"| {name} | {school_rows:,} | {city.get(name, {}).get('rows', 0):,} | {_kb(t['bytes'])} | "
                f"{_kb(t['index_bytes'])} |"
                if school_rows is not None
                else f"| {name} | — | {t['rows']:,} | {_kb(t['bytes'])} | {_kb(t['index_bytes'])} |"
            )
        build = data.get("city_build_timings") or {}
        if build:
            lines.append("")
            lines.append(
                f"City data built in {build.get('schools_s')} s (schools) + {build.get('indexes_s')} s (indexes) + "
                f"{build.get('vacuum_analyze_s')} s (VACUUM ANALYZE)."
            )
        lines.append("")

    head = (
        "| scenario | p50 c1, ms | p95 c1, ms | req/s c4 | p50 c4, ms | p95 c4, ms | body | SQL | floor p50, ms | "
        "× floor | CPU/request app + db, ms | in-process min CPU / wall, ms | "
        "built after a change: p50 wall / CPU, ms · SQL | load · idle | targets | verdict |"
    )
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
    for scale, title in (
        ("school", "School scale (one school, 1,200 students, a year of data)"),
        ("city", f"City scale ({s['schools']} schools in the same database)"),
    ):
        rows = _page_rows(results, scale)
        if rows:
            lines += [f"## {title}", "", head, rule, *rows, ""]
    jobs = _job_rows(results)
    if jobs:
        lines += [
            "## Jobs",
            "",
            "| job | scale | time | per unit | projection / size | target | verdict |",
            "|---|---|---:|---|---|---|---|",
            *jobs,
            "",
        ]
        for r in results:
            if r["name"] == "nightly" and r.get("per_school"):
                slowest = sorted(
                    r["per_school"], key=lambda x: -((x.get("deadlines_s") or 0) + (x.get("visits_s") or 0))
                )[:3]
                lines.append(
                    f"Nightly checks at the {r['scale']} scale: slowest schools "
                    + ", ".join(
                        f"id {x['school_id']} {(x['deadlines_s'] or 0) + (x['visits_s'] or 0):.1f} s" for x in slowest
                    )
                    + "."
                )
        lines.append("")

    peer = _peer_rows(results)
    if peer:
        lines += [
            "## Beside the peer (RosarioSIS 12, php-fpm 4 workers, nginx, PG 15, same kind of machine)",
            "",
            "| | RosarioSIS 12 | school84 |",
            "|---|---:|---:|",
            *peer,
            "",
        ]

    misses = [(r, m) for r in results for m in r.get("misses", [])]
    lines += ["## Targets missed", ""]
    if misses:
        for r, miss in misses:
            lines.append(f"- **{r['name']}** ({r['scale']}): {miss}")
    else:
        lines.append("None.")
    lines.append("")

    if report.get("explain"):
        lines += [
            "## Query plans (EXPLAIN ANALYZE)",
            "",
            "| page | scale | queries | explained | time in PostgreSQL | seq scans of big tables | file |",
            "|---|---|---:|---:|---:|---|---|",
        ]
        for e in report["explain"]:
            scans = ", ".join(f"#{f['query']} {f['table']} ({f['rows_scanned']:,} rows)" for f in e["seq_scans"])
            lines.append(
                f"| {e['name']} | {e['scale']} | {e['queries']} | {e['explained']} | {e['execution_ms']:.1f} ms | "
                f"{scans or 'none'} | [{Path(e['file']).name}](explain/{Path(e['file']).name}) |"
            )
        lines.append("")
    if report.get("indexes"):
        lines += [
            "## Indexes of the big tables",
            "",
            "Size at the largest scale of the run, and how many times the run's queries used each "
            "(`pg_stat_user_indexes.idx_scan`; the bulk load does not count).",
            "",
            "| table | index | size | scans | definition |",
            "|---|---|---:|---:|---|",
        ]
        for i in report["indexes"]:
            definition = i["definition"].split(" USING ", 1)[-1]
            lines.append(f"| {i['table']} | {i['index']} | {_kb(i['bytes'])} | {i['scans']:,} | `{definition}` |")
        lines.append("")
    if report.get("profiles"):
        lines += [
            "Profiles of missed targets: "
            + ", ".join(f"[{Path(p).name}]({Path(p).name})" for p in report["profiles"])
            + ".",
            "",
        ]
    if report.get("failures"):
        lines += ["## Scenarios that could not run", "", *[f"- {f}" for f in report["failures"]], ""]
    lines += [ANALYSIS_START, "", analysis or "_No analysis written yet for these numbers._", "", ANALYSIS_END, ""]
    return "\n".join(lines)


def write_report(report: dict, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    analysis = _previous_analysis(output / "latest.md")
    slim = json.loads(json.dumps(report, default=str))
    (output / "latest.json").write_text(json.dumps(slim, ensure_ascii=False, indent=2) + "\n")
    (output / "latest.md").write_text(markdown(slim, analysis))
