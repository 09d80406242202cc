from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "journal"
    verbose_name = _("Электронный журнал")

    def ready(self) -> None:
        from .permissions import sync_role_permissions_after_migrate

        # sender=self: once per migrate run (every app's post_migrate turn would repeat the same work).
        post_migrate.connect(
            sync_role_permissions_after_migrate, sender=self, dispatch_uid="journal.sync_role_permissions"
        )
