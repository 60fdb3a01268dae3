"""A plan table as rows and columns (tab-separated, as copied from a spreadsheet or a web table): the
columns found by their headings in Traditional or Simplified Chinese, categories carried down, units
from their column or the indicator's name, targets read by their column (年均, 累计), problems kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.spreadsheets.plantable import TableProblem, heading_key, read_tsv

# The first rows of the city's 13th FYP review table (seed 003, 專欄1), re-laid with tabs.
CITY_13TH = "\n".join(
    [
        "專欄1 “十三五”規劃主要指標完成情況",
        "類別\t序號\t指 標\t單 位\t2020年目標值\t2020年完成值\t指標屬性",
        "經濟發展提質增效\t1\t地區生產總值年均增速/總量\t%/億元\t年均7.5以上/28000\t年均6/25019\t預期性",
        "\t2\t人均地區生產總值\t萬元\t18\t約14\t預期性",
        "\t3\t第三產業增加值占地區生產總值比重\t%\t70左右\t72.5\t預期性",
        "創新驅動顯著增強\t6\t研發經費支出(R&D)占地區生產總值比例\t%\t3\t3\t預期性",
        "城市功能全面提升\t8\t機場旅客/貨郵吞吐量\t萬人次/萬噸\t8000/250\t7339/192 (2019年)\t預期性",
        "生態環境\t20\t單位GDP能耗降低\t%\t〔20〕\t〔27.6〕\t約束性",
        "",
        "注：1.[ ]內為五年累計數。",
    ]
)


@pytest.mark.parametrize(
    "heading, key, year",
    [("類別", "category", None), ("序 號", "row", None), ("指標", "indicator", None), ("單位", "unit", None),
     ("2020年目標值", "target", 2020), ("2025年", "target", 2025), ("2020年完成值", "completed", 2020),
     ("2020年基數", "baseline", 2020), ("指標屬性", "attribute", None), ("屬性", "attribute", None),
     ("年均增長(%)", "average", None), ("五年累計", "cumulative", None), ("备注", None, None)],
)  # fmt: skip
def test_headings_in_either_script(heading, key, year):
    found = heading_key(heading)
    assert (found == (key, year)) if key else found is None


def test_the_city_table_reads_row_by_row():
    table = read_tsv(CITY_13TH)
    assert [r.row for r in table.rows] == ["1", "2", "3", "6", "8", "20"]
    first, second = table.rows[:2]
    assert first.category == second.category == "經濟發展提質增效"  # carried down
    assert table.rows[3].category == "創新驅動顯著增強"
    growth, level = first.targets
    assert (growth.value, growth.comparator, growth.annual_average) == (Decimal("7.5"), "at_least", True)
    assert (level.value, level.annual_average) == (Decimal(28000), False)
    assert first.unit == "%/億元" and first.attribute == "anticipatory"
    assert table.rows[-1].attribute == "binding" and table.rows[-1].targets[0].cumulative
    assert table.rows[3].label == "研發經費支出(R&D)占地區生產總值比例"  # (R&D) is no unit
    assert all(not r.problems for r in table.rows)
    assert table.column("completed").year == 2020


def test_units_in_the_name_and_rates_in_an_average_column():
    table = read_tsv(
        "类别\t指标\t2025年\t年均增长(%)\t属性\n"
        "经济\t地区生产总值（亿元）\t35000\t\t预期性\n"
        "\t常住人口(万人)\t\t约1.5\t预期性\n"
    )
    gdp, population = table.rows
    assert (gdp.label, gdp.unit, gdp.targets[0].value) == ("地区生产总值", "亿元", Decimal(35000))
    assert (population.label, population.unit) == ("常住人口", "万人")
    assert population.targets[0].annual_average and population.targets[0].comparator == "about"


def test_a_row_that_cannot_be_read_keeps_its_problem_and_the_others_read():
    table = read_tsv("指标\t单位\t2025年\t属性\nA\t%\t6-6.5\t预期性\nB\t%\t5\t重要性\nC\t%\t\t预期性\n")
    a, b, c = table.rows
    assert "“6-6.5”" in a.problems[0] and not a.targets
    assert "neither 约束性 nor 预期性" in b.problems[0] and b.targets[0].value == Decimal(5)
    assert c.problems == ["no target in the row"]


def test_a_table_without_its_headings_is_refused():
    with pytest.raises(TableProblem):
        read_tsv("1\t2\t3\n4\t5\t6\n")


def test_the_notes_under_the_table_are_read_one_by_one():
    table = read_tsv(CITY_13TH + " 2.帶*的為2019年數據。\n")
    assert table.notes == ["[ ]內為五年累計數。", "帶*的為2019年數據。"]
    assert table.rows[-1].row == "20"  # the notes are no row


@pytest.mark.django_db
def test_the_command_prints_the_parse_as_json_and_writes_nothing(tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from indicators.models import Plan, Target

    path = tmp_path / "city.tsv"
    path.write_text(CITY_13TH + "\n", encoding="utf-8")
    before = (Plan.objects.count(), Target.objects.count())
    out = StringIO()
    call_command("parse_plan_table", str(path), "--start", "2016", "--end", "2020", stdout=out)
    parsed = json.loads(out.getvalue())
    assert (Plan.objects.count(), Target.objects.count()) == before
    first = parsed["targets"][0]
    assert first | {"category_zh": ""} == first | {
        "row": "1", "part": 1, "unit_label": "%", "target_year": 2020, "target_value": "7.5",
        "comparator": "at_least", "is_annual_average": True, "is_cumulative": False, "attribute": "anticipatory",
        "category_zh": "",
    }  # fmt: skip
    assert parsed["targets"][1]["unit_label"] == "亿元" and parsed["targets"][1]["target_value"] == "28000"
    assert parsed["notes"] == [{"number": 1, "text": "[ ]内为五年累计数。"}]
    assert [t["row"] for t in parsed["targets"]] == ["1", "1", "2", "3", "6", "8", "8", "20"] and not parsed["problems"]
    path.write_text("指标\t2025年\nA\t6-6.5\n", encoding="utf-8")
    out = StringIO()
    call_command("parse_plan_table", str(path), "--start", "2026", "--end", "2030", stdout=out)
    problems = json.loads(out.getvalue())["problems"]
    assert "“6-6.5”" in problems[0]["problem"] and "outside the plan's 2026–2030" in problems[1]["problem"]
    with pytest.raises(CommandError, match="no heading row"):
        path.write_text("1\t2\n", encoding="utf-8")
        call_command("parse_plan_table", str(path), "--start", "2026", "--end", "2030", stdout=StringIO())


def test_the_same_table_as_a_workbook_reads_the_same():
    import io

    from openpyxl import Workbook

    from indicators.spreadsheets.plantable import read_file, to_json

    book = Workbook()
    sheet = book.active
    for line in CITY_13TH.splitlines():
        sheet.append(line.split("\t"))
    data = io.BytesIO()
    book.save(data)
    as_workbook = to_json(read_file("city.xlsx", data.getvalue()), start=2016, end=2020)
    as_text = to_json(read_file("city.tsv", CITY_13TH.encode()), start=2016, end=2020)
    assert as_workbook == as_text and len(as_text["targets"]) == 8
