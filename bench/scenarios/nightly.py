"""The nightly checks of п. 3.3: the management command timed per school, and the same work as Celery tasks."""

from __future__ import annotations

import re
import statistics
import subprocess
import time

from .. import ROOT, TMP
from ..measure import load_average, wait_idle
from .base import BenchBase


class NightlyScenarios(BenchBase):
    """The checks of every school, timed as a whole and per school."""

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
