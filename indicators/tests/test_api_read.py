"""The API's reads: the same data as the database and the pages, in JSON, CSV and SDMX-CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pandas as pd
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.models import Area
from indicators.api.sdmx import value_time_period
from indicators.domain import unit_code
from indicators.models import Indicator, Plan, PlanNote, ReportedValue, Target
from indicators.progress.evaluation import evaluate_values
from indicators.tests.conftest import CITY, HAIZHU

pytestmark = pytest.mark.django_db


def _csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_areas_carry_both_names_and_page_with_a_total(api):
    body = api.get("/areas?limit=5").json()
    assert body["count"] == Area.objects.count() == 12
    assert len(body["items"]) == 5
    assert body["items"][0] == {
        "code": "440100",
        "level": "city",
        "parent": None,
        "name_zh": "广州市",
        "name_en": "Guangzhou",
        "page": "/districts/440100/",
    }
    following = api.client.get(body["next"]).json()
    assert following["offset"] == 5 and following["items"][0]["code"] not in {a["code"] for a in body["items"]}
    assert api.get("/areas?parent=440100&level=district").json()["count"] == 11
    assert api.get(f"/areas/{HAIZHU}").json()["name_en"] == "Haizhu"


def test_indicators_and_plans_match_the_database(api):
    body = api.get("/indicators?limit=5000").json()
    assert [i["code"] for i in body["items"]] == list(Indicator.objects.order_by("code").values_list("code", flat=True))
    growth = api.get("/indicators/gdp_growth").json()
    assert growth["measure"] == "growth" and growth["growth_of"] == "gdp"
    in_plan = api.get("/indicators?plan=yuexiu-14th-fyp&limit=5000").json()
    expected = set(Target.objects.filter(plan__code="yuexiu-14th-fyp").values_list("indicator__code", flat=True))
    assert {i["code"] for i in in_plan["items"]} == expected

    plans = api.get(f"/plans?area={CITY}").json()
    assert {p["code"] for p in plans["items"]} == set(
        Plan.objects.filter(area__code=CITY).values_list("code", flat=True)
    )
    detail = api.get("/plans/guangzhou-13th-fyp").json()
    plan = Plan.objects.get(code="guangzhou-13th-fyp")
    assert detail["targets"] == plan.targets.count()
    assert [n["number"] for n in detail["notes"]] == list(
        PlanNote.objects.filter(plan=plan).order_by("number").values_list("number", flat=True)
    )
    assert detail["period_start"] == 2016 and detail["area"]["name_zh"] == "广州市"


def test_every_target_is_served_as_stored(api):
    items = api.get("/targets?limit=5000").json()["items"]
    assert len(items) == Target.objects.count()
    by_id = {t["id"]: t for t in items}
    for target in Target.objects.select_related("plan__area", "indicator", "linked_indicator"):
        served = by_id[target.pk]
        assert served["plan"] == target.plan.code
        assert served["area"]["code"] == target.plan.area.code
        assert served["indicator"]["code"] == target.indicator.code
        assert served["target_notation"] == target.target_notation
        assert served["baseline"]["notation"] == target.baseline_notation
        assert served["comparator"] == target.comparator
        assert served["attribute"] == target.attribute
        assert served["kind"] == target.kind
        assert served["is_cumulative"] == target.is_cumulative
        assert served["linked_indicator"] == (target.linked_indicator.code if target.linked_indicator else None)
        expected = None if target.target_value is None else float(target.target_value)
        assert served["target_value"] == expected
        assert served["footnotes"] == sorted(target.footnotes.values_list("number", flat=True))


def test_the_13th_fyp_gdp_growth_row_reads_as_printed(api):
    (row,) = api.get("/targets?plan=guangzhou-13th-fyp&indicator=gdp_growth").json()["items"]
    assert row["target_notation"] == "年均7.5以上"
    assert row["comparator"] == "at_least" and row["kind"] == "annual_average" and row["target_value"] == 7.5
    assert row["attribute"] == "anticipatory" and row["row"] == "1"
    revised = api.get("/targets?plan=guangzhou-13th-fyp&indicator=retail_sales").json()["items"][0]
    assert revised["target_value"] == 10500 and revised["original_value"] == 11500 and revised["revision_reason"]


def test_values_filter_and_page_in_a_stable_order(api):
    everything = api.get("/values?limit=5000").json()
    assert everything["count"] == ReportedValue.objects.count()
    pages, offset = [], 0
    while True:
        body = api.get(f"/values?limit=7&offset={offset}").json()
        pages += body["items"]
        if body["next"] is None:
            break
        offset += 7
    assert [v["id"] for v in pages] == [v["id"] for v in everything["items"]]
    assert len({v["id"] for v in pages}) == everything["count"]

    city_gdp = api.get(f"/values?area={CITY}&indicator=gdp").json()["items"]
    assert [(v["year"], v["value"]) for v in city_gdp] == [
        (v.year, float(v.value)) for v in ReportedValue.objects.filter(area__code=CITY, indicator__code="gdp")
    ]
    assert any(v["year"] == 2023 and v["value"] == 30355.73 for v in city_gdp)
    ranged = api.get("/values?year_from=2019&year_to=2020").json()
    assert ranged["count"] == ReportedValue.objects.filter(year__range=(2019, 2020)).count() > 0
    assert api.get("/values?status=revised").json()["count"] == ReportedValue.objects.filter(status="revised").count()


def test_a_figure_is_served_at_the_year_it_measures(api):
    """The 13th FYP table prints the airport's 2019 figure in its 2020 column; its note gives the 2020 one."""
    in_2019 = api.get("/values?indicator=airport_passengers&year_from=2019&year_to=2019").json()["items"]
    in_2020 = api.get("/values?indicator=airport_passengers&year_from=2020&year_to=2020").json()["items"]
    assert [(v["area"]["code"], v["value"], v["reference_year"]) for v in in_2019] == [(CITY, 7339, 2019)]
    assert [(v["area"]["code"], v["value"], v["reference_year"]) for v in in_2020] == [(CITY, 4377, 2020)]
    (item,) = api.get("/progress?plan=guangzhou-13th-fyp&indicator=trade_value").json()["items"]
    verdict = item["verdict"]
    assert (verdict["status"], verdict["year"], verdict["value"]) == ("achieved", 2020, 9530)
    assert verdict["notes"] == ["met early: reached in 2019 (10001)"]


def test_values_of_a_plan_and_changed_since(api):
    plan = Plan.objects.get(code="yuexiu-13th-fyp")
    served = api.get(f"/values?plan={plan.code}&limit=5000").json()["items"]
    assert served and all(v["area"]["code"] == "440104" for v in served)
    assert all(plan.period_start - 1 <= v["year"] <= plan.period_end for v in served)
    later = timezone.now() + timedelta(seconds=1)
    value = ReportedValue.objects.first()
    ReportedValue.objects.filter(pk=value.pk).update(updated_at=later + timedelta(seconds=5))
    since = api.get("/values", data={"updated_since": later.isoformat()}).json()
    assert [v["id"] for v in since["items"]] == [value.pk]


def test_csv_opens_in_a_spreadsheet_with_chinese_and_no_formulas(api):
    area = Area.objects.get(code=HAIZHU)
    ReportedValue.objects.create(
        area=area,
        indicator=Indicator.objects.get(code="gdp"),
        year=2024,
        value=Decimal("3456.7"),
        note='=HYPERLINK("http://example.com","x")',
    )
    response = api.get(f"/values?area={HAIZHU}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    (row,) = [r for r in _csv_rows(response) if r["year"] == "2024" and r["indicator"] == "gdp"]
    assert row["area_zh"] == "海珠区" and row["value"] == "3456.7"
    assert row["note"].startswith("'=HYPERLINK")
    assert response["X-Total-Count"] == str(ReportedValue.objects.filter(area=area).count())
    by_header = api.get("/areas", HTTP_ACCEPT="text/csv")
    assert [r["name_zh"] for r in _csv_rows(by_header)][:2] == ["广州市", "荔湾区"]
    frame = pd.read_csv(io.BytesIO(api.get("/targets?format=csv&limit=5000").content), encoding="utf-8-sig")
    assert len(frame) == Target.objects.count() and "地区生产总值年均增速" in set(frame["label_zh"])


def test_sdmx_csv_for_values_and_targets(api):
    response = api.get(f"/values?area={CITY}&format=sdmx&limit=5000")
    assert response["Content-Type"].startswith("application/vnd.sdmx.data+csv; version=2.0.0")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(rows[0])[:9] == [
        "STRUCTURE", "STRUCTURE_ID", "ACTION", "REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS",
        "UNIT_MEASURE",
    ]  # fmt: skip
    # TIME_PERIOD is the period a figure measures: from span_from to its reference year.
    stored = {
        (
            v.indicator.code,
            value_time_period(year=v.year, quarter=v.quarter, span_from=v.span_from, reference_year=v.reference_year),
        ): v
        for v in ReportedValue.objects.filter(area__code=CITY).select_related("indicator")
    }
    assert len(rows) == len(stored)
    for row in rows:
        assert row["STRUCTURE"] == "dataflow" and row["REF_AREA"] == CITY
        value = stored[(row["INDICATOR"], row["TIME_PERIOD"])]
        assert Decimal(row["OBS_VALUE"]) == value.value
        assert row["OBS_STATUS"] == {"preliminary": "P", "final": "A", "revised": "R"}[value.status]
        assert row["UNIT_MEASURE"] == unit_code(value.indicator.unit_zh, value.indicator.unit_en)
    assert any("/P5Y" in r["TIME_PERIOD"] for r in rows), "a five-year total or average is a time range"

    by_accept = api.get("/targets?plan=guangzhou-14th-fyp", HTTP_ACCEPT="application/vnd.sdmx.data+csv")
    targets = list(csv.DictReader(io.StringIO(by_accept.content.decode("utf-8"))))
    assert len(targets) == Target.objects.filter(plan__code="guangzhou-14th-fyp").count()
    assert {t["REF_AREA"] for t in targets} == {CITY} and all(t["PLAN"] == "guangzhou-14th-fyp" for t in targets)


def test_conditional_requests_answer_304_until_the_data_changes(api):
    first = api.get(f"/values?area={CITY}")
    etag = first["ETag"]
    assert etag
    assert api.get(f"/values?area={CITY}", HTTP_IF_NONE_MATCH=etag).status_code == 304
    ReportedValue.objects.filter(area__code=CITY, indicator__code="gdp", year=2023).update(value=Decimal("30355.74"))
    changed = api.get(f"/values?area={CITY}", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_series_gives_figures_targets_paths_and_verdicts(api):
    body = api.get(f"/series/gdp?area={CITY}&area=440104").json()
    assert body["indicator"]["code"] == "gdp" and body["indicator"]["name_zh"] == "地区生产总值"
    city = next(a for a in body["areas"] if a["area"]["code"] == CITY)
    stored = ReportedValue.objects.filter(area__code=CITY, indicator__code="gdp").order_by("year")
    assert [(p["year"], p["value"]) for p in city["values"]] == [(v.year, float(v.value)) for v in stored]
    targets = Target.objects.filter(plan__area__code=CITY, indicator__code="gdp")
    verdicts = evaluate_values(targets)
    assert {t["id"] for t in city["targets"]} == set(targets.values_list("pk", flat=True))
    for served in city["targets"]:
        assert served["verdict"]["status"] == verdicts[served["id"]].status
        path = served["expected_path"]
        assert path[-1] == {"year": served["target_year"], "value": served["target_value"]}
        years = [p["year"] for p in path]
        assert years == sorted(years)
    fourteenth = next(t for t in city["targets"] if t["plan"] == "guangzhou-14th-fyp")
    # No printed baseline: the path starts from the 2020 figure, as the verdict does.
    assert fourteenth["expected_path"][0] == {"year": 2020, "value": 25019.0}
    assert len(fourteenth["expected_path"]) == 6
    assert api.get("/series/gdp?area=440199").status_code == 404
    assert api.get("/series/no_such_indicator").json()["detail"] == "No indicator with code no_such_indicator."


def test_progress_matches_the_engine(api):
    plan_targets = Target.objects.filter(plan__code="guangzhou-13th-fyp")
    verdicts = evaluate_values(plan_targets)
    body = api.get("/progress?plan=guangzhou-13th-fyp&limit=5000").json()
    assert body["count"] == plan_targets.count()
    for item in body["items"]:
        verdict = verdicts[item["target"]["id"]]
        assert item["verdict"]["status"] == verdict.status
        assert item["verdict"]["explanation_zh"] == verdict.explanation_zh
        assert item["verdict"]["label_zh"] and item["verdict"]["label_en"]
    not_achieved = [pk for pk, v in verdicts.items() if v.status == "not_achieved"]
    filtered = api.get("/progress?plan=guangzhou-13th-fyp&status=not_achieved&limit=3").json()
    assert filtered["count"] == len(not_achieved) > 3
    assert len(filtered["items"]) == 3 and filtered["next"]
    rows = _csv_rows(api.get("/progress?plan=guangzhou-13th-fyp&format=csv&limit=5000"))
    assert {int(r["target_id"]): r["status"] for r in rows} == {pk: v.status for pk, v in verdicts.items()}


def test_errors_answer_json_that_says_what_is_wrong(api):
    missing = api.get("/areas/440199")
    assert missing.status_code == 404 and missing.json() == {"detail": "No area with code 440199."}
    bad = api.get("/values?limit=5001")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "limit"]
    assert api.get("/values?area=44010x").status_code == 422
    assert api.get("/values?year_from=abc").status_code == 422
    # Offsets PostgreSQL does not take, and moments beyond year 9999 in UTC (found by the fuzzer).
    assert api.get("/values", data={"updated_since": "4203-12-11T21:27:52+23:21"}).status_code == 200
    assert api.get("/values", data={"updated_since": "9999-12-31T23:00:00-05:00"}).status_code == 422
    unknown = api.get("/nothing/here")
    assert unknown.status_code == 404 and "No API endpoint" in unknown.json()["detail"]
    token = api.get("/areas", HTTP_AUTHORIZATION="Bearer gzp_not-a-real-token")
    assert token.status_code == 401 and token.json()["detail"] == "The API token is unknown, expired or revoked."


def test_reads_can_be_made_private(api, accounts, settings):
    settings.API_PRIVATE_READS = True
    refused = api.get("/values")
    assert refused.status_code == 401 and "needs an API token" in refused.json()["detail"]
    assert api.get("/values", accounts["viewer"]).status_code == 200


def test_requests_beyond_the_rate_are_refused_with_429(api, settings):
    cache.clear()
    settings.API_THROTTLE_RATES = {"anon": "3/m", "token": ""}
    assert [api.get("/areas").status_code for _ in range(4)] == [200, 200, 200, 429]
    cache.clear()


def test_the_docs_work_offline_from_the_apps_static_files(api, client):
    page = client.get("/api/v1/docs")
    html = page.content.decode()
    assert page.status_code == 200 and "cdn" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    bundle = client.get("/static/ninja/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and b"SwaggerUI" in b"".join(bundle.streaming_content)
    bundle.close()
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description"), f"{method} {path} has no description"
            assert "example" in str(operation) or "examples" in str(operation) or _has_examples(schema, operation), (
                f"{method} {path} has no example"
            )


def _has_examples(schema: dict, operation: dict) -> bool:
    refs = [part.split("/")[-1] for part in str(operation).split("'$ref': '")[1:]]
    components = schema["components"]["schemas"]
    return any("examples" in str(components.get(ref.split("'")[0], {})) for ref in refs)


@pytest.mark.parametrize(
    "path",
    [
        "/areas?limit={n}",
        "/indicators?limit={n}",
        "/plans?limit={n}",
        "/targets?limit={n}",
        "/values?limit={n}",
        "/values?limit={n}&format=csv",
        "/values?limit={n}&format=sdmx",
        "/progress?limit={n}",
        "/progress?limit={n}&status=no_data",
    ],
)
def test_lists_issue_a_fixed_number_of_queries_whatever_the_page_size(api, path):
    _more_values(1200)
    counts = []
    for n in (1, 1000):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(path.format(n=n))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 6


def test_the_series_issues_a_fixed_number_of_queries_whatever_the_areas(api):
    _more_values(1200)
    counts = []
    for query in (f"?area={CITY}", ""):
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/series/gdp" + query).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 7, counts


def _more_values(n: int) -> None:
    """n extra yearly figures across the districts, so a page of 1,000 is full."""
    areas = list(Area.objects.all())
    indicators = list(Indicator.objects.filter(measure="level")[:10])
    rows, year = [], 1990
    while len(rows) < n:
        for area in areas:
            for indicator in indicators:
                rows.append(ReportedValue(area=area, indicator=indicator, year=year, span_from=year,
                                          reference_year=year, value=Decimal(year)))  # fmt: skip
        year += 1
    ReportedValue.objects.bulk_create(rows[:n])


def test_the_api_benchmark_runs_and_leaves_the_database_as_it_was():
    before = ReportedValue.objects.count()
    out = io.StringIO()
    call_command("bench_api", values=50, runs=2, warmup=0, stdout=out)
    report = out.getvalue()
    assert "values: page of 1,000 (JSON)" in report and "goal: a page of 1,000 values" in report
    assert ReportedValue.objects.count() == before
