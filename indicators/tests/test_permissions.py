"""Who may read and write which figures: every role × Haizhu and Tianhe, through the API and the admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from districts.access import can_edit_area
from districts.models import Area
from indicators.models import Indicator, ReportedValue
from indicators.tests.conftest import HAIZHU, TIANHE

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "viewer", "haizhu_analyst", "city_analyst"]

# What each role may do with Haizhu's and Tianhe's figures: (read, write).
MATRIX = {
    ("anonymous", HAIZHU): (True, False),
    ("anonymous", TIANHE): (True, False),
    ("viewer", HAIZHU): (True, False),
    ("viewer", TIANHE): (True, False),
    ("haizhu_analyst", HAIZHU): (True, True),
    ("haizhu_analyst", TIANHE): (True, False),
    ("city_analyst", HAIZHU): (True, True),
    ("city_analyst", TIANHE): (True, True),
}
CELLS = sorted(MATRIX)


@pytest.fixture
def figures(db) -> dict[str, ReportedValue]:
    gdp = Indicator.objects.get(code="gdp")
    return {
        code: ReportedValue.objects.create(area=Area.objects.get(code=code), indicator=gdp, year=2024, value=100)
        for code in (HAIZHU, TIANHE)
    }


@pytest.mark.parametrize("role, area", CELLS)
def test_through_the_api(api, accounts, figures, role, area):
    may_read, may_write = MATRIX[(role, area)]
    account = accounts[role]
    figure = figures[area]

    read = api.get(f"/values?area={area}&indicator=gdp&year_from=2024", account)
    assert (read.status_code == 200 and read.json()["count"] == 1) == may_read

    update = api.send("patch", f"/values/{figure.pk}", {"value": "101", "version": 1}, account)
    create = api.send("post", "/values", {"area": area, "indicator": "gdp", "year": 2025, "value": "7"}, account)
    if may_write:
        assert (update.status_code, create.status_code) == (200, 201)
    else:
        expected = 401 if role == "anonymous" else 403
        assert (update.status_code, create.status_code) == (expected, expected)
        assert update.json()["detail"] and create.json()["detail"]
    figure.refresh_from_db()
    assert figure.value == (Decimal(101) if may_write else Decimal(100))
    assert ReportedValue.objects.filter(area__code=area, year=2025).exists() == may_write


def _change_url(figure) -> str:
    return f"/en/admin/indicators/reportedvalue/{figure.pk}/change/"


def _form(figure, value: str) -> dict:
    return {
        "area": figure.area_id,
        "indicator": figure.indicator_id,
        "year": figure.year,
        "quarter": figure.quarter,
        "span_from": figure.span_from,
        "reference_year": figure.reference_year,
        "value": value,
        "qualifier": "",
        "notation": "",
        "status": "preliminary",
        "source_document": "",
        "source": "",
        "note": "",
    }


@pytest.mark.parametrize("role, area", CELLS)
def test_through_the_admin(client, accounts, figures, role, area):
    may_read, may_write = MATRIX[(role, area)]
    account = accounts[role]
    figure = figures[area]
    if account.user:
        client.force_login(account.user)

    page = client.get(_change_url(figure))
    listing = client.get(f"/en/admin/indicators/reportedvalue/?area__id__exact={figure.area_id}")
    if role == "anonymous":
        assert page.status_code == listing.status_code == 302 and "/login/" in page["Location"]
    else:
        assert page.status_code == listing.status_code == 200
        assert (b'name="_save"' in page.content) == may_write
        assert "100" in listing.content.decode()

    saved = client.post(_change_url(figure), _form(figure, "102"))
    added = client.post("/en/admin/indicators/reportedvalue/add/", {**_form(figure, "8"), "year": 2026})
    figure.refresh_from_db()
    if may_write:
        assert saved.status_code == 302 and figure.value == Decimal(102)
        assert added.status_code == 302
    else:
        assert figure.value == Decimal(100)
        assert saved.status_code == (302 if role == "anonymous" else 403)
        if role == "haizhu_analyst":
            # May add figures, but not for Tianhe: the area is not among the choices.
            assert added.status_code == 200 and b"Select a valid choice" in added.content
        else:
            assert added.status_code == (302 if role == "anonymous" else 403)
    assert ReportedValue.objects.filter(area=figure.area, year=2026).exists() == may_write


def test_reverting_from_the_history_is_a_write_too(client, accounts, figures):
    figure = figures[TIANHE]
    figure.value = Decimal(150)
    figure._change_reason = "changed"
    figure.save()
    first = figure.history.earliest()
    client.force_login(accounts["haizhu_analyst"].user)
    url = f"/en/admin/indicators/reportedvalue/{figure.pk}/history/{first.history_id}/"
    response = client.post(url, _form(figure, "100"))
    assert response.status_code == 403
    figure.refresh_from_db()
    assert figure.value == Decimal(150)


def test_the_rule_itself(accounts):
    haizhu, tianhe, city = (Area.objects.get(code=c) for c in (HAIZHU, TIANHE, "440100"))
    assert can_edit_area(accounts["haizhu_analyst"].user, haizhu)
    assert not can_edit_area(accounts["haizhu_analyst"].user, city), "a district analyst does not write the city"
    assert all(can_edit_area(accounts["city_analyst"].user, a) for a in (haizhu, tianhe, city))
    assert not can_edit_area(accounts["viewer"].user, haizhu)


# The admin console's other writes, for each role (an administrator scoped to Haizhu among them) and area:
# (delete one figure, delete in bulk, revert to an earlier version from the history).
ADMIN_ROLES = [*ROLES, "haizhu_admin", "superuser"]
ADMIN_MATRIX = {
    role: {HAIZHU: admin_haizhu, TIANHE: admin_tianhe}
    for role, admin_haizhu, admin_tianhe in [
        ("anonymous", False, False),
        ("viewer", False, False),
        ("haizhu_analyst", False, False),  # analysts revise; only administrators delete
        ("city_analyst", False, False),
        ("haizhu_admin", True, False),
        ("superuser", True, True),
    ]
}
REVERT = {"haizhu_analyst": {HAIZHU}, "city_analyst": {HAIZHU, TIANHE}, "haizhu_admin": {HAIZHU},
          "superuser": {HAIZHU, TIANHE}}  # fmt: skip


@pytest.fixture
def admin_accounts(accounts) -> dict:
    from districts.roles import ADMINISTRATOR
    from indicators.tests.conftest import make_account

    superuser = make_account("root", None)
    superuser.user.is_superuser = True
    superuser.user.save()
    return {**accounts, "haizhu_admin": make_account("haizhu-admin", ADMINISTRATOR, HAIZHU), "superuser": superuser}


def _login(client, account) -> None:
    client.logout()
    if account.user:
        client.force_login(account.user)


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("area", [HAIZHU, TIANHE])
def test_deleting_in_the_admin_console_one_or_in_bulk(client, admin_accounts, figures, role, area):
    may_delete = ADMIN_MATRIX[role][area]
    _login(client, admin_accounts[role])
    figure = figures[area]
    one = client.post(f"/en/admin/indicators/reportedvalue/{figure.pk}/delete/", {"post": "yes"})
    assert ReportedValue.objects.filter(pk=figure.pk).exists() != may_delete, one.status_code
    if not may_delete:
        assert one.status_code in (302, 403) if role == "anonymous" else one.status_code == 403
    # Bulk: this area's figure and another new one of the same area, through the list's delete action.
    again = ReportedValue.objects.create(area=figure.area, indicator=figure.indicator, year=2023, value=5)
    bulk = client.post(
        "/en/admin/indicators/reportedvalue/",
        {"action": "delete_selected", "_selected_action": [again.pk], "post": "yes"},
    )
    assert ReportedValue.objects.filter(pk=again.pk).exists() != may_delete, bulk.status_code


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_deleting_a_reviewed_years_figure_is_refused_for_everyone(client, admin_accounts, figures, role):
    from districts.models import YearReview

    figure = figures[HAIZHU]
    YearReview.objects.create(area=figure.area, year=figure.year, reviewed_by=admin_accounts["superuser"].user,
                              reviewed_at=timezone.now())  # fmt: skip
    _login(client, admin_accounts[role])
    client.post(f"/en/admin/indicators/reportedvalue/{figure.pk}/delete/", {"post": "yes"})
    client.post("/en/admin/indicators/reportedvalue/",
                {"action": "delete_selected", "_selected_action": [figure.pk], "post": "yes"})  # fmt: skip
    assert ReportedValue.objects.filter(pk=figure.pk).exists()


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("area", [HAIZHU, TIANHE])
def test_reverting_from_the_history_for_each_role(client, admin_accounts, figures, role, area):
    may_revert = area in REVERT.get(role, set())
    figure = figures[area]
    figure.value = Decimal(150)
    figure._change_reason = "changed"
    figure.save()
    first, version = figure.history.earliest(), figure.version
    _login(client, admin_accounts[role])
    url = f"/en/admin/indicators/reportedvalue/{figure.pk}/history/{first.history_id}/"
    page = client.get(url)
    form = {**_form(figure, "100"), "seen_version": page.context["adminform"].form["seen_version"].value()} if (
        page.status_code == 200) else _form(figure, "100")  # fmt: skip
    response = client.post(url, form)
    figure.refresh_from_db()
    assert figure.value == (Decimal(100) if may_revert else Decimal(150)), response.status_code
    if may_revert:
        assert figure.version == version + 1 and response.status_code == 302
    elif role != "anonymous":
        assert response.status_code == 403


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_granting_superuser_status_or_permissions_one_does_not_hold(client, admin_accounts, role):
    from django.contrib.auth.models import Group, Permission, User

    target = User.objects.create_user("someone", password="pw-for-tests-only", is_staff=True)
    account = admin_accounts[role]
    _login(client, account)
    me = account.user
    url = f"/en/admin/auth/user/{(me or target).pk}/change/"
    stored = me or target
    access = list(stored.area_access.all())
    base = {"username": stored.username, "is_active": "on", "is_staff": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "last_login_0": "", "last_login_1": "",
            "groups": [g.pk for g in stored.groups.all()],
            "area_access-TOTAL_FORMS": str(len(access)), "area_access-INITIAL_FORMS": str(len(access)),
            "area_access-MIN_NUM_FORMS": "0", "area_access-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for n, row in enumerate(access):
        base |= {
            f"area_access-{n}-id": row.pk,
            f"area_access-{n}-user": stored.pk,
            f"area_access-{n}-area": row.area_id,
        }
    made_superuser = client.post(url, {**base, "is_superuser": "on"})
    stored.refresh_from_db()
    assert stored.is_superuser == (role == "superuser"), made_superuser.status_code
    # A permission the user does not hold (deleting users), granted to themselves or through a new role.
    power = Permission.objects.get(codename="delete_logentry")
    client.post(
        url, {**base, "user_permissions": [power.pk], **({"is_superuser": "on"} if stored.is_superuser else {})}
    )
    assert stored.user_permissions.filter(pk=power.pk).exists() == (role == "superuser")
    role_url = "/en/admin/auth/group/add/"
    client.post(role_url, {"name": f"stronger-{role}", "permissions": [power.pk]})
    made = Group.objects.filter(name=f"stronger-{role}").first()
    assert (made is not None and made.permissions.filter(pk=power.pk).exists()) == (role == "superuser")


@pytest.mark.parametrize("role", ["haizhu_admin", "superuser"])
def test_deleting_targets_in_the_admin_console_keeps_to_the_users_areas(client, admin_accounts, role):
    from indicators.models import Target

    _login(client, admin_accounts[role])
    haizhu = Target.objects.filter(plan__area__code=HAIZHU).first()
    tianhe = Target.objects.filter(plan__area__code=TIANHE).first()
    for target in (haizhu, tianhe):
        client.post(f"/en/admin/indicators/target/{target.pk}/delete/", {"post": "yes"})
    assert not Target.objects.filter(pk=haizhu.pk).exists()
    assert Target.objects.filter(pk=tianhe.pk).exists() == (role == "haizhu_admin")
    survivor = Target.objects.filter(plan__area__code=TIANHE).first()
    client.post("/en/admin/indicators/target/",
                {"action": "delete_selected", "_selected_action": [survivor.pk], "post": "yes"})  # fmt: skip
    assert Target.objects.filter(pk=survivor.pk).exists() == (role == "haizhu_admin")
