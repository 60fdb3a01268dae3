"""The roles users are given, as Django groups with model permissions.

Created (and brought up to date) after every migrate, so a fresh database has them.
What a role may do applies only to the areas a user has access to (AreaAccess);
see districts.access.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

VIEW_MODELS = [
    ("districts", "area"),
    ("indicators", "sourcedocument"),
    ("indicators", "indicator"),
    ("indicators", "plan"),
    ("indicators", "plannote"),
    ("indicators", "target"),
    ("indicators", "reportedvalue"),
    ("indicators", "commentary"),
    ("reporting", "round"),
    ("reporting", "owedadjustment"),
    ("reporting", "submission"),
    ("reporting", "missingreason"),
]
VIEW = [(app, f"view_{model}") for app, model in VIEW_MODELS]
WRITE_VALUES = [("indicators", "add_reportedvalue"), ("indicators", "change_reportedvalue")]
# Making a plan from its published table (indicators.services.plantables): the plan, its targets and
# notes, and the indicators it brings that are not recorded yet.
MAKE_PLANS = [
    ("indicators", name)
    for name in ("add_plan", "add_target", "change_target", "add_plannote", "change_plannote", "add_indicator")
]

# Opening a reporting round (the city's job); adding or waiving an owed figure is the administrators'.
OPEN_ROUNDS = [("reporting", "add_round")]
REVIEW = [("districts", "review_year"), ("districts", "view_yearreview")]
VIEWER = "viewer"
DISTRICT_ANALYST = "district analyst"
CITY_ANALYST = "city analyst"
REVIEWER = "reviewer"
ADMINISTRATOR = "administrator"
# Administrators manage everything in these apps, and users and their roles.
ADMIN_APPS = ("districts", "indicators", "accounts", "reporting")
ADMIN_EXTRA = [
    ("auth", f"{action}_{model}") for model in ("user", "group") for action in ("add", "change", "delete", "view")
]

ROLES: dict[str, list[tuple[str, str]]] = {
    VIEWER: VIEW,
    # Both analysts enter and revise figures; which areas is set per user (AreaAccess):
    # a district analyst their district, a city analyst the city and with it every district.
    DISTRICT_ANALYST: VIEW + WRITE_VALUES,
    # City analysts also make plans from their published tables (district analysts do not), and open
    # the reporting rounds in which the city collects the districts' figures.
    CITY_ANALYST: VIEW + WRITE_VALUES + MAKE_PLANS + OPEN_ROUNDS,
    # Marks an area's year as reviewed, which freezes its figures until reopened with a reason.
    REVIEWER: VIEW + REVIEW,
}


def ensure_roles(using: str = "default") -> None:
    """Create the role groups and set their permissions to exactly those listed above."""
    every = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    roles = {
        **ROLES,
        ADMINISTRATOR: [key for key in every if key[0] in ADMIN_APPS] + ADMIN_EXTRA,
    }
    wanted = {key for perms in roles.values() for key in perms}
    missing = wanted - every.keys()
    if missing:
        raise RuntimeError(f"permissions not created yet: {sorted(missing)}")
    for name, perms in roles.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set([every[p] for p in perms])
