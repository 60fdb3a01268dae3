"""Following: the one write path (follow, unfollow) and what a user follows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from districts.models import Area
from following.models import Follow, VerdictSeen
from indicators.models import Plan, Target
from indicators.progress.evaluation import evaluate_values

KINDS = ("area", "plan", "target")


def find(kind: str, key: str) -> Area | Plan | Target:
    """The area (by code), plan (by code) or target (by id) to follow; ValidationError naming what is wrong."""
    if kind not in KINDS:
        raise ValidationError({"kind": _("Follow an area, a plan or a target, not “%(kind)s”.") % {"kind": kind[:40]}})
    key = key.strip()
    found: Area | Plan | Target | None
    if kind == "area":
        found = Area.objects.filter(code=key).first()
    elif kind == "plan":
        found = Plan.objects.filter(code=key).first()
    else:
        found = (
            Target.objects.filter(pk=int(key)).first() if key.isascii() and key.isdigit() and len(key) < 16 else None
        )
    if found is None:
        raise ValidationError({"key": _("No such area, plan or target: “%(key)s”.") % {"key": key[:40]}})
    return found


def follow(user, thing: Area | Plan | Target) -> Follow:
    """Follow `thing`; following it again changes nothing. The verdicts standing now are the ones a
    later change is compared with."""
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in to follow."))
    field = {Area: "area", Plan: "plan", Target: "target"}[type(thing)]
    which: dict[str, Any] = {"user": user, field: thing}
    try:
        with transaction.atomic():
            item, _created = Follow.objects.get_or_create(**which)
    except IntegrityError:  # followed meanwhile from another tab
        item = Follow.objects.get(**which)
    remember(targets_of(Follow.objects.filter(pk=item.pk)))
    return item


def unfollow(user, follow_id: int) -> None:
    deleted, _by_model = Follow.objects.filter(user=user, pk=follow_id).delete()
    if not deleted:
        raise ValidationError({"follow": _("You do not follow that.")})


def targets_of(follows: QuerySet[Follow]) -> QuerySet[Target]:
    """The targets the follows cover: followed targets, the targets of followed plans and of followed areas' plans."""
    return Target.objects.filter(
        Q(pk__in=follows.exclude(target=None).values("target"))
        | Q(plan__in=follows.exclude(plan=None).values("plan"))
        | Q(plan__area__in=follows.exclude(area=None).values("area"))
    )


def followers(target: Target) -> QuerySet:
    """The users who follow the target, directly, through its plan or through its plan's area."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            Q(follows__target=target) | Q(follows__plan_id=target.plan_id) | Q(follows__area_id=target.plan.area_id),
            is_active=True,
        )
        .distinct()
    )


def remember(targets: QuerySet[Target]) -> None:
    """Record the verdicts standing now for targets not seen yet (a change is compared with these)."""
    unseen = targets.exclude(pk__in=VerdictSeen.objects.values("target"))
    verdicts = evaluate_values(unseen)
    VerdictSeen.objects.bulk_create(
        [VerdictSeen(target_id=pk, status=v.status) for pk, v in verdicts.items()], ignore_conflicts=True
    )
