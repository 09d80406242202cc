"""Separation of duties (раздел 4, DESIGN.md): the sysadmin's recorded absence, the digest of what the director
approved, and the triggers that freeze a decided request and its entries.

Requests approved (or applied) before this migration get their digest from their entries as they are now, and
each approved one not yet applied gets a baseline entry in the chained history (the anchor applying checks).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from audit.late_changes import dbtriggers
from audit.late_changes.services.digest import approval_digest
from journal import dbtriggers as journal_triggers


def digest_decided_requests(apps, schema_editor):
    LateChangeRequest = apps.get_model("audit", "LateChangeRequest")
    decided = list(LateChangeRequest.objects.filter(status__in=["approved", "applied"]).prefetch_related("items"))
    if not decided:
        return
    # The journal's own writer (its current models): the history table is as journal 0010 left it.
    from journal.history import history_record
    from journal.models import HistoryEntry

    for request in decided:
        request.approved_digest = approval_digest(request, request.items.all())
        LateChangeRequest.objects.filter(pk=request.pk).update(approved_digest=request.approved_digest)
        if request.status == "approved":
            history_record(
                user=None,
                source=HistoryEntry.Source.BASELINE,
                reference=request.number,
                kind=HistoryEntry.Kind.REQUEST,
                action=HistoryEntry.Action.CREATE,
                object_id=request.pk,
                new={"status": "approved", "digest": request.approved_digest, "decided_by": request.decided_by_id},
            )


def install_triggers(apps, schema_editor):
    connection = schema_editor.connection
    journal_triggers.execute(connection, dbtriggers.install_sql(connection.vendor))


def remove_triggers(apps, schema_editor):
    connection = schema_editor.connection
    journal_triggers.execute(connection, dbtriggers.remove_sql(connection.vendor))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0009_reminder_delivery"),
        ("journal", "0010_history_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SysadminAbsence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("starts_on", models.DateField(verbose_name="с")),
                ("ends_on", models.DateField(verbose_name="по (включительно)")),
                (
                    "basis",
                    models.CharField(
                        help_text="Например: приказ № 45-к от 01.12.2026 (отпуск), больничный.",
                        max_length=255,
                        verbose_name="основание",
                    ),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="записано")),
                ("returned_on", models.DateField(blank=True, null=True, verbose_name="вышел на работу досрочно")),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="завершено")),
            ],
            options={
                "verbose_name": "отсутствие системного администратора",
                "verbose_name_plural": "отсутствие системного администратора (п. 4.4)",
                "ordering": ["-starts_on", "-id"],
            },
        ),
        migrations.AddField(
            model_name="latechangerequest",
            name="approved_digest",
            field=models.CharField(blank=True, max_length=64, verbose_name="отпечаток разрешённых изменений"),
        ),
        migrations.RunPython(digest_decided_requests, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="latechangerequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["submitted", "rejected"]),
                    models.Q(("approved_digest", ""), _negated=True),
                    _connector="OR",
                ),
                name="audit_latechange_approved_has_digest",
            ),
        ),
        migrations.AddField(
            model_name="sysadminabsence",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="завершил досрочно",
            ),
        ),
        migrations.AddField(
            model_name="sysadminabsence",
            name="recorded_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="записал",
            ),
        ),
        migrations.AddField(
            model_name="sysadminabsence",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="системный администратор",
            ),
        ),
        migrations.AddIndex(
            model_name="sysadminabsence",
            index=models.Index(fields=["starts_on", "ends_on"], name="audit_sysadminabsence_days"),
        ),
        migrations.AddConstraint(
            model_name="sysadminabsence",
            constraint=models.CheckConstraint(
                condition=models.Q(("starts_on__lte", models.F("ends_on"))), name="audit_sysadminabsence_dates"
            ),
        ),
        migrations.AddConstraint(
            model_name="sysadminabsence",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("returned_on__isnull", True),
                    models.Q(
                        ("ended_by__isnull", False),
                        ("returned_on__gte", models.F("starts_on")),
                        ("returned_on__lte", models.F("ends_on")),
                    ),
                    _connector="OR",
                ),
                name="audit_sysadminabsence_return",
            ),
        ),
        migrations.AddConstraint(
            model_name="sysadminabsence",
            constraint=models.CheckConstraint(
                condition=models.Q(("recorded_by", models.F("user")), _negated=True),
                name="audit_sysadminabsence_not_own",
            ),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
