"""Writes of targets: revisions keep the first published value and the reason."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from indicators.models import Target


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


def save_target(target: Target, *, user=None, reason: str) -> Target:
    """Create or change a target edited in a form (the admin console): the model's rules first, then
    the save, with who and why in its history."""
    with transaction.atomic():
        target.full_clean()
        target._change_reason = reason
        target._history_user = user
        target.save()
    return target


def delete_targets(targets: Iterable[Target], *, user=None, reason: str) -> int:
    """Delete targets, each leaving a last version in its history with who and why."""
    count = 0
    with transaction.atomic():
        for target in targets:
            target._change_reason = reason
            target._history_user = user
            target.delete()
            count += 1
    return count
