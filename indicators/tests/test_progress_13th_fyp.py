"""Every row of the two 13th FYP tables judged against its 2020 actual (final verdicts).

The reasoning of each verdict is in the case's id. The city's plan text says all
its binding indicators were met ("约束性指标全部完成"): the engine must agree. The
2019 figures the table prints in its 2020 column are loaded as 2019 values and the
notes' 2020 figures as 2020 values; the verdicts judge the 2020 figure, count a
target to reach as met early (提前完成, note 6) when a figure of the period reached
it, and judge the latest figure of the closed period where no 2020 figure exists.
"""

from __future__ import annotations

import pytest

from indicators.models import Target
from indicators.progress.evaluation import evaluate_targets

pytestmark = pytest.mark.django_db

A, N = "achieved", "not_achieved"

GUANGZHOU = [
    ("1", 1, N, "average GDP growth 6 below at least 7.5"),
    ("1", 2, N, "GDP 25019 below 28000"),
    ("2", 1, N, "GDP per capita about 14 below 18"),
    ("3", 1, A, "tertiary share 72.5 above about 70 (overshoot in the good direction)"),
    ("4", 1, N, "modern services 65.1 (2019: 65.9) below the band of about 70 (66.5)"),
    ("5", 1, A, "high-tech output share 50 over 49"),
    ("6", 1, A, "R&D share 3 meets 3"),
    ("7", 1, A, "patents 39.6 over 25"),
    ("8", 1, N, "airport passengers 4377 (2019: 7339) below 8000"),
    ("8", 2, N, "airport cargo 176 (2019: 192) below 250"),
    ("9", 1, A, "port cargo 6.36 over 6"),
    ("9", 2, N, "containers 2351 below 2500"),
    ("10", 1, A, "urban broadband 300 meets at least 300"),
    ("10", 2, A, "rural broadband 100 over at least 50"),
    ("11", 1, N, "retail sales 9219 (2019: 9552) below the revised 10500"),
    ("12", 1, A, "trade 10001 in 2019 over 10000, met early, though 9530 in 2020"),
    ("13", 1, N, "finance share 8.9 below 12"),
    ("14", 1, A, "water-use reduction more than 27.6 over the five-year [20]"),
    ("15", 1, A, "energy-intensity reduction [19.4] over [19.3]"),
    ("16", 1, A, "CO2-intensity reduction at least 23 meets [23]"),
    ("17", 1, A, "SO2 reduction [9.9] meets [9.9]"),
    ("17", 2, A, "COD reduction [14.7] meets [14.7]"),
    ("17", 3, A, "ammonia nitrogen reduction [18.4] meets [18.4]"),
    ("17", 4, A, "NOx reduction [9.5] meets [9.5]"),
    ("18", 1, A, "good-air days 90.4 over at least 86"),
    ("18", 2, A, "PM2.5 23 under at most 30 (lower is better)"),
    ("19", 1, A, "sewage treatment more than 97 over 95"),
    ("20", 1, A, "worse-than-V water 0 meets 0 (lower is better)"),
    ("21", 1, A, "waste treatment 100 meets 100"),
    ("22", 1, A, "park area 18 meets 18"),
    ("23", 1, A, "forest cover 41.6 meets the revised 41.6"),
    ("23", 2, A, "forest stock 1954.9 over the revised 1950"),
    ("24", 1, "above_scale", "resident population 1800 above the planned scale of 1550, neither met nor missed"),
    ("25", 1, A, "urbanization 87 over 86.05"),
    ("25", 2, A, "registered urbanization 79.95 about 79.8"),
    ("26", 1, A, "new urban jobs [161.5] over [100]"),
    ("27", 1, A, "urban income growth 7.9 not below GDP growth 6 (in step)"),
    ("27", 2, A, "rural income growth 10.1 not below GDP growth 6 (in step)"),
    ("28", 1, A, "life expectancy 82.9 (2019: 82.5) over at least 82"),
    ("29", 1, A, "doctors 3.5 over 3.3"),
    ("30", 1, A, "elderly care beds 40 meets 40"),
    ("31", 1, A, "social insurance at least 98 meets at least 98"),
    ("32", 1, A, "subsidized housing [8.89] over [5.75]"),
    ("33", 1, A, "public transport share about 65 (2019: 71.7) meets 65"),
    ("34", 1, A, "culture industry share 6.52 in 2018, the latest of the closed period, over 6"),
    ("35", 1, A, "schooling of new labour 15 meets 15"),
    ("36", 1, A, "higher education share 34 meets 34"),
]

YUEXIU = [
    ("1", 1, N, "average GDP growth 4.6 below about 7 (band 6.65)"),
    ("2", 1, N, "per-capita GDP growth 4.1 (2016-2019 average, the latest of the closed period) below 6.5"),
    ("3", 1, N, "modern services share of GDP 65.2 below 70"),
    ("4", 1, A, "billion-yuan tax buildings 65 over at least 50"),
    ("5", 1, N, "average retail sales growth 3.8 below 8"),
    ("6", 1, A, "average budget revenue growth 6.8 over 5"),
    ("7", 1, A, "R&D share 1.93 in 2019, the latest of the closed period, over 1.6"),
    ("8", 1, A, "646 high-tech enterprises added over 285"),
    ("9", 1, A, "incubator area 28.94 over 25"),
    ("10", 1, A, "patents 75 (census re-based) over 19"),
    ("11", 1, A, "waste-sorting communities 100 meets 100"),
    ("12", 1, N, "park area 5.69 just below 5.7"),
    ("13", 1, A, "green coverage 35.36 over 35.33"),
    ("14", 1, A, "cultural facility area 1532.54 over 1300"),
    ("15", 1, A, "doctors 14.52 (census re-based) over 3.5"),
    ("16", 1, A, "urban income growth 7.9 not below GDP growth 4.6 (in step)"),
    ("17", 1, A, "re-employment 70 meets at least 70"),
    ("18", 1, A, "online services 94.63 over 80"),
]

CASES = [
    pytest.param("guangzhou-13th-fyp", *case[:3], id=f"guangzhou-{case[0]}.{case[1]}-{case[3]}") for case in GUANGZHOU
]
CASES += [pytest.param("yuexiu-13th-fyp", *case[:3], id=f"yuexiu-{case[0]}.{case[1]}-{case[3]}") for case in YUEXIU]


@pytest.fixture(scope="module")
def verdicts(django_db_setup, django_db_blocker):
    # The verdicts are taken as the product takes them today: the 13th FYP period (2016–2020) is closed.
    with django_db_blocker.unblock():
        evaluated = evaluate_targets(Target.objects.filter(plan__code__in=["guangzhou-13th-fyp", "yuexiu-13th-fyp"]))
    return {(e.target.plan.code, e.target.row, e.target.part): e for e in evaluated}


@pytest.mark.parametrize("plan,row,part,expected", CASES)
def test_13th_fyp_row_verdict(verdicts, plan, row, part, expected):
    result = verdicts[(plan, row, part)]
    assert result.evaluation.status == expected, result.evaluation.explanation_en
    assert result.evaluation.final


def test_every_row_of_both_tables_is_covered(verdicts):
    assert set(verdicts) == {(p, r, n) for p, r, n, _ in (c.values for c in CASES)}


def test_the_citys_binding_indicators_are_all_achieved(verdicts):
    binding = [
        e for (plan, _, _), e in verdicts.items() if plan == "guangzhou-13th-fyp" and e.target.attribute == "binding"
    ]
    assert len(binding) == 19
    assert {e.evaluation.status for e in binding} == {"achieved"}


def test_the_2020_figure_is_judged_and_the_verdict_says_which_year(verdicts):
    airport = verdicts[("guangzhou-13th-fyp", "8", 1)].evaluation
    assert (airport.year, airport.value) == (2020, 4377)
    assert airport.explanation_en == "2020: 4377 against 8000: not achieved."
    assert airport.explanation_zh == "2020年：4377，目标8000：未完成。"


def test_a_target_reached_before_the_last_year_is_met_early(verdicts):
    trade = verdicts[("guangzhou-13th-fyp", "12", 1)].evaluation
    assert (trade.status, trade.year, trade.value) == ("achieved", 2020, 9530)
    assert trade.explanation_en == "2020: 9530 against 10000: achieved. Met early: reached in 2019 (10001)."
    assert trade.explanation_zh.endswith("2019年已达10001，提前完成。")


def test_a_closed_period_without_a_2020_figure_is_judged_on_the_latest(verdicts):
    culture = verdicts[("guangzhou-13th-fyp", "34", 1)].evaluation
    assert (culture.year, culture.value, culture.final) == (2018, 6.52, True)
    assert culture.explanation_en == (
        "2018: 6.52 against 6: achieved. The period has ended with no figure for 2020: judged on the latest."
    )
    per_capita = verdicts[("yuexiu-13th-fyp", "2", 1)].evaluation
    assert (per_capita.first_year, per_capita.year, per_capita.final) == (2016, 2019, True)
    assert per_capita.explanation_en.startswith("2016–2019: 4.1 against 6.5: not achieved. 4 of 5 years; the period")


def test_the_planning_scale_is_neither_met_nor_missed(verdicts):
    population = verdicts[("guangzhou-13th-fyp", "24", 1)]
    assert population.target.is_planning_scale
    assert population.evaluation.explanation_en == (
        "2020: 1800 against the planned scale of 1550: above the planned scale."
    )
    assert population.evaluation.explanation_zh == "2020年：1800，目标规划规模1550：高于规划规模。"
