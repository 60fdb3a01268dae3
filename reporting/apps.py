from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Reporting rounds")

    def ready(self) -> None:
        # A year submitted for review is held: the figures' and commentary's write paths (indicators,
        # below this app in the layers) ask districts.access.held_years, which asks this.
        from districts.access import register_year_holds
        from reporting.holds import submitted_years

        register_year_holds(submitted_years)
        # A year reviewed or reopened on another path moves its submissions along (services.review_changed).
        from django.db.models.signals import post_save

        from districts.models import YearReview
        from reporting.services import review_changed

        post_save.connect(review_changed, sender=YearReview, dispatch_uid="reporting.review_changed")
