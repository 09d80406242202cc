"""п. 4.3: the change table only grows — its append-only trigger (UPDATE, DELETE and TRUNCATE refused)."""

from django.db import migrations

from journal import dbtriggers

TABLES = ["audit_changetablerow"]


def install_triggers(apps, schema_editor):
    dbtriggers.install_append_only(schema_editor.connection, TABLES)


def remove_triggers(apps, schema_editor):
    dbtriggers.remove_append_only(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_late_changes")]

    operations = [migrations.RunPython(install_triggers, remove_triggers)]
