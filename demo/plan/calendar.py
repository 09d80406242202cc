"""The school year of a planned school: Krasnodar's 2026/27 dates (quarters, halves, holidays), moved to any year.

The demo is always the year 2026/27 (``school_year(DEMO_YEAR)``); the bench takes the year around the day it
runs (``calendar_for(today)``), so that the lessons it saves today lie inside the year.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from journal.models import StudyPeriod

D = datetime.date
MSK = ZoneInfo("Europe/Moscow")
#: The demo school's year: 2026/27.
DEMO_YEAR = 2026
QUARTER, HALF, YEAR = StudyPeriod.Kind.QUARTER, StudyPeriod.Kind.HALF, StudyPeriod.Kind.YEAR


@dataclass(frozen=True)
class PeriodDates:
    kind: str
    number: int
    start: datetime.date
    end: datetime.date
    #: «срок по приказу»: the day by which the period's marks must be in.
    deadline: datetime.date


@dataclass(frozen=True)
class Calendar:
    year_start: datetime.date
    #: The academic year record runs to 31 August, so that any day of the summer still lies inside it.
    year_end: datetime.date
    marks_deadline: datetime.date
    quarters: tuple[PeriodDates, ...]
    halves: tuple[PeriodDates, ...]
    #: (name, first day, last day)
    holidays: tuple[tuple[str, datetime.date, datetime.date], ...]

    @property
    def lessons_end(self) -> datetime.date:
        return self.quarters[-1].end

    @property
    def year_period(self) -> PeriodDates:
        return PeriodDates(YEAR, 1, self.year_start, self.lessons_end, self.marks_deadline)

    @property
    def periods(self) -> list[PeriodDates]:
        """Quarters (grades 1–9), halves (10–11) and the year, as the study periods are written."""
        return [*self.quarters, *self.halves, self.year_period]

    def is_holiday(self, day: datetime.date) -> bool:
        return any(start <= day <= end for _name, start, end in self.holidays)

    def is_school_day(self, day: datetime.date) -> bool:
        """Monday to Friday inside a quarter, not in the holidays."""
        return (
            day.isoweekday() <= 5 and any(q.start <= day <= q.end for q in self.quarters) and not self.is_holiday(day)
        )

    def school_days(self, until: datetime.date | None = None) -> list[datetime.date]:
        last = self.lessons_end if until is None else min(until, self.lessons_end)
        return [day for day in days(self.year_start, last) if self.is_school_day(day)]

    def half_containing(self, day: datetime.date) -> int:
        """The half-year of ``day``; in the holidays the one just finished, before the year the first."""
        started = [h.number for h in self.halves if h.start <= day]
        return started[-1] if started else 1

    def period_of(self, kind: str, day: datetime.date) -> PeriodDates | None:
        """The quarter or half (``kind``) that ``day`` lies in, if any."""
        return next((p for p in self.periods if p.kind == kind and p.start <= day <= p.end), None)


def school_year(start: int) -> Calendar:
    """The school year that begins on 1 September ``start`` (Krasnodar's 2026/27 dates, moved to that year)."""
    y, n = start, start + 1
    return Calendar(
        year_start=D(y, 9, 1),
        year_end=D(n, 8, 31),
        marks_deadline=D(n, 5, 28),
        quarters=(
            PeriodDates(QUARTER, 1, D(y, 9, 1), D(y, 10, 24), D(y, 10, 26)),
            PeriodDates(QUARTER, 2, D(y, 11, 5), D(y, 12, 28), D(y, 12, 30)),
            PeriodDates(QUARTER, 3, D(n, 1, 12), D(n, 3, 20), D(n, 3, 23)),
            PeriodDates(QUARTER, 4, D(n, 3, 30), D(n, 5, 26), D(n, 5, 28)),
        ),
        halves=(
            PeriodDates(HALF, 1, D(y, 9, 1), D(y, 12, 28), D(y, 12, 30)),
            PeriodDates(HALF, 2, D(n, 1, 12), D(n, 5, 26), D(n, 5, 28)),
        ),
        holidays=(
            ("Осенние каникулы", D(y, 10, 25), D(y, 11, 4)),
            ("Зимние каникулы", D(y, 12, 29), D(n, 1, 11)),
            ("День защитника Отечества", D(n, 2, 23), D(n, 2, 23)),
            ("Международный женский день", D(n, 3, 8), D(n, 3, 8)),
            ("Весенние каникулы", D(n, 3, 21), D(n, 3, 29)),
            ("Праздник Весны и Труда", D(n, 5, 1), D(n, 5, 1)),
            ("День Победы", D(n, 5, 9), D(n, 5, 9)),
        ),
    )


def calendar_for(today: datetime.date) -> Calendar:
    """The school year around ``today``: the one begun this September, or last September before it."""
    return school_year(today.year if today.month >= 9 else today.year - 1)


def days(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment of ``day`` in school time (Europe/Moscow)."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)
