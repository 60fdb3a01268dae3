"""Benchmark: a 50,000-row spreadsheet import (check, then apply), rows per second; rolled back after."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection

from bench.measure import IMPORT_GOAL_ROWS_PER_SECOND, import_file, rolled_back, timed_import, vacuum_values


class Command(BaseCommand):
    help = "Time importing a 50,000-row CSV (goal: 10,000 rows/s, under 5 s, on PostgreSQL); writes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50_000)

    def handle(self, *args, rows: int, **options):
        vacuum_values()  # what earlier rolled-back runs left behind
        with rolled_back():
            data = import_file(rows)
            checking, writing = timed_import(data)
        total = checking + writing
        self.stdout.write(f"{rows:,} rows on {connection.vendor}, {len(data) / 1e6:.1f} MB of CSV")
        self.stdout.write(f"read and check (preview): {checking:6.2f} s")
        self.stdout.write(f"write in one transaction: {writing:6.2f} s")
        self.stdout.write(f"total: {total:.2f} s, {rows / total:,.0f} rows per second")
        verdict = "met" if rows / total >= IMPORT_GOAL_ROWS_PER_SECOND else "MISSED"
        goal = f"{IMPORT_GOAL_ROWS_PER_SECOND:,} rows per second ({rows / IMPORT_GOAL_ROWS_PER_SECOND:.0f} s)"
        self.stdout.write(f"goal: {goal} -> {verdict}")
