"""The demo's writer: a ``SchoolPlan`` into the database through the ORM, on SQLite and PostgreSQL alike.

Rows go in with ``bulk_create`` in one transaction (``demo.build``); every journal entry gets its history entry,
chained as a service would have chained it, so ``verify_journal`` agrees with the seeded data. ``Written`` is
what has been written so far, keyed by the plan's objects; each module writes one part of the school:
``reference`` (school, year, periods, bells, subjects), ``people`` (accounts, roles, cards, classes, students),
``guardianships`` (with diary grants and receipts), ``teaching`` (groups, assignments, timetable, КТП),
``journal`` and ``marks`` (lessons week by week, with marks, absences and period marks), ``visits``.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from journal.models import (
    AcademicYear,
    PlannedTopic,
    School,
    SchoolClass,
    Student,
    StudentGroup,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    User,
    WorkType,
)

from ..plan import PAssignment, PClass, Person, PStudent, SchoolPlan, at

BATCH = 2000


class DemoSeedError(Exception):
    """The demo cannot be built (a missing work type, an impossible timetable, logins taken)."""


@dataclass(eq=False)
class Written:
    plan: SchoolPlan
    #: The one password hash of every demo account.
    password: str
    #: Logins already in the database or given out: a new one gets a number when its base is taken.
    taken_usernames: set[str]
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    school: School | None = None
    year: AcademicYear | None = None
    #: (kind, number) → period
    periods: dict[tuple[str, int], StudyPeriod] = field(default_factory=dict)
    #: lesson number → when it starts
    bell_start: dict[int, datetime.time] = field(default_factory=dict)
    #: curriculum key → subject
    subjects: dict[str, Subject] = field(default_factory=dict)
    #: name → work type
    work_types: dict[str, WorkType] = field(default_factory=dict)
    #: plan person (staff, teacher, student, parent) → account
    users: dict[Person, User] = field(default_factory=dict)
    classes: dict[PClass, SchoolClass] = field(default_factory=dict)
    students: dict[PStudent, Student] = field(default_factory=dict)
    groups: dict[tuple[PClass, int], StudentGroup] = field(default_factory=dict)
    assignments: dict[PAssignment, TeachingAssignment] = field(default_factory=dict)
    topics: dict[PAssignment, list[PlannedTopic]] = field(default_factory=dict)
    #: person → their diary visits: (when, child, page)
    visits: dict[Person, list[tuple[datetime.datetime, PStudent, str]]] = field(default_factory=dict)

    def rng(self, stage: str) -> random.Random:
        return self.plan.rng(f"write:{stage}")

    def lesson_time(self, day: datetime.date, number: int, minutes: int) -> datetime.datetime:
        """``minutes`` after lesson ``number`` of ``day`` began."""
        start = self.bell_start.get(number, datetime.time(8, 0))
        return at(day, start.hour, start.minute) + datetime.timedelta(minutes=minutes)


def batched(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]
