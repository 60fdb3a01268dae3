"""The one write path of reporting rounds: open a round, add or waive an owed figure.

Each function checks who acts (districts.roles: city analysts and administrators open rounds,
administrators adjust what is owed) and refuses with a message saying what is wrong: PermissionDenied,
or ValidationError naming the field.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import AnyUser
from districts.models import Area
from gzplan.lib import freshness
from indicators.models import Indicator
from reporting.models import OwedAdjustment, Round
from reporting.owed import Why, completeness

OPEN_PERMISSION = "reporting.add_round"
ADJUST_PERMISSION = "reporting.add_owedadjustment"


def may_open_rounds(user: AnyUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(OPEN_PERMISSION))


def may_adjust(user: AnyUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(ADJUST_PERMISSION))


def create_round(
    user: AnyUser,
    *,
    year: int,
    kind: str,
    title_zh: str,
    title_en: str,
    opens_on: datetime.date,
    due_on: datetime.date,
) -> Round:
    """Open the year's round of this kind (preliminary or final figures)."""
    if not may_open_rounds(user):
        raise PermissionDenied(_("Only city analysts and administrators open reporting rounds."))
    round_ = Round(
        year=year,
        kind=kind,
        title_zh=title_zh.strip(),
        title_en=title_en.strip(),
        opens_on=opens_on,
        due_on=due_on,
        created_by=user if isinstance(user, User) else None,
    )
    round_.full_clean(exclude=["created_by"])
    with transaction.atomic():
        round_._history_user = user
        round_.save()
        freshness.changed(everything=True)
    return round_


def add_owed(user: AnyUser, round_: Round, area: Area, indicator: Indicator, reason: str) -> OwedAdjustment:
    """Make the area owe a figure its plans do not ask for (or take back a waiver)."""
    return _adjust(user, round_, area, indicator, reason, OwedAdjustment.Action.ADD)


def waive_owed(user: AnyUser, round_: Round, area: Area, indicator: Indicator, reason: str) -> OwedAdjustment:
    """Excuse the area from a figure it owes this round (or take back an addition)."""
    return _adjust(user, round_, area, indicator, reason, OwedAdjustment.Action.WAIVE)


def _adjust(user: AnyUser, round_: Round, area: Area, indicator: Indicator, reason: str, action: str) -> OwedAdjustment:
    if not may_adjust(user):
        raise PermissionDenied(_("Only administrators add or waive owed figures."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the figure is added or waived.")})
    with transaction.atomic():
        existing = (
            OwedAdjustment.objects.select_for_update().filter(round=round_, area=area, indicator=indicator).first()
        )
        # What the plans and figures ask for, before any adjustment: one of them is waived, an added one is not.
        (state,) = completeness(round_, areas=[area])
        derived = {f.indicator.pk for f in state.figures if f.why != Why.ADDED} | {f.indicator.pk for f in state.waived}
        names = {"indicator": indicator.code, "area": area.name, "year": round_.year}
        if existing is not None and existing.action == action:
            message = _("%(indicator)s is already added for %(area)s in this round.")
            if action == OwedAdjustment.Action.WAIVE:
                message = _("%(indicator)s is already waived for %(area)s in this round.")
            raise ValidationError({"indicator": message % names})
        # Otherwise an existing adjustment is the opposite one, taken back: its history keeps it.
        if existing is None and action == OwedAdjustment.Action.ADD and indicator.pk in derived:
            raise ValidationError({"indicator": _("%(area)s already owes %(indicator)s for %(year)s.") % names})
        if existing is None and action == OwedAdjustment.Action.WAIVE and indicator.pk not in derived:
            raise ValidationError(
                {"indicator": _("%(area)s does not owe %(indicator)s for %(year)s: nothing to waive.") % names}
            )
        adjustment = existing or OwedAdjustment(round=round_, area=area, indicator=indicator)
        adjustment.action = action
        adjustment.reason = reason
        adjustment.by = user if isinstance(user, User) else None
        adjustment.at = timezone.now()
        adjustment.full_clean(exclude=["by"])
        adjustment._history_user = adjustment.by
        adjustment.save()
        freshness.changed(everything=True)
    return adjustment
