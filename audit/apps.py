from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("Контроль и история")

    def ready(self):
        from journal import caches

        from .compliance import admin as compliance_admin  # noqa: F401
        from .late_changes import admin as late_changes_admin  # noqa: F401

        # The edit windows and work types are cached for the write path; a change clears them at once.
        for sender in ("audit.EditWindow", "journal.WorkType"):
            post_save.connect(caches.clear, sender=sender, dispatch_uid=f"clear-cache-{sender}-save")
            post_delete.connect(caches.clear, sender=sender, dispatch_uid=f"clear-cache-{sender}-delete")
