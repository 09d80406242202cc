"""Roles as groups, the standard work types, and the lesson-date trigger."""

from decimal import Decimal

from django.db import migrations

from audit import dbtriggers

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


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def create_work_types(apps, schema_editor):
    WorkType = apps.get_model("journal", "WorkType")
    for name, code, weight, category, color, default in WORK_TYPES:
        WorkType.objects.get_or_create(
            name=name,
            defaults={
                "code": code,
                "weight": Decimal(weight),
                "category": category,
                "color": color,
                "is_default": default,
            },
        )


def install_lesson_trigger(apps, schema_editor):
    dbtriggers.execute(schema_editor.connection, dbtriggers.lesson_date_sql(schema_editor.connection.vendor))


def remove_lesson_trigger(apps, schema_editor):
    dbtriggers.execute(schema_editor.connection, dbtriggers.drop_lesson_date_sql(schema_editor.connection.vendor))


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_work_types, migrations.RunPython.noop),
        migrations.RunPython(install_lesson_trigger, remove_lesson_trigger),
    ]
