"""The saves under load: one mark cell per request, a whole lesson's attendance per request."""

from __future__ import annotations

import time
import urllib.parse

from .base import BenchBase


class WriteScenarios(BenchBase):
    """POST scenarios: real saves through the edit windows and the history chain, each with a current token."""

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
