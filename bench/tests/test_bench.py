"""Fast checks of the bench's own logic (no database, no server): calendar, timetable, targets, report."""

import datetime

import pytest

from bench import data, report
from bench.scenarios import CpuMeter, verdict


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 11, 28), datetime.date(2026, 9, 1), datetime.date(2027, 1, 3), datetime.date(2027, 7, 15)],
)
def test_today_lies_in_the_bench_year_whatever_the_date(today):
    calendar = data.calendar_for(today)

    assert calendar.year_start <= today <= calendar.year_end
    assert calendar.lessons_end <= calendar.year_end


def test_the_timetable_fills_every_day_once_per_lesson_number():
    units = [(u, h) for u, (_subject, h) in enumerate(data.CURRICULUM["senior"])]

    slots = data._timetable(units)

    assert len(slots) == sum(data.DAY_LENGTHS) == 27
    assert len({(day, number) for _u, day, number in slots}) == 27
    assert all(1 <= number <= max(data.DAY_LENGTHS) for _u, _d, number in slots)
    assert not set(data.SAVE_LESSON_NUMBERS) & {number for _u, _d, number in slots}


@pytest.mark.parametrize("today", [datetime.date(2026, 11, 28), datetime.date(2027, 3, 1)])
def test_the_grid_half_year_has_room_for_sixty_algebra_lessons(today):
    calendar = data.calendar_for(today)
    units = [(u, h) for u, (_subject, h) in enumerate(data.CURRICULUM["senior"])]
    algebra = [(day, number) for unit, day, number in data._timetable(units) if unit == 0]
    half = calendar.half_containing(today)
    _n, start, end, _deadline = calendar.halves[half - 1]

    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    lessons = sum(
        1 for day in days if calendar.is_school_day(day) for weekday, _n in algebra if weekday == day.isoweekday()
    )

    assert lessons >= data.GRID_LESSONS


def test_every_curriculum_has_ten_subjects_and_27_lessons_a_week():
    for subjects in data.CURRICULUM.values():
        assert len(subjects) == 10
        assert sum(hours for _name, hours in subjects) == 27


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
