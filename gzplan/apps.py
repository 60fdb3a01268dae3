from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GzplanConfig(AppConfig):
    """The project package as an app: its management commands (refresh_read_cache), and the migration
    history of the API tokens before they moved to accounts and of the data version the read cache
    was once keyed by."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gzplan"
    verbose_name = _("gzplan")
