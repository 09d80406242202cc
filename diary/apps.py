from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "diary"
    verbose_name = _("Электронный дневник")

    def ready(self) -> None:
        from journal import permissions

        # Diary visits: read-only for the staff roles (the dashboard's visit statistics come from them).
        permissions.register(read_only=[("diary", "diaryvisit")])
