"""The summary sheets in PDF: one class's in the request, the whole school's through Celery."""

from __future__ import annotations

import json
import re
import time

from ..measure import load_average, wait_idle
from .base import BenchBase


class ReportScenarios(BenchBase):
    """The summary sheets as the deputy asks for them."""

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
