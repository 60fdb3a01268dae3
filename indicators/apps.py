from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from indicators import db_rules


def reinstall_db_rules(sender: AppConfig, using: str, **kwargs: object) -> None:
    """SQLite loses a table's triggers when a migration rebuilds it: put them back after every migrate."""
    db_rules.install(connections[using])


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Plans and indicators")

    def ready(self):
        post_migrate.connect(reinstall_db_rules, sender=self, dispatch_uid="indicators.reinstall_db_rules")
        from indicators.services import published  # needs the models, loaded by now

        published.connect()
