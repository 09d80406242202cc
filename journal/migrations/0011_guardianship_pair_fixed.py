"""A guardianship's parent and child are fixed once it exists (issue 14): a database trigger refuses to change them."""

from django.db import migrations

from journal import dbtriggers


def install(apps, schema_editor):
    dbtriggers.execute(schema_editor.connection, dbtriggers.guardianship_pair_sql(schema_editor.connection.vendor))


def remove(apps, schema_editor):
    dbtriggers.execute(schema_editor.connection, dbtriggers.drop_guardianship_pair_sql(schema_editor.connection.vendor))


class Migration(migrations.Migration):
    dependencies = [("journal", "0010_history_kinds")]

    operations = [migrations.RunPython(install, remove)]
