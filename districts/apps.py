from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_roles(sender, using, **kwargs):
    """Create the role groups after every migrate (districts.roles)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from districts import roles

    # The roles need the indicators app's permissions, which Django creates when that app's
    # own post_migrate runs, after this one: create them now (it is idempotent).
    for label in ("districts", "indicators", "gzplan", "auth"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    roles.ensure_roles(using)


class DistrictsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "districts"
    verbose_name = _("Areas 地区")

    def ready(self):
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="districts.ensure_roles")
