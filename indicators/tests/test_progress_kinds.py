"""Each kind of target in Guangzhou's and Yuexiu's 14th FYP tables, mid-period (2023) and at the end (2025).

The targets are the real ones from the database; the reported series are made up
for the test (the seeds have no 2021–2025 figures), chosen so each verdict can be
checked by hand.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from indicators.models import ReportedValue, Target
from indicators.progress.engine import Observation, evaluate
from indicators.progress.evaluation import evaluate_targets, spec_for
from indicators.tests import factories

pytestmark = pytest.mark.django_db


def spec(plan: str, row: str, part: int = 1, **changes):
    target = Target.objects.select_related("plan", "indicator").get(plan__code=plan, row=row, part=part)
    return dataclasses.replace(spec_for(target), **changes)


def series(*pairs, span_from=None):
    return [Observation(year, Decimal(str(value)), span_from) for year, value in pairs]


CITY, YUEXIU = "guangzhou-14th-fyp", "yuexiu-14th-fyp"


class TestLevel:
    """Labour productivity 21.8 (2020) → 26 (2025): a straight path, 0.84 a year."""

    def test_mid_period_ahead_of_the_path_is_on_track(self):
        result = evaluate(spec(CITY, "2"), series((2021, 22.7), (2022, 23.5), (2023, 24.4)))
        assert result.status == "on_track"
        assert result.expected == pytest.approx(24.32)
        assert result.gap == pytest.approx(0.08)
        assert result.ratio == pytest.approx((2.6 / 3) / 0.84)
        assert result.progress == pytest.approx(2.6 / 4.2)
        assert result.anticipated == pytest.approx(24.4 + 2 * 2.6 / 3)
        assert result.explanation_en.startswith("2023: 24.4 vs expected 24.32 on the way to 26 in 2025")
        assert result.explanation_zh.startswith("2023年：24.4，按进度应为24.32，2025年目标26")

    def test_mid_period_behind_the_path_is_at_risk(self):
        result = evaluate(spec(CITY, "2"), series((2023, 23.8)))
        assert (result.status, round(result.ratio, 2)) == ("at_risk", 0.79)

    def test_mid_period_far_behind_is_off_track(self):
        assert evaluate(spec(CITY, "2"), series((2023, 22.5))).status == "off_track"

    def test_moving_away_from_the_target_is_off_track_and_says_so(self):
        result = evaluate(spec(CITY, "2"), series((2023, 21.0)))
        assert result.status == "off_track" and result.ratio < 0
        assert "Moving away from the target" in result.explanation_en

    def test_at_the_end_26_1_is_achieved_and_25_9_is_not(self):
        assert evaluate(spec(CITY, "2"), series((2023, 24), (2025, 26.1))).status == "achieved"
        result = evaluate(spec(CITY, "2"), series((2023, 24), (2025, 25.9)))
        assert (result.status, result.final) == ("not_achieved", True)

    def test_no_figure_in_the_period_is_no_data(self):
        # The 2020 baseline is not progress.
        assert evaluate(spec(CITY, "2"), series((2020, 21.8))).status == "no_data"


class TestAboutAndBand:
    """R&D share 3 (2020) → 3.4左右: 'about' means within 5% of 3.4 (0.17) unless the target sets a band."""

    def test_end_within_the_band_is_achieved(self):
        assert evaluate(spec(CITY, "5"), series((2025, 3.3))).status == "achieved"

    def test_end_below_the_band_is_not_achieved(self):
        assert evaluate(spec(CITY, "5"), series((2025, 3.2))).status == "not_achieved"

    def test_a_target_band_overrides_the_default(self):
        narrow = spec(CITY, "5", tolerance=Decimal("0.05"))
        assert evaluate(narrow, series((2025, 3.3))).status == "not_achieved"

    def test_mid_period_slow_climb_is_at_risk(self):
        result = evaluate(spec(CITY, "5"), series((2023, 3.2)))
        assert (result.status, round(result.ratio, 3)) == ("at_risk", 0.833)


class TestLowerIsBetter:
    """Yuexiu PM2.5 once the city assigns 20: lower is better, falling from 22 (2020)."""

    def pm25(self):
        return spec(YUEXIU, "8", target_value=Decimal("20"))

    def test_mid_period_falling_fast_enough_is_on_track(self):
        result = evaluate(self.pm25(), series((2020, 22), (2023, 20.5)))
        assert result.status == "on_track"
        assert result.expected == pytest.approx(22 - 0.4 * 3)

    def test_mid_period_rising_is_off_track(self):
        assert evaluate(self.pm25(), series((2020, 22), (2023, 23))).status == "off_track"

    def test_end_under_the_target_is_achieved_over_is_not(self):
        assert evaluate(self.pm25(), series((2020, 22), (2025, 19))).status == "achieved"
        assert evaluate(self.pm25(), series((2020, 22), (2025, 21))).status == "not_achieved"


class TestAverageAnnualGrowth:
    """GDP growth 年均6左右 over 2021–2025: the compound average of the yearly rates."""

    def test_mid_period_uses_the_compound_average_of_the_years_reported(self):
        result = evaluate(spec(CITY, "1"), series((2021, 8.1), (2022, 1.0), (2023, 4.6)))
        compound = ((1.081 * 1.010 * 1.046) ** (1 / 3) - 1) * 100
        assert result.value == pytest.approx(compound)
        assert result.status == "at_risk"
        assert result.ratio == pytest.approx(compound / 6)
        assert result.explanation_en.startswith("2021–2023: 4.53 vs expected 6")

    def test_compound_not_arithmetic(self):
        result = evaluate(spec(CITY, "1"), series((2021, 20), (2022, -10)))
        assert result.value == pytest.approx(((1.2 * 0.9) ** 0.5 - 1) * 100)  # 3.92, not the arithmetic 5

    def test_end_average_of_6_2_is_achieved_5_5_is_not(self):
        assert evaluate(spec(CITY, "1"), series(*[(y, 6.2) for y in range(2021, 2026)])).status == "achieved"
        assert evaluate(spec(CITY, "1"), series(*[(y, 5.5) for y in range(2021, 2026)])).status == "not_achieved"

    def test_a_reported_five_year_average_is_final(self):
        result = evaluate(spec(CITY, "1"), series((2025, 5.8), span_from=2021))
        assert (result.status, result.final) == ("achieved", True)

    def test_growth_is_computed_from_the_levels_when_not_reported(self):
        levels = series((2020, 100), (2021, 106), (2022, 112.36), (2023, 119.1016))
        result = evaluate(spec(CITY, "1"), [], level_series=levels)
        assert result.value == pytest.approx(6.0)
        assert result.status == "on_track"
        assert "computed from the reported levels" in result.explanation_en


class TestCumulative:
    """New urban jobs [≥110] over 2021–2025: the sum of the yearly figures, pro rata mid-period."""

    def test_mid_period_above_pro_rata_is_on_track(self):
        result = evaluate(spec(CITY, "17"), series((2021, 24), (2022, 23), (2023, 22)))
        assert (result.value, result.expected) == (pytest.approx(69), pytest.approx(66))
        assert result.status == "on_track"
        assert result.anticipated == pytest.approx(115)

    def test_mid_period_below_pro_rata_is_at_risk(self):
        result = evaluate(spec(CITY, "17"), series((2021, 20), (2022, 18), (2023, 15)))
        assert (result.status, round(result.ratio, 3)) == ("at_risk", round(53 / 66, 3))

    def test_end_total_112_is_achieved_105_is_not(self):
        assert evaluate(spec(CITY, "17"), series(*[(y, 22.4) for y in range(2021, 2026)])).status == "achieved"
        assert evaluate(spec(CITY, "17"), series(*[(y, 21) for y in range(2021, 2026)])).status == "not_achieved"

    def test_a_reduction_total_compounds(self):
        # Energy intensity once the province assigns [14.5]: five yearly cuts of 3% make 14.13%, not 15%.
        energy = spec(CITY, "11", target_value=Decimal("14.5"))
        result = evaluate(energy, series(*[(y, 3) for y in range(2021, 2026)]))
        assert result.value == pytest.approx((1 - 0.97**5) * 100)
        assert result.status == "not_achieved"


class TestTwoPartRow:
    """Airport passengers / cargo `10000/350`: one table row, two verdicts."""

    def test_each_part_has_its_own_verdict(self):
        passengers = evaluate(spec(CITY, "8", 1), series((2025, 10200)))
        cargo = evaluate(spec(CITY, "8", 2), series((2025, 330)))
        assert (passengers.status, cargo.status) == ("achieved", "not_achieved")

    def test_mid_period_from_the_2019_baseline(self):
        # Baseline 7339 in 2019: required (10000-7339)/6 a year.
        result = evaluate(spec(CITY, "8", 1), series((2023, 8500)))
        assert result.expected == pytest.approx(7339 + (10000 - 7339) / 6 * 4)  # 9113
        assert (result.status, round(result.ratio, 2)) == ("at_risk", round(((8500 - 7339) / 4) / (2661 / 6), 2))
        assert evaluate(spec(CITY, "8", 1), series((2023, 9200))).status == "on_track"


class TestLinked:
    """Income growth 与经济增长基本同步: against the area's own GDP growth over the same years."""

    gdp = series((2021, 8.1), (2022, 1.0), (2023, 4.6))

    def test_mid_period_income_ahead_of_gdp_is_on_track(self):
        income = series((2021, 9.7), (2022, 4.0), (2023, 5.5))
        result = evaluate(spec(CITY, "16"), income, linked_series=self.gdp)
        assert result.status == "on_track"
        assert result.target == pytest.approx(((1.081 * 1.01 * 1.046) ** (1 / 3) - 1) * 100)

    def test_mid_period_income_lagging_is_at_risk(self):
        income = series((2021, 6), (2022, 0.5), (2023, 3))
        assert evaluate(spec(CITY, "16"), income, linked_series=self.gdp).status == "at_risk"

    def test_only_the_years_both_have_count(self):
        income = series((2021, 8.1), (2022, 1.0), (2023, 0.0))
        result = evaluate(spec(CITY, "16"), income, linked_series=self.gdp[:2])
        assert result.status == "on_track"  # 2023 has no GDP figure yet: compared over 2021–2022

    def test_end_in_step_within_the_band_is_achieved(self):
        gdp = series(*[(y, 6) for y in range(2021, 2026)])
        assert evaluate(spec(CITY, "16"), series(*[(y, 5.8) for y in range(2021, 2026)]), gdp).status == "achieved"
        assert evaluate(spec(CITY, "16"), series(*[(y, 5.5) for y in range(2021, 2026)]), gdp).status == "not_achieved"

    def test_no_common_years_is_no_data(self):
        assert evaluate(spec(CITY, "16"), series((2023, 5)), []).status == "no_data"


class TestAssigned:
    """Energy intensity 完成省下达目标: pending until the figure or a judgement is recorded."""

    def test_pending_without_the_assigned_figure(self):
        result = evaluate(spec(CITY, "11"), series((2021, 3), (2022, 3)))
        assert result.status == "target_pending"

    def test_judged_met_by_the_reviewing_body(self):
        judged = spec(CITY, "11", assessment="met", assessment_source="广东省考核结果 2026")
        result = evaluate(judged, [])
        assert (result.status, result.final) == ("achieved", True)
        assert "广东省考核结果 2026" in result.explanation_en

    def test_judged_not_met(self):
        assert evaluate(spec(CITY, "11", assessment="not_met", assessment_source="x"), []).status == "not_achieved"

    def test_yuexiu_targets_assigned_by_the_city_are_pending(self):
        assert evaluate(spec(YUEXIU, "13"), series((2023, 3))).status == "target_pending"


class TestReferenceYear:
    def test_a_2024_figure_reported_for_2025_is_final_and_says_so(self):
        result = evaluate(spec(CITY, "2"), [Observation(2025, Decimal("26.5"), None, 2024)])
        assert (result.status, result.final) == ("achieved", True)
        assert result.explanation_en.startswith("2024 (reported for 2025): 26.5")


def test_the_latest_revision_counts_and_the_history_stays():
    target = Target.objects.get(plan__code=CITY, row="2")
    area, indicator = target.plan.area, target.indicator
    factories.record_value(area=area, indicator=indicator, year=2023, value=Decimal("23.8"))
    before = evaluate_targets(Target.objects.filter(pk=target.pk))[0].evaluation
    factories.record_value(area=area, indicator=indicator, year=2023, value=Decimal("24.6"), reason="final data")
    after = evaluate_targets(Target.objects.filter(pk=target.pk))[0].evaluation
    assert (before.status, after.status) == ("at_risk", "on_track")
    row = ReportedValue.objects.get(area=area, indicator=indicator, year=2023)
    assert [h.value for h in row.history.order_by("history_date")] == [Decimal("23.8"), Decimal("24.6")]
