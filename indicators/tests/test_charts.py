"""Honest charts (issue 19): the rules asserted on the ECharts options the pages carry, on the seed data and
on small constructed cases. The page scripts only hand these options to ECharts (static/js)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.utils import translation

from districts.models import Area
from indicators.models import Indicator
from indicators.progress.engine import Observation
from indicators.tests import factories
from indicators.web import charts

ZERO_BASED = {"level", "share", "flow", "per_capita"}

PAGES = [
    "/",
    "/districts/440100/",
    "/districts/440104/",
    "/districts/440104/?plan=yuexiu-13th-fyp",
    "/districts/440104/?plan=yuexiu-2024",
    "/districts/440106/",
    "/indicators/gdp/",
    "/indicators/gdp/?year=2020",
    "/indicators/rd_share/",
    "/indicators/airport_passengers/",
    "/indicators/pm25_concentration/",
]


def options_of(response) -> list[dict]:
    """The chart options a page carries for its script (the json_script named chart-data)."""
    found = re.search(
        r'<script id="chart-data" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(found.group(1)) if found else []


def lines(options: dict) -> list[dict]:
    return [s for s in options["series"] if s["type"] == "line"]


def drawn(series: dict) -> list[list]:
    return [point for point in series["data"] if point[1] is not None]


# ---- the rules on every chart of the seed data's pages, in both languages ----


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize("url", PAGES)
def test_every_chart_of_the_pages_keeps_the_rules(client, url, language):
    response = client.get(language + url)
    assert response.status_code == 200
    for chart in options_of(response):
        options = chart["options"]
        years_axes = [axis for axis in options["xAxis"] if axis["type"] == "category"]
        for axis in years_axes:  # every year from the first to the last, none skipped
            years = [int(y) for y in axis["data"]]
            assert years == list(range(years[0], years[-1] + 1))
        for axis in options["xAxis"] + options["yAxis"]:
            if axis["type"] == "value":  # never zoomed in: zero is on every value axis
                assert axis["min"] <= 0 <= axis["max"] and axis["scale"] is False
                if "interval" in axis:  # round ticks, the last one at the axis's end
                    steps = (axis["max"] - axis["min"]) / axis["interval"]
                    assert steps == pytest.approx(round(steps)) and steps <= 4
        figures = 0
        for series in lines(options):
            assert series["connectNulls"] is False
            figures += len(drawn(series))
            if series["id"] not in ("path", "target-average"):  # one point per year of the axis, gaps as null
                axis = options["xAxis"][series["xAxisIndex"]]
                assert [point[0] for point in series["data"]] == axis["data"]
        assert figures >= 2 or chart["id"] in ("map", "ranking")  # a chart draws two figures at least


@pytest.mark.django_db
def test_the_citys_airport_passengers_are_drawn_at_2019_and_the_path_runs_from_the_baseline_to_the_target(client):
    chart = next(c["options"] for c in options_of(client.get("/districts/440100/")) if _named(c, "万人次"))
    series = {s["id"]: s for s in chart["series"]}
    assert drawn(series["area"]) == [["2019", 7339.0], ["2020", 4377.0]]
    assert series["path"]["data"] == [["2019", 7339.0], ["2025", 10000.0]]  # the 2019 baseline, at 2019
    assert series["target"]["data"] == [["2025", 10000.0]]
    axis = chart["yAxis"][0]
    assert axis["min"] == 0 and axis["max"] >= 10000


def _named(chart: dict, unit: str) -> bool:
    return any(unit in axis.get("name", "") for axis in chart["options"]["yAxis"])


@pytest.mark.django_db
def test_a_district_and_its_city_are_drawn_in_panels_of_their_own(client):
    response = client.get("/en/districts/440104/?plan=yuexiu-13th-fyp")
    chart = next(c["options"] for c in options_of(response) if any(s["id"] == "city" for s in c["options"]["series"]))
    series = {s["id"]: s for s in chart["series"]}
    assert (series["area"]["yAxisIndex"], series["city"]["yAxisIndex"]) == (0, 1)
    assert [axis["gridIndex"] for axis in chart["yAxis"]] == [0, 1] and len(chart["grid"]) == 2
    assert chart["yAxis"][0]["name"].startswith("Yuexiu") and chart["yAxis"][1]["name"].startswith("Guangzhou")
    # R&D share: Yuexiu's 2015 and 2019 figures with the years between them empty, a share's axis from 0 to ≤ 100
    assert series["area"]["data"][:5] == [
        ["2015", 1.45],
        ["2016", None],
        ["2017", None],
        ["2018", None],
        ["2019", 1.93],
    ]
    for axis in chart["yAxis"]:
        assert axis["min"] == 0 and axis["max"] <= 100


@pytest.mark.django_db
def test_indicators_with_one_figure_get_a_sentence_not_a_chart(client):
    html = client.get("/districts/440100/").content.decode()
    assert "目前只有一个数据（2020年：87），不足以绘图。" in html  # urbanisation rate
    english = client.get("/en/districts/440100/")
    assert "Only one figure so far (2020: 87); a chart needs two." in english.content.decode()
    ids = {c["id"] for c in options_of(english)}
    row = next(r for r, c in english.context["charts"] if r.target.indicator.code == "urbanization_rate")
    assert f"chart-{row.target.pk}" not in ids
    assert f'id="chart-{row.target.pk}"' not in english.content.decode()  # no empty frame either


@pytest.mark.django_db
def test_the_gdp_page_keeps_the_city_and_the_districts_apart_and_draws_no_empty_map(client):
    response = client.get("/en/indicators/gdp/")
    html = response.content.decode()
    charts_drawn = {c["id"]: c["options"] for c in options_of(response)}
    assert set(charts_drawn) == {"timeseries"}  # no district has a 2023 figure: no map, no ranking
    assert 'id="map"' not in html and 'id="ranking"' not in html
    assert "0 of 11 districts have a figure for 2023." in html
    assert "Fewer than two districts have a figure for 2023, so there is no ranking." in html
    chart = charts_drawn["timeseries"]
    series = {s["name"]: s for s in chart["series"]}
    assert series["Guangzhou"]["yAxisIndex"] != series["Yuexiu"]["yAxisIndex"]
    assert chart["yAxis"][series["Yuexiu"]["yAxisIndex"]]["max"] < 25019  # not stretched to the city's figures
    # every area's target, at its year
    assert series["Guangzhou"]["markPoint"]["data"][0]["coord"] == ["2025", 35000.0]
    zh = client.get("/indicators/gdp/").content.decode()
    assert "11个区中有0个区有2023年的数据。地图至少需要两个区的数据；全部数据见下表。" in zh
    assert 'class="chart-card wide"' not in zh  # no frame kept for a map not drawn


@pytest.mark.django_db
def test_the_map_and_the_ranking_once_districts_report(client):
    gdp = Indicator.objects.get(code="gdp")
    for code, value in [("440103", "1250"), ("440105", "2100"), ("440106", "6000")]:
        factories.record_value(area=Area.objects.get(code=code), indicator=gdp, year=2023, value=Decimal(value))
    response = client.get("/en/indicators/gdp/?year=2023")
    by_id = {c["id"]: c["options"] for c in options_of(response)}
    pieces = by_id["map"]["visualMap"]["pieces"]
    assert pieces[0]["label"] == "4812.5–6000" and pieces[-1]["label"] == "1250–2437.5"  # values in the legend
    assert "3 of 11 districts have a figure for 2023; the others are left blank." in response.content.decode()
    values = {item["name"]: item.get("value") for item in by_id["map"]["series"][0]["data"]}
    assert values["440106"] == 6000 and "value" not in next(
        i for i in by_id["map"]["series"][0]["data"] if i["name"] == "440104"
    )
    ranking = by_id["ranking"]
    assert ranking["yAxis"][0]["data"] == ["Liwan", "Haizhu", "Tianhe"]  # the best on top
    assert ranking["xAxis"][0]["min"] == 0


@pytest.mark.django_db
def test_a_figure_printed_in_a_later_column_is_drawn_at_the_year_it_measures(client):
    gdp, tianhe = Indicator.objects.get(code="gdp"), Area.objects.get(code="440106")
    factories.record_value(area=tianhe, indicator=gdp, year=2020, reference_year=2019, value=Decimal("5047"))
    factories.record_value(area=tianhe, indicator=gdp, year=2022, value=Decimal("6000"))
    chart = next(c["options"] for c in options_of(client.get("/en/indicators/gdp/")) if c["id"] == "timeseries")
    tianhe_series = next(s for s in chart["series"] if s["name"] == "Tianhe")
    assert drawn(tianhe_series) == [["2019", 5047.0], ["2022", 6000.0]]
    assert ["2020", None] in tianhe_series["data"] and ["2021", None] in tianhe_series["data"]


# ---- the rules on constructed cases ----


@pytest.mark.parametrize(
    "values,measure,bounds",
    [
        ([6.498, 6.522], "growth", (0, 8)),  # not zoomed in to 6.498–6.522
        ([41.58, 41.73], "share", (0, 60)),
        ([98.3, 99.5], "share", (0, 100)),  # never an axis to 120
        ([100.0], "share", (0, 100)),
        ([3500, 31000], "level", (0, 40000)),
        ([-2.5, 4], "growth", (-4, 4)),  # below zero only for a fall
        ([83], "level", (0, 100)),
        ([7339, 10000], "level", (0, 10000)),
        ([], "level", (0, 1)),
        ([0.0], "share", (0, 100)),
    ],
)
def test_axes_start_at_zero_and_shares_stop_at_100(values, measure, bounds):
    assert charts.axis_bounds(values, measure) == bounds


def observations(*pairs, reference=None) -> list[Observation]:
    return [Observation(year, value, year, (reference or {}).get(year)) for year, value in pairs]


def test_gaps_stay_gaps_and_figures_sit_at_the_year_they_measure():
    chart = charts.area_chart(
        "c",
        measure="level",
        unit="亿元",
        area="Tianhe",
        figures=observations((2016, 10), (2018, 12), (2020, 14), reference={2020: 2019}),
        plan_target=charts.PlanTarget(2020, target=15, baseline=9, baseline_year=2015),
    )
    area = next(s for s in chart.options["series"] if s["id"] == "area")
    assert area["data"] == [
        ["2015", None],
        ["2016", 10.0],
        ["2017", None],
        ["2018", 12.0],
        ["2019", 14.0],
        ["2020", None],
    ]
    assert area["connectNulls"] is False
    path = next(s for s in chart.options["series"] if s["id"] == "path")
    assert path["data"] == [["2015", 9], ["2020", 15]]  # from the baseline to the target, no further


def test_a_city_never_shares_the_districts_value_axis():
    chart = charts.area_chart(
        "c",
        measure="level",
        unit="亿元",
        area="Yuexiu",
        figures=observations((2019, 3300), (2020, 3500)),
        city="Guangzhou",
        city_figures=observations((2019, 29000), (2020, 31000)),
    )
    axes = chart.options["yAxis"]
    assert [a["gridIndex"] for a in axes] == [0, 1]
    assert axes[0]["max"] == 4000 and axes[1]["max"] == 40000
    city = next(s for s in chart.options["series"] if s["id"] == "city")
    assert (city["xAxisIndex"], city["yAxisIndex"]) == (1, 1)
    assert chart.height > charts.height(1)


def test_rates_of_a_district_and_its_city_are_compared_on_equal_bounds():
    chart = charts.area_chart(
        "c",
        measure="share",
        unit="%",
        area="Yuexiu",
        figures=observations((2019, 60), (2020, 70)),
        city="Guangzhou",
        city_figures=observations((2020, 98)),
    )
    assert [(a["min"], a["max"]) for a in chart.options["yAxis"]] == [(0, 100), (0, 100)]


def test_every_time_series_shows_the_target():
    average = charts.area_chart(
        "c",
        measure="growth",
        unit="%",
        area="Guangzhou",
        figures=observations((2021, 8.1), (2022, 1.0)),
        plan_target=charts.PlanTarget(2025, average=6, average_from=2021),
    )
    line = next(s for s in average.options["series"] if s["id"] == "target-average")
    assert line["data"] == [["2021", 6], ["2025", 6]]
    assert average.options["xAxis"][0]["data"][-1] == "2025"
    total = charts.area_chart(
        "c",
        measure="flow",
        unit="万人",
        area="Guangzhou",
        figures=observations((2021, 30), (2022, 25)),
        plan_target=charts.PlanTarget(2025, text="Target: [110] in total over 2021–2025."),
    )
    assert total.notes == ["Target: [110] in total over 2021–2025."]


@pytest.mark.parametrize(
    "figures,english,chinese",
    [
        ([], "No figure reported yet, so there is no chart.", "尚无数据，因此没有图表。"),
        (
            [(2020, 87)],
            "Only one figure so far (2020: 87); a chart needs two.",
            "目前只有一个数据（2020年：87），不足以绘图。",
        ),
    ],
)
def test_fewer_than_two_figures_is_a_sentence_in_the_pages_language(figures, english, chinese):
    for language, sentence in [("en", english), ("zh-hans", chinese)]:
        with translation.override(language):
            chart = charts.area_chart("c", measure="share", unit="%", area="Liwan", figures=observations(*figures))
        assert chart.options is None and chart.sentence == sentence


def test_a_map_of_one_district_and_an_empty_ranking_are_sentences():
    districts = [("440103", "Liwan", 12.0), ("440104", "Yuexiu", None)]
    one = charts.map_chart("map", year=2023, unit="%", direction="higher", districts=districts)
    assert one.options is None
    assert one.sentence == (
        "1 of 2 districts have a figure for 2023. A map needs at least two; the table below has every figure."
    )
    ranking = charts.ranking_chart("ranking", year=2023, measure="share", unit="%", direction="higher", districts=[])
    assert ranking.options is None and "no ranking" in ranking.sentence


def test_the_timeseries_puts_each_level_in_a_panel_and_marks_each_target():
    areas = [
        charts.AreaFigures("440100", "Guangzhou", "city", {2020: 25019.0, 2023: 30355.73}, (2025, 35000.0)),
        charts.AreaFigures("440104", "Yuexiu", "district", {2020: 3370.05, 2022: 3500.0}, (2025, 4100.0)),
        charts.AreaFigures("440106", "Tianhe", "district", {2021: 5000.0}),
        charts.AreaFigures("440105", "Haizhu", "district", {}),
    ]
    chart = charts.timeseries_chart(
        "t", measure="level", unit="亿元", areas=areas, level_names={"district": "Districts", "city": "Cities"}
    )
    series = {s["name"]: s for s in chart.options["series"]}
    assert set(series) == {"Guangzhou", "Yuexiu", "Tianhe"}  # an area without figures is no line
    assert (
        series["Guangzhou"]["yAxisIndex"] == 0 and series["Yuexiu"]["yAxisIndex"] == series["Tianhe"]["yAxisIndex"] == 1
    )
    assert [a["name"] for a in chart.options["yAxis"]] == ["Guangzhou (亿元)", "Districts (亿元)"]
    assert chart.options["xAxis"][0]["data"] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert series["Yuexiu"]["data"][1] == ["2021", None]
    assert series["Yuexiu"]["markPoint"]["data"][0]["coord"] == ["2025", 4100.0]
    assert "markPoint" not in series["Tianhe"]


# ---- the scorecard's sparklines ----


def test_a_sparkline_breaks_at_a_missing_year_starts_from_zero_and_shows_the_target():
    line = charts.sparkline(
        observations((2016, 6.5), (2017, 6.52), (2019, 6.51), (2021, 6.49), reference={2021: 2020}),
        measure="growth",
        plan_target=charts.PlanTarget(2022, target=7.0),
        width=96,
        height=24,
    )
    assert line.years == [2016, 2017, 2019, 2020]  # the 2021 column's figure measures 2020
    assert [len(run) for run in line.runs] == [2, 2]  # 2016–2017 and 2019–2020: no line across 2018
    ys = [y for run in line.runs for _x, y in run]
    assert max(ys) - min(ys) < 1  # 6.49 and 6.52 drawn from zero look alike, not a zigzag
    assert line.target is not None and line.target[0] == 93  # the target, at the right end (2022)
    assert charts.sparkline(observations((2020, 1)), measure="level") is None


@pytest.mark.django_db
def test_the_scorecard_says_in_words_when_a_row_has_fewer_than_two_figures(client):
    english = client.get("/en/").content.decode()
    assert '<span class="sparkline sparkline--empty">Fewer than two figures</span>' in english
    assert '<span class="sparkline sparkline--empty">不足两个数据</span>' in client.get("/").content.decode()
    assert 'class="sparkline-target"' in english  # airport passengers: 2019 and 2020, and the 2025 target


@pytest.mark.django_db
def test_an_indicator_without_any_figure_says_so_instead_of_drawing(client):
    response = client.get("/indicators/fixed_asset_investment/")
    html = response.content.decode()
    assert options_of(response) == []
    assert html.count("尚无任何地区有该指标的数据。") == 2  # the map and the ranking
    assert "尚无数据，因此没有图表。" in html  # over time
    figcaptions = re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)
    assert figcaptions[:2] == ["各区", "排名"] and not any("None" in caption for caption in figcaptions)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/districts/440100/", "/districts/440100/?plan=guangzhou-13th-fyp", "/districts/440104/?plan=yuexiu-13th-fyp"],
)
def test_every_district_chart_shows_its_target_and_a_path_from_the_baseline_to_the_target_year(client, url):
    response = client.get(url)
    for row, chart in response.context["charts"]:
        if chart.options is None:
            continue
        target = row.target
        series = {s["id"]: s for s in chart.options["series"]}
        assert {"target", "target-average"} & set(series) or chart.notes or not target.target_notation
        if "path" in series:
            first, last = series["path"]["data"]
            assert first == [str(target.baseline_year or target.plan.period_start - 1), float(target.baseline_value)]
            assert last == [str(target.target_year), float(target.target_value)]
        if target.target_value is not None and not (target.is_cumulative or target.is_annual_average):
            assert series["target"]["data"] == [[str(target.target_year), float(target.target_value)]]
