"""Reading a plan table's cells as printed: every notation kind of DOMAIN.md, in Simplified and
Traditional Chinese, and a clear problem for a cell that cannot be read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.spreadsheets.notation import NotationProblem, Part, read_cell


def one(text: str, **options) -> Part:
    parts = read_cell(text, **options)
    assert len(parts) == 1, parts
    return parts[0]


@pytest.mark.parametrize(
    "cell, value, comparator",
    [
        ("28000", "28000", ""),
        ("1550", "1550", ""),
        ("7.5以上", "7.5", "at_least"),
        ("≥95", "95", "at_least"),
        ("突破4000", "4000", "at_least"),
        ("不低於80", "80", "at_least"),
        ("35以下", "35", "at_most"),
        ("≤10", "10", "at_most"),
        ("低於5.5", "5.5", "at_most"),
        ("控制在5.5%以內", "5.5", "at_most"),
        ("3以内", "3", "at_most"),
        ("6左右", "6", "about"),
        ("約14", "14", "about"),
        ("约3.5%", "3.5", "about"),
        (">97", "97", "more_than"),
        ("<30", "30", "less_than"),
        ("１２３４.５", "1234.5", ""),
        ("-3", "-3", ""),
    ],
)
def test_a_number_with_its_comparator(cell, value, comparator):
    part = one(cell)
    assert (part.value, part.comparator) == (Decimal(value), comparator)
    assert not (part.cumulative or part.annual_average or part.assigned_by or part.linked or part.qualitative)


@pytest.mark.parametrize(
    "cell, value, comparator",
    [("[13.5]", "13.5", ""), ("〔13.5〕", "13.5", ""), ("〔1〕", "1", ""), ("[>27.6]", "27.6", "more_than"),
     ("【20】以上", "20", "at_least"), ("[年均5]", "5", "")],
)  # fmt: skip
def test_five_year_totals_in_square_or_full_width_brackets(cell, value, comparator):
    part = one(cell)
    assert (part.value, part.comparator, part.cumulative) == (Decimal(value), comparator, True)


def test_average_annual_growth_in_the_cell_or_the_column():
    assert one("年均7.5以上") == Part("年均7.5以上", Decimal("7.5"), "at_least", annual_average=True)
    worded = one("年均增長6%以上")
    assert (worded.value, worded.comparator, worded.annual_average) == (Decimal(6), "at_least", True)
    column = one("6.5", annual_average=True)
    assert column.annual_average and column.value == Decimal("6.5")
    assert one("8", cumulative=True).cumulative


@pytest.mark.parametrize(
    "cell, value, comparator, unit",
    [("约3.5万亿元", "3.5", "about", "万亿元"), ("突破1.2万亿元", "1.2", "at_least", "万亿元"),
     ("4100亿元", "4100", "", "亿元"), ("4000亿元以上", "4000", "at_least", "亿元"),
     ("more than 6%", "6", "more_than", ""), ("no less than 6%", "6", "at_least", ""),
     ("exceeds 700 billion yuan", "700", "more_than", "billion yuan"), ("about 18%", "18", "about", ""),
     ("62 billion yuan", "62", "", "billion yuan")],
)  # fmt: skip
def test_a_unit_printed_with_the_number_and_english_wording(cell, value, comparator, unit):
    part = one(cell)
    assert (part.value, part.comparator, part.unit) == (Decimal(value), comparator, unit)


def test_two_targets_in_one_row_each_with_its_own_notation():
    growth, total = read_cell("年均7.5以上/28000")
    assert (growth.value, growth.comparator, growth.annual_average) == (Decimal("7.5"), "at_least", True)
    assert (total.value, total.comparator, total.annual_average) == (Decimal("28000"), "", False)
    passengers, cargo = read_cell("8000/250")
    assert (passengers.value, cargo.value) == (Decimal(8000), Decimal(250))


def test_a_value_for_another_year_and_a_footnote_mark():
    airport = read_cell("7339/192 (2019年)")
    assert airport[1].reference_year == 2019 and airport[1].value == Decimal(192)
    assert one("82.5（2019年）").reference_year == 2019
    marked = one("9552*")
    assert marked.footnoted and marked.value == Decimal(9552) and marked.reference_year is None


@pytest.mark.parametrize(
    "cell, assigned",
    [("完成省下达目标", "province"), ("完成省下達目標", "province"), ("完成市下达任务", "city"),
     ("完成国家下达目标", "nation")],
)  # fmt: skip
def test_targets_assigned_by_the_higher_level(cell, assigned):
    part = one(cell)
    assert (part.assigned_by, part.value) == (assigned, None)


@pytest.mark.parametrize(
    "cell, linked",
    [("与经济增长同步", "in_step"), ("與經濟增長基本同步", "in_step"), ("与GDP增长同步", "in_step"),
     ("高于GDP增长", "above"), ("快於經濟增長", "above")],
)  # fmt: skip
def test_targets_linked_to_economic_growth(cell, linked):
    part = one(cell)
    assert (part.linked, part.value) == (linked, None)


@pytest.mark.parametrize("cell", ["保持在合理区间", "各年度视情提出", "保持在合理區間"])
def test_qualitative_targets_keep_their_words_and_no_number(cell):
    part = one(cell)
    assert part.qualitative and part.value is None and part.text


@pytest.mark.parametrize(
    "cell, why",
    [("", "empty"), ("待定", "no number"), ("7.5以上以下", "cannot read"), ("7.5/", "empty"),
     ("6-6.5", "cannot read"), ('5%." Above', "cannot read"), ("约7.5以上", "both"), ("abc", "no number")],
)  # fmt: skip
def test_a_cell_that_cannot_be_read_is_a_problem_quoting_it(cell, why):
    with pytest.raises(NotationProblem) as problem:
        read_cell(cell)
    assert why in str(problem.value) and f"“{cell}”" in str(problem.value)
