"""The dashboards: every page in both languages, proper 404s, escaping, downloads, fixed query counts."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.models import Area
from indicators.models import Indicator, Plan, ReportedValue, Target
from indicators.tests import factories
from indicators.web import pages as views

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/?plan=guangzhou-13th-fyp",
    "/?plan=yuexiu-2024",
    "/districts/",
    "/districts/440100/",
    "/districts/440104/",
    "/districts/440104/?plan=yuexiu-13th-fyp",
    "/districts/440115/",
    "/indicators/",
    "/downloads/",
    "/indicators/gdp/",
    "/indicators/gdp/?year=2020",
    "/indicators/rd_share/",
    "/plans/guangzhou-13th-fyp/",
    "/plans/guangzhou-14th-fyp/",
    "/plans/yuexiu-13th-fyp/",
    "/plans/tianhe-2024/",
]


@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_in_both_languages(client, url, language):
    response = client.get(language + url)
    assert response.status_code == 200
    html = response.content.decode()
    assert ('lang="en"' if language else 'lang="zh-Hans"') in html
    assert "<h1>" in html


def test_the_scorecard_opens_on_the_citys_latest_five_year_plan_binding_first(client):
    response = client.get("/en/")
    assert response.context["plan"].code == "guangzhou-14th-fyp"
    attributes = [row.target.attribute for row in response.context["rows"]]
    assert attributes == sorted(attributes, key=lambda a: a != "binding")
    html = response.content.decode()
    assert "Target pending" in html and "At risk" in html
    assert "30355.73" in html  # 2023 GDP, the latest figure


def test_status_is_written_not_only_coloured(client):
    html = client.get("/en/plans/guangzhou-13th-fyp/").content.decode()
    assert '<span class="badge badge--achieved"' in html
    assert "✓</span> Achieved" in html
    assert "✕</span> Not achieved" in html


def test_the_plan_page_reproduces_the_table_with_footnotes(client):
    html = client.get("/plans/guangzhou-13th-fyp/").content.decode()
    for cell in ["年均7.5以上", "28000", "[23]", "与经济增长保持同步", "约束性", "预期性"]:
        assert cell in html
    assert 'id="note-5"' in html and "11500" in html  # the retail-sales revision note
    assert "由11500调整" in html


def test_the_district_page_shows_positioning_and_the_city_beside(client):
    response = client.get("/districts/440104/?plan=yuexiu-13th-fyp")
    html = response.content.decode()
    assert "老城市新活力创新发展示范区" in html
    assert response.context["city"].code == "440100"
    assert "广州市数据" in html
    assert len(response.context["chart_data"]) > 0


def test_the_positioning_is_in_the_page_s_language_and_a_translation_says_so(client):
    chinese = client.get("/districts/440103/").content.decode()
    assert "努力建成综合城市功能示范区，建设产创联动示范区" in chinese, "Chinese punctuation in Chinese text"
    assert "一带：白鹅潭沿江总部经济带，两区：" in chinese
    english = client.get("/en/districts/440103/").content.decode()
    assert "Strive to become a demonstration zone of comprehensive city functions" in english
    assert "Translated by gzplan from the plan's Chinese text, which alone is official." in english
    assert "综合城市功能示范区" not in english
    served = client.get("/api/v1/areas/440103").json()
    assert served["positioning_en"].startswith("Strive to become")
    assert "示范区,建设" in served["positioning_zh"], "stored as printed"


def test_an_area_without_a_translation_shows_the_chinese_marked(client):
    Area.objects.filter(code="440103").update(focus_en="")
    english = client.get("/en/districts/440103/").content.decode()
    assert '<dd lang="zh-Hans">重点发展以现代服务业' in english


@pytest.mark.parametrize(
    "url",
    [
        "/districts/999999/",
        "/en/districts/440199/",
        "/plans/no-such-plan/",
        "/en/plans/no-such-plan/",
        "/indicators/no_such_indicator/",
        "/indicators/gdp/data.pdf",
    ],
)
def test_unknown_things_give_a_proper_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>" in html and ("Not found" in html or "未找到" in html)


def test_text_entered_by_users_is_escaped_everywhere(client):
    area, indicator = Area.objects.get(code="440100"), Indicator.objects.get(code="gdp")
    factories.record_value(
        area=area,
        indicator=indicator,
        year=2024,
        value=Decimal("31000"),
        note='<script>alert("note")</script>',
        source="<img src=x onerror=alert(1)>",
    )
    target = Target.objects.get(plan__code="guangzhou-14th-fyp", row="", indicator=indicator)
    Target.objects.filter(pk=target.pk).update(label_zh="<b>bold</b>", target_notation="<i>35000</i>")
    for url in ["/indicators/gdp/", "/", "/plans/guangzhou-14th-fyp/", "/districts/440100/"]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
        assert "<i>35000</i>" not in html
    assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt;" in client.get("/indicators/gdp/").content.decode()


def test_csv_download_opens_cleanly_and_defuses_formulas(client):
    area, indicator = Area.objects.get(code="440100"), Indicator.objects.get(code="gdp")
    factories.record_value(
        area=area, indicator=indicator, year=2024, value=Decimal("1"), note='=HYPERLINK("x")', source="+cmd"
    )
    response = client.get("/indicators/gdp/data.csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: spreadsheet software reads the Chinese
    frame = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str)
    assert "广州市" in set(frame["area_zh"])
    row = frame[frame["year"] == "2024"].iloc[0]
    assert row["note"] == '\'=HYPERLINK("x")' and row["source"] == "'+cmd"
    assert set(frame.loc[frame["year"] == "2023", "value"]) == {"30355.73"}


def test_xlsx_downloads_open(client):
    frame = pd.read_excel(io.BytesIO(client.get("/indicators/gdp/data.xlsx").content), dtype=str)
    assert "30355.73" in set(frame["value"])
    table = pd.read_excel(io.BytesIO(client.get("/en/plans/guangzhou-13th-fyp/table.xlsx").content), dtype=str)
    assert len(table) == Target.objects.filter(plan__code="guangzhou-13th-fyp").count()
    assert "年均7.5以上" in set(table["Target"])


def test_the_language_switch_keeps_the_page_and_its_filters(client):
    html = client.get("/indicators/gdp/?year=2020").content.decode()
    assert 'href="/en/indicators/gdp/?year=2020"' in html
    html = client.get("/en/districts/440104/?plan=yuexiu-13th-fyp").content.decode()
    assert 'href="/districts/440104/?plan=yuexiu-13th-fyp"' in html


# --- query counts: the same with the seed data and with ten times more -------------


def grow_tenfold():
    """Nine more synthetic targets per real one in the city's 14th FYP, with figures in every area."""
    plan = Plan.objects.get(code="guangzhou-14th-fyp")
    template_targets = list(plan.targets.select_related("indicator"))
    areas = list(Area.objects.all())
    indicators = Indicator.objects.bulk_create(
        Indicator(
            code=f"synthetic_{i}", name_zh=f"合成指标{i}", name_en=f"SYNTHETIC {i}", category="economy", measure="level"
        )
        for i in range(9 * len(template_targets))
    )
    Target.objects.bulk_create(
        Target(
            plan=plan,
            indicator=ind,
            target_year=2025,
            target_value=Decimal(100),
            baseline_value=Decimal(50),
            baseline_year=2020,
            attribute="anticipatory",
            source_document=plan.source_document,
            position=500 + i,
        )
        for i, ind in enumerate(indicators)
    )
    gdp = Indicator.objects.get(code="gdp")
    real_gdp = set(ReportedValue.objects.filter(indicator=gdp, quarter=0).values_list("area_id", "year"))
    pages_areas = [a for a in areas if a.code in ("440100", "440104")]  # the pages the test opens
    ReportedValue.objects.bulk_create(
        ReportedValue(
            area=area, indicator=ind, year=year, span_from=year, reference_year=year, value=Decimal(50 + year - 2020)
        )
        for ind, ind_areas in [*((i, pages_areas) for i in indicators), (gdp, areas)]
        for area in ind_areas
        for year in range(2011, 2024)
        if not (ind == gdp and (area.pk, year) in real_gdp)
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/districts/440100/",
        "/districts/440104/",
        "/indicators/gdp/",
        "/plans/guangzhou-14th-fyp/",
        "/en/plans/guangzhou-13th-fyp/",
        "/indicators/",
        "/districts/",
    ],
)
def test_each_page_issues_the_same_number_of_queries_with_ten_times_the_data(client, url, settings):
    settings.GZPLAN_READ_CACHE_SECONDS = 0  # count the queries of rendering, not of a cached answer
    client.get(url)  # warm caches (content types, translations)
    with CaptureQueriesContext(connection) as seed:
        assert client.get(url).status_code == 200
    grow_tenfold()
    with CaptureQueriesContext(connection) as grown:
        assert client.get(url).status_code == 200
    assert len(grown) == len(seed), [q["sql"][:120] for q in grown.captured_queries]
    # A page's own queries (at most 9), the foot's latest year and round (2; kept in the read cache when the
    # page shows any figure, which is off here) and a plan table's commentary (1).
    assert len(seed) <= 12


def test_the_page_benchmark_runs(capsys):
    call_command("bench_pages", runs=1, warmup=0)
    out = capsys.readouterr().out
    assert "scorecard" in out and "goal: median under 50 ms" in out


def test_the_indicator_page_lists_the_areas_in_pages(client, monkeypatch):
    monkeypatch.setattr(views, "AREAS_PER_PAGE", 5)
    first = client.get("/en/indicators/gdp/?year=2020")
    assert first.status_code == 200
    assert [row["area"].code for row in first.context["table"]] == ["440100", "440103", "440104", "440105", "440106"]
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' not in first.content.decode()
    assert "page=2" in first.content.decode() and "year=2020&amp;page=2" in first.content.decode()
    last = client.get("/en/indicators/gdp/?page=3")
    assert [row["area"].code for row in last.context["table"]] == ["440117", "440118"]
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()
    assert "Areas 11–12" in last.content.decode()
    for page in ("4", "0", "x"):  # no such page: the first, with a notice (test_dead_ends)
        response = client.get(f"/en/indicators/gdp/?page={page}")
        assert response.status_code == 200 and response.context["page"].number == 1
