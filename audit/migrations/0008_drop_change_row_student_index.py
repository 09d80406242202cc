"""The diary reads its «изм. по заявл. № N» notes from the journal's history now
(``journal.history_selectors.late_changes_of_student``, index ``audit_history_late_change``): no query reads
the change table by student and lesson any more. The student's foreign-key index stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_ledger"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="changetablerow",
            name="audit_changerow_student_lesson",
        ),
    ]
