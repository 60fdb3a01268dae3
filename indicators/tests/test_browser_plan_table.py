"""A city analyst in headless Chromium pastes a 15th-FYP-style table, corrects a row in the preview,
confirms, and sees the new plan's scorecard; a district analyst is refused the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gzplan.tests.browser import expect_status, screenshot
from indicators.models import Target
from indicators.tests.plan_table_sample import PLAN, TABLE_15TH
from indicators.tests.test_browser_entry import analyst, log_in


@pytest.mark.django_db(transaction=True)
def test_a_city_analyst_makes_a_plan_from_its_table(page, live_server, django_user_model):
    analyst(django_user_model, "city-planner", "440100", "city analyst")
    log_in(page, live_server, "city-planner", "/plans/new-from-table/")
    expect(page.locator("h1")).to_have_text("根据指标表创建规划")
    page.fill("#id_text", TABLE_15TH)
    page.select_option("#id_area", "440100")
    page.select_option("#id_kind", "five_year")
    for name in ("code", "name_zh", "name_en", "start", "end", "source_key", "source_title_zh", "source_ref"):
        page.fill(f"#id_{name}", str(PLAN[name]))
    page.click("text=读取表格")

    expect(page.locator("h1")).to_contain_text("核对表格")
    expect(page.locator("#target-0 .said")).to_have_text("2026—2030年年均增长5%左右，预期性；基期值5%（2025年）")
    expect(page.locator("#target-1 .said")).to_contain_text("2030年4%以上，预期性")
    expect(page.locator("#target-1 .match")).to_contain_text("rd_share")
    expect(page.locator("#target-5 .match")).to_contain_text("新指标")  # 细颗粒物(PM2.5): a wording not seen yet
    screenshot(page, "plan-table-preview")

    # The analyst knows row 6 is the PM2.5 indicator already recorded, and checks again.
    page.select_option("#t5-indicator", "pm25_concentration")
    page.click("text=重新核对")
    expect(page.locator("#target-5 .match")).to_contain_text("pm25_concentration")
    expect(page.locator("#target-5 .said")).to_contain_text("2030年20微克/立方米以下，约束性")
    expect(page.locator("#problems")).to_contain_text("已读取8个目标，没有遗留问题。")
    page.click("#confirm")

    expect(page).to_have_url(f"{live_server.url}/?plan=guangzhou-15th-fyp")
    main = page.locator("main")
    expect(main).to_contain_text("广州市“十五五”规划")
    expect(main).to_contain_text("数字经济核心产业增加值占地区生产总值比重")
    expect(main).to_contain_text("城镇调查失业率")
    screenshot(page, "plan-table-scorecard")
    assert Target.objects.filter(plan__code="guangzhou-15th-fyp").count() == 8
    assert Target.objects.get(plan__code="guangzhou-15th-fyp", row="6").indicator.code == "pm25_concentration"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_a_district_analyst_is_refused_the_page(page, live_server, django_user_model, page_locale):
    analyst(django_user_model, "haizhu-planner", "440105")
    log_in(page, live_server, "haizhu-planner", "/en/entry/")
    expect(page.locator("h1")).to_have_text("Enter figures")  # signed in: the redirect has landed
    expect_status(page, 403)
    response = page.goto(f"{live_server.url}/en/plans/new-from-table/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")
    expect(page.locator("main")).to_contain_text("Only city analysts and administrators make plans from tables.")
