from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo school generator (``seed_demo``, and the bench's schools): the top floor, above every app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = _("Демо-школа")
