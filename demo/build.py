"""The demo school of ``manage.py seed_demo``: МАОУ СОШ № 84, 2026/27, from September to «today».

``build_demo`` plans the school (``demo.plan``: classes, staff, load, a conflict-free timetable, КТП, families,
access, the planted gaps) and writes it (``demo.write``) with ``bulk_create`` in one transaction. The journal is
written week by week, each row with its history entry, so ``verify_journal`` agrees with the seeded data.

Everything random comes from ``random.Random`` seeded per stage: the same seed and «today» give the same school.
Only «today» decides how far the lessons go.

Every demo account has the password ``demo84``, and they all share one hash computed once with
``make_password``: hashing ~3,300 passwords one by one (PBKDF2) would take minutes. A password changed later
gets its own salt as usual.
"""

import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings

from journal.models import AcademicYear, School, User

from .plan import DEMO_USERNAMES, DEMO_YEAR, FULL_CLASS_COUNT, TimetableError, plan_school, school_year
from .write import DemoSeedError, Written
from .write.guardianships import write_guardianships
from .write.journal import write_journal
from .write.people import write_people
from .write.reference import SCHOOL, write_reference
from .write.teaching import write_teaching
from .write.visits import plan_visits, write_visits

DEMO_PASSWORD = "demo84"
DEFAULT_SEED = 84


def build_demo(*, today: datetime.date, classes: int = FULL_CLASS_COUNT, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Plan and write the demo school; returns the rows written per kind. Run it inside ``transaction.atomic``."""
    calendar = school_year(DEMO_YEAR)
    taken = set(User.objects.values_list("username", flat=True))
    _check_room(taken, calendar.year_start)
    try:
        plan = plan_school(calendar=calendar, today=today, seed=seed, classes=classes)
    except TimetableError as error:
        raise DemoSeedError(str(error)) from error
    written = Written(plan=plan, password=make_password(DEMO_PASSWORD), taken_usernames=taken)
    # With DEBUG on, Django would format and keep each of the thousands of bulk INSERTs for the debug page:
    # a seventh of the run for nothing.
    with override_settings(DEBUG=False), transaction.atomic():
        write_reference(written)
        plan_visits(written)
        write_people(written)
        write_guardianships(written)
        write_teaching(written)
        write_journal(written)
        write_visits(written)
    return dict(written.counts)


def _check_room(taken: set[str], year_start: datetime.date) -> None:
    """Refuse, before writing anything, to build over data that is not the demo's."""
    clash = sorted(taken & set(DEMO_USERNAMES))
    if clash:
        raise DemoSeedError(f"Логины демо-пользователей уже заняты ({', '.join(clash)}): запустите seed_demo --reset.")
    if AcademicYear.objects.filter(start=year_start).exists():
        raise DemoSeedError(
            f"Учебный год {year_start.year}/{year_start.year + 1} уже есть в базе: запустите seed_demo --reset."
        )


def demo_school_exists() -> bool:
    return School.objects.filter(short_name=SCHOOL["short_name"]).exists()
