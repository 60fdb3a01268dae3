"""Bulk evaluation from the database: same verdicts as one by one, and a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.models import Indicator, Plan, ReportedValue, Target
from indicators.progress.engine import evaluate
from indicators.progress.evaluation import evaluate_targets, evaluate_values, observations_by_series, spec_for
from indicators.tests import factories as f

pytestmark = pytest.mark.django_db


def plan_with_targets(count: int) -> Plan:
    plan = f.plan(code=f"bulk-{count}")
    indicators = Indicator.objects.bulk_create(
        Indicator(code=f"bulk_{count}_{i}", name_zh="x", name_en="x", category="economy", measure="level")
        for i in range(count)
    )
    Target.objects.bulk_create(
        Target(
            plan=plan,
            indicator=indicator,
            target_year=2025,
            target_value=Decimal(100),
            attribute="binding",
            baseline_value=Decimal(50),
            baseline_year=2020,
            source_document=f.source(),
            position=i,
        )
        for i, indicator in enumerate(indicators)
    )
    ReportedValue.objects.bulk_create(
        ReportedValue(
            area=plan.area,
            indicator=indicator,
            year=year,
            span_from=year,
            reference_year=year,
            value=Decimal(50 + 10 * (year - 2020)),
        )
        for indicator in indicators
        for year in (2021, 2022, 2023)
    )
    return plan


@pytest.mark.parametrize("count", [1, 10, 1000])
def test_evaluating_a_plan_takes_a_fixed_number_of_queries_whatever_its_size(django_assert_num_queries, count):
    plan = plan_with_targets(count)
    with django_assert_num_queries(2):
        verdicts = evaluate_values(Target.objects.filter(plan=plan))
    with django_assert_num_queries(3):
        results = evaluate_targets(Target.objects.filter(plan=plan))
    assert len(results) == len(verdicts) == count
    assert {r.evaluation.status for r in results} == {"on_track"}
    assert all(verdicts[r.target.pk].status == r.evaluation.status for r in results)


def test_the_whole_database_also_takes_two_queries(django_assert_num_queries):
    with django_assert_num_queries(3):
        results = evaluate_targets(Target.objects.all())
    assert len(results) == Target.objects.count()


def test_linked_and_growth_targets_get_their_other_series():
    results = {
        (r.target.plan.code, r.target.row, r.target.part): r.evaluation
        for r in evaluate_targets(Target.objects.filter(plan__code="guangzhou-13th-fyp"))
    }
    income = results[("guangzhou-13th-fyp", "27", 1)]
    assert (income.value, income.target) == (pytest.approx(7.9), pytest.approx(6))


def test_bulk_and_single_evaluation_agree_on_the_real_data():
    for result in evaluate_targets(Target.objects.all()):
        target = result.target
        series = observations_by_series(Target.objects.filter(pk=target.pk))
        area = target.plan.area_id
        single = evaluate(
            spec_for(target),
            series.get((area, target.indicator_id), ()),
            linked_series=series.get((area, target.linked_indicator_id), ()),
            level_series=series.get((area, target.indicator.growth_of_id), ()),
        )
        assert single.status == result.evaluation.status, target


def test_the_benchmark_command_runs_on_a_tiny_size_and_leaves_nothing_behind(capsys):
    before = (Target.objects.count(), ReportedValue.objects.count(), Indicator.objects.count())
    call_command("bench_progress", targets=14, years=3, runs=1)
    out = capsys.readouterr().out
    assert "engine only, 14 targets x 3 years: median" in out
    assert "(2 queries), 14 targets x 3 years: median" in out
    assert (Target.objects.count(), ReportedValue.objects.count(), Indicator.objects.count()) == before
