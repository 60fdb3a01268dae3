"""No dead ends (issue 19, part 6): a bad query parameter shows the page's default view with a notice,
pickers offer only what opens, error pages are the product's own, tables and history pages link onward,
and the header links the API docs and the downloads."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from indicators.models import Plan, ReportedValue, Target
from indicators.web import dashboards
from reporting.tests.conftest import round_2025, users  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# (address with a bad parameter, the same page without it, the notice in English, the notice in Chinese)
BAD_PARAMETERS = [
    ("/?plan=no-such-plan", "/", "There is no plan “no-such-plan”", "没有规划“no-such-plan”，现显示默认规划。"),
    (
        "/districts/440104/?plan=guangzhou-14th-fyp",  # a plan, but not Yuexiu's
        "/districts/440104/",
        "has no plan “guangzhou-14th-fyp”",
        "没有规划“guangzhou-14th-fyp”，现显示其默认规划。",
    ),
    ("/districts/440104/?plan=nonexistent", "/districts/440104/", "has no plan “nonexistent”", "没有规划“nonexistent”"),
    ("/indicators/gdp/?year=abc", "/indicators/gdp/", "“abc” is not a year", "“abc”不是年份"),
    ("/indicators/gdp/?year=1900", "/indicators/gdp/", "no figures of this indicator for 1900", "没有1900年的数据"),
    ("/indicators/gdp/?year=99999999999999999999", "/indicators/gdp/", "for 99999999999999999999", "没有9999"),
    ("/indicators/gdp/?page=x", "/indicators/gdp/", "There is no page “x” of areas", "没有第“x”页"),
    ("/indicators/gdp/?page=4000000", "/indicators/gdp/", "no page “4000000”", "没有第“4000000”页"),
    ("/districts/?area=999999", "/districts/", "There is no area “999999”", "没有地区“999999”，请从列表中选择。"),
]


@pytest.mark.parametrize(("bad", "default", "english", "chinese"), BAD_PARAMETERS)
def test_a_bad_parameter_shows_the_default_view_with_a_notice(client, bad, default, english, chinese):
    for prefix, notice in (("/en", english), ("", chinese)):
        response = client.get(prefix + bad)
        assert response.status_code == 200, prefix + bad
        html = response.content.decode()
        assert '<p class="notice" role="status">' in html and notice in html
        plain = client.get(prefix + default)
        assert plain.status_code == 200
        assert '<p class="notice"' not in plain.content.decode()
        for name in ("plan", "year", "areas"):  # the default view's own choices
            if name in plain.context:
                assert response.context[name] == plain.context[name] or list(response.context[name]) == list(
                    plain.context[name]
                ), name
        if "page" in plain.context:
            assert response.context["page"].number == plain.context["page"].number == 1


def test_the_notice_is_quoted_short_and_escaped(client):
    html = client.get("/en/?plan=" + "<b>x</b>" * 20).content.decode()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html and "…" in html


def test_a_page_with_a_notice_is_cached_for_its_own_address_only(client):
    """The notice is part of the page, not a cookie: the next visitor of `/` never sees it."""
    first = client.get("/en/?plan=nope")
    assert "There is no plan" in first.content.decode() and not first.cookies
    again = client.get("/en/?plan=nope")
    assert "There is no plan" in again.content.decode()
    assert "There is no plan" not in client.get("/en/").content.decode()


@pytest.mark.parametrize(
    ("bad", "notice"),
    [
        ("/en/rounds/2025/?kind=monthly", "“monthly” is not a kind of round"),
        ("/en/rounds/2025/?kind=final", "There is no round of this kind for 2025"),
        ("/en/rounds/2025/440104/?kind=monthly", "“monthly” is not a kind of round"),
        ("/rounds/2025/?kind=monthly", "“monthly”不是报送轮次的类型（初步或最终），现显示该年最新的报送轮次。"),
    ],
)
def test_a_bad_kind_of_round_shows_the_years_round(round_2025, client, bad, notice):  # noqa: F811
    response = client.get(bad)
    assert response.status_code == 200
    assert notice in response.content.decode()
    assert response.context["round"] == round_2025


def test_a_change_to_a_round_of_a_bad_kind_is_still_refused(round_2025, users):  # noqa: F811
    client = Client()
    client.force_login(users["administrator"])
    response = client.post("/en/rounds/2025/440104/?kind=monthly", {"action": "add"})
    assert response.status_code == 400


def options(html: str, select_id: str) -> list[str]:
    """The values a <select> offers."""
    block = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block, select_id
    return re.findall(r'<option value="([^"]*)"', block.group(1))


@pytest.mark.parametrize("role", ["district_analyst", "city_analyst", "reviewer", "administrator"])
def test_every_grid_the_entry_picker_offers_opens(users, role):  # noqa: F811
    client = Client()
    client.force_login(users[role])
    html = client.get("/en/entry/").content.decode()
    offered = options(html, "grid")
    assert offered, role
    for choice in offered:
        response = client.get("/en/entry/", {"grid": choice})
        assert response.status_code == 302, choice
        assert client.get(response["Location"]).status_code == 200, choice


def test_the_entry_picker_offers_only_the_years_a_plan_covers(users):  # noqa: F811
    client = Client()
    client.force_login(users["district_analyst"])  # Yuexiu's
    offered = options(client.get("/en/entry/").content.decode(), "grid")
    covered = {
        year
        for start, end in Plan.objects.filter(area__code="440104").values_list("period_start", "period_end")
        for year in range(start, end + 1)
    }
    assert sorted(offered) == sorted(f"440104/{year}" for year in covered)


def test_a_viewer_is_offered_no_grid_and_is_told_why(users):  # noqa: F811
    client = Client()
    client.force_login(users["viewer"])
    html = client.get("/en/entry/").content.decode()
    assert 'id="grid"' not in html and "None of your areas has a plan" in html


@pytest.mark.parametrize("query", ["?grid=440104/1990", "?grid=440106/2024", "?grid=x", "?area=440104&year=abc"])
def test_a_grid_not_offered_stays_on_the_picker_with_a_message(users, query):  # noqa: F811
    client = Client()
    client.force_login(users["district_analyst"])
    response = client.get("/en/entry/" + query)
    assert response.status_code == 200
    assert "Choose one of your areas and a year one of its plans covers." in response.content.decode()


def test_the_old_area_and_year_parameters_still_open_the_grid(users):  # noqa: F811
    client = Client()
    client.force_login(users["district_analyst"])
    response = client.get("/en/entry/", {"area": "440104", "year": "2024"})
    assert response.status_code == 302 and response["Location"] == "/en/entry/440104/2024/"


@pytest.mark.parametrize("url", ["/", "/plans/guangzhou-14th-fyp/", "/districts/440104/", "/districts/440100/"])
def test_every_plan_and_area_a_switch_offers_opens(client, url):
    html = client.get("/en" + url).content.decode()
    switches = {"plan-switch": "/en/?plan=", "district-switch": "/en/districts/?area=", "area-plan-switch": None}
    tried = 0
    for select_id, target in switches.items():
        if f'id="{select_id}"' not in html:
            continue
        for value in options(html, select_id):
            address = (target or f"/en{url}?plan=") + value
            response = client.get(address, follow=True)
            assert response.status_code == 200, address
            assert '<p class="notice"' not in response.content.decode(), address
            tried += 1
    assert tried


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_row_of_a_plan_table_links_its_indicator(client, prefix):
    for code in ("guangzhou-14th-fyp", "guangzhou-13th-fyp", "yuexiu-14th-fyp"):
        html = client.get(f"{prefix}/plans/{code}/").content.decode()
        rows = re.findall(r'<th scope="row".*?</th>', html, re.S)
        indicators = Target.objects.filter(plan__code=code).values_list("indicator__code", flat=True)
        assert len(rows) == len(indicators) > 0
        linked = {m for row in rows for m in re.findall(rf'href="{prefix}/indicators/([^/"]+)/"', row)}
        assert all(re.search(rf'href="{prefix}/indicators/[^/"]+/"', row) for row in rows), code
        assert linked == set(indicators)
        for indicator in linked:
            assert client.get(f"{prefix}/indicators/{indicator}/").status_code == 200


def test_every_scorecard_row_links_its_indicator(client):
    html = client.get("/en/").content.decode()
    rows = re.findall(r'<th scope="row".*?</th>', html, re.S)
    assert rows and all('href="/en/indicators/' in row for row in rows)


def test_the_history_page_links_back_to_the_grid_and_the_indicator(users):  # noqa: F811
    value = ReportedValue.objects.filter(area__code="440104", indicator__code="gdp", quarter=0).latest("year")
    client = Client()
    client.force_login(users["district_analyst"])  # Yuexiu's
    html = client.get(f"/en/values/{value.pk}/").content.decode()
    grid = f"/en/entry/440104/{value.year}/#row-gdp"
    assert f'href="{grid}"' in html and 'href="/en/indicators/gdp/"' in html
    assert client.get(grid.split("#")[0]).status_code == 200
    zh = client.get(f"/values/{value.pk}/").content.decode()
    assert f"返回越秀区{value.year}年数据填报" in zh and "：各地区数据" in zh


def test_the_history_page_offers_no_grid_its_reader_cannot_open(users):  # noqa: F811
    value = ReportedValue.objects.filter(area__code="440100", indicator__code="gdp", quarter=0).latest("year")
    client = Client()
    client.force_login(users["district_analyst"])  # Yuexiu's, not the city's
    html = client.get(f"/en/values/{value.pk}/").content.decode()
    assert "/en/entry/" not in html.split("<main")[1] and 'href="/en/indicators/gdp/"' in html


@pytest.mark.parametrize(
    ("prefix", "downloads", "api"), [("", "数据下载", "接口文档"), ("/en", "Downloads", "API docs")]
)
def test_the_header_links_the_downloads_and_the_api_docs(client, prefix, downloads, api):
    for url in ("/", "/indicators/gdp/", "/plans/guangzhou-14th-fyp/"):
        html = client.get(prefix + url).content.decode()
        nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', html, re.S).group(1)
        assert f'<a href="{prefix}/downloads/">{downloads}</a>' in nav
        assert f'<a href="/api/v1/docs">{api}</a>' in nav
    assert client.get("/api/v1/docs").status_code == 200


def links(html: str) -> list[str]:
    main = html.split('<main id="main">')[1].split("</main>")[0]
    return re.findall(r'href="([^"#]+)"', main)


def test_every_link_of_the_downloads_page_answers(client, users):  # noqa: F811
    html = client.get("/en/downloads/").content.decode()
    assert "/export/everything" not in html and 'href="/en/accounts/login/?next=/en/downloads/"' in html
    found = links(html)
    assert "/api/v1/docs" in found and "/api/v1/values?format=sdmx" in found
    assert "/en/indicators/gdp/data.csv" in found and "/en/plans/guangzhou-14th-fyp/table.xlsx" in found
    for address in found:
        assert client.get(address.replace("&amp;", "&")).status_code == 200, address
    signed_in = Client()
    signed_in.force_login(users["city_analyst"])
    everything = [a for a in links(signed_in.get("/downloads/").content.decode()) if "/export/" in a]
    assert everything == ["/export/everything.zip", "/export/everything.xlsx", "/export/everything.json"]
    for address in everything:
        assert signed_in.get(address).status_code == 200, address
    assert "全部数据" in signed_in.get("/downloads/").content.decode()


@pytest.mark.parametrize(("prefix", "title"), [("", "未找到"), ("/en", "Not found")])
def test_a_missing_page_is_the_products_404(client, settings, prefix, title):
    settings.DEBUG = False
    response = client.get(prefix + "/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in html and 'class="site"' in html and "Traceback" not in html


@pytest.mark.parametrize(("prefix", "title"), [("", "出错了"), ("/en", "Something went wrong")])
def test_a_server_error_is_the_products_500(settings, monkeypatch, prefix, title):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(dashboards, "plan_rows", broken)
    client = Client(raise_request_exception=False)
    response = client.get(prefix + "/plans/guangzhou-14th-fyp/")
    html = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{title}</h1>" in html and 'class="site"' in html
    assert "a bug" not in html and "Traceback" not in html


def test_the_500_page_needs_no_request_context(django_assert_num_queries):
    """Django renders 500.html (and 400.html) without the request: no context processor, user or database."""
    from django.template import loader

    for name in ("500.html", "400.html"):
        with django_assert_num_queries(0):
            html = loader.get_template(name).render()
        assert "<h1>" in html and 'href="/en/"' in html  # the tests' language: English


@pytest.mark.parametrize(("prefix", "title"), [("", "请求有误"), ("/en", "Bad request")])
def test_a_bad_host_is_the_products_400(client, settings, prefix, title):
    settings.DEBUG = False
    response = client.get(prefix + "/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert f"<h1>{title}</h1>" in response.content.decode()


@pytest.mark.parametrize("query", ["?year=abc", "?year=2019"])
def test_a_report_that_cannot_be_had_links_back_to_the_plan(client, query):
    response = client.get("/en/plans/guangzhou-14th-fyp/report.pdf" + query)
    assert response.status_code in (400, 404)
    assert 'href="/en/plans/guangzhou-14th-fyp/">The reports of' in response.content.decode()


def test_a_year_without_a_round_links_back_to_the_rounds(client):
    response = client.get("/en/rounds/2019/")
    assert response.status_code == 404
    assert '<a href="/en/rounds/">Reporting rounds</a>' in response.content.decode()
