"""Reference rows the ledger needs in every database: roles, work types, edit windows, the history head, and the
history's baseline of every row it records.

The data migrations create them once; ``ensure_reference_data`` (connected to ``post_migrate``) puts back
whatever is missing — after a test flush, or in a database restored without them. Both read the same lists.
"""

from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS

ROLES = [
    "Учитель",
    "Классный руководитель",
    "Заместитель директора",
    "Директор",
    "Системный администратор",
    "Родитель",
    "Обучающийся",
]

# (name, letter, weight, category, colour, default)
WORK_TYPES = [
    ("Ответ на уроке", "О", "1.0", "current", "#0d6efd", True),
    ("Домашняя работа", "Д", "1.0", "current", "#6c757d", False),
    ("Самостоятельная работа", "С", "1.5", "current", "#198754", False),
    ("Проверочная работа", "П", "1.5", "current", "#20c997", False),
    ("Практическая работа", "Пр", "1.5", "current", "#6610f2", False),
    ("Диктант", "Дк", "2.0", "current", "#fd7e14", False),
    ("Контрольная работа", "К", "2.0", "control", "#dc3545", False),
    ("Контрольная работа ВСОКО", "В", "2.0", "vsoko", "#b02a37", False),
    ("Письменная работа", "Пс", "2.0", "written", "#d63384", False),
]

# п. 3.3 of the regulation, as in DESIGN.md. (name, entry, category, russian_only, grades, create, change, priority)
DEFAULT_WINDOWS = [
    ("Текущая отметка", "mark", "", False, (1, 11), ("lesson_date", 10), ("lesson_date", 2), 0),
    ("Посещаемость", "attendance", "", False, (1, 11), ("lesson_date", 2), ("lesson_date", 2), 0),
    (
        "Контрольная работа ВСОКО (внутренний мониторинг качества образования)",
        "mark",
        "vsoko",
        False,
        (1, 11),
        ("lesson_date", 10),
        ("lesson_date", 10),
        10,
    ),
    (
        "Письменная работа по русскому языку и литературе, 10–11 классы",
        "mark",
        "written",
        True,
        (10, 11),
        ("lesson_date", 10),
        ("lesson_date", 10),
        10,
    ),
    ("Отметка за четверть / полугодие", "period_mark", "", False, (1, 11), ("order_deadline", 0), ("period_end", 7), 0),
    ("Годовая и итоговая отметка", "year_mark", "", False, (1, 11), ("order_deadline", 0), ("period_end", 7), 0),
]


def seed_roles(Group) -> None:
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def seed_work_types(WorkType) -> None:
    if WorkType.objects.exists():
        return  # the deputy may have renamed or retuned them; never overwrite
    for name, code, weight, category, color, default in WORK_TYPES:
        WorkType.objects.create(
            name=name, code=code, weight=Decimal(weight), category=category, color=color, is_default=default
        )


def seed_windows(EditWindow) -> None:
    if EditWindow.objects.exists():
        return  # the deputy's table; never overwrite
    for name, entry, category, russian, grades, create, change, priority in DEFAULT_WINDOWS:
        EditWindow.objects.create(
            name=name,
            entry=entry,
            work_category=category,
            russian_or_literature_only=russian,
            min_grade=grades[0],
            max_grade=grades[1],
            create_anchor=create[0],
            create_days=create[1],
            change_anchor=change[0],
            change_days=change[1],
            priority=priority,
        )


def seed_history_head(HistoryHead) -> None:
    HistoryHead.objects.get_or_create(id=1, defaults={"last_hash": "0" * 64})


def ensure_reference_data(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    from django.contrib.auth.models import Group
    from django.db import connections

    from . import caches, dbtriggers
    from .models import EditWindow, HistoryHead, WorkType

    seed_roles(Group)
    seed_work_types(WorkType)
    seed_windows(EditWindow)
    seed_history_head(HistoryHead)
    dbtriggers.install_append_only(connections[using])
    caches.clear()
    # Rows made without a service (the seeds above, a database older than the history of its rules, roles
    # and lessons) get their «исходное состояние» entry, so verify_journal has something to compare with.
    from .services.baseline import baseline_all

    baseline_all()
