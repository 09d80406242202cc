"""Why a page costs what it does: EXPLAIN (ANALYZE, BUFFERS) of its queries, and cProfile of the requests that
missed a target.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import time
import urllib.parse
from pathlib import Path

import psycopg

from .base import BenchBase

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


class Analysis(BenchBase):
    """EXPLAIN and profiles of the other families' requests (the saves' profiles use ``WriteScenarios``'
    ``cell_token`` and ``attendance_bodies``: ``Bench`` has them all)."""

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
        target = self._write_profile(
            name,
            profiler,
            f"{runs} × {method.upper()} {path} as {self.actors[role]}, in-process, CPU time "
            "(time.process_time: waits for the database and for the CPU are not counted)",
        )
        return str(target)

    def profile_misses(self, attempt) -> None:
        """cProfile of the in-process request of each page that missed a latency target."""
        paths = {
            "grid": ("grid_teacher", self.grid_path()),
            "week": ("parent", f"/diary/{self.actors['diary_student']}/week/"),
            "marks": ("parent", f"/diary/{self.actors['diary_student']}/marks/"),
            "dashboard": ("deputy", "/audit/"),
            "pdf_class": (
                "deputy",
                f"/audit/changes/sheet.pdf?class={self.actors['grid_class']}&period={self.actors['grid_period']}",
            ),
        }
        done = set()
        for result in self.results:
            name = result["name"]
            if result["verdict"] != "miss" or name in done:
                continue
            done.add(name)
            if name in paths:
                role, path = paths[name]
                attempt(f"profile {name}", self.profile, name, role, path, runs=3 if name == "pdf_class" else 15)
            elif name == "cell":
                attempt("profile cell", self.profile_cell)
            elif name == "attendance":
                attempt("profile attendance", self.profile_attendance)

    def profile_cell(self) -> None:
        a = self.actors
        client = self.client("grid_teacher")
        path = f"/journal/a/{a['save_assignment']}/cell/"
        lesson, student = a["save_lessons"][0], a["save_students"][-2]
        profiler = cProfile.Profile(time.process_time)
        for i in range(20):
            token, _value = self.cell_token(lesson, student)
            profiler.enable()
            client.post(
                path,
                {"lesson": lesson, "student": student, "text": "5" if i % 2 else "4", "expected": token},
                HTTP_X_REQUESTED_WITH="fetch",
            )
            profiler.disable()
        self._write_profile("cell", profiler, f"20 × POST {path} in-process, CPU time")

    def profile_attendance(self) -> None:
        a = self.actors
        client = self.client("grid_teacher")
        path = f"/journal/lesson/{a['save_lessons'][0]}/attendance/"
        bodies = [urllib.parse.parse_qs(b) for b in self.attendance_bodies()]
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(20):
            client.post(path, bodies[i % 2], HTTP_X_REQUESTED_WITH="fetch")
        profiler.disable()
        self._write_profile("attendance", profiler, f"20 × POST {path} in-process, CPU time")

    def _write_profile(self, name: str, profiler: cProfile.Profile, header: str) -> Path:
        """``profile-<name>.txt``: the functions by cumulative time, then by their own time."""
        out = io.StringIO()
        out.write(f"# cProfile: {header}\n\n## by cumulative time\n")
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        out.write("\n## by own time\n")
        stats.sort_stats("tottime").print_stats(30)
        self.output.mkdir(parents=True, exist_ok=True)
        target = self.output / f"profile-{name}.txt"
        target.write_text(out.getvalue())
        self.profiles.append(target.name)
        self.log(f"  profile: {target}")
        return target
