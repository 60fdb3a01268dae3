"""An analyst in headless Chromium: logs in, fills the entry grid for a year, saves, sees the dashboard
change, is refused another district; and a large import runs in the background with its progress shown."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from districts.models import Area, AreaAccess
from gzplan.tests.browser import expect_status, screenshot
from indicators.models import Indicator, ReportedValue

PASSWORD = "pw-for-browser-tests-1"


def analyst(django_user_model, username: str, area_code: str, role: str = "district analyst"):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    AreaAccess.objects.create(user=user, area=Area.objects.get(code=area_code))
    return user


def log_in(page, live_server, username: str, then: str) -> None:
    page.goto(f"{live_server.url}/en/accounts/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")  # not the header's search


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_a_district_analyst_enters_a_year_and_the_dashboard_shows_it(page, live_server, django_user_model,
                                                                     page_locale):  # fmt: skip
    analyst(django_user_model, "haizhu-analyst", "440105")
    log_in(page, live_server, "haizhu-analyst", "/en/entry/")
    expect(page.locator("h1")).to_have_text("Enter figures")
    page.select_option("#grid", "440105/2024")  # only the years Haizhu's plans cover are offered
    page.click("text=Open the grid")
    expect(page.locator("h1")).to_contain_text("Haizhu: figures for 2024")
    page.fill("#gdp_growth-value", "６.３")  # full-width, as typed with a Chinese input method
    page.fill("#fixed_asset_investment-value", "1,200")
    page.fill("#industrial_output_growth-value", "约12")
    screenshot(page, "entry-grid-filled")
    expect_status(page, 422)  # the grid comes back with the row's error, as a 422
    page.click("text=Save all")
    expect(page.locator("#row-industrial_output_growth .error")).to_contain_text("is not a number")
    expect(page.locator("#gdp_growth-value")).to_have_value("６.３")  # nothing typed is lost
    page.fill("#industrial_output_growth-value", "12")
    page.click("text=Save all")
    expect(page.locator(".message")).to_contain_text("Saved: 3 added")
    expect(page.locator("#gdp_growth-value")).to_have_value("6.3")
    screenshot(page, "entry-grid-saved")

    page.goto(f"{live_server.url}/en/districts/440105/")
    expect(page.locator("main")).to_contain_text("6.3")
    expect(page.locator("main")).to_contain_text("1200")

    expect_status(page, 403)
    response = page.goto(f"{live_server.url}/en/entry/440106/2024/")
    assert response.status == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_a_large_import_shows_its_progress_and_then_its_preview(page, live_server, django_user_model, settings,
                                                                tmp_path, page_locale):  # fmt: skip
    analyst(django_user_model, "city-analyst", "440100", "city analyst")
    codes = list(Indicator.objects.exclude(measure="share").values_list("code", flat=True))
    lines = ["area,indicator,year,value"] + [
        f"440103,{code},{year},{year}.5" for year in range(1950, 2030) for code in codes
    ]
    path = tmp_path / "liwan-history.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log_in(page, live_server, "city-analyst", "/en/imports/")
    page.set_input_files("#file", str(path))
    page.click("text=Check the file")
    expect(page.locator("#import-state")).to_have_attribute("data-state", "ready", timeout=60_000)
    expect(page.locator("#import-summary")).to_contain_text(f"{len(lines) - 1} to add")
    page.click("text=Import these figures")
    expect(page.locator("#import-state")).to_have_attribute("data-state", "applied", timeout=60_000)
    screenshot(page, "import-applied")
    assert ReportedValue.objects.filter(area__code="440103").count() >= len(lines) - 1
