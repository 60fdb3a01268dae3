"""The API's writes: tokens, all-or-nothing batches, versions that stop lost updates, history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from indicators.models import Indicator, ReportedValue
from indicators.tests.conftest import HAIZHU, TIANHE

pytestmark = pytest.mark.django_db

Historical = ReportedValue.history.model


def snapshot() -> tuple[list, list]:
    """Every stored figure and every history record, for before/after comparisons."""
    values = list(ReportedValue.objects.order_by("pk").values())
    history = list(Historical.objects.order_by("history_id").values())
    return values, history


def gdp(year: int = 2024, value: str = "3456.78", **extra) -> dict:
    return {"area": HAIZHU, "indicator": "gdp", "year": year, "value": value, **extra}


def test_create_then_the_same_again_then_a_different_figure(api, accounts):
    analyst = accounts["haizhu_analyst"]
    created = api.send("post", "/values", gdp(source="海珠区统计公报"), analyst)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == 1 and body["value"] == 3456.78 and body["status"] == "preliminary"
    assert body["area"]["name_zh"] == "海珠区" and body["indicator"]["unit_zh"] == "亿元"
    stored = ReportedValue.objects.get(pk=body["id"])
    assert stored.value == Decimal("3456.78") and stored.entered_by == analyst.user
    (record,) = stored.history.all()
    assert record.history_user == analyst.user

    again = api.send("post", "/values", gdp(), analyst)
    assert again.status_code == 200 and again.json()["version"] == 1

    before = snapshot()
    different = api.send("post", "/values", gdp(value="3500"), analyst)
    assert different.status_code == 409
    problem = different.json()
    assert problem["current"]["value"] == 3456.78 and problem["current"]["version"] == 1
    assert "send version 1" in problem["detail"]
    assert snapshot() == before


def test_an_update_names_the_version_it_replaces(api, accounts):
    analyst = accounts["haizhu_analyst"]
    first = api.send("post", "/values", gdp(status="final"), analyst).json()
    updated = api.send(
        "patch", f"/values/{first['id']}", {"value": "3460.1", "version": 1, "reason": "yearbook"}, analyst
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["version"] == 2 and updated.json()["status"] == "revised"
    assert updated.json()["source"] == first["source"], "details left out keep their stored text"

    before = snapshot()
    stale = api.send("patch", f"/values/{first['id']}", {"value": "9999", "version": 1}, analyst)
    assert stale.status_code == 409
    assert stale.json()["current"]["value"] == 3460.1 and stale.json()["current"]["version"] == 2
    assert "version 2" in stale.json()["detail"]
    assert snapshot() == before
    records = ReportedValue.objects.get(pk=first["id"]).history.order_by("history_date")
    assert [r.value for r in records] == [Decimal("3456.78"), Decimal("3460.1")]
    assert records.last().history_change_reason == "yearbook"

    assert api.send("patch", "/values/999999", {"value": "1", "version": 1}, analyst).status_code == 404


def test_two_colleagues_editing_the_same_figure(api, accounts):
    """The second save, made from the same version as the first, gets a conflict; the first stands."""
    city, haizhu = accounts["city_analyst"], accounts["haizhu_analyst"]
    value = api.send("post", "/values", gdp(), haizhu).json()
    assert api.send("patch", f"/values/{value['id']}", {"value": "3470", "version": 1}, city).status_code == 200
    second = api.send("patch", f"/values/{value['id']}", {"value": "3480", "version": 1}, haizhu)
    assert second.status_code == 409
    assert ReportedValue.objects.get(pk=value["id"]).value == Decimal("3470")


def _year_of_rows(n: int = 500) -> list[dict]:
    indicators = list(Indicator.objects.exclude(measure="share").order_by("code").values_list("code", flat=True))
    rows = []
    year = 1990
    while len(rows) < n:
        for code in indicators:
            rows.append({"area": HAIZHU, "indicator": code, "year": year, "value": f"{len(rows)}.5"})
        year += 1
    return rows[:n]


def test_a_bulk_upsert_with_one_bad_row_among_500_writes_nothing_and_names_it(api, accounts):
    rows = _year_of_rows()
    share = Indicator.objects.filter(measure="share").first()
    rows[317] = {"area": HAIZHU, "indicator": share.code, "year": 2024, "value": "120"}
    before = snapshot()
    response = api.send("post", "/values/bulk", {"rows": rows, "reason": "2024 yearbook"}, accounts["city_analyst"])
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "1 of 500 rows rejected; nothing was written"
    (error,) = body["errors"]
    assert error["index"] == 317 and error["field"] == "value" and "between 0 and 100" in error["message"]
    assert snapshot() == before


def test_a_malformed_row_is_named_by_its_position(api, accounts):
    rows = _year_of_rows(50)
    rows[7]["value"] = "约30"
    rows[9]["value"] = "1.1234567"
    before = snapshot()
    response = api.send("post", "/values/bulk", {"rows": rows}, accounts["city_analyst"])
    assert response.status_code == 422
    locations = [tuple(e["loc"]) for e in response.json()["detail"]]
    assert ("body", "payload", "rows", 7, "value") in locations
    assert ("body", "payload", "rows", 9, "value") in locations
    assert snapshot() == before


def test_the_same_bulk_request_twice_leaves_the_same_data(api, accounts):
    rows = _year_of_rows()
    analyst = accounts["city_analyst"]
    first = api.send("post", "/values/bulk", {"rows": rows, "reason": "load"}, analyst)
    assert first.status_code == 200, first.content[:500]
    assert (first.json()["created"], first.json()["updated"], first.json()["unchanged"]) == (500, 0, 0)
    after_first = snapshot()
    second = api.send("post", "/values/bulk", {"rows": rows, "reason": "load"}, analyst)
    assert second.status_code == 200
    assert (second.json()["created"], second.json()["unchanged"]) == (0, 500)
    assert snapshot() == after_first
    assert Historical.objects.filter(history_change_reason="load").count() == 500


def test_bulk_changes_need_versions_and_stale_ones_are_listed_with_the_stored_figure(api, accounts):
    analyst = accounts["city_analyst"]
    rows = _year_of_rows(20)
    stored = api.send("post", "/values/bulk", {"rows": rows}, analyst).json()["rows"]
    changed = [{**row, "value": "1"} for row in rows[:3]]
    changed[0]["version"] = stored[0]["value"]["version"]
    changed[1]["version"] = 7
    before = snapshot()
    response = api.send("post", "/values/bulk", {"rows": changed}, analyst)
    assert response.status_code == 409
    errors = {e["index"]: e for e in response.json()["errors"]}
    assert set(errors) == {1, 2}
    assert "you sent version 7" in errors[1]["message"] and errors[1]["current"]["version"] == 1
    assert "send version 1" in errors[2]["message"]
    assert snapshot() == before

    with_versions = [{**row, "version": 1} for row in changed]
    applied = api.send("post", "/values/bulk", {"rows": with_versions}, analyst)
    assert applied.status_code == 200 and applied.json()["updated"] == 3
    assert [r["value"]["version"] for r in applied.json()["rows"]] == [2, 2, 2]


def test_rows_for_areas_one_may_not_write_are_refused_with_403(api, accounts):
    rows = [gdp(), {**gdp(), "area": TIANHE}, {**gdp(), "area": "440199"}, {**gdp(), "indicator": "nope"}]
    before = snapshot()
    response = api.send("post", "/values/bulk", {"rows": rows}, accounts["haizhu_analyst"])
    assert response.status_code == 403
    errors = {e["index"]: (e["code"], e["message"]) for e in response.json()["errors"]}
    assert errors == {
        1: ("forbidden", "You may not write the figures of 440106 Tianhe."),
        2: ("invalid", "No area with code 440199."),
        3: ("invalid", "No indicator with code nope."),
    }
    assert snapshot() == before


def test_a_batch_repeating_a_period_is_refused(api, accounts):
    response = api.send("post", "/values/bulk", {"rows": [gdp(), gdp(value="1")]}, accounts["city_analyst"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("Repeats row 0")


@pytest.mark.parametrize(
    "body, where",
    [
        ({**gdp(), "note": "a\x00b"}, "note"),
        ({**gdp(), "source": "\ud800"}, "source"),
        ({**gdp(), "value": "NaN"}, "value"),
        ({**gdp(), "value": "1e20"}, "value"),
        # 14 digits before the point, but SQLite keeps 15 significant ones: it read back as 100000000000000 (a 500)
        ({**gdp(), "value": "99999999999999.99"}, "value"),
        ({**gdp(), "value": "-99999999999999.999999"}, "value"),
        ({**gdp(), "year": 1800}, "year"),
        ({**gdp(), "colour": "red"}, "colour"),
        ({**gdp(), "quarter": 5}, "quarter"),
        ({**gdp(), "status": "guessed"}, "status"),
    ],
)
def test_bad_input_gets_422_naming_the_field_and_writes_nothing(api, accounts, body, where):
    before = snapshot()
    response = api.send("post", "/values", body, accounts["city_analyst"])
    assert response.status_code == 422, response.content
    assert where in str(response.json()["detail"])
    assert snapshot() == before


def test_period_rules_are_checked_before_writing(api, accounts):
    analyst = accounts["city_analyst"]
    later_start = api.send("post", "/values", gdp(span_from=2025), analyst)
    assert later_start.status_code == 422 and later_start.json()["errors"][0]["field"] == "span_from"
    quarter_span = api.send("post", "/values", gdp(quarter=2, span_from=2020), analyst)
    assert quarter_span.status_code == 422
    span = api.send("post", "/values", gdp(year=2025, span_from=2021, value="5.5"), analyst)
    assert span.status_code == 201 and span.json()["span_from"] == 2021


def test_unreadable_json_is_a_400_with_a_message(api, accounts):
    response = api.send("post", "/values/bulk", "{not json", accounts["city_analyst"])
    assert response.status_code == 400 and response.json()["detail"]


def test_writes_need_a_usable_token(api, accounts):
    before = snapshot()
    anonymous = api.send("post", "/values", gdp())
    assert anonymous.status_code == 401 and "needs an API token" in anonymous.json()["detail"]
    wrong_scheme = api.send("post", "/values", gdp(), HTTP_AUTHORIZATION="Token abc")
    assert wrong_scheme.status_code == 401 and "Bearer" in wrong_scheme.json()["detail"]
    viewer = api.send("post", "/values", gdp(), accounts["viewer"])
    assert viewer.status_code == 403 and "may read but not write" in viewer.json()["detail"]

    analyst = accounts["haizhu_analyst"]
    token = ApiToken.objects.get(user=analyst.user)
    token.revoke()
    revoked = api.send("post", "/values", gdp(), analyst)
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    token.revoked_at = None
    token.expires_at = timezone.now() - timedelta(minutes=1)
    token.save()
    assert api.send("post", "/values", gdp(), analyst).status_code == 401
    analyst.user.is_active = False
    analyst.user.save()
    token.expires_at = None
    token.save()
    assert api.send("post", "/values", gdp(), analyst).status_code == 401
    assert snapshot() == before


def test_tokens_are_stored_only_as_a_hash_and_record_their_use(accounts, api):
    analyst = accounts["haizhu_analyst"]
    token = ApiToken.objects.get(user=analyst.user)
    assert analyst.token not in str(list(ApiToken.objects.values()))
    assert token.prefix == analyst.token[:10] and len(token.digest) == 64
    assert token.last_used_at is None
    api.get("/areas", analyst)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_long_reason_is_kept_whole_in_the_history(api, accounts):
    analyst = accounts["haizhu_analyst"]
    value = api.send("post", "/values", gdp(), analyst).json()
    reason = "按2025年统计年鉴修订。" * 20  # 260 characters
    assert (
        api.send("patch", f"/values/{value['id']}", {"value": "1", "version": 1, "reason": reason}, analyst).status_code
        == 200
    )
    assert ReportedValue.objects.get(pk=value["id"]).history.latest().history_change_reason == reason
