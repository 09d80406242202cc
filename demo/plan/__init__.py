"""The plan of a school, made once and written by either writer.

``plan_school`` decides everything that is not the journal's day-to-day content, in stages, each with its own
random numbers from the seed: the classes, the staff and who teaches what (``staff``), a conflict-free weekly
timetable and each assignment's lessons of the year (``timetable``), the КТП (``ktp``), the families, the
guardianships, the receipts and the diary readers' habits (``families``) and the planted gaps. The same seed and
«today» give the same plan.

Writers: ``demo.write`` (the demo school, through the ORM, with the history of every entry) and ``bench.data``
(twenty schools in PostgreSQL with COPY and ``generate_series``).
"""

import datetime
from collections.abc import Collection

from .calendar import DEMO_YEAR, MSK, Calendar, PeriodDates, at, calendar_for, school_year
from .families import plan_access, plan_families
from .ktp import plan_ktp
from .people import Namer
from .school import (
    CLASS_ORDER,
    DEMO_USERNAMES,
    EMAIL_PERSONAL,
    EMAIL_SCHOOL,
    FULL_CLASS_COUNT,
    GAP_DAYS,
    GAPS,
    LATE_DAYS,
    SMALL_CLASS_COUNT,
    Family,
    Habit,
    PAssignment,
    PClass,
    Person,
    PGuardianship,
    PParent,
    PStaff,
    PStudent,
    PTeacher,
    SchoolPlan,
    class_plan,
)
from .staff import plan_classes, plan_staff, plan_teaching
from .timetable import TimetableError, plan_timetable

__all__ = [
    "CLASS_ORDER",
    "DEMO_USERNAMES",
    "DEMO_YEAR",
    "EMAIL_PERSONAL",
    "EMAIL_SCHOOL",
    "FULL_CLASS_COUNT",
    "GAPS",
    "GAP_DAYS",
    "LATE_DAYS",
    "MSK",
    "SMALL_CLASS_COUNT",
    "Calendar",
    "Family",
    "Habit",
    "PAssignment",
    "PClass",
    "PGuardianship",
    "Person",
    "PParent",
    "PStaff",
    "PStudent",
    "PTeacher",
    "PeriodDates",
    "SchoolPlan",
    "TimetableError",
    "at",
    "calendar_for",
    "class_plan",
    "plan_school",
    "school_year",
]


def plan_school(
    *,
    calendar: Calendar,
    today: datetime.date,
    seed: int | str,
    classes: int = FULL_CLASS_COUNT,
    sizes: dict[tuple[int, str], int] | None = None,
    protect: Collection[tuple[int, str, str]] = (),
) -> SchoolPlan:
    """A school of ``classes`` classes (45: 1А–11Г and 1Д, about 1,200 students, 2,000 parents, 80 teachers).

    ``sizes`` fixes some classes' sizes ((grade, letter) → students); ``protect`` names (grade, letter, subject
    key) whose teacher carries no gap. Raises ``TimetableError`` if no timetable is found.
    """
    if not 1 <= classes <= FULL_CLASS_COUNT:
        raise ValueError(f"classes must be 1…{FULL_CLASS_COUNT}")
    plan = SchoolPlan(seed=seed, today=today, calendar=calendar)
    namer = Namer()
    plan_classes(plan, class_plan(classes), sizes or {})
    plan_staff(plan, namer)
    plan_teaching(plan, namer, protect=protect)
    plan_timetable(plan)
    plan_ktp(plan)
    plan_families(plan)
    plan_access(plan)
    return plan
