"""Indicator metadata (what is measured, how, by whom, from where, when) and the header's search."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from indicators.models import METADATA_FIELDS, Indicator, Target
from indicators.real_data import FIXTURES_DIR, FixtureError, load_real_data
from indicators.tests import factories
from indicators.web import pages as page_views
from indicators.web import search as search_views

pytestmark = pytest.mark.django_db

NOT_RECORDED = {"": "尚未记录。", "/en": "Not recorded yet."}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def metadata_section(html: str) -> str:
    start = html.index('<section class="metadata"')
    return html[start : html.index("</section>", start)]


# --- the metadata on the indicator page ---


def test_a_stated_fact_is_shown_in_each_language_with_where_it_is_stated(client):
    zh = metadata_section(page(client, "/indicators/digital_economy_share/"))
    assert "统计口径" in zh and "暂按我市口径进行统计，待国家明确数字经济核心产业口径后再进行修正。" in zh
    assert "见《广州市国民经济和社会发展第十四个五年" in zh and "专栏2 注2。" in zh
    en = metadata_section(page(client, "/en/indicators/digital_economy_share/"))
    assert "Statistical scope" in en and "own definition of the core digital-economy industries" in en
    assert "box 2, note 2" in en and "the English here is a translation of the Chinese text" in en
    assert "暂按" not in en  # the English page is in English


@pytest.mark.parametrize("language", ["", "/en"])
def test_unstated_metadata_says_not_recorded_yet(client, language):
    section = metadata_section(page(client, f"{language}/indicators/gdp/"))
    assert section.count(NOT_RECORDED[language]) == len(METADATA_FIELDS)  # no seed states any of GDP's
    assert "见《" not in section and "Stated in" not in section
    labels = ["单位", "方向", "计量内容", "定义", "责任单位", "数据来源", "发布时间"]
    if language:
        labels = ["Unit", "Direction", "What is measured", "Definition", "Responsible department", "Source of"]
    assert all(label in section for label in labels)
    assert ("100 million yuan" if language else "亿元") in section
    assert ("higher is better" if language else "越高越好") in section


def test_a_fact_stated_in_one_language_only_is_shown_and_says_so(client):
    Indicator.objects.filter(code="gdp").update(department_zh="广州市统计局")
    en = metadata_section(page(client, "/en/indicators/gdp/"))
    assert '<span lang="zh-Hans">广州市统计局</span>' in en and "(stated in Chinese only)" in en
    assert en.count("Not recorded yet.") == len(METADATA_FIELDS) - 1
    zh = metadata_section(page(client, "/indicators/gdp/"))
    assert "广州市统计局" in zh and "仅有" not in zh


def test_the_plans_that_target_the_indicator_are_listed_with_their_targets(client, monkeypatch):
    monkeypatch.setattr(page_views, "AREAS_PER_PAGE", 1)  # the table shows the city only; the list every plan
    response = client.get("/en/indicators/gdp/")
    listed = [(t.plan.code, t.target_notation, t.target_year) for t in response.context["plan_targets"]]
    assert listed == [
        ("guangzhou-14th-fyp", "约3.5万亿元", 2025),
        ("guangzhou-13th-fyp", "28000", 2020),
        ("yuexiu-14th-fyp", "4100亿元", 2025),
        ("tianhe-2024", "突破7000亿元", 2024),
    ]
    section = metadata_section(response.content.decode())
    assert '<a href="/en/plans/yuexiu-14th-fyp/">Yuexiu 14th Five-Year Plan</a>' in section
    assert '<td data-label="Area">Yuexiu</td>' in section and "4100亿元" in section
    zh = metadata_section(page(client, "/indicators/gdp/"))
    assert '<a href="/plans/yuexiu-14th-fyp/">越秀区“十四五”规划</a>' in zh
    assert '<td data-label="地区">越秀区</td>' in zh


def test_an_indicator_no_plan_targets_says_so(client):
    factories.indicator("untargeted_share")
    assert "No plan sets a target for this indicator yet." in page(client, "/en/indicators/untargeted_share/")
    assert "尚无规划为该指标设定目标。" in page(client, "/indicators/untargeted_share/")


# --- editing it in the admin console ---


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-for-tests"))
    return client


def test_the_admin_console_edits_the_metadata(staff_client, client):
    indicator = Indicator.objects.get(code="gdp")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    form = staff_client.get(url).context["adminform"].form
    for name in ("definition_zh", "definition_en", "department_zh", "release_en", "metadata_source_ref"):
        assert name in form.fields
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update(department_zh="广州市统计局", department_en="Guangzhou Municipal Bureau of Statistics")
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert indicator.department_en == "Guangzhou Municipal Bureau of Statistics"
    assert "Guangzhou Municipal Bureau of Statistics" in page(client, "/en/indicators/gdp/")


# --- the metadata in fixtures/, as the seeds state it ---


def test_every_stated_fact_cites_a_note_of_the_seed_and_invents_no_figure():
    with open(FIXTURES_DIR / "plan_notes.csv", encoding="utf-8") as file:
        notes = {(row["source"], row["source_ref"]): row["text_zh"] for row in csv.DictReader(file)}
    with open(FIXTURES_DIR / "indicator_metadata.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert rows
    for row in rows:
        cited = [notes[(row["source"], ref.strip())] for ref in row["source_ref"].split("；")]
        stated = " ".join(row[f"{key}_zh"] for key, _label in METADATA_FIELDS)
        for number in re.findall(r"\d+(?:\.\d+)?", stated):
            assert any(number in note for note in cited), (row["code"], number)
        assert Indicator.objects.get(code=row["code"]).metadata_source.key == row["source"]


def test_a_fact_in_one_language_only_stops_the_load(tmp_path):
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, copy, ignore=shutil.ignore_patterns("sources", "*.md"))
    path = copy / "indicator_metadata.csv"
    path.write_text(path.read_text(encoding="utf-8") + "gdp,地区生产总值的定义,,,,,,,,,,003,专栏1 注1\n", "utf-8")
    with pytest.raises(FixtureError, match=r"indicator_metadata\.csv, row 10, column 'definition_en': is required"):
        load_real_data(copy)


def test_a_reload_keeps_metadata_entered_in_the_admin_console():
    Indicator.objects.filter(code="gdp").update(release_zh="每年统计年鉴", release_en="Annually, statistical yearbook")
    Indicator.objects.filter(code="forest_cover").update(department_zh="市林业园林局", scope_en="edited")
    load_real_data()
    gdp, forest = Indicator.objects.get(code="gdp"), Indicator.objects.get(code="forest_cover")
    assert gdp.release_zh == "每年统计年鉴"  # not stated in fixtures/: kept
    assert forest.department_zh == "市林业园林局"
    assert forest.scope_en.startswith("A new national forest resources inventory")  # stated there: reloaded


# --- search ---


def results(client, query: str, language: str = "/en") -> dict[str, list[str]]:
    response = client.get(f"{language}/search/", {"q": query})
    assert response.status_code == 200
    return {group["kind"]: [row.code for row in group["rows"]] for group in response.context["groups"]}


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("地区生产总值", ""),
        ("地區生產總值", ""),
        ("地區生產總值", "/en"),
        ("gross domestic product", "/en"),
        ("ＧＤＰ", ""),
    ],  # noqa: E501
)
def test_search_finds_an_indicator_by_simplified_traditional_or_english_name(client, query, language):
    assert results(client, query, language)["indicators"][0] == "gdp"


def test_search_needs_every_word_and_finds_codes_and_table_wordings(client):
    assert results(client, "GDP growth")["indicators"] == ["gdp_growth", "per_capita_gdp_growth"]
    assert results(client, "rd_share")["indicators"] == ["rd_share"]
    assert "gdp_growth" in results(client, "地区生产总值年均增速")["indicators"]  # the city's table says 年均


@pytest.mark.parametrize("query", ["Tianhe", "天河", "天河區", "440106"])
def test_search_finds_a_district(client, query):
    assert results(client, query)["areas"] == ["440106"]


@pytest.mark.parametrize("query", ["十四五", "14th Five-Year", "guangzhou-14th", "第十四個五年"])
def test_search_finds_a_plan(client, query):
    assert "guangzhou-14th-fyp" in results(client, query)["plans"]


def test_search_results_are_grouped_and_linked_in_the_pages_language(client):
    html = page(client, "/en/search/?q=yuexiu")
    assert '<h2 id="results-areas">Areas' in html and '<h2 id="results-plans">Plans' in html
    assert '<a href="/en/districts/440104/">Yuexiu</a>' in html
    assert '<a href="/en/plans/yuexiu-14th-fyp/">Yuexiu 14th Five-Year Plan</a>' in html
    zh = page(client, "/search/?q=%E8%B6%8A%E7%A7%80")  # 越秀, as a browser sends it
    assert '<a href="/districts/440104/">越秀区</a>' in zh and "与“越秀”匹配的指标、地区和规划：" in zh
    assert 'value="越秀"' in zh  # the header's box keeps what was searched
    assert 'href="/en/search/?q=%E8%B6%8A%E7%A7%80"' in zh  # and the other language's page the search


@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize("query", ["", "   ", "x" * 101, "地" * 500, "\t", "%", "g_p"])
def test_an_empty_long_or_odd_query_gets_a_message_not_an_error(client, query, language):
    response = client.get(f"{language}/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    if not query.strip():
        assert ("请输入名称或代码" if not language else "Type a name or a code") in html
    elif len(query) > search_views.MAX_QUERY:
        assert ("搜索内容过长" if not language else "The search is too long") in html
    else:
        assert ("没有与" if not language else "Nothing matches") in html  # % and _ are no wildcards (g_p ≠ gdp)
    assert response.context["groups"] == []


def test_a_nul_in_the_query_is_refused_as_every_page_refuses_it(client):
    response = client.get("/en/search/", {"q": "gdp\x00"})
    assert response.status_code == 400  # by the middleware, with its message: PostgreSQL cannot hold a NUL


def test_search_without_a_query_parameter_and_a_broad_query(client, monkeypatch):
    assert "Type a name or a code" in page(client, "/en/search/")
    monkeypatch.setattr(search_views, "RESULTS_SHOWN", 3)
    response = client.get("/en/search/", {"q": "gdp"})
    group = response.context["groups"][0]
    assert len(group["rows"]) == 3 and group["more"]
    assert "Only the first 3 are shown" in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/en/", "/indicators/gdp/", "/en/districts/"])
def test_every_page_has_the_search_box_in_its_header(client, url):
    html = page(client, url)
    header = html[html.index('<header class="site">') : html.index("</header>")]
    action = "/en/search/" if url.startswith("/en/") else "/search/"
    assert f'<form role="search" class="search" method="get" action="{action}">' in header
    assert '<label for="site-search"' in header and 'name="q"' in header


def test_the_search_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    Target.objects.count()  # warm the connection
    client.get("/en/search/", {"q": "gdp"})
    with django_assert_max_num_queries(6):
        client.get("/en/search/", {"q": "gdp growth 地區"})


def test_the_fixture_file_is_documented():
    readme = (Path(FIXTURES_DIR) / "README.md").read_text(encoding="utf-8")
    assert "## `indicator_metadata.csv`" in readme


def test_the_api_serves_the_metadata_the_page_shows(client):
    with open(FIXTURES_DIR / "indicator_metadata.csv", encoding="utf-8") as file:
        row = next(csv.DictReader(file))
    served = client.get(f"/api/v1/indicators/{row['code']}").json()["metadata"]
    for key, _label in METADATA_FIELDS:
        assert served[f"{key}_zh"] == row[f"{key}_zh"] and served[f"{key}_en"] == row[f"{key}_en"], key
    assert (served["source"], served["source_ref"]) == (row["source"], row["source_ref"])
    listed = client.get("/api/v1/indicators?limit=200").json()["items"]
    unstated = next(item for item in listed if item["code"] == "gdp")["metadata"]
    assert unstated["definition_zh"] == "" and unstated["source"] is None
