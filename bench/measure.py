"""What the benchmark commands share: work rolled back afterwards, and the timed 50,000-row import."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import F

from districts.models import Area
from indicators.domain import LAST_YEAR
from indicators.jobs import imports as import_jobs
from indicators.models import ImportBatch, Indicator, ReportedValue

IMPORT_GOAL_ROWS_PER_SECOND = 10_000  # issue "Scale and speed, measured"


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction that is rolled back at the end, whatever the work inside wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def vacuum_values() -> None:
    """Clear what the last rolled-back run left in the tables' indexes (autovacuum would, between real
    imports, which commit): every run inserts the same rows, and dead index entries slow the next."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM indicators_reportedvalue, indicators_historicalreportedvalue")


def check_deferred_constraints() -> None:
    """Run the foreign-key checks PostgreSQL defers to the commit, so that a rolled-back write pays them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def import_file(n: int) -> bytes:
    """A CSV of n yearly figures over every area and indicator (not shares), years from 1950: synthetic."""
    areas = list(Area.objects.values_list("code", flat=True))
    codes = list(Indicator.objects.exclude(measure="share").values_list("code", flat=True))
    # Figures already stored (the real data) are left out: the file only adds, as the floor's COPY does.
    stored = set(
        ReportedValue.objects.filter(quarter=0, span_from=F("year")).values_list(
            "area__code", "indicator__code", "year"
        )
    )
    lines = ["area,indicator,year,value,status,note"]
    for year in range(1950, LAST_YEAR + 1):
        for area in areas:
            for code in codes:
                if len(lines) > n:
                    return ("\n".join(lines) + "\n").encode()
                if (area, code, year) in stored:
                    continue
                lines.append(f"{area},{code},{year},{len(lines)}.25,preliminary,synthetic benchmark row")
    if len(lines) <= n:
        raise CommandError(f"only {len(lines) - 1} distinct rows are possible here")
    return ("\n".join(lines) + "\n").encode()


def timed_import(data: bytes) -> tuple[float, float]:
    """Import the file as an analyst would (check, then apply), inside the caller's transaction, paying
    the commit's deferred checks: the seconds of the check and of the write."""
    user = User.objects.create_superuser(f"bench-{time.perf_counter_ns()}", password=None)
    batch = ImportBatch.objects.create(created_by=user, filename="bench.csv")
    started = time.perf_counter()
    import_jobs.check(batch, data, user)
    checked = time.perf_counter()
    if batch.state != "ready":
        raise CommandError(f"the benchmark file was refused: {batch.problems[:3]}")
    import_jobs.apply(batch, user)
    check_deferred_constraints()
    done = time.perf_counter()
    if batch.state != "applied":
        raise CommandError(f"the benchmark import failed: {batch.problems[:3] or batch.message}")
    return checked - started, done - checked
