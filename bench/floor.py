"""The raw floor: what a page costs at the least — one SQL query through psycopg, HTML by string joins.

Each function reads the same data its page shows (the grid: students × lessons with marks and absences;
the week: a child's lessons Monday–Saturday with bells, topics, homework, marks and absences; the period
marks: the child's marks by subject with the weighted average and the period and year marks) in ONE
query, and formats a bare table in-process. No Django, no HTTP, no session, no access check: the ratio
page / floor is what the framework, the access rules and the templates cost on top of the data.
"""

from __future__ import annotations

import datetime
import statistics
import time
from collections import defaultdict
from decimal import Decimal
from html import escape

import psycopg

GRID_SQL = """
WITH les AS (
    SELECT id, date, number, topic FROM journal_lesson
    WHERE assignment_id = %(assignment)s AND date BETWEEN %(start)s AND %(end)s
)
SELECT 0 AS kind, les.id, 0::bigint AS student, les.topic AS a, '' AS b, les.date AS d, les.number AS n,
       NULL::timestamptz AS t
FROM les
UNION ALL
SELECT 1, s.id, 0, u.surname, u.name, NULL, NULL, NULL
FROM journal_student s JOIN journal_user u ON u.id = s.user_id
WHERE s.school_class_id = %(class)s AND s.is_active
UNION ALL
SELECT 2, m.lesson_id, m.student_id, m.value::text, '', NULL, NULL, m.entered_at
FROM journal_mark m JOIN les ON les.id = m.lesson_id
UNION ALL
SELECT 3, a.lesson_id, a.student_id, a.code, '', NULL, NULL, NULL
FROM journal_attendance a JOIN les ON les.id = a.lesson_id
ORDER BY kind, d, n, a, b, t, id
"""

WEEK_SQL = """
SELECT l.date, l.number, sub.name, u.surname, u.name, u.patronymic, b.starts, b.ends, l.topic, l.homework,
       (SELECT string_agg(m.value::text, ' ' ORDER BY m.entered_at, m.id)
          FROM journal_mark m WHERE m.lesson_id = l.id AND m.student_id = %(student)s),
       (SELECT a.code FROM journal_attendance a WHERE a.lesson_id = l.id AND a.student_id = %(student)s)
FROM journal_lesson l
JOIN journal_teachingassignment ta ON ta.id = l.assignment_id
JOIN journal_subject sub ON sub.id = ta.subject_id
JOIN journal_user u ON u.id = ta.teacher_id
JOIN journal_schoolclass c ON c.id = ta.school_class_id
LEFT JOIN journal_bell b ON b.school_id = c.school_id AND b.number = l.number
WHERE ta.school_class_id = %(class)s
  AND (ta.group_id IS NULL OR ta.group_id IN (
        SELECT studentgroup_id FROM journal_studentgroup_students WHERE student_id = %(student)s))
  AND l.date BETWEEN %(monday)s AND %(saturday)s
ORDER BY l.date, l.number, sub.name
"""

MARKS_SQL = """
SELECT 0 AS kind, sub.name, l.date, m.value, m.weight, wt.code, ''
FROM journal_mark m
JOIN journal_lesson l ON l.id = m.lesson_id
JOIN journal_teachingassignment ta ON ta.id = l.assignment_id
JOIN journal_subject sub ON sub.id = ta.subject_id
JOIN journal_worktype wt ON wt.id = m.work_type_id
WHERE m.student_id = %(student)s AND l.date BETWEEN %(start)s AND %(end)s
UNION ALL
SELECT CASE WHEN pm.period_id = %(period)s THEN 1 ELSE 2 END, sub.name, NULL, NULL, NULL, NULL, pm.value
FROM journal_periodmark pm JOIN journal_subject sub ON sub.id = pm.subject_id
WHERE pm.student_id = %(student)s AND pm.period_id IN (%(period)s, %(year)s)
ORDER BY 2, 1, 3
"""

DAY_NAMES = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота"]


def grid_html(conn: psycopg.Connection, *, assignment: int, class_id: int, start, end) -> str:
    lessons: list[tuple[int, str, str]] = []
    students: list[tuple[int, str, str]] = []
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    codes: dict[tuple[int, int], str] = {}
    with conn.cursor() as cur:
        cur.execute(GRID_SQL, {"assignment": assignment, "class": class_id, "start": start, "end": end})
        for kind, pk, student, a, b, day, _n, _t in cur:
            if kind == 0:
                lessons.append((pk, f"{day:%d.%m}", a))
            elif kind == 1:
                students.append((pk, a, b))
            elif kind == 2:
                cells[(student, pk)].append(a)
            else:
                codes[(student, pk)] = a
    parts = ['<table class="jg"><thead><tr><th>Ученик</th>']
    parts.extend(f'<th title="{escape(topic)}">{day}</th>' for _id, day, topic in lessons)
    parts.append("<th>Ср.</th></tr></thead><tbody>")
    for number, (sid, surname, name) in enumerate(students, start=1):
        parts.append(f"<tr><th>{number}. {escape(surname)} {escape(name)}</th>")
        values = []
        for lid, _day, _topic in lessons:
            marks = cells.get((sid, lid), ())
            values.extend(marks)
            code = codes.get((sid, lid))
            inner = " ".join(marks) + (f" <b>{code}</b>" if code else "")
            parts.append(f"<td>{inner}</td>")
        average = f"{sum(map(int, values)) / len(values):.2f}" if values else ""
        parts.append(f"<td>{average}</td></tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def week_html(conn: psycopg.Connection, *, student: int, class_id: int, monday: datetime.date) -> str:
    saturday = monday + datetime.timedelta(days=5)
    with conn.cursor() as cur:
        cur.execute(WEEK_SQL, {"student": student, "class": class_id, "monday": monday, "saturday": saturday})
        rows = cur.fetchall()
    by_day: dict[datetime.date, list[tuple]] = defaultdict(list)
    for row in rows:
        by_day[row[0]].append(row)
    parts = []
    for n in range(6):
        day = monday + datetime.timedelta(days=n)
        parts.append(f'<section><h2>{DAY_NAMES[n]}, {day:%d.%m}</h2><table class="wk"><tbody>')
        for _d, number, subject, surname, name, patronymic, starts, ends, topic, homework, marks, code in by_day[day]:
            teacher = f"{surname} {name[:1]}. {patronymic[:1]}." if patronymic else f"{surname} {name[:1]}."
            bell = f"{starts:%H:%M}–{ends:%H:%M}" if starts else ""
            parts.append(
                f"<tr><td>{number}</td><td>{bell}</td><td>{escape(subject)}<br><small>{escape(teacher)}</small></td>"
                f"<td>{escape(topic)}</td><td>{escape(homework)}</td><td>{marks or ''}</td><td>{code or ''}</td></tr>"
            )
        parts.append("</tbody></table></section>")
    return "".join(parts)


def marks_html(conn: psycopg.Connection, *, student: int, period: int, year: int, start, end) -> str:
    subjects: dict[str, dict] = {}
    with conn.cursor() as cur:
        cur.execute(MARKS_SQL, {"student": student, "period": period, "year": year, "start": start, "end": end})
        for kind, subject, day, value, weight, code, mark in cur:
            row = subjects.setdefault(subject, {"marks": [], "period": "", "year": ""})
            if kind == 0:
                row["marks"].append((day, value, weight, code))
            elif kind == 1:
                row["period"] = mark
            else:
                row["year"] = mark
    parts = [
        '<table class="mk"><thead><tr><th>Предмет</th><th>Отметки</th><th>Ср.</th><th>Период</th><th>Год</th>'
        "</tr></thead><tbody>"
    ]
    for subject, row in subjects.items():
        total = sum((v * w for _d, v, w, _c in row["marks"]), Decimal(0))
        weights = sum((w for _d, _v, w, _c in row["marks"]), Decimal(0))
        average = f"{total / weights:.2f}" if weights else ""
        marks = " ".join(f'<span title="{d:%d.%m} {escape(c)}">{v}</span>' for d, v, _w, c in row["marks"])
        parts.append(
            f"<tr><th>{escape(subject)}</th><td>{marks}</td><td>{average}</td><td>{row['period']}</td>"
            f"<td>{row['year']}</td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def measure(fn, *, warmup: int = 20, runs: int = 300) -> dict:
    """p50 / p95 / mean of ``fn()`` in milliseconds, and the size of what it returns."""
    for _ in range(warmup):
        fn()
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        html = fn()
        times.append((time.perf_counter() - started) * 1000)
        size = len(html.encode())
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
        "mean_ms": round(statistics.fmean(times), 3),
        "bytes": size,
        "runs": runs,
    }
