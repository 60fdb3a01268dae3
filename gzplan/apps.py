from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GzplanConfig(AppConfig):
    """The project package as an app: its management commands (refresh_read_cache), and the migration
    history of the API tokens before they moved to accounts and of the data version the read cache
    was once keyed by."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gzplan"
    verbose_name = _("gzplan")

    def ready(self) -> None:
        # The task queue's app names itself in English only ("Tasks Database Backend"), and the admin
        # console's index shows that name as it is: a name the catalogue translates, for a page in one language.
        from django.apps import apps

        if apps.is_installed("django_tasks_db"):
            apps.get_app_config("django_tasks_database").verbose_name = _("Task results")
