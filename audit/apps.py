from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("Контроль и история")

    def ready(self):
        from journal import caches

        from .compliance import admin as compliance_admin  # noqa: F401
        from .late_changes import admin as late_changes_admin  # noqa: F401
        from .reference import ensure_reference_data

        # The edit windows and work types are cached for the write path; a change clears them at once.
        for sender in ("audit.EditWindow", "journal.WorkType"):
            post_save.connect(caches.clear, sender=sender, dispatch_uid=f"clear-cache-{sender}-save")
            post_delete.connect(caches.clear, sender=sender, dispatch_uid=f"clear-cache-{sender}-delete")

        # Roles, work types, edit windows and the history head exist in every database, even after a
        # test flush; the append-only triggers too.
        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="audit.ensure_reference_data")
