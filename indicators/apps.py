from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def reinstall_db_rules(sender, using, **kwargs):
    """SQLite loses a table's triggers when a migration rebuilds it: put them back after every migrate."""
    from django.db import connections

    from indicators import db_rules

    db_rules.install(connections[using])


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Plans and indicators 规划与指标")

    def ready(self):
        post_migrate.connect(reinstall_db_rules, sender=self, dispatch_uid="indicators.reinstall_db_rules")
