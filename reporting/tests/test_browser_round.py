"""A reporting round end to end in headless Chromium: a city analyst opens the 2025 round; Haizhu's analyst
sees what Haizhu owes, enters part of it, cannot submit (the missing figure and the missing commentary are
both listed), completes it and submits; a city reviewer returns it with a comment; the district corrects
and resubmits; the reviewer accepts. The board and the completeness API show the counts at each step.

Haizhu has no plan covering 2025 in the real data, so the test gives it one: a synthetic annual plan
(code `haizhu-2025-synthetic`, labelled as such) with two targets, made here and rolled back after.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from districts.models import Area, AreaAccess
from districts.roles import CITY_ANALYST, DISTRICT_ANALYST, REVIEWER
from gzplan.tests.browser import expect_status, screenshot
from indicators.models import Indicator, Plan, SourceDocument, Target

PASSWORD = "pw-for-browser-tests-1"
HAIZHU = "440105"


def user(django_user_model, username: str, role: str, area_code: str):
    made = django_user_model.objects.create_user(username, password=PASSWORD)
    made.groups.add(Group.objects.get(name=role))
    AreaAccess.objects.create(user=made, area=Area.objects.get(code=area_code))
    return made


def synthetic_haizhu_plan() -> dict[str, Target]:
    plan = Plan.objects.create(
        code="haizhu-2025-synthetic",
        area=Area.objects.get(code=HAIZHU),
        kind="annual",
        name_zh="海珠区2025年目标（测试用合成数据）",
        name_en="Haizhu 2025 targets (synthetic test data)",
        period_start=2025,
        period_end=2025,
        source_document=SourceDocument.objects.get(key="001"),
        note="Synthetic: made by a browser test, not from a source document.",
    )
    targets = {}
    for position, (code, value) in enumerate([("gdp_growth", "6"), ("industrial_output_growth", "8")], start=1):
        targets[code] = Target.objects.create(
            plan=plan, indicator=Indicator.objects.get(code=code), position=position, row=str(position),
            target_year=2025, target_value=Decimal(value), comparator="at_least", target_notation=f"{value}以上",
            attribute="anticipatory", source_document=plan.source_document,
        )  # fmt: skip
    return targets


def log_in(page, live_server, username: str, then: str) -> None:
    page.goto(f"{live_server.url}/en/accounts/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")  # not the header's search


def log_out(page) -> None:
    page.click("form.logout button")


def haizhu_counts(page, live_server) -> dict:
    body = page.request.get(f"{live_server.url}/api/v1/rounds/2025/completeness").json()
    (haizhu,) = [a for a in body["areas"] if a["code"] == HAIZHU]
    return haizhu


def board_row(page, live_server) -> dict[str, str]:
    """Haizhu's counts on the board, by the column's heading."""
    page.goto(f"{live_server.url}/en/rounds/2025/")
    headings = page.locator("table.board thead th").all_inner_texts()[1:]
    return dict(zip(headings, page.locator(f'tr[data-area="{HAIZHU}"] td').all_inner_texts(), strict=True))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_locale", ["en"])
def test_a_round_from_opening_to_acceptance(page, live_server, django_user_model, page_locale):
    targets = synthetic_haizhu_plan()
    user(django_user_model, "city-analyst", CITY_ANALYST, "440100")
    user(django_user_model, "haizhu-analyst", DISTRICT_ANALYST, HAIZHU)
    user(django_user_model, "city-reviewer", REVIEWER, "440100")

    # The city analyst opens the 2025 round.
    log_in(page, live_server, "city-analyst", "/en/rounds/")
    page.fill("#id_year", "2025")
    page.select_option("#id_kind", "preliminary")
    page.fill("#id_title_zh", "2025年初步数据报送")
    page.fill("#id_title_en", "2025 preliminary figures")
    page.fill("#id_opens_on", "2026-01-05")
    page.fill("#id_due_on", "2027-03-31")
    page.click("text=Open the round")
    expect(page.locator("h1")).to_contain_text("2025 preliminary figures")  # the new round's board
    log_out(page)
    counts = haizhu_counts(page, live_server)
    assert (counts["owed"], counts["entered"], sorted(counts["missing"])) == (
        2, 0, ["gdp_growth", "industrial_output_growth"]
    )  # fmt: skip

    # Haizhu's analyst sees what Haizhu owes and enters part of it: GDP growth below its target.
    log_in(page, live_server, "haizhu-analyst", f"/en/rounds/2025/{HAIZHU}/")
    expect(page.locator("main")).to_contain_text("gdp_growth")
    expect(page.locator("main")).to_contain_text("industrial_output_growth")
    page.goto(f"{live_server.url}/en/entry/{HAIZHU}/2025/")
    page.fill("#gdp_growth-value", "4.1")
    page.click("text=Save all")
    assert haizhu_counts(page, live_server)["entered"] == 1

    # Submitting is refused, naming the missing figure and the missing commentary.
    page.goto(f"{live_server.url}/en/rounds/2025/{HAIZHU}/")
    expect_status(page, 400)
    page.click("text=Submit for review")
    problems = page.locator(".problems")
    expect(problems).to_contain_text("industrial_output_growth")
    expect(problems).to_contain_text("commentary")
    screenshot(page, "round-submit-refused")

    # Completing: the second figure, and the commentary on the target that slipped.
    page.goto(f"{live_server.url}/en/entry/{HAIZHU}/2025/")
    page.fill("#industrial_output_growth-value", "8.5")
    page.click("text=Save all")
    page.goto(f"{live_server.url}/en/targets/{targets['gdp_growth'].pk}/commentary/2025/")
    page.fill("#analysis_zh", "外需回落，大型项目投产推迟。")
    page.fill("#measures_zh", "加快重点项目投产，扩大有效投资。")
    page.click("text=Save")
    page.goto(f"{live_server.url}/en/rounds/2025/{HAIZHU}/")
    page.click("text=Submit for review")
    expect(page.locator("#submission-heading")).to_contain_text("submitted", ignore_case=True)
    counts = haizhu_counts(page, live_server)
    assert (counts["owed"], counts["entered"], counts["submitted"], counts["missing"]) == (0, 0, 2, [])
    board = {heading.lower(): count for heading, count in board_row(page, live_server).items()}
    assert (board["submitted"], board["owed"]) == ("2", "0"), board
    log_out(page)

    # The reviewer returns it with a comment.
    log_in(page, live_server, "city-reviewer", f"/en/rounds/2025/{HAIZHU}/")
    page.fill("#return-comment", "Check the GDP growth against the statistics bureau's release.")
    page.click("text=Return to the area")
    expect(page.locator("#submission-heading")).to_contain_text("returned", ignore_case=True)
    counts = haizhu_counts(page, live_server)
    assert (counts["submitted"], counts["entered"]) == (0, 2)  # returned: entered again, editable
    log_out(page)

    # The district corrects the figure and resubmits.
    log_in(page, live_server, "haizhu-analyst", f"/en/entry/{HAIZHU}/2025/")
    page.fill("#gdp_growth-value", "4.3")
    page.fill('input[name="gdp_growth-note"]', "Revised to the statistics bureau's release.")
    page.click("text=Save all")
    page.goto(f"{live_server.url}/en/rounds/2025/{HAIZHU}/")
    expect(page.locator("table.history")).to_contain_text("Check the GDP growth")
    page.click("text=Submit for review")
    expect(page.locator("#submission-heading")).to_contain_text("submitted", ignore_case=True)
    log_out(page)

    # The reviewer accepts, after confirming: the year is frozen.
    log_in(page, live_server, "city-reviewer", f"/en/rounds/2025/{HAIZHU}/")
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.locator("#submission-heading")).to_contain_text("accepted", ignore_case=True)
    counts = haizhu_counts(page, live_server)
    assert (counts["owed"], counts["accepted"], counts["submitted"]) == (0, 2, 0)
    screenshot(page, "round-accepted")
    board = {heading.lower(): count for heading, count in board_row(page, live_server).items()}
    assert (board["accepted"], board["submitted"]) == ("2", "0"), board
    page.goto(f"{live_server.url}/en/rounds/2025/{HAIZHU}/")
    history = page.locator("table.history")
    for step in ("city-reviewer", "haizhu-analyst", "Check the GDP growth"):
        expect(history).to_contain_text(step)
