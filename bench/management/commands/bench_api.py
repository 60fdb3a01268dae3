"""Benchmark: server time of the API's reads and writes, in-process, on a labelled synthetic set.

The synthetic figures are added inside a transaction that is rolled back at the end, so the
database is left as it was. Goal (issue: REST API): a page of 1,000 reported values under
100 ms median on PostgreSQL.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from accounts.models import ApiToken
from bench.measure import rolled_back
from districts.models import Area
from indicators.domain import LAST_YEAR
from indicators.models import Indicator, ReportedValue

SYNTHETIC_SOURCE = "synthetic benchmark data (bench_api), rolled back"
GOAL_MS = 100


class Command(BaseCommand):
    help = "Median and 95th percentile server time of the API (goal: a page of 1,000 values under 100 ms median)."

    def add_arguments(self, parser):
        parser.add_argument("--values", type=int, default=20000, help="synthetic figures to add (rolled back)")
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)

    def handle(self, *args, values, runs, warmup, **options):
        with rolled_back():
            self.run(values, runs, warmup)

    def run(self, n_values: int, runs: int, warmup: int) -> None:
        added = self.add_values(n_values)
        user = User.objects.create_superuser("bench-api", password=None)
        _, secret = ApiToken.issue(user, "benchmark")
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
        gdp_area = Area.objects.order_by("code").first()
        if gdp_area is None:
            raise CommandError("there are no areas: load the real data first (load_real_data)")
        cases = [
            ("values: page of 1,000 (JSON)", "get", "/api/v1/values?limit=1000", None),
            ("values: page of 1,000 (CSV)", "get", "/api/v1/values?limit=1000&format=csv", None),
            ("values: page of 1,000 (SDMX-CSV)", "get", "/api/v1/values?limit=1000&format=sdmx", None),
            ("values: one area, 1,000 from the end", "get", f"/api/v1/values?area={gdp_area.code}&limit=1000", None),
            ("series: gdp, every area", "get", "/api/v1/series/gdp", None),
            ("progress: 13th FYP", "get", "/api/v1/progress?plan=guangzhou-13th-fyp", None),
            ("targets: all (JSON)", "get", "/api/v1/targets?limit=1000", None),
            ("bulk: 500 new figures", "post", "/api/v1/values/bulk", "bulk"),
        ]
        self.stdout.write(
            f"{added} synthetic figures added (rolled back at the end); {ReportedValue.objects.count()} in all, "
            f"{connection.vendor}"
        )
        self.stdout.write(f"{'request':40} {'median':>8} {'p95':>8} {'queries':>8}  (ms, {runs} runs)")
        bulk_calls = [0]
        missed = []
        for name, method, url, body in cases:

            def call(method=method, url=url, body=body):
                if body == "bulk":
                    bulk_calls[0] += 1
                    payload = self.bulk_payload(bulk_calls[0])
                    return client.post(url, payload, content_type="application/json", secure=True)
                return client.get(url, secure=True)

            for _ in range(warmup):
                self.check_ok(call(), url)
            queries: list[str] = []

            # Counted with a wrapper: the request_started signal empties Django's own query log.
            def count(execute: Callable[..., Any], sql: str, *args: Any, queries: list[str] = queries) -> Any:
                queries.append(sql)
                return execute(sql, *args)

            with connection.execute_wrapper(count):
                self.check_ok(call(), url)
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                response = call()
                timings.append((time.perf_counter() - started) * 1000)
                self.check_ok(response, url)
            median = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[-1] if runs >= 2 else timings[0]
            flag = ""
            if name.startswith("values: page of 1,000 (JSON)") and median >= GOAL_MS:
                flag = "  over the goal"
                missed.append(name)
            self.stdout.write(f"{name:40} {median:8.1f} {p95:8.1f} {len(queries):8}{flag}")
        verdict = "met" if not missed else "MISSED"
        self.stdout.write(f"goal: a page of 1,000 values under {GOAL_MS} ms median -> {verdict}")

    def add_values(self, n: int) -> int:
        areas = list(Area.objects.all())
        indicators = list(Indicator.objects.exclude(measure="share"))
        existing = set(ReportedValue.objects.values_list("area_id", "indicator_id", "year", "quarter", "span_from"))
        rows: list[ReportedValue] = []
        year = 1950
        while len(rows) < n and year <= LAST_YEAR:
            for area in areas:
                for indicator in indicators:
                    if (area.pk, indicator.pk, year, 0, year) not in existing and len(rows) < n:
                        rows.append(
                            ReportedValue(
                                area=area,
                                indicator=indicator,
                                year=year,
                                span_from=year,
                                reference_year=year,
                                value=Decimal(year) + Decimal("0.25"),
                                source=SYNTHETIC_SOURCE,
                            )
                        )
            year += 1
        ReportedValue.objects.bulk_create(rows, batch_size=5000)
        return len(rows)

    def bulk_payload(self, call: int) -> str:
        """500 figures not stored yet: quarterly ones (the synthetic set is yearly), a new area or
        years for each call."""
        areas = list(Area.objects.order_by("code").values_list("code", flat=True))
        codes = list(Indicator.objects.exclude(measure="share").order_by("code").values_list("code", flat=True))
        per_year = 4 * len(codes)
        area, first_year = areas[call % len(areas)], 1950 + (call // len(areas)) * (500 // per_year + 1)
        rows = [
            {
                "area": area,
                "indicator": codes[i % len(codes)],
                "year": first_year + i // per_year,
                "quarter": 1 + (i // len(codes)) % 4,
                "value": f"{i}.5",
            }
            for i in range(500)
        ]
        return json.dumps({"rows": rows, "reason": SYNTHETIC_SOURCE})

    def check_ok(self, response, url):
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
