"""The benchmark suite and the synthetic data cannot rot: a tiny run of each, in the test suite."""

from __future__ import annotations

import io
import random

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from bench import synthetic
from bench.management.commands import bench_reports
from bench.management.commands.load_test_setup import remove_writes
from districts.models import Area
from indicators.models import Commentary, Indicator, Plan, ReportedValue, Target
from reports import content

pytestmark = pytest.mark.django_db


def real_counts() -> tuple:
    return (
        ReportedValue.objects.exclude(area__code__startswith=synthetic.AREA_PREFIX).count(),
        Area.objects.exclude(code__startswith=synthetic.AREA_PREFIX).count(),
        Indicator.objects.exclude(code__startswith=synthetic.INDICATOR_PREFIX).count(),
        Target.objects.exclude(source_document__key=synthetic.SOURCE_KEY).count(),
    )


def test_synthetic_data_is_labelled_reproducible_and_removable():
    real = real_counts()
    call_command("synthetic_data", "--size", "tiny", "--seed", "7", stdout=io.StringIO())
    size = synthetic.SIZES["tiny"]
    values = ReportedValue.objects.filter(area__code__startswith="89")
    assert values.count() == size.values
    assert all("synthetic" in a.name_en.lower() for a in Area.objects.filter(code__startswith="89"))
    assert set(values.values_list("source", flat=True)) == {"synthetic (not real)"}
    first = list(values.order_by("area__code", "indicator__code", "year", "quarter").values_list("value", flat=True))
    with pytest.raises(CommandError, match="already loaded"):
        call_command("synthetic_data", "--size", "tiny", stdout=io.StringIO())
    call_command("synthetic_data", "--size", "tiny", "--seed", "7", "--replace", stdout=io.StringIO())
    again = list(values.order_by("area__code", "indicator__code", "year", "quarter").values_list("value", flat=True))
    assert again == first, "the same seed gives the same figures"
    call_command("synthetic_data", "--remove", stdout=io.StringIO())
    assert not Area.objects.filter(code__startswith="89").exists()
    assert not Plan.objects.filter(code__startswith="syn-").exists()
    assert real_counts() == real, "the real data is untouched"


def test_the_benchmark_runs_on_a_tiny_size(tmp_path):
    out = io.StringIO()
    report = tmp_path / "benchmarks.md"
    call_command("bench", "--size", "tiny", "--runs", "1", "--warmup", "0", "--import-rows", "200",
                 "--output", str(report), stdout=out)  # fmt: skip
    text = report.read_text()
    for name in ("scorecard", "district dashboard", "indicator page", "API values, 1,000 rows", "API series",
                 "progress of a whole plan", "import 200 rows"):  # fmt: skip
        assert name in text
    assert "<!-- bench:tiny -->" in text and "Reproduce" in text


def test_the_load_tests_writes_are_removed_with_their_history_and_nothing_else():
    tester = User.objects.create_user("loadtest-1")
    area, gdp = Area.objects.get(code="440105"), Indicator.objects.get(code="gdp")
    written = ReportedValue.objects.create(area=area, indicator=gdp, year=1950, value="1.5", entered_by=tester)
    before = ReportedValue.objects.count()
    assert ReportedValue.history.filter(id=written.pk).exists()
    assert remove_writes() == 1
    assert ReportedValue.objects.count() == before - 1 and not ReportedValue.objects.filter(pk=written.pk).exists()
    assert not ReportedValue.history.filter(id=written.pk).exists()


def test_the_report_benchmarks_plans_are_labelled_reportable_and_removed_with_nothing_else():
    """The data part of bench_reports (its renders and worker are too slow for the suite)."""
    real = real_counts()
    rng = random.Random(1)
    source, indicators = bench_reports.make_base(40, rng)
    plan = bench_reports.make_plan(source, bench_reports.COUNTRY_CODE, "合成国", "Synthetic country", indicators, rng)
    assert plan.area.code.startswith(synthetic.AREA_PREFIX) and "synthetic" in plan.area.name_en
    assert "synthetic" in plan.name_en and plan.targets.count() == 40
    assert set(ReportedValue.objects.filter(area=plan.area).values_list("source", flat=True)) == {
        "synthetic (not real)"
    }
    assert content.build(plan, "en").target_count == 40
    target_ids = list(plan.targets.values_list("pk", flat=True))
    assert bench_reports.remove(log=lambda line: None)
    assert not Plan.objects.filter(code__startswith="syn-report-").exists()
    assert not Target.history.filter(id__in=target_ids).exists()
    assert not Commentary.history.filter(target_id__in=target_ids).exists()
    assert real_counts() == real, "the real data is untouched"
