from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("Контроль и изменения после срока")

    def ready(self):
        from journal import dbtriggers, permissions, verify

        from .compliance import admin as compliance_admin  # noqa: F401
        from .late_changes import admin as late_changes_admin  # noqa: F401
        from .late_changes import dbtriggers as late_change_triggers
        from .late_changes.verify import verify_requests

        # п. 4.3: the change table only grows, like the journal's history (trigger: migration 0005).
        dbtriggers.register_append_only("audit_changetablerow")
        # verify_journal also checks that approved requests hold exactly what the director approved.
        verify.register("Заявления (раздел 4)", verify_requests)
        # Separation of duties: a decided request and its entries stay as decided (trigger: migration 0009).
        dbtriggers.register_guard(
            "audit_late_change_frozen", install=late_change_triggers.install_sql, remove=late_change_triggers.remove_sql
        )
        # The staff roles read every record of the procedure and the checks; the sysadmin also applies an
        # approved request in the admin (п. 4.4; the service still checks the rest: never the approver).
        permissions.register(
            read_only=[
                ("audit", model)
                for model in (
                    "latechangerequest",
                    "latechangeitem",
                    "changetablerow",
                    "sysadminabsence",
                    "summarysheetbatch",
                    "compliancestate",
                    "finding",
                    "criterionsnapshot",
                    "classsnapshot",
                    "teachertimeliness",
                    "sentreminder",
                )
            ],
            sysadmin_extra=[("audit", "apply_latechangerequest")],
        )
