"""The scorecard and district pages say how much is known, and their status chips filter the table."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from gzplan.tests.browser import screenshot
from indicators.models import Indicator, Plan, ReportedValue, Target
from indicators.tests import factories
from indicators.web import dashboards
from reporting.services import create_round

pytestmark = pytest.mark.django_db


def test_coverage_counts_the_targets_with_figures_and_with_one_for_the_latest_year():
    rows = dashboards.plan_rows(Plan.objects.get(code="guangzhou-14th-fyp"))
    found = dashboards.coverage(rows)
    latest = [row.latest for row in rows]
    years = [figure.measured_year for figure in latest if figure]
    assert found.total == len(rows) == 34
    assert found.with_figure == len(years)
    assert found.latest_year == max(years)
    assert found.at_latest == years.count(max(years))
    assert found.without_figure == 34 - len(years)


def test_the_scorecard_says_what_is_known_in_each_language(client):
    rows = dashboards.plan_rows(Plan.objects.get(code="yuexiu-14th-fyp"))
    found = dashboards.coverage(rows)
    english = client.get("/en/?plan=yuexiu-14th-fyp").content.decode()
    assert f"{found.with_figure} of {found.total} targets have figures" in english
    assert f"{found.without_figure} targets have no figure yet." in english
    chinese = client.get("/?plan=yuexiu-14th-fyp").content.decode()
    assert f"{found.total}项指标中{found.with_figure}项已有数据" in chinese
    assert chinese.count('data-status="') == found.total


def test_a_plan_without_any_figure_says_so(client):
    plan = Plan.objects.get(code="tianhe-2024")
    assert not any(row.latest for row in dashboards.plan_rows(plan))
    page = client.get(f"/en/districts/{plan.area.code}/?plan={plan.code}").content.decode()
    assert "No figure has been reported for any of the plan's 5 targets yet." in page


@pytest.mark.django_db(transaction=True)
def test_a_status_chip_filters_the_table_and_pressing_it_again_shows_all(page, live_server):
    page.goto(live_server.url + reverse("scorecard") + "?plan=guangzhou-13th-fyp")
    rows = page.locator("tr[data-status]")
    total = rows.count()
    missed = page.locator('tr[data-status="not_achieved"]').count()
    assert 0 < missed < total
    chip = page.locator('[data-filter="not_achieved"]')
    chip.click()
    expect(chip).to_have_attribute("aria-pressed", "true")
    expect(page.locator("tr[data-status]:visible")).to_have_count(missed)
    screenshot(page, "scorecard-filtered")
    chip.click()
    expect(page.locator("tr[data-status]:visible")).to_have_count(total)


def test_the_latest_figure_is_one_of_the_plan_s_period_or_its_baseline_labelled(client):
    rows = dashboards.plan_rows(Plan.objects.get(code="guangzhou-13th-fyp"))
    years = {row.latest.measured_year for row in rows if row.latest}
    assert max(years) <= 2020  # the 13th FYP ends in 2020: a 2023 figure is not its latest
    growth = next(row for row in rows if row.target.indicator.code == "gdp")
    assert growth.latest.measured_year == 2020
    baseline = [row for row in rows if row.latest_is_baseline]
    assert all(row.latest.measured_year < 2016 for row in baseline)
    page = client.get("/en/?plan=guangzhou-13th-fyp").content.decode()
    assert '<span class="year">2023' not in page


def test_the_latest_figure_shows_its_status(client):
    rows = dashboards.plan_rows(Plan.objects.get(code="guangzhou-13th-fyp"))
    gdp = next(row for row in rows if row.target.indicator.code == "gdp")
    assert gdp.latest.status == "preliminary"  # as the seed's figures are loaded
    english = client.get("/en/?plan=guangzhou-13th-fyp").content.decode()
    assert '<span class="year">2020 (preliminary)</span>' in english
    chinese = client.get("/?plan=guangzhou-13th-fyp").content.decode()
    assert '<span class="year">2020（初步数）</span>' in chinese


@pytest.mark.parametrize("code", ["guangzhou-13th-fyp", "yuexiu-14th-fyp", "guangzhou-14th-fyp"])
def test_the_latest_figure_is_the_same_on_every_page_the_workbook_and_the_api(client, code):
    plan = Plan.objects.get(code=code)
    rows = {row.target.pk: row for row in dashboards.plan_rows(plan)}
    expected = {
        pk: (round(row.latest.value, 6), row.latest.measured_year, row.latest.status, row.latest_is_baseline)
        for pk, row in rows.items()
        if row.latest
    }
    assert expected, "the plan has figures"
    assert any(baseline for *_, baseline in expected.values()) or code == "guangzhou-13th-fyp"

    answer = client.get(f"/api/v1/progress?plan={code}&limit=200").json()
    served = {
        item["target"]["id"]: tuple(item["latest"][k] for k in ("value", "year", "status", "baseline"))
        for item in answer["items"]
        if item["latest"]
    }
    assert served == expected
    assert all(item["latest"] is None for item in answer["items"] if item["target"]["id"] not in expected)

    csv_rows = list(csv.DictReader(io.StringIO(client.get(f"/api/v1/progress?plan={code}&limit=200&format=csv")
                                               .content.decode("utf-8-sig"))))  # fmt: skip
    assert {int(r["target_id"]): (float(r["latest_value"]), int(r["latest_year"])) for r in csv_rows
            if r["latest_value"]} == {pk: (v, y) for pk, (v, y, *_) in expected.items()}  # fmt: skip

    sheet = load_workbook(io.BytesIO(client.get(f"/en/plans/{code}/table.xlsx").content)).active
    header = [cell.value for cell in sheet[1]]
    figures = [dict(zip(header, (cell.value for cell in line), strict=True)) for line in sheet.iter_rows(min_row=2)]
    assert sorted(
        (float(f["Latest figure"]), f["Latest figure year"]) for f in figures if f["Latest figure"] is not None
    ) == sorted((v, y) for v, y, *_ in expected.values())

    for url in (f"/en/?plan={code}", f"/en/plans/{code}/", f"/en/districts/{plan.area.code}/?plan={code}"):
        html = client.get(url).content.decode()
        shown = {int(pk): re.sub(r"<[^>]+>", "", text) for pk, text in LATEST.findall(html)}
        assert set(shown) == set(rows), url
        for pk, text in shown.items():
            if pk not in expected:
                assert text == "–", url
                continue
            value, year, status, baseline = expected[pk]
            words = "(baseline)" if baseline else f"({status})" if status else ""
            assert text.endswith(f" {year} {words}".rstrip()), (url, text)


LATEST = re.compile(r'<span class="latest" data-target="(\d+)">(.*?)</span></td>')


def test_a_plan_of_25_targets_without_figures_still_says_how_far_along_it_is(client, django_user_model):
    """Synthetic (test data, not a published plan): a 2026–2030 plan whose 25 targets have no figure yet."""
    plan = factories.plan(2026, 2030, code="test-25-targets")
    indicators = list(Indicator.objects.order_by("code")[:25])
    Target.objects.bulk_create(
        [factories.target(plan=plan, indicator=indicator, target_year=2030, row=str(number))
         for number, indicator in enumerate(indicators, start=1)]
    )  # fmt: skip
    analyst = django_user_model.objects.create_superuser("rounds-opener")
    create_round(analyst, year=2026, kind="preliminary", title_zh="2026年初步数据报送",
                 title_en="2026 preliminary figures", opens_on=datetime.date(2027, 1, 4),
                 due_on=datetime.date(2027, 3, 31))  # fmt: skip
    english = client.get(f"/en/?plan={plan.code}").content.decode()
    assert "No figure has been reported for any of the plan's 25 targets yet." in english
    assert "Figures for 2026 are due on" in english and "2027" in english
    chip = re.search(r'data-filter="no_data"[^>]*>(.*?)</', english, re.S)
    assert chip and "25" in chip.group(1), "the status chips count the 25 targets awaiting figures"
    assert english.count('data-status="no_data"') == 25
    chinese = client.get(f"/?plan={plan.code}").content.decode()
    assert "规划25项指标均尚未报送数据。" in chinese
    assert "2026年数据报送截止日期为" in chinese


def test_the_indicator_page_gives_each_area_s_latest_figure_with_the_year_it_measures_and_its_status(client):
    figures = ReportedValue.objects.filter(area__code="440100", indicator__code="gdp", quarter=0)
    latest = max((f for f in figures if f.span_from == f.year), key=lambda f: (f.reference_year, f.year))
    html = client.get("/en/indicators/gdp/").content.decode()
    row = html[html.index('href="/en/districts/440100/"') :]
    row = row[: row.index("</tr>")]
    words = {"preliminary": "(preliminary)", "final": "(final)", "revised": "(revised)"}.get(latest.status, "")
    assert f'<span class="year">{latest.reference_year} {words}'.rstrip() in row
