"""The round pages: the list and opening a round, the public board, an area's drill-down and its adjustments."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from districts.models import Area
from indicators.models import Indicator
from reporting import services
from reporting.models import OwedAdjustment, Round
from reporting.owed import Status, completeness
from reporting.tests.conftest import CITY, YUEXIU

pytestmark = pytest.mark.django_db

NEW_ROUND = {
    "year": "2024",
    "kind": "final",
    "title_zh": "2024年最终数据报送",
    "title_en": "2024 final figures",
    "opens_on": "2025-09-01",
    "due_on": "2025-10-31",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def board_counts(html: str, code: str) -> list[int]:
    row = re.search(rf'<tr data-area="{code}">(.*?)</tr>', html, re.S).group(1)
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]


def test_the_board_is_public_in_both_languages(round_2025, client):
    zh = client.get("/rounds/2025/")
    assert zh.status_code == 200
    html = zh.content.decode()
    assert "2025年初步数据报送" in html and "越秀区" in html and "应报" in html
    counts = {s.area.code: s.counts for s in completeness(round_2025)}
    assert board_counts(html, YUEXIU) == [counts[YUEXIU][s] for s in Status]
    en = client.get("/en/rounds/2025/")
    assert (
        en.status_code == 200 and "Yuexiu" in en.content.decode() and "2025 preliminary figures" in en.content.decode()
    )
    assert client.get("/en/rounds/").status_code == 200


def test_the_board_takes_a_fixed_number_of_queries(round_2025, client, django_assert_max_num_queries):
    # The board's own ten, and the foot's data status: the latest year, the latest round and its
    # completeness (kept in the read cache in production; recomputed here, inside the test's transaction).
    with django_assert_max_num_queries(18):
        assert client.get("/en/rounds/2025/").status_code == 200


def test_the_drill_down_lists_missing_figures_linked_to_the_entry_grid(round_2025, client):
    html = client.get(f"/en/rounds/2025/{YUEXIU}/").content.decode()
    assert 'href="/en/entry/440104/2025/#row-pm25_concentration"' in html
    assert "Yuexiu 14th Five-Year Plan" in html
    assert "Add or waive" not in html  # anonymous: no form


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/en/rounds/2019/", 404, "No reporting round for 2019."),
        # A kind that is not one, or of no round of the year: the year's round, with a notice.
        ("/en/rounds/2025/?kind=monthly", 200, "“monthly” is not a kind of round"),
        ("/en/rounds/2025/?kind=final", 200, "There is no round of this kind for 2025"),
        ("/en/rounds/2025/440199/", 404, "No area with code 440199."),
        ("/en/rounds/2025/abc/", 404, "No area with code abc."),
        ("/en/rounds/20250/", 404, ""),
    ],
)
def test_bad_addresses_are_answered_with_a_message(round_2025, client, path, status, message):
    response = client.get(path)
    assert response.status_code == status
    assert message in response.content.decode()


def test_a_city_analyst_opens_a_round(users):
    client = signed_in(users["city_analyst"])
    assert "Open a round" in client.get("/en/rounds/").content.decode()
    response = client.post("/en/rounds/", NEW_ROUND)
    assert response.status_code == 302 and response["Location"] == "/en/rounds/2024/"
    assert Round.objects.get(year=2024, kind="final").created_by == users["city_analyst"]


def test_a_bad_round_is_shown_on_the_form_with_nothing_lost(users):
    client = signed_in(users["administrator"])
    response = client.post("/en/rounds/", {**NEW_ROUND, "due_on": "2025-08-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "A round is due on or after the day it opens." in html and 'value="2024 final figures"' in html
    response = client.post("/rounds/", {**NEW_ROUND, "opens_on": "not a date"})
    assert response.status_code == 400 and 'value="2024年最终数据报送"' in response.content.decode()
    assert not Round.objects.filter(year=2024).exists()


@pytest.mark.parametrize("role", ["viewer", "district_analyst", "reviewer", None])
def test_others_may_not_open_rounds(users, client, role):
    if role:
        client = signed_in(users[role])
    assert "Open a round" not in client.get("/en/rounds/").content.decode()
    # Anonymous visitors are sent to sign in first (gzplan.middleware.UploadGateMiddleware), the others refused.
    assert client.post("/en/rounds/", NEW_ROUND).status_code == (403 if role else 302)
    assert not Round.objects.filter(year=2024).exists()


def test_the_csrf_token_is_required(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["city_analyst"])
    assert client.post("/en/rounds/", NEW_ROUND).status_code == 403


def test_an_administrator_waives_and_adds_on_the_drill_down(round_2025, users):
    client = signed_in(users["administrator"])
    path = f"/en/rounds/2025/{YUEXIU}/"
    response = client.post(path, {"action": "waive", "indicator": "pm25_concentration", "reason": "station moved"})
    assert response.status_code == 302
    adjustment = OwedAdjustment.objects.get(round=round_2025, area__code=YUEXIU)
    assert (adjustment.action, adjustment.by) == ("waive", users["administrator"])
    html = client.get(path).content.decode()
    assert "station moved" in html
    refused = client.post(path, {"action": "add", "indicator": "gdp", "reason": "again"})
    assert refused.status_code == 400 and "already owes gdp" in refused.content.decode()
    unknown = client.post(path, {"action": "add", "indicator": "no_such", "reason": "x"})
    assert unknown.status_code == 400 and "No indicator with code no_such." in unknown.content.decode()


def test_only_administrators_adjust(round_2025, users):
    for role in ("city_analyst", "district_analyst", "viewer"):
        response = signed_in(users[role]).post(
            f"/en/rounds/2025/{YUEXIU}/", {"action": "waive", "indicator": "gdp", "reason": "x"}
        )
        assert response.status_code == 403
    assert not OwedAdjustment.objects.exists()


def test_entering_a_figure_changes_the_cached_board(round_2025, client, users):
    first = board_counts(client.get("/en/rounds/2025/").content.decode(), CITY)
    services.waive_owed(
        users["administrator"], round_2025, Area.objects.get(code=CITY), Indicator.objects.get(code="gdp"), "test"
    )
    second = board_counts(client.get("/en/rounds/2025/").content.decode(), CITY)
    assert sum(second) == sum(first) - 1
