"""Benchmark the progress engine alone, and the bulk evaluation from the database."""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection

from bench.measure import rolled_back
from bench.progress_cases import KINDS, synthetic
from districts.models import Area
from indicators.models import Indicator, Plan, ReportedValue, SourceDocument, Target
from indicators.progress.engine import evaluate
from indicators.progress.evaluation import evaluate_values


class Command(BaseCommand):
    help = (
        "Time the progress engine on N targets with Y years of figures each (goal: 10,000 x 20 under 1 s), "
        "then the same through the database (synthetic rows, rolled back afterwards)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--targets", type=int, default=10_000)
        parser.add_argument("--years", type=int, default=20)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--no-db", action="store_true", help="time the engine only")

    def handle(self, *args, targets, years, runs, no_db, **options):
        cases = synthetic(targets, years)
        engine = self.time(runs, lambda: [evaluate(s, ser, linked_series=lk) for s, ser, lk in cases])
        self.report(f"engine only, {targets} targets x {years} years", engine, targets)
        if no_db:
            return
        with rolled_back():
            plan = self.build(targets, years)
            queryset = Target.objects.filter(plan=plan)
            from_db = self.time(runs, lambda: evaluate_values(queryset))
        self.report(f"from {connection.vendor} (2 queries), {targets} targets x {years} years", from_db, targets)

    def time(self, runs, work):
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            work()
            timings.append(time.perf_counter() - started)
        return timings

    def report(self, what, timings, targets):
        median = statistics.median(timings)
        verdict = "met" if median < 1 else "MISSED"
        self.stdout.write(
            f"{what}: median {median:.3f} s, fastest {min(timings):.3f} s "
            f"({targets / median:,.0f} targets/s); goal under 1 s: {verdict}"
        )

    def build(self, targets: int, years: int) -> Plan:
        """Synthetic rows, clearly labelled, inside the caller's transaction."""
        source = SourceDocument.objects.create(key="synthetic-bench", title_en="SYNTHETIC benchmark data")
        area = Area.objects.create(code="449999", level="district", name_zh="合成测试区", name_en="SYNTHETIC")
        plan = Plan.objects.create(
            code="synthetic-bench",
            area=area,
            kind="five_year",
            name_zh="合成",
            name_en="SYNTHETIC",
            period_start=2023,
            period_end=2027,
            source_document=source,
        )
        gdp = Indicator.objects.create(
            code="synthetic_gdp_growth", name_zh="合成", name_en="SYNTHETIC", category="economy", measure="growth"
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(
                code=f"synthetic_{i}",
                name_zh="合成",
                name_en="SYNTHETIC",
                category="economy",
                measure=KINDS[i % len(KINDS)]["measure"],
                direction=KINDS[i % len(KINDS)].get("direction", "higher"),
            )
            for i in range(targets)
        )
        rows = []
        for i, (indicator, (spec, _series, _linked)) in enumerate(
            zip(indicators, synthetic(targets, years), strict=True)
        ):
            rows.append(
                Target(
                    plan=plan,
                    indicator=indicator,
                    target_year=2027,
                    position=i,
                    attribute="anticipatory",
                    target_value=spec.target_value,
                    comparator=spec.comparator,
                    baseline_value=spec.baseline_value,
                    baseline_year=2022,
                    is_cumulative=spec.cumulative,
                    is_annual_average=spec.annual_average,
                    linked_indicator=gdp if spec.linked else None,
                    source_document=source,
                )
            )
        Target.objects.bulk_create(rows, batch_size=2000)
        first = 2026 - years
        ReportedValue.objects.bulk_create(
            (
                ReportedValue(
                    area=area,
                    indicator=indicator,
                    year=first + y,
                    span_from=first + y,
                    reference_year=first + y,
                    value=Decimal(f"{1 + (i * 7 + y * 13) % 97}.5"),
                )
                for i, indicator in enumerate(indicators + [gdp])
                for y in range(years)
            ),
            batch_size=5000,
        )
        return plan
