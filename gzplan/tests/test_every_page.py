"""Every page kind, in both languages, at desktop and phone widths, checked in Chromium: one language per
page (a sentence in the other language must carry its `lang`), no horizontal scroll on a phone, no
console error (the harness fails on any), and no serious or critical accessibility violation by axe-core
(the npm package's axe.min.js, kept under gzplan/tests/vendor and injected into each page)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from districts.models import Area
from gzplan.tests.browser import expect_status, screenshot
from indicators.models import ImportBatch, Indicator, ReportedValue, Target
from reporting.services import create_round

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text(encoding="utf-8")

# One address of each public page kind (the signed-in pages are checked by their own browser tests).
PAGES = [
    ("scorecard", "/"),
    ("scorecard-13th", "/?plan=guangzhou-13th-fyp"),
    ("districts", "/districts/"),
    ("district", "/districts/440104/"),
    ("indicators", "/indicators/"),
    ("indicator", "/indicators/gdp/"),
    ("plan", "/plans/guangzhou-14th-fyp/"),
    ("plan-annual", "/plans/tianhe-2024/"),
    ("rounds", "/rounds/"),
    ("search", "/search/?q=地區生產總值"),
    ("downloads", "/downloads/"),
    ("login", "/accounts/login/"),
    ("not-found", "/plans/no-such-plan/"),
]

# Visible text outside any element marked with the other language: a Chinese page fails on three English
# words in a row (a sentence) and on half-width punctuation inside Chinese text, an English page on Chinese
# text that is not part of an English sentence (an English note may quote the Chinese it explains).
OTHER_LANGUAGE = """
(english) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    // A text box's content is stored data being edited, as stored (its box carries the field's `lang`).
    if (!element || !text || element.closest("script, style, svg, canvas, code, textarea, [hidden]")) continue;
    if (!element.getClientRects().length) continue;
    const lang = (element.closest("[lang]")?.getAttribute("lang") || "").toLowerCase();
    if (english ? lang.startsWith("zh") : lang.startsWith("en")) continue;
    const sentence = /[A-Za-z]{2,}[ ,.'-]+[A-Za-z]{2,}[ ,.'-]+[A-Za-z]{2,}/.test(text);  // three English words
    const other = english ? /[\\u3400-\\u9fff]/.test(text) && !sentence : sentence;
    if (other) found.push(text.slice(0, 120));
    // Chinese text with a half-width comma, semicolon or colon between Han characters
    const halfWidth = /[\\u3400-\\u9fff][,;:][\\u3400-\\u9fff]/.exec(text);
    const around = halfWidth ? text.slice(Math.max(0, halfWidth.index - 20), halfWidth.index + 20) : "";
    if (!english && halfWidth) found.push(`half-width punctuation: ${around}`);
  }
  return [...new Set(found)];
}
"""

SERIOUS = """
async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
}
"""


# The pages of a signed-in administrator (who may open all of them).
SIGNED_IN = [
    ("entry", "/entry/"),
    ("entry-grid", "/entry/440104/2024/"),
    ("imports", "/imports/"),
    ("rounds-signed-in", "/rounds/"),
    ("following", "/following/"),
    ("reminders", "/account/reminders/"),
    ("plan-from-table", "/plans/new-from-table/"),
    ("scorecard-signed-in", "/"),
    # The admin console: its index, and a list and a form of each app with models.
    ("admin", "/admin/"),
    ("admin-indicators", "/admin/indicators/indicator/"),
    ("admin-targets", "/admin/indicators/target/"),
    ("admin-areas", "/admin/districts/area/"),
    ("admin-rounds", "/admin/reporting/round/"),
    ("admin-users", "/admin/auth/user/"),
    ("admin-tokens", "/admin/accounts/apitoken/"),
]


def made_pages(user, client) -> list[tuple[str, str]]:
    """The pages that need something made first: a reporting round and its drill-down, an import's preview,
    a figure's history, a target's commentary form; and the admin console's forms of things that exist."""
    made_round = create_round(user, year=2025, kind="preliminary", title_zh="2025年初步数据报送",
                 title_en="2025 preliminary figures", opens_on=datetime.date(2026, 1, 5),
                 due_on=datetime.date(2026, 3, 31))  # fmt: skip
    client.force_login(user)
    upload = SimpleUploadedFile("figures.csv", b"area,indicator,year,value\n440105,gdp_growth,2024,6.1\n")
    assert client.post("/en/imports/", {"file": upload}).status_code == 302
    figure = ReportedValue.objects.filter(area__code="440104", indicator__code="gdp").latest("year")
    target = Target.objects.filter(plan__code="guangzhou-14th-fyp", indicator__code="gdp").first()
    assert target is not None
    return [
        ("round-board", "/rounds/2025/"),
        ("round-area", "/rounds/2025/440104/"),
        ("import-preview", f"/imports/{ImportBatch.objects.latest('pk').pk}/"),
        ("value-history", f"/values/{figure.pk}/"),
        ("commentary", f"/targets/{target.pk}/commentary/2024/"),
        ("admin-indicator", f"/admin/indicators/indicator/{Indicator.objects.get(code='gdp').pk}/change/"),
        ("admin-round", f"/admin/reporting/round/{made_round.pk}/change/"),
        ("admin-area", f"/admin/districts/area/{Area.objects.get(code='440103').pk}/change/"),
    ]


def check(page, url: str, english: bool, width: int, name: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    where = f"{url} at {width}px"
    problems = [f"{where}, other language: {text}" for text in page.evaluate(OTHER_LANGUAGE, english)]
    if width < 600:
        scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if scroll > 1:
            problems.append(f"{where} scrolls sideways by {scroll}px")
    page.evaluate(AXE)
    problems += [f"{where}, axe: {v}" for v in page.evaluate(SERIOUS)]
    screenshot(page, f"every-page-{name}-{'en' if english else 'zh'}-{width}")
    return problems


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_signed_in_page_too(page, live_server, django_user_model, client, prefix, width):
    user = django_user_model.objects.create_superuser("every-page", password="pw-for-every-page")
    pages = SIGNED_IN + made_pages(user, client)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{prefix}/accounts/login/")
    page.fill("#id_username", "every-page")
    page.fill("#id_password", "pw-for-every-page")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    problems = []
    for name, path in pages:
        problems += check(page, live_server.url + prefix + path, bool(prefix), width, name)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_page_speaks_one_language_fits_a_phone_and_passes_axe(page, live_server, prefix, width):
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for name, path in PAGES:
        if name == "not-found":
            expect_status(page, 404, url=live_server.url + prefix + path)
        problems += check(page, live_server.url + prefix + path, bool(prefix), width, name)
    assert not problems, "\n".join(problems)
