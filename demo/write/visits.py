"""Diary visits of the last four weeks, from each reader's habit (``Habit``): the visit statistics of п. 3.3."""

import datetime
import random

from diary.models import DiaryVisit

from ..plan import Habit, at
from . import BATCH, Written

#: How far back the demo's visits go.
VISIT_DAYS = 28
PAGES = ["week", "week", "week", "marks", "marks", "timetable", "attendance"]


def plan_visits(w: Written) -> None:
    """Each reader's visits (``Written.visits``): their accounts' last login is the last of them."""
    rng = w.rng("visits")
    for parent in w.plan.parents:
        if parent.habit is not None:
            children = parent.readable
            w.visits[parent] = [
                (when, rng.choice(children), rng.choice(PAGES)) for when in _days(parent.habit, w.plan.today, rng)
            ]
    for student in w.plan.students:
        if student.habit is not None:
            w.visits[student] = [(when, student, rng.choice(PAGES)) for when in _days(student.habit, w.plan.today, rng)]


def _days(habit: Habit, today: datetime.date, rng: random.Random) -> list[datetime.datetime]:
    """The last visit ``habit.last`` days ago; before it, a visit on about ``per_week`` days of each week."""
    ago = [habit.last] + [d for d in range(habit.last + 1, VISIT_DAYS + 1) if rng.random() < habit.per_week / 7]
    return sorted(at(today - datetime.timedelta(days=d), rng.randint(7, 22), rng.randint(0, 59)) for d in ago)


def write_visits(w: Written) -> None:
    rows = [
        DiaryVisit(user_id=w.users[person].pk, student_id=w.students[child].pk, at=when, page=page)
        for person, visits in w.visits.items()
        for when, child, page in visits
    ]
    rows.sort(key=lambda v: v.at)
    DiaryVisit.objects.bulk_create(rows, batch_size=BATCH)
    w.counts["diary_visits"] = len(rows)
