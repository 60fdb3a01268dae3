"""Who may read and write which figures: every role × Haizhu and Tianhe, through the API and the admin."""

from __future__ import annotations

from decimal import Decimal

import pytest

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
