"""Which year a verdict judges, targets met early (提前完成), closed periods and planning scales.

The rules are in docs/progress.md ("Which figure is judged"): the last figure of the period decides, a
target to reach that an earlier figure of the period reached is met early, a period closed without a
figure for its end year is judged final on the latest figures, and a planning scale (常住人口 1550万) is
within, above or below the planned scale, never achieved or missed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.domain import TargetKind
from indicators.models import Target
from indicators.progress.engine import (
    ABOVE_SCALE,
    ACHIEVED,
    AT_RISK,
    BELOW_SCALE,
    NO_DATA,
    NOT_ACHIEVED,
    ON_TRACK,
    WITHIN_SCALE,
    Observation,
    TargetSpec,
    evaluate,
    expected_path,
    period_closed,
)
from indicators.progress.evaluation import evaluate_targets
from indicators.spreadsheets.plantable import read_text, to_json
from indicators.tests import factories as f

TRADE = TargetSpec(target_year=2020, period_start=2016, target_value=10000, baseline_value=8000, baseline_year=2015)


def test_a_target_to_reach_met_in_an_earlier_year_is_achieved_though_the_last_figure_fell_back():
    result = evaluate(TRADE, [Observation(2019, 10001), Observation(2020, 9530)])
    assert (result.status, result.final, result.year, result.value) == (ACHIEVED, True, 2020, 9530)
    assert result.explanation_en == "2020: 9530 against 10000: achieved. Met early: reached in 2019 (10001)."
    assert result.explanation_zh == "2020年：9530，目标10000：已完成。2019年已达10001，提前完成。"


def test_met_early_mid_period_is_on_track_and_says_so():
    result = evaluate(TRADE, [Observation(2017, 10100), Observation(2018, 9000)])
    assert (result.status, result.final) == (ON_TRACK, False)
    assert result.notes == ["met early: reached in 2017 (10100)"]
    # Without the earlier figure the same last figure is behind the path.
    assert evaluate(TRADE, [Observation(2018, 9000)]).status == AT_RISK


def test_only_figures_of_the_period_count_as_met_early():
    # The year before the period is a baseline, not progress.
    result = evaluate(TRADE, [Observation(2015, 10500), Observation(2020, 9530)])
    assert (result.status, result.note_items) == (NOT_ACHIEVED, [])


def test_a_ceiling_met_early_is_met_early_too():
    # PM2.5 at most 30 (plain, lower is better): met in 2018, 33 in 2020.
    spec = TargetSpec(target_year=2020, period_start=2016, target_value=30, direction="lower")
    result = evaluate(spec, [Observation(2018, 27), Observation(2020, 33)])
    assert (result.status, result.notes) == (ACHIEVED, ["met early: reached in 2018 (27)"])


@pytest.mark.parametrize("comparator", ["about", "exact"])
def test_an_about_or_exact_target_is_judged_on_the_last_figure_only(comparator):
    spec = TargetSpec(target_year=2020, period_start=2016, target_value=70, comparator=comparator, tolerance=1)
    result = evaluate(spec, [Observation(2018, 70), Observation(2020, 60)])
    assert (result.status, result.final, result.note_items) == (NOT_ACHIEVED, True, [])


def test_the_period_is_closed_once_the_year_after_its_end_has_passed():
    assert [period_closed(2020, year) for year in (2020, 2021, 2022)] == [False, False, True]


def test_a_closed_period_is_judged_final_on_its_latest_figures():
    level = TargetSpec(target_year=2020, period_start=2016, target_value=6)
    open_, closed = (
        evaluate(level, [Observation(2018, 6.52)]),
        evaluate(
            TargetSpec(target_year=2020, period_start=2016, target_value=6, closed=True), [Observation(2018, 6.52)]
        ),
    )
    assert (open_.status, open_.final) == (ON_TRACK, False)
    assert (closed.status, closed.final, closed.year) == (ACHIEVED, True, 2018)
    assert closed.notes == ["the period has ended with no figure for 2020: judged on the latest"]
    average = TargetSpec(target_year=2020, period_start=2016, target_value=6.5, measure="growth",
                         annual_average=True, closed=True)  # fmt: skip
    result = evaluate(average, [Observation(2019, 4.1, span_from=2016)])
    assert (result.status, result.final, result.first_year, result.year) == (NOT_ACHIEVED, True, 2016, 2019)
    assert result.notes == ["4 of 5 years", "the period has ended with no figure for 2020: judged on the latest"]
    total = TargetSpec(target_year=2020, period_start=2016, target_value=100, cumulative=True, measure="flow",
                       closed=True)  # fmt: skip
    assert evaluate(total, [Observation(y, 30) for y in (2016, 2017, 2018, 2019)]).status == ACHIEVED
    assert evaluate(total, [Observation(y, 20) for y in (2016, 2017, 2018, 2019)]).status == NOT_ACHIEVED
    linked = TargetSpec(target_year=2020, period_start=2016, linked=True, closed=True)
    in_step = evaluate(linked, [Observation(2019, 7, 2016)], linked_series=[Observation(2019, 6, 2016)])
    assert (in_step.status, in_step.final) == (ACHIEVED, True)
    above = TargetSpec(target_year=2020, period_start=2016, linked=True, linked_relation="above", closed=True)
    assert evaluate(above, [Observation(2019, 6, 2016)], linked_series=[Observation(2019, 6, 2016)]).status == (
        NOT_ACHIEVED
    )
    # Nothing at all in a closed period: still no data, not a verdict.
    assert evaluate(TargetSpec(target_year=2020, period_start=2016, target_value=6, closed=True), []).status == (
        NO_DATA
    )


POPULATION = TargetSpec(
    target_year=2020, period_start=2016, target_value=1550, baseline_value=1350, baseline_year=2015,
    planning_scale=True,
)  # fmt: skip


@pytest.mark.parametrize(
    "figure,status",
    [(1800, ABOVE_SCALE), (1600, WITHIN_SCALE), (1500, WITHIN_SCALE), (1400, BELOW_SCALE)],
)
def test_a_planning_scale_is_within_above_or_below_never_met_or_missed(figure, status):
    result = evaluate(POPULATION, [Observation(2020, figure)])
    assert (result.status, result.final, result.method) == (status, True, "scale")
    assert result.explanation_en.startswith(f"2020: {figure} against the planned scale of 1550: ")


def test_a_planning_scale_mid_period_is_placed_against_the_path():
    # On the straight path 1350 → 1550 the 2018 figure should be 1470; 1700 is above it, 1470 within.
    assert evaluate(POPULATION, [Observation(2018, 1700)]).status == ABOVE_SCALE
    within = evaluate(POPULATION, [Observation(2018, 1470)])
    assert (within.status, within.final, within.expected) == (WITHIN_SCALE, False, 1470)
    assert expected_path(POPULATION)[-1] == (2020, 1550)


@pytest.mark.django_db
def test_a_planning_scale_target_is_stored_only_as_a_plain_level():
    target = f.target(target_value=Decimal("1550"), is_planning_scale=True)
    assert target.kind == TargetKind.SCALE
    target.is_cumulative = True
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "is_planning_scale" in error.value.message_dict
    target.plan.save()
    target.indicator.save()
    target.source_document.save()
    target.plan_id, target.indicator_id = target.plan.pk, target.indicator.pk
    with transaction.atomic(), pytest.raises(IntegrityError):
        target.save()


@pytest.mark.django_db
def test_the_population_row_of_the_13th_fyp_is_a_planning_scale_from_its_table():
    (evaluated,) = evaluate_targets(Target.objects.filter(plan__code="guangzhou-13th-fyp", row="24"))
    assert evaluated.target.kind == TargetKind.SCALE
    assert (evaluated.evaluation.status, evaluated.evaluation.final) == (ABOVE_SCALE, True)


@pytest.mark.parametrize(
    "label,unit,scale",
    [
        ("常住人口", "万人", True),
        ("常住人口规模", "万人", True),
        ("城乡建设用地规模", "平方公里", True),
        ("常住人口城镇化率", "%", False),
        ("规模以上工业增加值", "亿元", False),
        ("每千人口拥有执业(助理)医师数", "人", False),
    ],
)
def test_the_table_reader_marks_a_planning_scale_by_what_it_counts(label, unit, scale):
    parse = read_text(f"序号\t指标\t单位\t2020年\t2025年\t属性\n1\t{label}\t{unit}\t1500\t1600\t预期性\n")
    (row,) = to_json(parse, start=2021, end=2025)["targets"]
    assert row["is_planning_scale"] is scale
    assert row["kind"] == ("scale" if scale else "level")
