from __future__ import annotations

from django.apps import AppConfig, apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_roles(sender: AppConfig, using: str, **kwargs: object) -> None:
    """Create the role groups after every migrate (districts.roles)."""
    # Imported here, not above: districts.roles imports the auth models, which cannot be imported
    # while the app registry loads this module.
    from districts import roles

    # The roles need the indicators' and reporting's permissions, which Django creates when those apps'
    # own post_migrate runs, after this one: create them now (it is idempotent).
    for label in ("accounts", "districts", "indicators", "reporting", "auth"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    roles.ensure_roles(using)


class DistrictsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "districts"
    verbose_name = _("Areas")

    def ready(self) -> None:
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="districts.ensure_roles")
