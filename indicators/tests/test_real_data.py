"""The loaded real data against the seed tables, cell by cell.

The expected cells below are copied from the source documents as printed
(Traditional Chinese, a cell's line breaks removed). Each is first checked to
occur in its table in the source file, then compared with the loaded data
through the same zh-Hant → zh-Hans conversion the fixtures went through. Parts
of an `A/B` row are listed one by one; a sub-row's label is matched as a
substring of the loaded label.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F
from opencc import OpenCC

from indicators.models import Plan, ReportedValue, Target

pytestmark = pytest.mark.django_db

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "sources"
t2s = OpenCC("t2s").convert
ATTRIBUTE = {"預期性": "anticipatory", "約束性": "binding"}

# row | part | label | unit | 2020 target | 2020 actual | attribute      (专栏1 of seed 003)
GUANGZHOU_13 = """
1|1||%|年均7.5以上|年均6|預期性
1|2||億元|28000|25019|預期性
2|1|人均地區生產總值|萬元|18|約14|預期性
3|1|第三產業增加值占地區生產總值比重|%|70左右|72.5|預期性
4|1|現代服務業增加值占服務業增加值比重|%|70左右|65.9(2019年)|預期性
5|1|規模以上高新技術產品產值占規模以上工業總產值比重|%|49|50|預期性
6|1|研發經費支出(R&D)占地區生產總值比例|%|3|3|預期性
7|1|每萬人發明專利擁有量||25|39.6|預期性
8|1||萬人次|8000|7339|預期性
8|2||萬噸|250|192(2019年)|預期性
9|1||億噸|6|6.36|預期性
9|2||萬標箱|2500|2351|預期性
10|1|城市寬頻接入能力|兆位/秒|300以上|300|預期性
10|2|農村寬頻接入能力|兆位/秒|50以上|100|預期性
11|1|社會消費品零售總額|億元|10500|9552(2019年)|預期性
12|1|商品進出口總值|億元|10000|10001(2019年)|預期性
13|1|金融業增加值占地區生產總值比重|%|12|8.9|預期性
14|1|單位地區生產總值用水量累計下降|%|[20]|[>27.6]|約束性
15|1|單位地區生產總值能耗累計下降|%|[19.3]|[19.4]|約束性
16|1|單位地區生產總值二氧化碳排放累計減少|%|[23]|[≥23]|約束性
17|1|二氧化硫|%|[9.9]|[9.9]|約束性
17|2|化學需氧量|%|[14.7]|[14.7]|約束性
17|3|氨氮|%|[18.4]|[18.4]|約束性
17|4|氮氧化物|%|[9.5]|[9.5]|約束性
18|1|空氣品質優良天數比率|%|86以上|90.4|約束性
18|2|可吸入顆粒物(PM2.5)年均濃度|微克/立方米|30以下|23|約束性
19|1|城鎮生活污水處理率|%|95|>97|約束性
20|1|省控斷面劣Ⅴ類水體比例|%|0|0|約束性
21|1|城鎮生活垃圾無害化處理率|%|100|100|約束性
22|1|城市人均公園綠地面積|平方米|18|18|預期性
23|1|森林覆蓋率|%|41.6|41.6|約束性
23|2|森林蓄積量|萬立方米|1950|1954.9|約束性
24|1|常住人口|萬人|1550|1800|預期性
25|1|常住人口城鎮化率|%|86.05|87|預期性
25|2|戶籍人口城鎮化率|%|79.8左右|79.95|預期性
26|1|累計新增城鎮就業人數|萬人|[100]|[161.5]|預期性
27|1|城市常住居民人均可支配收入|%|與經濟增長保持同步|7.9|預期性
27|2|農村常住居民人均可支配收入|%|與經濟增長保持同步|10.1|預期性
28|1|人均預期壽命||82以上|82.5(2019年)|預期性
29|1|每千人口擁有執業(助理)醫師數||3.3|3.5|約束性
30|1|每千名老人養老床位數||40|40|約束性
31|1|基本社會保險覆蓋率|%|98以上|98以上|約束性
32|1|累計籌集保障性安居工程(含租賃補貼)|萬套|[5.75]|[8.89]|約束性
33|1|中心城區公共運輸出行占機動化出行比例|%|65|71.7(2019年)|預期性
34|1|文化及相關產業增加值占地區生產總值比重|%|6|6.52(2018年)|預期性
35|1|新增勞動力平均受教育年限||15|15|約束性
36|1|主要勞動年齡人口接受高等教育比例|%|34|34|預期性
"""

# row | part | label | unit | 2020 baseline | 2025 target | attribute      (专栏2 of seed 003)
GUANGZHOU_14 = """
1|1|地區生產總值年均增速|%|6|6左右|預期性
2|1|全員勞動生產率|萬元/人|21.8|26|預期性
3|1|數字經濟核心產業增加值占地區生產總值比重|%|20|25|預期性
4|1|常住人口城鎮化率|%|87|87.5|預期性
5|1|研發經費支出(R&D)占地區生產總值比重|%|3|3.4左右|預期性
6|1|每萬人口高價值發明專利擁有量||20|30|預期性
7|1|戰略性新興產業增加值占地區生產總值比重|%|約30|35|預期性
8|1||萬人次|7339|10000|預期性
8|2||萬噸|192(2019年)|350|預期性
9|1||億噸|6.36|6.8|預期性
9|2||萬標箱|2351|2800|預期性
10|1||億人次|1.45|1.6|預期性
10|2||萬噸|2105(2019年)|3000|預期性
11|1|單位地區生產總值能源消耗降低|%|[19.4]|完成省下達目標|約束性
12|1|單位地區生產總值二氧化碳排放降低|%|[≥23]|完成省下達目標|約束性
13|1|空氣品質優良天數比率|%|90.4|88|約束性
14|1|地表水達到或好於III類水體比例|%|76.9|完成省下達目標|約束性
15|1|森林覆蓋率|%|41.6|41.65|約束性
16|1|城市常住居民人均可支配收入年均增速|%|7.9|與經濟增長基本同步|預期性
16|2|農村常住居民人均可支配收入年均增速|%|10.1|與經濟增長基本同步|預期性
17|1|新增城鎮就業人數|萬人|[161.5]|[≥110]|預期性
18|1|新增基礎教育公辦學位數|萬個|[32.3]|[≥30]|約束性
19|1|每千人口擁有執業(助理)醫師數||3.5|4|預期性
20|1|基本養老保險參保率|%|98.3|99|預期性
21|1|每千人口擁有3歲以下嬰幼兒托位數||2.5|4|預期性
22|1|人均預期壽命||82.5(2019年)|83|預期性
23|1|政策性儲備糧規模|萬噸|171|203|約束性
24|1|液化天然氣儲備能力|萬立方米|16|48|約束性
"""

# row | part | label | unit | target | actual | attribute      (专栏1 of seed 004)
YUEXIU_13 = """
1|1|地區生產總值年均增長率|%|7左右|4.6|預期性
2|1|人均地區生產總值年均增長率|%|6.5|4.1*|預期性
3|1|現代服務業增加值占GDP比重|%|70|65.2|預期性
4|1|稅收億元樓宇||50以上|65|預期性
5|1|社會消費品零售總額年均增長率|%|8|3.8|預期性
6|1|一般公共預算收入年均增長率(可比口徑)|%|5|6.8|預期性
7|1|R&D投入占GDP比重|%|1.6|1.93*|預期性
8|1|經認定高新技術企業||285|646|預期性
9|1|經認定孵化器總面積|萬平方米|25|28.94|預期性
10|1|每萬人口發明專利擁有量||19|75*|預期性
11|1|實現垃圾“定時定點”分類投放社區比率|%|100|100|約束性
12|1|人均公園綠地面積|平方米|5.7|5.69|預期性
13|1|綠化覆蓋率|%|35.33|35.36|約束性
14|1|每萬人口擁有公共文化設施面積|平方米|1300|1532.54|約束性
15|1|每千人口擁有執業(助理)醫師||3.5|14.52*|約束性
16|1|城鎮居民人均可支配收入年均增長率|%|與經濟增長基本同步|7.9|預期性
17|1|城鎮登記失業人員就業率|%|≥70|70|約束性
18|1|居民辦證事項實現可網上辦理率|%|80|94.63|約束性
"""

# row | part | label | unit | (no baseline) | target | attribute      (专栏2 of seed 004)
YUEXIU_14 = """
1|1|地區生產總值年均增長率|%||4左右|預期性
2|1|現代服務業增加值占服務業增加值比重|%||70左右|預期性
3|1|一般公共預算收入年均增長率(可比口徑)|%||3|預期性
4|1|文化及相關產業增加值占GDP比重|%||6.5左右|預期性
5|1|R&D投入占GDP比重|%||2左右|預期性
6|1|每萬人口高價值發明專利擁有量|||30|預期性
7|1|單位地區生產總值能耗累計下降|%||完成市下達目標|約束性
8|1|PM2.5年均濃度|微克/立方米||完成市下達目標|約束性
9|1|空氣質量優良天數占比|%||完成市下達目標|約束性
10|1|建成區綠化覆蓋率|%||35.36|約束性
11|1|每萬人口擁有公共文化設施面積|平方米||1550|約束性
12|1|城鎮居民人均可支配收入年均增長率|%||與經濟增長基本同步|預期性
13|1|年均城鎮新增就業人數|||完成市下達目標|預期性
14|1|新增公辦基礎教育學位數|||完成市下達目標|約束性
15|1|居民辦證事項實現可網上辦理率|%||100|約束性
16|1|人均期望壽命|||84.88|預期性
17|1|政策性儲備糧規模|||完成市下達目標|約束性
"""


def parse(table: str) -> list[tuple[str, ...]]:
    return [tuple(line.split("|")) for line in table.strip().splitlines()]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def seed_table(file_prefix: str, start: str, end: str) -> str:
    path = next(SOURCES.glob(f"{file_prefix}_*.txt"))
    text = path.read_text(encoding="utf-8")
    return squeeze(text[text.index(start) : text.index(end, text.index(start))])


TABLES = {
    # plan code: (rows, file, table start, table end, plan's other column)
    "guangzhou-13th-fyp": (GUANGZHOU_13, "003", "專欄1", "註:", "actual"),
    "guangzhou-14th-fyp": (GUANGZHOU_14, "003", "專欄2", "註:", "baseline"),
    "yuexiu-13th-fyp": (YUEXIU_13, "004", "專欄1:", "注:", "actual"),
    "yuexiu-14th-fyp": (YUEXIU_14, "004", "專欄2:", "第三章", "baseline"),
}
CASES = [
    pytest.param(plan, cells, id=f"{plan}-row{cells[0]}.{cells[1]}")
    for plan, (table, *_rest) in TABLES.items()
    for cells in parse(table)
]


@pytest.mark.parametrize("plan", TABLES)
def test_the_expected_cells_are_those_printed_in_the_source(plan):
    table, prefix, start, end, _ = TABLES[plan]
    printed = seed_table(prefix, start, end)
    for row, _part, label, unit, first, second, attribute in parse(table):
        for cell in (label, unit, first, second, attribute):
            assert squeeze(cell) in printed, f"row {row}: {cell!r} is not in {plan}'s source table"


@pytest.mark.parametrize("plan", TABLES)
def test_each_plan_has_every_row_of_its_table(plan):
    rows = {cells[0] for cells in parse(TABLES[plan][0])}
    loaded = Plan.objects.get(code=plan).targets.exclude(row="")
    assert {t.row for t in loaded} == rows
    assert loaded.count() == len(parse(TABLES[plan][0]))


def loaded_value(target: Target) -> ReportedValue | None:
    """The value the table prints in its actuals column for the target: the figure that cites the table's
    row. A figure of another year printed there (`65.9 (2019年)`, `1.93*`) is stored at the year it
    measures, and the notes' figures for the table year cite the notes, not the row."""
    year = target.plan.period_end if target.plan.code.endswith("13th-fyp") else target.plan.period_start - 1
    table = target.plan.source_ref.split()[0].split("：")[0].split(":")[0]  # 专栏1
    return (
        ReportedValue.objects.filter(
            area=target.plan.area,
            indicator=target.indicator,
            year__lte=year,
            quarter=0,
            source__contains=f" {table} 第{target.row}行 ",
        )
        .order_by("-year", "span_from")
        .first()
    )


@pytest.mark.parametrize("plan,cells", CASES)
def test_the_loaded_row_matches_the_source_cell_by_cell(plan, cells):
    row, part, label, unit, first, second, attribute = cells
    other = TABLES[plan][4]
    target = Target.objects.select_related("plan__area", "indicator").get(plan__code=plan, row=row, part=int(part))
    if label:
        assert t2s(label) in target.label_zh
    assert target.unit_label == t2s(unit)
    assert target.attribute == ATTRIBUTE[attribute]
    if other == "actual":
        assert squeeze(target.target_notation) == squeeze(t2s(first))
        value = loaded_value(target)
        assert value is not None, f"no value printed {second} for {target}"
        printed_year = re.search(r"\((\d{4})年\)", second)
        assert value.year == (int(printed_year.group(1)) if printed_year else value.year)
        assert value.reference_year == value.year  # a figure is stored at the year it measures
    else:
        assert squeeze(target.baseline_notation) == squeeze(t2s(first))
        assert squeeze(target.target_notation) == squeeze(t2s(second))


A_B_ROWS = [
    ("guangzhou-13th-fyp", "1"),
    ("guangzhou-13th-fyp", "8"),
    ("guangzhou-13th-fyp", "9"),
    ("guangzhou-14th-fyp", "8"),
    ("guangzhou-14th-fyp", "9"),
    ("guangzhou-14th-fyp", "10"),
]


@pytest.mark.parametrize("plan,row", A_B_ROWS)
def test_the_parts_of_an_a_b_row_join_back_into_the_printed_cells(plan, row):
    """`8000/250` is two targets; joined with '/' their cells give the printed cells again."""
    _table, prefix, start, end, other = TABLES[plan]
    printed = t2s(seed_table(prefix, start, end))
    parts = list(Target.objects.filter(plan__code=plan, row=row).order_by("part"))
    assert len(parts) == 2
    joined_units = "/".join(t.unit_label for t in parts)
    joined_targets = "/".join(squeeze(t.target_notation) for t in parts)
    if other == "actual":
        joined_other = "/".join(squeeze(loaded_value(t).notation) for t in parts)
    else:
        joined_other = "/".join(squeeze(t.baseline_notation) for t in parts)
    assert joined_units + joined_targets + joined_other in printed or (
        joined_units + joined_other + joined_targets in printed
    ), (joined_units, joined_targets, joined_other)


def target(plan: str, row: str, part: int = 1) -> Target:
    return Target.objects.select_related("indicator", "linked_indicator").get(plan__code=plan, row=row, part=part)


def value(area: str, indicator: str, year: int, span_from: int | None = None) -> ReportedValue:
    return ReportedValue.objects.get(
        area__code=area, indicator__code=indicator, year=year, quarter=0, span_from=span_from or year
    )


def test_gdp_growth_and_total_are_two_targets_in_one_row():
    growth, total = target("guangzhou-13th-fyp", "1", 1), target("guangzhou-13th-fyp", "1", 2)
    assert (growth.indicator.code, growth.target_value, growth.comparator, growth.is_annual_average) == (
        "gdp_growth",
        Decimal("7.5"),
        "at_least",
        True,
    )
    assert (total.indicator.code, total.target_value, total.comparator) == ("gdp", Decimal("28000"), "")
    assert total.effective_comparator == "at_least"
    assert value("440100", "gdp_growth", 2020, 2016).value == Decimal("6")
    assert value("440100", "gdp", 2020).value == Decimal("25019")


def test_airport_targets_and_their_2019_baselines():
    passengers, cargo = target("guangzhou-14th-fyp", "8", 1), target("guangzhou-14th-fyp", "8", 2)
    assert (passengers.target_value, cargo.target_value) == (Decimal("10000"), Decimal("350"))
    assert (passengers.baseline_value, passengers.baseline_year) == (Decimal("7339"), 2019)
    assert (cargo.baseline_value, cargo.baseline_year) == (Decimal("192"), 2019)
    assert passengers.indicator != cargo.indicator
    assert passengers.unit_label == "万人次" and cargo.unit_label == "万吨"


def test_new_jobs_are_a_cumulative_at_least_110_target():
    jobs = target("guangzhou-14th-fyp", "17")
    assert (jobs.is_cumulative, jobs.comparator, jobs.target_value) == (True, "at_least", Decimal("110"))
    assert (jobs.baseline_value, jobs.baseline_span_from, jobs.baseline_year) == (Decimal("161.5"), 2016, 2020)
    assert jobs.kind == "cumulative"
    actual = value("440100", jobs.indicator.code, 2020, 2016)
    assert (actual.value, actual.notation) == (Decimal("161.5"), "[161.5]")


def test_income_growth_is_linked_to_gdp_growth():
    for plan, row in [("guangzhou-13th-fyp", "27"), ("guangzhou-14th-fyp", "16"), ("yuexiu-14th-fyp", "12")]:
        linked = target(plan, row)
        assert linked.linked_indicator.code == "gdp_growth"
        assert linked.target_value is None and linked.kind == "linked"
    assert target("guangzhou-14th-fyp", "16").target_notation == "与经济增长基本同步"


def test_assigned_targets_wait_for_the_higher_levels_figure():
    energy = target("guangzhou-14th-fyp", "11")
    assert (energy.assigned_by, energy.target_value, energy.kind) == ("province", None, "assigned")
    assert energy.target_notation == "完成省下达目标"
    assert (energy.baseline_value, energy.is_cumulative) == (Decimal("19.4"), True)
    pm25 = target("yuexiu-14th-fyp", "8")
    assert (pm25.assigned_by, pm25.indicator.direction) == ("city", "lower")


def test_figures_printed_for_another_year_are_values_of_the_year_they_measure():
    """A 2019 figure in the 2020 column is a 2019 value; the notes' true 2020 figures are 2020 values."""
    modern_services = target("guangzhou-13th-fyp", "4").indicator.code
    assert (value("440100", modern_services, 2019).value, value("440100", modern_services, 2020).value) == (
        Decimal("65.9"),
        Decimal("65.1"),
    )
    for code, in_2019, in_2020 in [
        ("airport_passengers", "7339", "4377"),
        ("airport_cargo", "192", "176"),
        ("retail_sales", "9552", "9219"),
        ("trade_value", "10001", "9530"),
        ("life_expectancy", "82.5", "82.9"),
        ("public_transport_share", "71.7", "65"),
        ("rail_passengers", "1.45", "0.87"),
        ("rail_freight", "2105", "1793"),
    ]:
        earlier, later = value("440100", code, 2019), value("440100", code, 2020)
        assert (earlier.value, later.value) == (Decimal(in_2019), Decimal(in_2020)), code
        assert earlier.reference_year == 2019 and later.reference_year == 2020
        assert "注" in later.source  # the note that prints it
    assert value("440100", "public_transport_share", 2020).qualifier == "about"  # 预计全年为65%
    culture = value("440100", target("guangzhou-13th-fyp", "34").indicator.code, 2018)
    assert (culture.value, culture.reference_year) == (Decimal("6.52"), 2018)
    rd = value("440104", "rd_share", 2019)
    assert (rd.value, rd.notation) == (Decimal("1.93"), "1.93*")
    per_capita = value("440104", "per_capita_gdp_growth", 2019, 2016)
    assert (per_capita.value, per_capita.notation) == (Decimal("4.1"), "4.1*")
    assert not ReportedValue.objects.exclude(reference_year=F("year")).filter(source_document__key__in=["003", "004"])


def test_the_retail_sales_target_keeps_its_revision():
    retail = target("guangzhou-13th-fyp", "11")
    assert (retail.original_value, retail.target_value) == (Decimal("11500"), Decimal("10500"))
    assert retail.revision_reason
    assert 5 in {note.number for note in retail.footnotes.all()}
    assert "11500" in retail.footnotes.get(number=5).text_zh


def test_forest_targets_keep_their_revision_and_footnote():
    cover, stock = target("guangzhou-13th-fyp", "23", 1), target("guangzhou-13th-fyp", "23", 2)
    assert (cover.original_value, cover.target_value) == (Decimal("42.5"), Decimal("41.6"))
    assert (stock.original_value, stock.target_value) == (Decimal("1975.7"), Decimal("1950"))
    assert {n.number for n in cover.footnotes.all()} >= {7}


def test_qualified_actuals_keep_their_qualifier():
    assert value("440100", target("guangzhou-13th-fyp", "2").indicator.code, 2020).qualifier == "about"
    assert value("440100", target("guangzhou-13th-fyp", "19").indicator.code, 2020).qualifier == "more_than"
    water = value("440100", target("guangzhou-13th-fyp", "14").indicator.code, 2020, 2016)
    assert (water.value, water.qualifier) == (Decimal("27.6"), "more_than")


def test_lower_is_better_indicators():
    assert target("guangzhou-13th-fyp", "18", 2).indicator.direction == "lower"  # PM2.5
    assert target("guangzhou-13th-fyp", "18", 2).effective_comparator == "at_most"


def test_every_table_footnote_is_loaded():
    counts = {plan.code: plan.notes.count() for plan in Plan.objects.filter(code__in=TABLES)}
    assert counts == {"guangzhou-13th-fyp": 10, "guangzhou-14th-fyp": 9, "yuexiu-13th-fyp": 3, "yuexiu-14th-fyp": 0}


def test_guangzhou_2023_gdp_is_in_yuan_trillions_not_billions():
    gdp = value("440100", "gdp", 2023)
    assert gdp.value == Decimal("30355.73") and gdp.indicator.unit_zh == "亿元"
    assert value("440100", "gdp_growth", 2023).value == Decimal("4.6")


@pytest.mark.parametrize(
    "plan,indicator,number,comparator",
    [
        ("yuexiu-2024", "gdp_growth", "4", ""),
        ("yuexiu-2024", "fixed_asset_investment", "135", ""),
        ("haizhu-2024", "gdp_growth", "6", "at_least"),
        ("haizhu-2024", "fixed_asset_investment", "620", ""),
        ("liwan-2024", "fixed_asset_investment", "635", ""),
        ("tianhe-2024", "gdp", "7000", "at_least"),
        ("tianhe-2024", "gdp_growth", "6", "at_least"),
        ("tianhe-2024", "fixed_asset_investment_growth", "18", "about"),
        ("tianhe-2024", "retail_sales", "2200", "at_least"),
    ],
)
def test_2024_annual_targets(plan, indicator, number, comparator):
    annual = Target.objects.get(plan__code=plan, indicator__code=indicator)
    assert (annual.target_value, annual.comparator, annual.target_year) == (Decimal(number), comparator, 2024)
    assert annual.source_document.key == "001"


def test_every_figure_cites_its_source():
    assert not Target.objects.filter(source_ref="").exists()
    assert not ReportedValue.objects.filter(source_document__isnull=True).exists()
    assert not ReportedValue.objects.filter(source="").exists()
