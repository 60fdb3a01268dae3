"""Writes to plans, targets and reported values.

Views, the admin console and importers call these functions rather than saving
models themselves, so that every change is validated, versioned and recorded in
the history with who made it and why.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from .models import ReportedValue, Target, ValueStatus


class StaleVersion(Exception):
    """The value was changed by someone else since the caller read it."""

    def __init__(self, current: ReportedValue):
        self.current = current
        super().__init__(f"{current} was changed meanwhile (now version {current.version}); reload before saving")


def record_value(
    *,
    area,
    indicator,
    year: int,
    value: Decimal,
    quarter: int = 0,
    span_from: int | None = None,
    reference_year: int | None = None,
    status: str | None = None,
    user=None,
    reason: str = "",
    expected_version: int | None = None,
    **details: Any,
) -> ReportedValue:
    """Enter or revise the figure for an area, indicator and period.

    A revision keeps the earlier figure in the history. Changing the number of a
    final figure marks it revised unless a status is given. With
    `expected_version`, a figure saved by someone else in between raises
    StaleVersion and nothing is written.
    """
    key = {
        "area": area,
        "indicator": indicator,
        "year": year,
        "quarter": quarter,
        "span_from": span_from or year,
    }
    with transaction.atomic():
        current = ReportedValue.objects.select_for_update().filter(**key).first()
        if current is None:
            if expected_version not in (None, 0):
                raise StaleVersion(ReportedValue(**key, value=value, version=0))
            obj = ReportedValue(
                **key,
                value=value,
                reference_year=reference_year or year,
                status=status or ValueStatus.PRELIMINARY,
                entered_by=user,
                **details,
            )
            obj._change_reason = reason or "entered"
            obj._history_user = user
            obj.full_clean()
            obj.save()
            return obj
        if expected_version is not None and expected_version != current.version:
            raise StaleVersion(current)
        new = {"value": value, "reference_year": reference_year or year, **details}
        if status:
            new["status"] = status
        elif value != current.value and current.status == ValueStatus.FINAL:
            new["status"] = ValueStatus.REVISED
        if all(getattr(current, field) == wanted for field, wanted in new.items()):
            return current
        for field, wanted in new.items():
            setattr(current, field, wanted)
        current.version += 1
        current.entered_by = user
        current._change_reason = reason or "revised"
        current._history_user = user
        current.full_clean()
        current.save()
        return current


def save_value_from_form(obj: ReportedValue, *, changed_fields: list[str], user) -> ReportedValue:
    """Save a value edited in a form (the admin console), counting it as a new version."""
    if obj.pk and not changed_fields:
        return obj
    with transaction.atomic():
        if obj.pk:
            current = ReportedValue.objects.select_for_update().get(pk=obj.pk)
            if "value" in changed_fields and current.status == ValueStatus.FINAL and "status" not in changed_fields:
                obj.status = ValueStatus.REVISED
            obj.version = current.version + 1
        obj.entered_by = user
        obj._history_user = user
        obj._change_reason = "edited in the admin console: " + ", ".join(changed_fields)
        obj.save()
    return obj


def revise_target(target: Target, *, value: Decimal, reason: str, user=None) -> Target:
    """Change a target's value, keeping the first published value and the reason."""
    if not reason.strip():
        raise ValueError("A target revision needs a reason.")
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.original_value is None:
            target.original_value = target.target_value
        target.target_value = value
        target.revision_reason = reason
        target._change_reason = reason
        target._history_user = user
        target.full_clean()
        target.save()
    return target
