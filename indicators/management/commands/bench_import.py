"""Benchmark: a 50,000-row spreadsheet import (check, then apply), rows per second; rolled back after."""

from __future__ import annotations

import time

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from districts.models import Area
from indicators import import_jobs
from indicators.models import ImportBatch, Indicator

GOAL_ROWS_PER_SECOND = 10_000


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time importing a 50,000-row CSV (goal: 10,000 rows/s, under 5 s, on PostgreSQL); writes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50_000)

    def handle(self, *args, rows: int, **options):
        from indicators.management.commands.bench import _vacuum

        _vacuum()  # what earlier rolled-back runs left behind
        try:
            with transaction.atomic():
                self.run(rows)
                raise Rollback
        except Rollback:
            pass

    def run(self, n: int) -> None:
        data = self.file(n)
        user = User.objects.create_superuser("bench-import", password=None)
        batch = ImportBatch.objects.create(created_by=user, filename="bench.csv")
        started = time.perf_counter()
        import_jobs.check(batch, data, user)
        checked = time.perf_counter()
        if batch.state != "ready":
            raise CommandError(f"the benchmark file was refused: {batch.problems[:3]}")
        import_jobs.apply(batch, user)
        if connection.vendor == "postgresql":  # the foreign-key checks a commit would run, before rolling back
            connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
        done = time.perf_counter()
        if batch.state != "applied":
            raise CommandError(f"the import failed: {batch.message}")
        total = done - started
        self.stdout.write(f"{n:,} rows on {connection.vendor}, {len(data) / 1e6:.1f} MB of CSV")
        self.stdout.write(f"read and check (preview): {checked - started:6.2f} s")
        self.stdout.write(f"write in one transaction: {done - checked:6.2f} s")
        self.stdout.write(f"total: {total:.2f} s, {n / total:,.0f} rows per second")
        verdict = "met" if n / total >= GOAL_ROWS_PER_SECOND else "MISSED"
        goal = f"{GOAL_ROWS_PER_SECOND:,} rows per second ({n / GOAL_ROWS_PER_SECOND:.0f} s)"
        self.stdout.write(f"goal: {goal} -> {verdict}")

    def file(self, n: int) -> bytes:
        """n yearly figures over every area and indicator (not shares), years from 1950: synthetic."""
        areas = list(Area.objects.values_list("code", flat=True))
        codes = list(Indicator.objects.exclude(measure="share").values_list("code", flat=True))
        lines = ["area,indicator,year,value,status,note"]
        for year in range(1950, 2101):
            for area in areas:
                for code in codes:
                    if len(lines) > n:
                        return ("\n".join(lines) + "\n").encode()
                    lines.append(f"{area},{code},{year},{len(lines)}.25,preliminary,synthetic benchmark row")
        if len(lines) <= n:
            raise CommandError(f"only {len(lines) - 1} distinct rows are possible here")
        return ("\n".join(lines) + "\n").encode()
