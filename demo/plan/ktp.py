"""The КТП (calendar-thematic plan) of every assignment: one planned topic per lesson of the year.

Topics and assessed works come from the curriculum's sections (``curriculum.plan_topics``); on top of them the
school's internal quality monitoring (ВСОКО) and the late teacher's test that goes unmarked.
"""

import datetime

from .. import curriculum as cur
from .school import LATE_DAYS, PAssignment, SchoolPlan

#: ВСОКО works of the year: (month, day) from which the next lesson carries the work, and its title.
VSOKO_WORKS = [
    ((9, 9), "Входная контрольная работа"),
    ((12, 14), "Административная контрольная работа за I полугодие"),
    ((5, 12), "Итоговая контрольная работа"),
]


def plan_ktp(plan: SchoolPlan) -> None:
    late_window = (plan.today - datetime.timedelta(days=LATE_DAYS), plan.today - datetime.timedelta(days=11))
    for a in plan.assignments:
        ktp = cur.plan_topics(a.subject, a.cls.grade, len(a.dates))
        graded = cur.SUBJECT_BY_KEY[a.subject].graded and a.cls.grade >= 2
        if graded and a.subject in cur.VSOKO_SUBJECTS:
            _vsoko(plan, a, ktp)
        if a.teacher is plan.late_teacher and graded:
            # The late teacher's lessons 11–17 days ago include an assessed work: the dashboard finds it unmarked.
            window = [i for i, (day, _) in enumerate(a.dates) if late_window[0] <= day <= late_window[1]]
            if window and not any(ktp[i][1] for i in window):
                i = window[len(window) // 2]
                ktp[i] = (f"Проверочная работа по теме «{ktp[i][0]}»", cur.WT_CHECK)
        a.ktp = ktp


def _vsoko(plan: SchoolPlan, a: PAssignment, ktp: list[tuple[str, str | None]]) -> None:
    """Internal quality monitoring (ВСОКО): the entry, half-year and final tests of the school's plan."""
    year_start = plan.calendar.year_start
    for (month, day), title in VSOKO_WORKS:
        since = datetime.date(year_start.year + (month < 9), month, day)
        index = next((i for i, (date, _) in enumerate(a.dates) if date >= since), None)
        if index is not None and index < len(ktp):
            ktp[index] = (title, cur.WT_VSOKO)
