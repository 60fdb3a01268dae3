"""Tables pasted one cell a line, as a web page copies them, in layouts other than the seeds': a 15th
FYP table with baseline, target and 年均增长 columns, a table without row numbers, empty cells printed
as `-`, targets in words, a heading in Traditional Chinese, wrapped cells and units."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.spreadsheets.celllines import lines_to_grid
from indicators.spreadsheets.plantable import TableProblem, heading_key, in_unit, read_text, split_label, to_json


def _parse(lines: list[str], start: int = 2026, end: int = 2030) -> dict:
    return to_json(read_text("\n".join(lines)), start=start, end=end)


FIFTEENTH = [
    "专栏1 “十五五”时期经济社会发展主要指标",
    "类别", "序号", "指标", "单位", "2025年", "2030年", "年均增长", "属性",
    "经济", "发展",
    "1", "地区生产总值增长", "%", "5.5", "-", "5左右", "预期性",
    "2", "居民人均可支配收入增长", "%", "5", "-", "高于GDP", "增长", "预期性",
    "3", "城镇调查失业率", "%", "4.8", "5.5以内", "-", "预期性",
    "绿色", "低碳",
    "4", "单位地区生产总值能耗降低", "%", "-", "完成国家", "下达目标", "-", "约束性",
    "5", "粮食综合生产能力", "万吨", "-", "保持在合理区间", "-", "约束性",
    "6", "新能源汽车保有量", "万辆", "300", "≥600", "-", "预期性",
    "注：", "1. 地区生产总值增长按不变价格计算。",
    "第二章 加快建设现代化产业体系",
]  # fmt: skip


def test_a_fifteenth_plan_table_with_an_average_column_and_empty_cells():
    parsed = _parse(FIFTEENTH)
    assert parsed["problems"] == []
    gdp, income, jobless, energy, grain, cars = parsed["targets"]
    assert (gdp["category_zh"], gdp["target_value"], gdp["comparator"], gdp["kind"]) == (
        "经济发展",
        "5",
        "about",
        "annual_average",
    )
    assert gdp["baseline_value"] == "5.5" and gdp["baseline_year"] == 2025 and gdp["baseline_span_from"] == 2021
    assert gdp["footnotes"] == [1]
    assert (income["kind"], income["linked_indicator"], income["linked_relation"]) == ("linked", "gdp_growth", "above")
    assert (jobless["target_value"], jobless["comparator"], jobless["kind"]) == ("5.5", "at_most", "level")
    assert (energy["kind"], energy["assigned_by"], energy["attribute"]) == ("assigned", "nation", "binding")
    assert energy["category_zh"] == "绿色低碳" and energy["baseline"] is None
    assert (grain["kind"], grain["target_value"], grain["target_notation"]) == ("qualitative", None, "保持在合理区间")
    assert (cars["comparator"], cars["unit_label"], cars["target_year"]) == ("at_least", "万辆", 2030)
    assert parsed["notes"] == [{"number": 1, "text": "地区生产总值增长按不变价格计算。"}]


def test_a_table_without_row_numbers_in_traditional_chinese():
    parsed = _parse(
        ["類別", "指標名稱", "單位", "“十五五”規劃目標值", "屬性",
         "創新", "研發經費投入強度", "%", "3.5左右", "預期性",
         "每萬人口高價值發明專利擁有量", "件", "40", "預期性",
         "民生", "人均預期壽命", "歲", "84以上", "預期性"]
    )  # fmt: skip
    assert parsed["problems"] == []
    assert [(t["row"], t["category_zh"], t["label_zh"], t["target_year"]) for t in parsed["targets"]] == [
        ("1", "创新", "研发经费投入强度", 2030),
        ("2", "创新", "每万人口高价值发明专利拥有量", 2030),
        ("3", "民生", "人均预期寿命", 2030),
    ]


def test_a_cell_it_cannot_read_is_a_problem_of_its_row_quoting_the_cell():
    parsed = _parse(["序号", "指标", "单位", "2030年", "属性", "1", "常住人口", "万人", "1900—2000", "预期性",
                     "2", "森林覆盖率", "%", "42", "约束性"])  # fmt: skip
    assert [t["row"] for t in parsed["targets"]] == ["2"]
    (problem,) = parsed["problems"]
    assert problem["row"] == "1" and problem["label_zh"] == "常住人口" and "“1900—2000”" in problem["problem"]


def test_text_without_a_heading_is_refused_with_what_to_paste():
    with pytest.raises(TableProblem, match="no heading naming at least an indicator"):
        read_text("地区生产总值\n5左右\n预期性")
    assert lines_to_grid("一\n二\n三", heading_key) is None


def test_a_figure_printed_in_another_scale_of_the_rows_unit():
    parsed = _parse(["指标", "单位", "2030年", "地区生产总值", "亿元", "约4.2万亿元", "人均寿命", "岁", "85万人"])
    gdp = parsed["targets"][0]
    assert (gdp["target_value"], gdp["comparator"], gdp["target_notation"]) == ("42000", "about", "约4.2万亿元")
    assert "counts in 万人, the row in 岁" in parsed["problems"][0]["problem"]
    assert in_unit(Decimal("3.5"), "万亿元", "亿元") == Decimal(35000) and in_unit(Decimal(1), "吨", "元") is None


@pytest.mark.parametrize(
    "label, parts, names",
    [("机场旅客/货邮吞吐量", 2, ["机场旅客吞吐量", "机场货邮吞吐量"]),
     ("地区生产总值年均增速/总量", 2, ["地区生产总值年均增速", "地区生产总值总量"]),
     ("铁路旅客传送量/货运量", 2, ["铁路旅客传送量", "铁路货运量"]),
     ("森林覆盖率", 1, ["森林覆盖率"]),
     ("甲/乙/丙", 2, ["甲/乙/丙", "甲/乙/丙"])],
)  # fmt: skip
def test_each_part_of_an_a_slash_b_row_gets_its_own_name(label, parts, names):
    assert split_label(label, parts) == names


def test_the_command_reads_a_seed_table_as_published(tmp_path):
    import json
    from io import StringIO
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    path = Path(settings.BASE_DIR) / "fixtures" / "plan_tables" / "guangzhou-14th-fyp.txt"
    out = StringIO()
    call_command("parse_plan_table", str(path), "--start", "2021", "--end", "2025", stdout=out)
    parsed = json.loads(out.getvalue())
    assert len(parsed["targets"]) == 28 and parsed["problems"] == [] and len(parsed["notes"]) == 9
    airport = parsed["targets"][7]
    assert (airport["label_zh"], airport["baseline_value"], airport["baseline_year"]) == (
        "机场旅客吞吐量",
        "7339",
        2019,
    )
    csv_file = tmp_path / "table.csv"
    csv_file.write_text("指标,单位,2030年,属性\n森林覆盖率,%,42,约束性\n", encoding="utf-8")
    for name, text in (("table.csv", None), ("pasted.txt", "指标,单位,2030年,属性\n森林覆盖率,%,42,约束性\n")):
        if text:
            (tmp_path / name).write_text(text, encoding="utf-8")
        out = StringIO()
        call_command("parse_plan_table", str(tmp_path / name), "--start", "2026", "--end", "2030", stdout=out)
        assert json.loads(out.getvalue())["targets"][0]["target_value"] == "42"


def test_a_starred_figure_measures_the_year_its_note_gives():
    parsed = _parse(
        ["序号", "指标", "单位", "2025年", "2030年", "属性",
         "1", "机场旅客吞吐量", "万人次", "7339*", "10000", "预期性",
         "2", "港口货物吞吐量", "亿吨", "6.36", "6.8", "预期性",
         "注：1.带*的为2019年数据。"]
    )  # fmt: skip
    airport, port = parsed["targets"]
    assert (airport["baseline_value"], airport["baseline_year"], airport["footnotes"]) == ("7339", 2019, [1])
    assert (port["baseline_year"], port["footnotes"]) == (2025, [])
