"""Trusted loads: the real data from fixtures/ and export-everything's import reproduce objects
as they are recorded elsewhere, by natural key, fields as given (a figure's version too).

The rules still apply: each object passes the model's own checks (full_clean) before the
database's, a figure in a reviewed (frozen) year is not changed, and figures and targets keep
their history with the reason. No version check and no area rights: loaders run as the system.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction

from districts.access import frozen_message, frozen_reviews, held_years
from indicators.models import PlanNote, ReportedValue, Target

Outcome = Literal["created", "updated", "unchanged", "kept"]


def same(current: Any, new: Any) -> bool:
    """Whether a stored field equals a loaded one (related objects by key; Decimals by value)."""
    if isinstance(current, models.Model) or isinstance(new, models.Model):
        return getattr(current, "pk", None) == getattr(new, "pk", None)
    return bool(current == new)  # Decimals compare by value: 6.36 == 6.360000 as stored


def edited_since(obj: models.Model, reason: str) -> bool:
    """Whether the latest version in the object's history was written for another reason than `reason`
    (someone revised it since the loader wrote it)."""
    history = getattr(obj, "history", None)
    if history is None:
        return False
    latest = history.order_by("-history_date", "-history_id").first()
    return latest is not None and latest.history_change_reason != reason


def load_object(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    reason: str,
    keep_edited: bool = False,
) -> tuple[Any, Outcome]:
    """Create or update one object by its natural key; save only when something differs.

    Returns the object and what happened: created, updated, unchanged, or kept (with
    `keep_edited`, when the history shows that someone changed it since a load with the same
    reason: an analyst's revision is never overwritten by a reload). Raises ValidationError
    with the model's messages, or the frozen year's, and writes nothing then.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        outcome: Outcome = "created"
    elif all(same(getattr(obj, key), value) for key, value in values.items()):
        return obj, "unchanged"
    elif keep_edited and edited_since(obj, reason):
        return obj, "kept"
    else:
        for key, value in values.items():
            setattr(obj, key, value)
        outcome = "updated"
    if isinstance(obj, ReportedValue):  # its area and year are in the natural key: they do not change here
        for review in frozen_reviews({(obj.area_id, obj.year)}).values():
            raise ValidationError(frozen_message(review))
        for message in held_years({(obj.area_id, obj.year)}).values():
            raise ValidationError(message)
    obj.full_clean()  # the model's own rules, with their messages, before the database's
    obj._change_reason = reason  # type: ignore[attr-defined]  # any model: django-simple-history reads it where kept
    with transaction.atomic():  # the row and its history, or neither
        obj.save()
    return obj, outcome


def set_footnotes(target: Target, notes: Iterable[PlanNote | int]) -> bool:
    """Make the target's footnotes exactly `notes` (objects or ids); returns whether they changed."""
    wanted = {note if isinstance(note, int) else note.pk for note in notes}
    if set(target.footnotes.values_list("pk", flat=True)) == wanted:
        return False
    target.footnotes.set(wanted)
    return True
