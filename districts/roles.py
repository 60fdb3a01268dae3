"""The roles users are given, as Django groups with model permissions.

Created (and brought up to date) after every migrate, so a fresh database has them.
What a role may do applies only to the areas a user has access to (AreaAccess);
see districts.access.
"""

from __future__ import annotations

VIEW_MODELS = [
    ("districts", "area"),
    ("indicators", "sourcedocument"),
    ("indicators", "indicator"),
    ("indicators", "plan"),
    ("indicators", "plannote"),
    ("indicators", "target"),
    ("indicators", "reportedvalue"),
]
VIEW = [(app, f"view_{model}") for app, model in VIEW_MODELS]
WRITE_VALUES = [("indicators", "add_reportedvalue"), ("indicators", "change_reportedvalue")]

VIEWER = "viewer"
DISTRICT_ANALYST = "district analyst"
CITY_ANALYST = "city analyst"

ROLES: dict[str, list[tuple[str, str]]] = {
    VIEWER: VIEW,
    # Both analysts enter and revise figures; which areas is set per user (AreaAccess):
    # a district analyst their district, a city analyst the city and with it every district.
    DISTRICT_ANALYST: VIEW + WRITE_VALUES,
    CITY_ANALYST: VIEW + WRITE_VALUES,
}


def ensure_roles(using: str = "default") -> None:
    """Create the role groups and set their permissions to exactly those listed above."""
    from django.contrib.auth.models import Group, Permission

    wanted = {(app, codename) for perms in ROLES.values() for app, codename in perms}
    permissions = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using).select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    }
    missing = wanted - permissions.keys()
    if missing:
        raise RuntimeError(f"permissions not created yet: {sorted(missing)}")
    for name, perms in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set([permissions[p] for p in perms])
