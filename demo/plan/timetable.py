"""The weekly timetable: every class's hours over Monday–Friday, no teacher in two places at once.

Classes are placed one by one (seniors first); a class's hours are spread over the days, then each day's lessons
get their numbers by a bipartite matching against the teachers already busy then.
"""

import random
from collections import defaultdict

from .school import PAssignment, PClass, SchoolPlan, Unit

WEEKDAYS = (1, 2, 3, 4, 5)
#: teacher index → {(weekday, lesson number)} already taken
Busy = dict[int, set[tuple[int, int]]]


class TimetableError(Exception):
    """No timetable was found for a class."""


def plan_timetable(plan: SchoolPlan) -> None:
    """Each class's ``schedule``, then every assignment's lessons of the whole year (``dates``)."""
    rng = plan.rng("timetable")
    busy: Busy = defaultdict(set)
    for cls in sorted(plan.classes, key=lambda c: (-c.grade, c.letter)):
        for _attempt in range(500):
            placed = _try_class(cls, busy, rng)
            if placed is not None:
                break
        else:
            raise TimetableError(f"Не удалось составить расписание для {cls.label} класса.")
        schedule: dict[int, list[tuple[int, list[PAssignment]]]] = defaultdict(list)
        for day, number, unit in sorted(placed, key=lambda p: (p[0], p[1])):
            for teacher in unit.teachers:
                busy[teacher].add((day, number))
            schedule[day].append((number, unit.assignments))
        cls.schedule = dict(schedule)
    for day in plan.calendar.school_days():
        for cls in plan.classes:
            for number, assignments in cls.schedule.get(day.isoweekday(), []):
                for assignment in assignments:
                    assignment.dates.append((day, number))


def _try_class(cls: PClass, busy: Busy, rng: random.Random) -> list[tuple[int, int, Unit]] | None:
    """(weekday, number, unit) for every lesson of the class's week, or ``None`` when this attempt failed."""
    total = sum(unit.hours for unit in cls.units)
    base, extra = divmod(total, len(WEEKDAYS))
    quota = dict.fromkeys(WEEKDAYS, base)
    for day in rng.sample(WEEKDAYS, extra):
        quota[day] += 1
    remaining = dict(quota)
    per_day: dict[int, list[Unit]] = {day: [] for day in WEEKDAYS}

    def free(day: int, unit: Unit) -> int:
        return sum(1 for n in range(1, quota[day] + 1) if all((day, n) not in busy[t] for t in unit.teachers))

    for unit in sorted(cls.units, key=lambda u: (-u.hours, -len(u.teachers), rng.random())):
        used: set[int] = set()
        for _ in range(unit.hours):
            open_days = [d for d in WEEKDAYS if remaining[d] > 0]
            candidates = [d for d in open_days if d not in used] or open_days
            day = max(candidates, key=lambda d: (free(d, unit) > 0, remaining[d] + 2 * rng.random()))
            used.add(day)
            remaining[day] -= 1
            per_day[day].append(unit)
    placed = []
    for day in WEEKDAYS:
        matched = _match_day(day, quota[day], per_day[day], busy, rng)
        if matched is None:
            return None
        placed.extend((day, number, unit) for number, unit in matched.items())
    return placed


def _match_day(day: int, lessons: int, units: list[Unit], busy: Busy, rng: random.Random) -> dict[int, Unit] | None:
    """Lesson numbers 1…``lessons`` for the day's units, no teacher in two places (Kuhn's matching)."""
    owner: dict[int, int] = {}
    options = []
    for unit in units:
        numbers = [n for n in range(1, lessons + 1) if all((day, n) not in busy[t] for t in unit.teachers)]
        rng.shuffle(numbers)
        options.append(numbers)

    def place(i: int, seen: set[int]) -> bool:
        for number in options[i]:
            if number in seen:
                continue
            seen.add(number)
            if number not in owner or place(owner[number], seen):
                owner[number] = i
                return True
        return False

    order = sorted(range(len(units)), key=lambda i: (len(options[i]), rng.random()))
    for i in order:
        if not place(i, set()):
            return None
    return {number: units[i] for number, i in owner.items()}
