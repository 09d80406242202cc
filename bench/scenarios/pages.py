"""The pages read under load: the teacher's grid, the parent's diary (week and marks), the deputy's dashboard."""

from __future__ import annotations

import datetime

from .. import floor
from .base import BenchBase


class PageScenarios(BenchBase):
    """GET scenarios, each through ``page``: the HTTP response, its queries, in-process timings, wrk, the floor."""

    # -- the teacher -------------------------------------------------------------------------------------------

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
