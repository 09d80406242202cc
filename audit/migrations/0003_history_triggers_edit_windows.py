"""The append-only triggers on the history, its chain head, and the regulation's default edit windows."""

from django.db import migrations

from audit import dbtriggers

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
    (
        "Отметка за четверть / полугодие",
        "period_mark",
        "",
        False,
        (1, 11),
        ("order_deadline", 0),
        ("period_end", 7),
        0,
    ),
    ("Годовая и итоговая отметка", "year_mark", "", False, (1, 11), ("order_deadline", 0), ("period_end", 7), 0),
]


def install_triggers(apps, schema_editor):
    dbtriggers.install_append_only(schema_editor.connection, ["audit_historyentry"])


def remove_triggers(apps, schema_editor):
    dbtriggers.remove_append_only(schema_editor.connection, ["audit_historyentry"])


def seed(apps, schema_editor):
    HistoryHead = apps.get_model("audit", "HistoryHead")
    HistoryHead.objects.get_or_create(id=1)
    EditWindow = apps.get_model("audit", "EditWindow")
    for name, entry, category, russian, grades, create, change, priority in DEFAULT_WINDOWS:
        EditWindow.objects.get_or_create(
            name=name,
            defaults={
                "entry": entry,
                "work_category": category,
                "russian_or_literature_only": russian,
                "min_grade": grades[0],
                "max_grade": grades[1],
                "create_anchor": create[0],
                "create_days": create[1],
                "change_anchor": change[0],
                "change_days": change[1],
                "priority": priority,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
