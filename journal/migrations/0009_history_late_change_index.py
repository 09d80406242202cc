"""A partial index on a student's late-change history entries (source «late_change»), for the diary's
«изм. по заявл. № N» notes (``journal.history_selectors.late_changes_of_student``). The table keeps its name
``audit_historyentry``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0008_rules_guarded"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="historyentry",
            index=models.Index(
                condition=models.Q(("source", "late_change")), fields=["student_id"], name="audit_history_late_change"
            ),
        ),
    ]
