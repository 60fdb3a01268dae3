"""Which writes end cached reads (gzplan.lib.freshness): every save() and delete() of the published data.

A figure's save or delete changes the generations of its area and its indicator; any other published
row (an area, a plan, an indicator, a target, a note, a source, a year's review) changes everything.
Bulk writes of figures record theirs in ReportedValueQuerySet; COPY (services.copy) calls
freshness.changed itself; `manage.py refresh_read_cache` covers changes made by hand in the database.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from gzplan.lib import freshness

PUBLISHED_APPS = ("districts", "indicators")
# Rows that no public page or API read shows: who may write where, import jobs, refused edits.
QUIET_MODELS = frozenset({"districts.AreaAccess", "indicators.ImportBatch", "indicators.RejectedEdit"})


def published_models() -> list[type[Model]]:
    return [
        model
        for label in PUBLISHED_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in QUIET_MODELS and not model.__name__.startswith("Historical")
    ]


def _figure_changed(sender, instance, using: str, **kwargs) -> None:
    freshness.changed(areas=[instance.area_id], indicators=[instance.indicator_id], using=using)


def _row_changed(sender, using: str, **kwargs) -> None:
    freshness.changed(everything=True, using=using)


def connect() -> None:
    from indicators.models import ReportedValue

    for model in published_models():
        receiver = _figure_changed if model is ReportedValue else _row_changed
        uid = f"gzplan.freshness.{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ".delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="gzplan.freshness.m2m")


def _m2m_changed(sender, instance, action: str, using: str, **kwargs) -> None:
    if action.startswith("post_") and instance._meta.app_label in PUBLISHED_APPS:
        freshness.changed(everything=True, using=using)
