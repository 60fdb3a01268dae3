"""The data version that the read cache is keyed by (gzplan.lib.freshness)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row whose number grows after every committed change to the published data (areas,
    plans, indicators, targets, figures): the key under which read responses are cached
    (gzplan.lib.freshness). Never edited by hand."""

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version")
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.number)
