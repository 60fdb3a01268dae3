"""Benchmark: server time of each dashboard page, rendered in-process on the current database."""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client

PAGES = [
    ("scorecard", "/"),
    ("scorecard (en)", "/en/"),
    ("district: Yuexiu", "/districts/440104/"),
    ("district: Guangzhou", "/districts/440100/"),
    ("indicator: GDP", "/indicators/gdp/"),
    ("plan table: 13th FYP", "/plans/guangzhou-13th-fyp/"),
    ("plan table: 14th FYP (en)", "/en/plans/guangzhou-14th-fyp/"),
    ("indicator list", "/indicators/"),
]
GOAL_MS = 50


class Command(BaseCommand):
    help = "Median and 95th percentile server time of each dashboard page (goal: median under 50 ms on the seed data)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument("--warmup", type=int, default=3)

    def handle(self, *args, runs, warmup, **options):
        client = Client(HTTP_HOST="localhost")
        self.stdout.write(
            f"{'page':32} {'median':>8} {'p95':>8} {'queries':>8}  (ms, {runs} runs, {connection.vendor})"
        )
        missed = []
        for name, url in PAGES:
            for _ in range(warmup):
                self.get(client, url)
            timings = []
            for _ in range(runs):
                reset_queries()
                started = time.perf_counter()
                self.get(client, url)
                timings.append((time.perf_counter() - started) * 1000)
            median = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[-1] if runs >= 2 else timings[0]
            queries = len(connection.queries)
            flag = "" if median < GOAL_MS else "  over the goal"
            if flag:
                missed.append(name)
            self.stdout.write(f"{name:32} {median:8.1f} {p95:8.1f} {queries:8}{flag}")
        self.stdout.write(
            f"goal: median under {GOAL_MS} ms -> {'met' if not missed else 'MISSED: ' + ', '.join(missed)}"
        )

    def get(self, client, url):
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}; load the real data first (load_real_data)")
        return response
