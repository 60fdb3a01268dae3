"""The browser harness works: Debian's Chromium shows the app in both languages, and problems fail tests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse
from playwright.sync_api import expect

from gzplan.tests import browser as harness
from gzplan.tests.browser import dump_database, expect_problems, expect_status, screenshot
from indicators.models import Plan

ROOT = Path(__file__).resolve().parents[2]


LOGIN = [
    # Accept-Language, address prefix, <html lang>, the submit button
    ("zh-Hans", "", "zh-hans", "登录"),
    ("en", "/en", "en", "Log in"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale,prefix,html_lang,button", LOGIN, ids=["zh-Hans", "en"])
def test_the_admin_login_page_in_both_languages(page, live_server, page_locale, prefix, html_lang, button):
    response = page.goto(f"{live_server.url}{prefix}/admin/login/")

    assert response.status == 200
    assert response.request.header_value("accept-language") == page_locale
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("#id_password")).to_be_visible()
    expect(page.locator("#login-form input[type=submit]")).to_have_value(button)
    assert screenshot(page, f"admin-login-{page_locale}").stat().st_size > 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_the_live_server_sees_the_real_data(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("browser", password="pw-for-browser-tests")
    page.goto(live_server.url + reverse("admin:indicators_plan_changelist"))
    page.fill("#id_username", "browser")
    page.fill("#id_password", "pw-for-browser-tests")
    page.click("#login-form input[type=submit]")

    codes = list(Plan.objects.values_list("code", flat=True))
    assert codes, "the test database holds no real plans"
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(len(codes))
    for code in codes:
        expect(page.locator("#result_list")).to_contain_text(code)
    screenshot(page, "admin-plans-en")


@pytest.mark.django_db(transaction=True)
def test_an_expected_404_passes_and_an_unexpected_one_is_caught(page, live_server):
    expect_status(page, 404, "/no-such-page/")
    assert page.goto(live_server.url + "/no-such-page/").status == 404

    with expect_problems(page) as caught:
        page.goto(live_server.url + "/another-missing-page/")
    assert any("HTTP 404" in problem and "/another-missing-page/" in problem for problem in caught), caught


def test_the_harness_catches_console_errors_and_uncaught_exceptions(page, page_problems):
    page.set_content("<p>harness check</p>")

    with expect_problems(page) as caught:
        page.evaluate("console.error('deliberate console error')")
    assert len(caught) == 1 and "console error: deliberate console error" in caught[0]

    with expect_problems(page) as caught, page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('deliberate uncaught error') }, 0)")
    assert len(caught) == 1 and "uncaught exception: Error: deliberate uncaught error" in caught[0]

    # A problem nobody expects stays on the list that fails the test at its end.
    page.evaluate("console.error('left over')")
    page_problems.settle()
    assert page_problems.problems == ["console error: left over"]
    with pytest.raises(pytest.fail.Exception, match="left over"):
        page_problems.check()
    page_problems.clear()


@pytest.mark.django_db(transaction=True)
def test_the_content_security_policy_blocks_inline_script_and_the_harness_reports_it(page, live_server):
    response = page.goto(f"{live_server.url}/en/plans/guangzhou-14th-fyp/")
    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response.header_value("permissions-policy").startswith("camera=()")
    page.get_by_role("button", name="Print").wait_for()  # the page's own script loaded, no violation
    with expect_problems(page) as caught:
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
            " document.body.append(s); }"
        )
        page.wait_for_timeout(200)
    assert any("CSP violation: script-src" in problem for problem in caught), caught
    assert page.evaluate("window.injected") is None


def test_a_browser_test_keeps_the_main_threads_database_connection(page):
    """Playwright marks its loop as running here, which makes Django's connection store switch to a
    per-context one: the harness pins the thread's own connections there, so there is only one."""
    loop = asyncio.get_running_loop()  # marked as running for the whole browser test
    during = connections["default"]
    asyncio._set_running_loop(None)
    try:
        outside = connections["default"]
    finally:
        asyncio._set_running_loop(loop)
    assert during is outside


def test_a_console_error_fails_the_test_and_leaves_a_screenshot(tmp_path):
    """Run a test that logs a console error in a nested pytest: it must fail, name the error, and save a screenshot."""
    ini = tmp_path / "pytest.ini"
    ini.write_text("[pytest]\n")
    (tmp_path / "test_inner.py").write_text(
        textwrap.dedent(
            """
            pytest_plugins = ["gzplan.tests.browser"]

            def test_inner(page):
                page.set_content("<h1>inner</h1>")
                page.evaluate("console.error('deliberate inner console error')")
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_ADDOPTS"}}
    env.update(DJANGO_SETTINGS_MODULE="gzplan.test_settings", GZPLAN_TEST_ARTIFACTS=str(tmp_path / "artifacts"))
    result = subprocess.run(
        # From the repository, so that its apps import as in the suite; the ini keeps its conftest.py out.
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-c", str(ini), tmp_path / "test_inner.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed" in result.stdout, result.stdout
    assert "deliberate inner console error" in result.stdout, result.stdout
    shots = list((tmp_path / "artifacts" / "screenshots" / "failures").glob("*.png"))
    assert [p.name for p in shots] == ["test_inner.py.test_inner.png"], result.stdout


def test_the_real_data_is_intact_after_the_browser_tests(real_data_snapshot, django_db_blocker):
    """pytest-django runs this database-free test after every transactional one: the snapshot must be back."""
    with django_db_blocker.unblock():
        now = dump_database(DEFAULT_DB_ALIAS)
    assert len(now) == len(real_data_snapshot[DEFAULT_DB_ALIAS])
    assert now == real_data_snapshot[DEFAULT_DB_ALIAS]


def test_screenshots_go_under_test_artifacts():
    if not os.environ.get("GZPLAN_TEST_ARTIFACTS"):
        assert harness.SCREENSHOTS_DIR == ROOT / "test-artifacts" / "screenshots"
    with pytest.raises(ValueError):
        screenshot(None, "../outside")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_the_api_docs_work_offline(page, live_server):
    """The interactive API docs load only from the app itself (no CDN) and can call the API."""
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("gzplan API")
    operation = page.locator("#operations-areas-districts_api_list_areas")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.click("text=Try it out")
    page.click(".execute")
    expect(operation.locator(".response .response-col_status").first).to_contain_text("200")
    expect(operation.locator(".response-col_description .microlight").first).to_contain_text("广州市")
    assert outside == [], f"the docs fetched from outside the app: {outside}"
    screenshot(page, "api-docs-en")
