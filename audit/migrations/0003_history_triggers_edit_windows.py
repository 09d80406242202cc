"""The append-only triggers on the history, its chain head, and the regulation's default edit windows."""

from django.db import migrations

from journal import dbtriggers, reference


def install_triggers(apps, schema_editor):
    dbtriggers.install_append_only(schema_editor.connection, ["audit_historyentry"])


def remove_triggers(apps, schema_editor):
    dbtriggers.remove_append_only(schema_editor.connection, ["audit_historyentry"])


def seed(apps, schema_editor):
    reference.seed_history_head(apps.get_model("audit", "HistoryHead"))
    reference.seed_windows(apps.get_model("audit", "EditWindow"))


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
