"""Who may write which area's figures: one rule for the admin console, the API and importers.

A user may write an area's figures when they are active, hold the permission to add
or change reported values (from their role, a group), and have access to the area
or to an area above it (districts.models.AreaAccess): a district analyst has their
district, city staff the city and so every district in it. Superusers may write
everywhere. Reading is public and not decided here.
"""

from __future__ import annotations

from .models import Area, AreaAccess

WRITE_PERMISSIONS = ("indicators.add_reportedvalue", "indicators.change_reportedvalue")
ALL = None  # editable_area_ids() result for "every area"


def may_write_values(user) -> bool:
    """Has the user a role that writes figures at all (whatever the area)?"""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_perms(WRITE_PERMISSIONS)


def editable_area_ids(user) -> set[int] | None:
    """Ids of the areas whose figures the user may write, or ALL (None) for every area.

    Two queries, cached on the user object for the rest of the request.
    """
    cached = getattr(user, "_gzplan_editable_areas", False)
    if cached is not False:
        return cached
    if not may_write_values(user):
        result: set[int] | None = set()
    elif user.is_superuser:
        result = ALL
    else:
        granted = set(AreaAccess.objects.filter(user=user).values_list("area_id", flat=True))
        result = _with_descendants(granted) if granted else set()
    if user is not None:
        user._gzplan_editable_areas = result
    return result


def can_edit_area(user, area: Area | int) -> bool:
    area_id = area if isinstance(area, int) else area.pk
    allowed = editable_area_ids(user)
    return allowed is ALL or area_id in allowed


def _with_descendants(area_ids: set[int]) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Area.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    result, todo = set(), list(area_ids)
    while todo:
        pk = todo.pop()
        if pk not in result:
            result.add(pk)
            todo.extend(children.get(pk, []))
    return result
