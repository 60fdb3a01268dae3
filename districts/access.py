"""Who may write which area's figures: one rule for the admin console, the API and importers.

A user may write an area's figures when they are active, hold the permission to add
or change reported values (from their role, a group), and have access to the area
or to an area above it (districts.models.AreaAccess): a district analyst has their
district, city staff the city and so every district in it. Superusers may write
everywhere. Reading is public and not decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from districts.models import Area, AreaAccess, YearReview

WRITE_PERMISSIONS = ("indicators.add_reportedvalue", "indicators.change_reportedvalue")
REVIEW_PERMISSION = "districts.review_year"
ALL = None  # editable_area_ids() result for "every area"
# Where area_scope() keeps its answer on the user object, for the rest of the request.
_SCOPE_CACHE = "_gzplan_area_scope"

# Whoever a request or a service acts for: a signed-in user, the anonymous one, or nobody.
AnyUser = User | AnonymousUser | None


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a view behind login_required: its user is signed in (django-stubs' pattern for
    typing such views; at run time it is the plain HttpRequest)."""

    user: User


def may_write_values(user: AnyUser) -> bool:
    """Has the user a role that writes figures at all (whatever the area)?"""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_perms(WRITE_PERMISSIONS)


def editable_area_ids(user: AnyUser) -> set[int] | None:
    """Ids of the areas whose figures the user may write, or ALL (None) for every area.

    Two queries, cached on the user object for the rest of the request.
    """
    return area_scope(user) if may_write_values(user) else set()


def area_scope(user: AnyUser) -> set[int] | None:
    """The areas a user works on (AreaAccess and the areas within them), ALL for a superuser."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    if hasattr(user, _SCOPE_CACHE):
        cached: set[int] | None = getattr(user, _SCOPE_CACHE)
        return cached
    if user.is_superuser:
        result: set[int] | None = ALL
    else:
        granted = set(AreaAccess.objects.filter(user=user).values_list("area_id", flat=True))
        result = _with_descendants(granted) if granted else set()
    setattr(user, _SCOPE_CACHE, result)  # not a field of User: kept for this request only
    return result


def may_review(user: AnyUser, area: Area | int) -> bool:
    """May the user mark the area's years as reviewed, and reopen them?"""
    if not (user and user.is_authenticated and user.is_active and user.has_perm(REVIEW_PERMISSION)):
        return False
    scope = area_scope(user)
    return scope is ALL or (area if isinstance(area, int) else area.pk) in scope


def frozen_reviews(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], YearReview]:
    """The reviews that freeze any of the (area id, year) pairs: one query."""
    wanted = set(pairs)
    if not wanted:
        return {}
    reviews = (
        YearReview.objects.frozen()
        .filter(area_id__in={a for a, _ in wanted}, year__in={y for _, y in wanted})
        .select_related("area", "reviewed_by")
    )
    return {(r.area_id, r.year): r for r in reviews if (r.area_id, r.year) in wanted}


def frozen_message(review: YearReview) -> str:
    who = review.reviewed_by.get_username() if review.reviewed_by else "a reviewer"
    return (
        f"{review.area.name_en} {review.year} was reviewed by {who} on {review.reviewed_at:%Y-%m-%d} and is "
        "frozen; a reviewer must reopen it before its figures change."
    )


# Holds on an area's year by an app above this one: given (area id, year) pairs, the held ones with the
# message saying why. The reporting app registers its submissions at ready() (a year submitted for
# review is held until a reviewer returns or accepts it): the figures' and commentary's write paths in
# indicators ask here, and so never import reporting, which sits above them in the layers.
YearHolds = Callable[[set[tuple[int, int]]], dict[tuple[int, int], str]]
_year_holds: list[YearHolds] = []


def register_year_holds(holds: YearHolds) -> None:
    """Add a source of holds (once: registering it again changes nothing)."""
    if holds not in _year_holds:
        _year_holds.append(holds)


def held_years(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The (area id, year) pairs whose figures and commentary may not change now, besides frozen years,
    each with the message saying why: one query per registered source, none when nothing is asked."""
    wanted = set(pairs)
    held: dict[tuple[int, int], str] = {}
    if wanted:
        for holds in _year_holds:
            for pair, message in holds(wanted).items():
                held.setdefault(pair, message)
    return held


def can_edit_area(user: AnyUser, area: Area | int) -> bool:
    area_id = area if isinstance(area, int) else area.pk
    allowed = editable_area_ids(user)
    return allowed is ALL or area_id in allowed


def _with_descendants(area_ids: set[int]) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Area.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    result: set[int] = set()
    todo = list(area_ids)
    while todo:
        pk = todo.pop()
        if pk not in result:
            result.add(pk)
            todo.extend(children.get(pk, []))
    return result
