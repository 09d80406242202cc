"""Fast checks of the bench's own logic (no database, no server): calendar, the schools' shapes, targets, report."""

import datetime

import pytest

from bench import data, report
from bench.measure import CpuMeter
from bench.targets import verdict
from demo.plan import calendar_for


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 11, 28), datetime.date(2026, 9, 1), datetime.date(2027, 1, 3), datetime.date(2027, 7, 15)],
)
def test_today_lies_in_the_bench_year_whatever_the_date(today):
    calendar = calendar_for(today)

    assert calendar.year_start <= today <= calendar.year_end
    assert calendar.lessons_end <= calendar.year_end


@pytest.mark.parametrize("today", [datetime.date(2026, 11, 28), datetime.date(2027, 3, 1)])
def test_the_bench_school_has_the_scenarios_shapes(today):
    plan = data.plan_for(1, calendar_for(today), today)
    grid = next(a for a in plan.class_of(*data.GRID_CLASS).assignments if a.subject == data.GRID_SUBJECT)
    save = next(a for a in plan.class_of(*data.SAVE_CLASS).assignments if a.subject == data.GRID_SUBJECT)

    # The peer's markbook: 30 students × 60 lessons of one subject in the half-year of today.
    assert len(grid.students) == len(save.students) == data.GRID_STUDENTS
    lessons = data.grid_lessons(plan, grid)
    half = data.grid_half(plan)
    assert len(set(lessons)) == data.GRID_LESSONS
    assert all(half.start <= day <= half.end and plan.calendar.is_school_day(day) for day, _n in lessons)
    # The saves: the grid's teacher in another class of 30, on lessons numbered outside its timetable; a teacher
    # whose lessons carry none of the planted gaps.
    assert save.teacher is grid.teacher
    assert grid.teacher.index in plan.protected
    assert grid.teacher not in plan.gap_teachers and grid.teacher is not plan.late_teacher
    taught = {number for lessons in save.cls.schedule.values() for number, _a in lessons}
    assert not set(data.SAVE_LESSON_NUMBERS) & taught
    assert all(0 <= number <= 10 for number in data.SAVE_LESSON_NUMBERS)


def test_bench_schools_are_different_schools_of_the_same_size():
    today = datetime.date(2026, 11, 28)
    one, two = (data.plan_for(n, calendar_for(today), today) for n in (1, 2))

    assert [s.full_name for s in one.students] != [s.full_name for s in two.students]
    for plan in (one, two):
        assert len(plan.classes) == 45
        assert 1150 <= len(plan.students) <= 1250
        assert 1850 <= len(plan.parents) <= 2100
        assert 75 <= len(plan.teachers) <= 85


def test_verdict_names_each_missed_target_with_its_margin():
    ok, misses = verdict("grid", {"p50_c1_ms": 12, "rps_c4": 80, "bytes": 100_000, "floor_ratio": 3})
    bad, why = verdict("grid", {"p50_c1_ms": 30, "rps_c4": 40, "bytes": 100_000, "floor_ratio": 3})

    assert (ok, misses) == ("ok", [])
    assert bad == "miss"
    assert why[0].startswith("p50 ≤ 20 ms: 30 — over by 10")
    assert why[1].startswith("≥ 60 req/s at c4: 40 — short by 20")


def test_cpu_per_request_counts_new_processes_whole_and_ticks_as_ten_ms():
    before = {"app": {1: 100, 2: 50}, "db": {10: 0}}
    after = {"app": {1: 160, 2: 90}, "db": {10: 30, 11: 10}}

    cpu = CpuMeter.per_request(before, after, requests=10)

    assert cpu == {"cpu_app_ms": 100.0, "cpu_db_ms": 40.0, "cpu_ms": 140.0}


def test_the_report_keeps_the_written_analysis(tmp_path):
    result = {
        "name": "grid",
        "title": "grid",
        "scale": "school",
        "p50_c1_ms": 30.0,
        "p95_c1_ms": 40.0,
        "rps_c4": 70.0,
        "p50_c4_ms": 55.0,
        "p95_c4_ms": 70.0,
        "bytes": 111_000,
        "queries": 12,
        "floor_p50_ms": 5.0,
        "floor_ratio": 6.0,
        "verdict": "miss",
        "misses": ["p50 ≤ 20 ms: 30 — over by 10 (1.5×)"],
    }
    run = {
        "machine": {
            "date": "2026-11-28",
            "nproc": 2,
            "cpu": "Xeon",
            "memory_gb": 24,
            "kernel": "6",
            "python": "3.11",
            "django": "5.2",
            "gunicorn": "27",
            "wrk": "4.1",
            "postgresql": "15",
            "postgresql_settings": {},
        },
        "command": "python -m bench.run",
        "phases": {"total_s": 60},
        "settings": {
            "workers": 4,
            "worker_class": "sync",
            "concurrency": 4,
            "duration_s": 8,
            "city_duration_s": 5,
            "redis": True,
            "schools": 1,
        },
        "data": {"today": "2026-11-28"},
        "results": [result],
        "explain": [],
        "profiles": [],
        "failures": [],
    }
    (tmp_path / "latest.md").write_text("old\n<!-- analysis -->\nThe grid is slow because …\n<!-- /analysis -->\n")

    report.write_report(run, tmp_path)

    text = (tmp_path / "latest.md").read_text()
    assert "The grid is slow because …" in text
    assert "| **grid** — grid | 30.0 | 40.0 | 70 |" in text
    assert "❌ missed" in text
    assert (tmp_path / "latest.json").exists()
