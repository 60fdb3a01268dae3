from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GzplanConfig(AppConfig):
    """The project package as an app: API tokens and the REST API (gzplan.api)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gzplan"
    verbose_name = _("API access")

    def ready(self) -> None:
        from . import freshness

        freshness.connect_signals()
