"""The entry grid, reviewed years, a figure's history page and restoring, and login throttling."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from districts.models import Area, AreaAccess, YearReview
from districts.roles import ADMINISTRATOR, REVIEWER
from indicators import services
from indicators.models import Indicator, RejectedEdit, ReportedValue
from indicators.tests.conftest import CITY, HAIZHU, TIANHE, make_account

pytestmark = pytest.mark.django_db

GRID = f"/en/entry/{HAIZHU}/2024/"


def dump() -> tuple[list, list, list]:
    return (
        list(ReportedValue.objects.order_by("pk").values()),
        list(ReportedValue.history.model.objects.order_by("history_id").values()),
        list(YearReview.objects.order_by("pk").values()),
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grid_form(client, url: str = GRID, **values) -> dict:
    """The grid's fields as the page gives them, with some values typed in."""
    page = client.get(url)
    assert page.status_code == 200
    data = {}
    for row in page.context["rows"]:
        key = row.key
        data.update({
            f"{key}-value": "", f"{key}-status": "preliminary", f"{key}-source": "", f"{key}-note": "",
            f"{key}-version": str(row.version),
        })  # fmt: skip
    for name, value in values.items():
        data[name.replace("__", "-")] = value
    return data


def test_the_grid_lists_what_the_plans_track_and_saves_many_rows_at_once(accounts):
    client = logged_in(accounts["haizhu_analyst"].user)
    page = client.get(GRID)
    codes = [row.indicator.code for row in page.context["rows"]]
    assert sorted(codes) == sorted([
        "gdp_growth", "fixed_asset_investment", "fixed_asset_investment_growth", "industrial_output_growth",
        "industrial_investment_growth", "it_services_growth", "exhibition_revenue",
    ])  # fmt: skip
    gdp_growth = next(r for r in page.context["rows"] if r.indicator.code == "gdp_growth")
    assert gdp_growth.target.target_value == Decimal(6)
    html = page.content.decode()
    assert "增长6%以上" in html  # the target as rendered in Chinese from the English source

    form = grid_form(client, fixed_asset_investment__value="６２０", gdp_growth__value="6.2",
                     gdp_growth__status="final", gdp_growth__source="海珠区统计局")  # fmt: skip
    saved = client.post(GRID, form)
    assert saved.status_code == 302
    stored = {v.indicator.code: v for v in ReportedValue.objects.filter(area__code=HAIZHU, year=2024)}
    assert stored["fixed_asset_investment"].value == Decimal(620)
    assert stored["gdp_growth"].value == Decimal("6.2") and stored["gdp_growth"].status == "final"
    assert stored["gdp_growth"].entered_by == accounts["haizhu_analyst"].user
    assert stored["gdp_growth"].history.get().history_user == accounts["haizhu_analyst"].user
    dashboard = client.get(f"/en/districts/{HAIZHU}/").content.decode()
    assert "6.2" in dashboard


def test_a_bad_row_keeps_everything_typed_and_saves_nothing(accounts):
    client = logged_in(accounts["haizhu_analyst"].user)
    form = grid_form(client, gdp_growth__value="约6", fixed_asset_investment__value="1,234.5",
                     fixed_asset_investment__note="新口径")  # fmt: skip
    before = dump()
    response = client.post(GRID, form)
    assert response.status_code == 422
    html = response.content.decode()
    assert "is not a number" in html and "约6" in html and "1,234.5" in html and "新口径" in html
    assert dump() == before


def test_a_share_out_of_range_and_a_big_jump_are_caught(accounts):
    share = Indicator.objects.filter(measure="share").first()
    area = Area.objects.get(code=HAIZHU)
    ReportedValue.objects.create(area=area, indicator=Indicator.objects.get(code="fixed_asset_investment"),
                                 year=2023, value=Decimal(400))  # fmt: skip
    client = logged_in(accounts["haizhu_analyst"].user)
    before = dump()
    jump = client.post(GRID, grid_form(client, fixed_asset_investment__value="900"))
    assert jump.status_code == 422 and "+125% on last year's 400" in unescape(jump.content.decode())
    assert dump() == before
    confirmed = client.post(GRID, grid_form(client, fixed_asset_investment__value="900",
                                            fixed_asset_investment__note="new industrial park counted"))  # fmt: skip
    assert confirmed.status_code == 302
    with pytest.raises(services.BatchRejected) as refused:
        services.upsert_values([{"area": HAIZHU, "indicator": share.code, "year": 2024, "value": Decimal(120)}],
                               user=accounts["haizhu_analyst"].user)  # fmt: skip
    assert "between 0 and 100" in refused.value.problems[0].message


def test_years_outside_the_plans_and_other_districts_are_refused(accounts):
    client = logged_in(accounts["haizhu_analyst"].user)
    assert client.get(f"/en/entry/{HAIZHU}/2031/").status_code == 404
    assert client.get(f"/en/entry/{TIANHE}/2024/").status_code == 403
    before = dump()
    assert client.post(f"/en/entry/{TIANHE}/2024/", {"gdp-value": "1"}).status_code == 403
    assert dump() == before
    assert Client().get(GRID).status_code == 302  # to the login page


def test_two_sessions_editing_the_same_figure(accounts):
    first, second = logged_in(accounts["haizhu_analyst"].user), logged_in(accounts["city_analyst"].user)
    form_one = grid_form(first, gdp_growth__value="6.1")
    form_two = grid_form(second, gdp_growth__value="6.3")
    assert first.post(GRID, form_one).status_code == 302
    refused = second.post(GRID, form_two)
    assert refused.status_code == 409
    assert "Changed by someone else meanwhile" in unescape(refused.content.decode())
    value = ReportedValue.objects.get(area__code=HAIZHU, indicator__code="gdp_growth", year=2024)
    assert value.value == Decimal("6.1")
    attempt = RejectedEdit.objects.get()
    assert attempt.value == Decimal("6.3") and attempt.user == accounts["city_analyst"].user
    assert attempt.channel == "grid" and attempt.stored_value == Decimal("6.1")
    assert Client().get(f"/en/values/{value.pk}/").status_code == 302, "who changed what is for logged-in users"
    history = first.get(f"/en/values/{value.pk}/").content.decode()
    assert "haizhu" in history and "city" in history and "6.3" in history and "6.1" in history


def test_a_reviewed_year_is_frozen_until_reopened_with_a_reason(accounts, api):
    reviewer = make_account("reviewer", REVIEWER, CITY)
    analyst = accounts["haizhu_analyst"]
    as_reviewer, as_analyst = logged_in(reviewer.user), logged_in(analyst.user)
    page = as_reviewer.get(GRID)
    assert page.status_code == 200 and b"Mark the year as reviewed" in page.content and b"Save all" not in page.content
    assert as_reviewer.post(GRID, {}).status_code == 403
    assert as_analyst.post(f"/en/entry/{HAIZHU}/2024/review/", {"action": "review"}).status_code == 403
    as_reviewer.post(f"/en/entry/{HAIZHU}/2024/review/", {"action": "review"})
    assert YearReview.objects.get().is_frozen

    before = dump()
    frozen = as_analyst.post(GRID, grid_form(as_analyst, gdp_growth__value="6.5"))
    assert frozen.status_code == 409 and "frozen" in frozen.content.decode()
    by_api = api.send("post", "/values", {"area": HAIZHU, "indicator": "gdp_growth", "year": 2024, "value": "6.5"},
                      analyst)  # fmt: skip
    assert by_api.status_code == 409 and "frozen" in by_api.json()["detail"]
    assert dump() == before

    as_reviewer.post(f"/en/entry/{HAIZHU}/2024/review/", {"action": "reopen", "reason": ""})
    assert YearReview.objects.get().is_frozen, "reopening needs a reason"
    as_reviewer.post(f"/en/entry/{HAIZHU}/2024/review/", {"action": "reopen", "reason": "统计局更正"})
    review = YearReview.objects.get()
    assert not review.is_frozen and review.reopen_reason == "统计局更正"
    assert [h.history_change_reason for h in review.history.order_by("history_date")] == [
        "reviewed", "reopened: 统计局更正",
    ]  # fmt: skip
    assert as_analyst.post(GRID, grid_form(as_analyst, gdp_growth__value="6.5")).status_code == 302


def test_the_history_page_and_an_administrators_restore(accounts):
    analyst = accounts["haizhu_analyst"]
    client = logged_in(analyst.user)
    client.post(GRID, grid_form(client, gdp_growth__value="6.1", gdp_growth__source="first"))
    client.post(GRID, grid_form(client, gdp_growth__value="6.4", gdp_growth__note="corrected"))
    value = ReportedValue.objects.get(area__code=HAIZHU, indicator__code="gdp_growth", year=2024)
    assert value.version == 2
    page = client.get(f"/en/values/{value.pk}/").content.decode()
    assert "6.1 → 6.4" in page.replace("value: ", "") or ("6.1" in page and "6.4" in page)
    assert "entered in the entry grid" in page
    first = value.history.order_by("history_date").first()

    assert client.post(f"/en/values/{value.pk}/restore/{first.history_id}/", {"version": 2}).status_code == 403
    admin = User.objects.create_user("chief", is_staff=True)
    admin.groups.add(Group.objects.get(name=ADMINISTRATOR))
    AreaAccess.objects.create(user=admin, area=Area.objects.get(code=CITY))
    restored = logged_in(admin).post(f"/en/values/{value.pk}/restore/{first.history_id}/", {"version": 2})
    assert restored.status_code == 302
    value.refresh_from_db()
    assert value.value == Decimal("6.1") and value.version == 3
    latest = value.history.latest()
    assert latest.history_change_reason == "restored version 1" and latest.history_user == admin


def test_logins_are_throttled_after_repeated_failures(client, settings):
    User.objects.create_user("guesser-target", password="the-right-password-1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/en/accounts/login/", {"username": "guesser-target", "password": "wrong"})
        assert response.status_code == 200
    assert client.post("/en/accounts/login/", {"username": "guesser-target", "password": "x"}).status_code == 429
    locked = client.post("/en/accounts/login/", {"username": "guesser-target", "password": "the-right-password-1"})
    assert locked.status_code == 429 and b"Too many failed logins" in locked.content
    admin_locked = client.post("/en/admin/login/", {"username": "guesser-target", "password": "the-right-password-1"})
    assert admin_locked.status_code == 429
