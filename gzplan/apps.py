from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gzplan.lib import freshness


class GzplanConfig(AppConfig):
    """The project package as an app: the data version the read cache is keyed by (gzplan.models), and
    the migration history of the API tokens before they moved to accounts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gzplan"
    verbose_name = _("gzplan")

    def ready(self) -> None:
        freshness.connect_signals()
