"""``seed_demo --reset``: remove the demo school and everything that hangs on it.

Deleted: every row of the tables the demo fills (the journal, its history, diary visits, the school's
reference data), every account except superusers, and — found by following foreign keys, so tables added
later are covered too — every row elsewhere that points at them (admin log, django-guardian grants, …).
Kept: what migrations create (roles, work types, edit windows, permissions) and superusers.

The history (and the change table) are append-only in the database; their triggers are dropped for the
delete and put back, and the history chain starts again from the genesis hash. Run it inside ``transaction.atomic`` with the rebuild: if the
rebuild fails, nothing is lost.
"""

from django.apps import apps
from django.db import connections, models

from diary.models import DiaryVisit
from journal import dbtriggers
from journal.history import GENESIS_HASH
from journal.models import (
    AcademicYear,
    Attendance,
    Bell,
    CredentialReceipt,
    Guardianship,
    HistoryEntry,
    HistoryHead,
    Holiday,
    Lesson,
    Mark,
    PeriodMark,
    PlannedTopic,
    School,
    SchoolClass,
    Student,
    StudentGroup,
    StudentGroupObjectPermission,
    StudentUserObjectPermission,
    StudyPeriod,
    Subject,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
    User,
)
from journal.services.baseline import baseline_all

#: Tables the demo fills; all their rows go.
SEEDED = [
    DiaryVisit,
    HistoryEntry,
    Attendance,
    Mark,
    PeriodMark,
    Lesson,
    PlannedTopic,
    TimetableSlot,
    TeachingAssignment,
    StudentGroup,
    StudentUserObjectPermission,
    StudentGroupObjectPermission,
    CredentialReceipt,
    Guardianship,
    Student,
    Teacher,
    SchoolClass,
    Bell,
    Holiday,
    StudyPeriod,
    AcademicYear,
    Subject,
    School,
]


def _dependants() -> tuple[list[type[models.Model]], dict[type[models.Model], list[str]]]:
    """Models outside ``SEEDED`` that point at deleted rows.

    A model pointing at a seeded table loses all its rows; one pointing only at accounts loses the rows
    of the non-superusers (``{model: [foreign keys to User]}``).
    """
    whole = list(SEEDED)
    by_user: dict[type[models.Model], list[str]] = {}
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and m._meta.managed and m is not User and m not in SEEDED
    ]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in whole:
                continue
            relations = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is not None]
            if any(f.related_model in whole for f in relations):
                whole.append(model)
                by_user.pop(model, None)
                changed = True
            else:
                to_user = [f.name for f in relations if f.related_model is User]
                if to_user:
                    by_user[model] = to_user
    return whole, by_user


def _append_only_tables(connection) -> list[str]:
    """Tables that carry the append-only triggers right now (``dbtriggers`` names them per table)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgname = c.relname || '_no_change'"
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name = tbl_name || '_no_delete'"
            )
        found = {row[0] for row in cursor.fetchall()}
    return sorted(found | set(dbtriggers.APPEND_ONLY_TABLES))


def wipe_demo(using: str = "default") -> None:
    """Delete the demo school (see the module docstring). Must run inside ``transaction.atomic``."""
    connection = connections[using]
    whole, by_user = _dependants()
    # Every append-only table loses its triggers for the delete — the history and any table added later
    # (the change table) — and gets them back afterwards.
    append_only = _append_only_tables(connection)
    dbtriggers.remove_append_only(connection, append_only)
    # Raw deletes: the collector would load hundreds of thousands of rows to cascade what is deleted here
    # anyway. Foreign keys are checked at commit (deferred), so the order does not matter.
    for model in whole:
        model._base_manager.using(using).all()._raw_delete(using)
    for model, fields in by_user.items():
        condition = models.Q()
        for name in fields:
            condition |= models.Q(**{f"{name}__is_superuser": False})
        model._base_manager.using(using).filter(condition)._raw_delete(using)
    User._base_manager.using(using).filter(is_superuser=False)._raw_delete(using)
    HistoryHead.objects.using(using).update_or_create(id=1, defaults={"last_hash": GENESIS_HASH, "entries": 0})
    dbtriggers.install_append_only(connection, append_only)
    # What stays (the edit windows, work types, the superusers' rights) starts the new chain as it stands.
    baseline_all()
