"""The scorecard and district pages say how much is known, and their status chips filter the table."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gzplan.tests.browser import screenshot
from indicators.models import Plan
from indicators.web import dashboards

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
