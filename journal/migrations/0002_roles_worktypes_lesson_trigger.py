"""Roles as groups, the standard work types, and the lesson-date trigger."""

from django.db import migrations

from journal import dbtriggers, reference


def create_roles(apps, schema_editor):
    reference.seed_roles(apps.get_model("auth", "Group"))


def create_work_types(apps, schema_editor):
    reference.seed_work_types(apps.get_model("journal", "WorkType"))


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
