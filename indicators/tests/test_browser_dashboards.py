"""The dashboards in headless Chromium: every page in both languages draws without a console error or a
failed request; the charts and the map draw (a chart of fewer than two figures is a sentence instead, and
draws nothing); the plan and district switches work; 404s are pages.
Screenshots of every page land in test-artifacts/screenshots/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from districts.models import Area
from gzplan.tests.browser import expect_status, screenshot
from indicators.models import Indicator
from indicators.tests import factories

PAGES = [
    ("scorecard", "/", 0),
    ("scorecard-13th", "/?plan=guangzhou-13th-fyp", 0),
    ("districts", "/districts/", 0),
    # The seed data has two figures or more of few indicators: the others are sentences (test_charts.py).
    ("district-yuexiu-13th", "/districts/440104/?plan=yuexiu-13th-fyp", 1),
    ("district-guangzhou", "/districts/440100/", 5),
    ("indicators", "/indicators/", 0),
    ("downloads", "/downloads/", 0),
    ("scorecard-unknown-plan", "/?plan=nonexistent", 0),  # the default plan, with a notice
    ("indicator-gdp", "/indicators/gdp/", 1),
    ("indicator-rd-share", "/indicators/rd_share/", 1),
    ("plan-guangzhou-13th", "/plans/guangzhou-13th-fyp/", 0),
    ("plan-yuexiu-14th", "/plans/yuexiu-14th-fyp/", 0),
]
LANGUAGES = [("zh-Hans", ""), ("en", "/en")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale,prefix", LANGUAGES, ids=["zh", "en"])
@pytest.mark.parametrize("name,url,min_charts", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_draws_in_both_languages(page, live_server, page_locale, prefix, name, url, min_charts):
    response = page.goto(live_server.url + prefix + url)
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if not prefix else "en")
    expect(page.locator("h1")).to_be_visible()
    charts = page.locator(".chart")
    if min_charts:
        assert charts.count() >= min_charts
        # every chart container has been drawn by ECharts (an svg inside, and the page script's mark)
        expect(page.locator('.chart[data-drawn="true"]')).to_have_count(charts.count(), timeout=10_000)
        for i in range(charts.count()):
            expect(charts.nth(i).locator("svg").first).to_be_attached()
    screenshot(page, f"{name}-{page_locale}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_the_map_draws_the_eleven_districts(page, live_server, page_locale):
    gdp = Indicator.objects.get(code="gdp")
    for code, value in [("440103", "1250"), ("440105", "2100"), ("440106", "6000")]:
        factories.record_value(area=Area.objects.get(code=code), indicator=gdp, year=2023, value=Decimal(value))
    page.goto(live_server.url + "/en/indicators/gdp/")
    expect(page.locator('#map[data-drawn="true"]')).to_be_attached(timeout=10_000)
    expect(page.locator('#ranking[data-drawn="true"]')).to_be_attached()
    # one filled path per district (Huadu has two pieces), labelled with the English names
    assert page.locator("#map svg path").count() >= 11
    for name in ["Yuexiu", "Tianhe", "Conghua", "Nansha"]:
        expect(page.locator("#map svg text", has_text=name).first).to_be_attached()
    # the legend gives the classes' values, and the page says how many districts have a figure
    expect(page.locator("#map svg text", has_text="4812.5–6000").first).to_be_attached()
    expect(
        page.locator(".chart-note", has_text="3 of 11 districts have a figure for 2023; the others are left blank.")
    ).to_be_visible()
    screenshot(page, "indicator-gdp-three-districts-en")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["zh-Hans"])
def test_too_few_figures_are_sentences_not_empty_frames(page, live_server, page_locale):
    page.goto(live_server.url + "/indicators/gdp/")
    expect(page.locator("#timeseries[data-drawn='true']")).to_be_attached(timeout=10_000)
    assert page.locator("#map").count() == 0 and page.locator("#ranking").count() == 0
    expect(page.locator(".chart-sentence", has_text="11个区中有0个区有2023年的数据。")).to_be_visible()
    expect(page.locator(".chart-sentence", has_text="因此没有排名")).to_be_visible()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_the_plan_switch_and_the_district_switch(page, live_server, page_locale):
    page.goto(live_server.url + "/en/")
    expect(page.locator("h1")).to_contain_text("14th Five-Year Plan")
    page.select_option("#plan-switch", "guangzhou-13th-fyp")
    page.click("#plan-switch ~ button")
    expect(page).to_have_url(live_server.url + "/en/?plan=guangzhou-13th-fyp")
    expect(page.locator("h1")).to_contain_text("13th Five-Year Plan")
    expect(page.locator(".count--achieved")).to_be_visible()

    page.select_option("#district-switch", "440104")
    page.click("#district-switch ~ button")
    expect(page).to_have_url(live_server.url + "/en/districts/440104/")
    expect(page.locator("h1")).to_have_text("Yuexiu")

    page.select_option("#area-plan-switch", "yuexiu-13th-fyp")
    page.click("#area-plan-switch ~ button")
    expect(page).to_have_url(live_server.url + "/en/districts/440104/?plan=yuexiu-13th-fyp")
    expect(page.locator('.chart[data-drawn="true"]').first).to_be_attached(timeout=10_000)

    page.click("text=简体中文")
    expect(page).to_have_url(live_server.url + "/districts/440104/?plan=yuexiu-13th-fyp")
    expect(page.locator("h1")).to_have_text("越秀区")
    screenshot(page, "switches-yuexiu-13th-zh")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["zh-Hans"])
def test_an_unknown_district_is_a_404_page(page, live_server, page_locale):
    expect_status(page, 404, url="/districts/449999/")
    response = page.goto(live_server.url + "/districts/449999/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("未找到")
    screenshot(page, "not-found-zh")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_the_keyboard_reaches_the_skip_link_and_the_switches(page, live_server, page_locale):
    page.goto(live_server.url + "/en/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.focus("#plan-switch")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Show"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_a_phone_sees_the_scorecard_without_sideways_scrolling(browser, live_server, real_data, page_locale):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en")
    phone = context.new_page()
    try:
        phone.goto(live_server.url + "/en/")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width}px wide on a 390px screen"
        screenshot(phone, "scorecard-phone-en")
    finally:
        context.close()
