"""The edit windows and the journal's history now belong to ``journal`` (its migration 0006): state only,
the tables and their rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_compliance"),
        ("journal", "0006_ledger"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="EditWindow"),
                migrations.RemoveField(model_name="historyentry", name="user"),
                migrations.DeleteModel(name="HistoryHead"),
                migrations.DeleteModel(name="HistoryEntry"),
            ],
        ),
    ]
