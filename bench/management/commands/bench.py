"""The benchmark suite: server time of the pages, the API, a plan's evaluation and an import, each
beside its floor (the same data fetched by one hand-written SQL query and serialised with the
standard library, in the same process), at a chosen data size. Writes docs/benchmarks.md.

    manage.py bench --size province          # PostgreSQL (DATABASE_URL); makes the synthetic data if needed
    manage.py bench --size tiny --runs 1     # the smoke run in the test suite
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import platform
import statistics
import time
from decimal import Decimal
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Q
from django.test import Client, override_settings

from bench import measure as benchmarking
from bench import synthetic
from bench.doc_sections import write_section
from districts.models import Area
from districts.roles import CITY_ANALYST
from indicators.models import Indicator, Plan, ReportedValue, Target
from indicators.progress.evaluation import evaluate_values
from indicators.web.pages import AREAS_PER_PAGE

GOALS = {  # median, p95 (ms) and the ratio to the floor; issue "Scale and speed, measured"
    "median": 100.0,
    "p95": 250.0,
    "ratio": 3.0,
    "import rows per second": benchmarking.IMPORT_GOAL_ROWS_PER_SECOND,
}


def _json(rows) -> bytes:
    return json.dumps(rows, default=str, ensure_ascii=False).encode()


def _fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Command(BaseCommand):
    help = "Median and 95th percentile of each page and API read, beside its floor; writes docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", *sorted(synthetic.SIZES)], default="tiny")
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--import-rows", type=int, default=50_000)
        parser.add_argument("--output", default="", help="Markdown file to write the table to (docs/benchmarks.md)")
        parser.add_argument("--only", default="", help="measure only the cases whose name contains this (no import)")

    def handle(self, *args, size, runs, warmup, import_rows, output, only, **options):
        self.import_rows = import_rows
        if size != "small" and not synthetic.exists():
            self.stdout.write(f"Making the synthetic {size} data (manage.py synthetic_data --size {size})…")
            synthetic.generate(size, log=self.stdout.write)
        target = self.subjects(size)
        client = Client(HTTP_HOST="localhost")
        # An analyst signed in: never answered from the read cache, whatever its settings.
        analyst, _ = User.objects.get_or_create(username="bench-analyst", defaults={"is_staff": True})
        analyst.groups.add(*Group.objects.filter(name=CITY_ANALYST))
        signed_in = Client(HTTP_HOST="localhost")
        signed_in.force_login(analyst)
        # name, median, p95, floor (ms), for reads the median and p95 without the read cache, and for
        # pages the median and p95 of a signed-in analyst
        results: list[tuple[str, float, float, float, tuple[float, float] | None, tuple[float, float] | None]] = []
        for name, url, floor in self.cases(target):
            if only and only not in name:
                continue
            if isinstance(url, str):
                # Cold: rendered afresh every time, as after a change of the data; warm: as everyone
                # after the first reader gets it until the next change (gzplan.lib.freshness).
                with override_settings(GZPLAN_READ_CACHE_SECONDS=0):
                    cold = self.measure(lambda url=url: self.get(client, url), floor, runs, warmup)
                warm = self.measure(lambda url=url: self.get(client, url), floor, runs, warmup)
                signed = None
                if not url.startswith("/api/"):
                    signed = self.measure(lambda url=url: self.get(signed_in, url), floor, runs, warmup)[:2]
                results.append((name, *warm, cold[:2], signed))
            else:
                results.append((name, *self.measure(url, floor, runs, warmup), None, None))
        if not only:
            results.append(("import 50,000 rows" if import_rows == 50_000 else f"import {import_rows:,} rows",
                            *self.measure_import(import_rows, min(runs, 3)), None, None))  # fmt: skip
        values = ReportedValue.objects.count()
        table = self.table(size, values, results, runs)
        if connection.vendor == "postgresql":
            table += "\n" + self.explain(target)
        self.stdout.write(table)
        if output and not only:
            self.write(Path(output), size, table)

    # --- what is measured ------------------------------------------------------------

    def subjects(self, size: str) -> dict:
        if size == "small":
            plan = Plan.objects.get(code="guangzhou-14th-fyp")
            return {"plan": plan, "district": "440104", "indicator": "gdp", "area": "440100"}
        plan = Plan.objects.get(code=f"syn-{synthetic.ROOT_CODE}-fyp")
        first = Target.objects.filter(plan=plan).order_by("position").first()
        if first is None:
            raise CommandError(
                f"the synthetic plan {plan.code} has no targets: make the data again (synthetic_data --replace)"
            )
        indicator = first.indicator.code
        return {"plan": plan, "district": f"{synthetic.AREA_PREFIX}0001", "indicator": indicator, "area": "890001"}

    def cases(self, t: dict):
        plan, district, code, area = t["plan"], t["district"], t["indicator"], t["area"]
        indicator = Indicator.objects.get(code=code)
        district_area = Area.objects.get(code=district)
        series_area = Area.objects.get(code=area)
        return [
            ("scorecard (a plan)", f"/en/?plan={plan.code}", lambda: self.floor_plan(plan.pk, plan.area_id)),
            ("district dashboard", f"/en/districts/{district}/", lambda: self.floor_district(district_area.pk)),
            ("indicator page (first 200 areas)", f"/en/indicators/{code}/", lambda: self.floor_indicator(indicator.pk)),
            ("API values, 1,000 rows", "/api/v1/values?limit=1000", self.floor_values),
            ("API values, one area, 1,000 rows", f"/api/v1/values?area={district}&limit=1000",
             lambda: self.floor_values(district_area.pk)),
            ("API series (one area)", f"/api/v1/series/{code}?area={area}",
             lambda: self.floor_series(indicator.pk, series_area.pk)),
            ("progress of a whole plan (engine)", lambda: self.evaluate(plan), lambda: self.floor_plan(plan.pk,
             plan.area_id, every_year=True)),
        ]  # fmt: skip

    def get(self, client: Client, url: str) -> bytes:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return response.content

    def evaluate(self, plan) -> bytes:
        verdicts = evaluate_values(Target.objects.filter(plan=plan))
        return _json({pk: v.status for pk, v in verdicts.items()})

    # --- floors: one SQL query, standard-library JSON ------------------------------------

    def floor_plan(self, plan_id: int, area_id: int, every_year: bool = False) -> bytes:
        """The plan's targets with their latest figure (or, for the engine, every yearly figure)."""
        if every_year:
            return _json(_fetch("""
                SELECT t.id, t.target_year, t.target_value, t.comparator, t.baseline_value, t.baseline_year,
                       i.measure, i.direction, r.year, r.value
                FROM indicators_target t
                JOIN indicators_indicator i ON i.id = t.indicator_id
                LEFT JOIN indicators_reportedvalue r
                  ON r.area_id = %s AND r.indicator_id = t.indicator_id AND r.quarter = 0
                WHERE t.plan_id = %s ORDER BY t.position, t.part, r.year""", [area_id, plan_id]))  # fmt: skip
        latest = """(SELECT r.{0} FROM indicators_reportedvalue r WHERE r.area_id = %s
                     AND r.indicator_id = t.indicator_id AND r.quarter = 0 ORDER BY r.year DESC LIMIT 1)"""
        return _json(_fetch(f"""
            SELECT t.id, t.row, t.part, t.target_year, t.target_value, t.comparator, i.code, i.name_zh, i.unit_zh,
                   {latest.format("year")}, {latest.format("value")}
            FROM indicators_target t
            JOIN indicators_indicator i ON i.id = t.indicator_id
            WHERE t.plan_id = %s ORDER BY t.position, t.part""", [area_id, area_id, plan_id]))  # fmt: skip

    def floor_district(self, area_id: int) -> bytes:
        return _json(_fetch("""
            SELECT r.indicator_id, r.year, r.value FROM indicators_reportedvalue r
            WHERE r.area_id = %s AND r.quarter = 0 AND r.indicator_id IN (
                SELECT t.indicator_id FROM indicators_target t JOIN indicators_plan p ON p.id = t.plan_id
                WHERE p.area_id = %s)
            ORDER BY r.indicator_id, r.year""", [area_id, area_id]))  # fmt: skip

    def floor_indicator(self, indicator_id: int) -> bytes:
        """The figures of the areas on the page's first page (pages.AREAS_PER_PAGE areas)."""
        return _json(_fetch("""
            SELECT a.code, a.name_zh, a.name_en, r.year, r.value
            FROM (SELECT id, code, name_zh, name_en FROM districts_area ORDER BY level, code LIMIT %s) a
            JOIN indicators_reportedvalue r ON r.area_id = a.id
            WHERE r.indicator_id = %s AND r.quarter = 0 AND r.span_from = r.year ORDER BY a.code, r.year""",
            [AREAS_PER_PAGE, indicator_id]))  # fmt: skip

    def floor_values(self, area_id: int | None = None) -> bytes:
        where, params = ("WHERE r.area_id = %s", [area_id]) if area_id else ("", [])
        count = _fetch(f"SELECT count(*) FROM indicators_reportedvalue r {where}", params)[0][0]
        rows = _fetch(f"""
            SELECT r.id, a.code, a.name_zh, a.name_en, i.code, i.name_zh, i.name_en, i.unit_zh, i.unit_en, r.year,
                   r.quarter, r.span_from, r.reference_year, r.value, r.qualifier, r.notation, r.status, r.source,
                   r.note, r.version, r.updated_at
            FROM indicators_reportedvalue r JOIN districts_area a ON a.id = r.area_id
            JOIN indicators_indicator i ON i.id = r.indicator_id {where}
            ORDER BY r.area_id, r.indicator_id, r.year, r.quarter, r.span_from LIMIT 1000""", params)  # fmt: skip
        return _json({"count": count, "items": rows})

    def floor_series(self, indicator_id: int, area_id: int) -> bytes:
        return _json(_fetch("""
            SELECT r.year, r.quarter, r.span_from, r.reference_year, r.value, r.status FROM indicators_reportedvalue r
            WHERE r.indicator_id = %s AND r.area_id = %s ORDER BY r.year, r.quarter, r.span_from""",
            [indicator_id, area_id]))  # fmt: skip

    # --- timing -----------------------------------------------------------------------

    def measure(self, server, floor, runs: int, warmup: int) -> tuple[float, float, float]:
        for _ in range(warmup):
            server()
            floor()
        timings, floors = [], []
        for _ in range(runs):
            started = time.perf_counter()
            server()
            timings.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            floor()
            floors.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings), _p95(timings), statistics.median(floors)

    def measure_import(self, rows: int, runs: int) -> tuple[float, float, float]:
        data = benchmarking.import_file(rows)
        timings, floors = [], []
        for _ in range(max(runs, 1)):
            benchmarking.vacuum_values()
            with benchmarking.rolled_back():
                timings.append(sum(benchmarking.timed_import(data)) * 1000)
            benchmarking.vacuum_values()
            with benchmarking.rolled_back():
                started = time.perf_counter()
                self.copy_once(data)
                benchmarking.check_deferred_constraints()  # what the commit would do, before rolling back
                floors.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings), _p95(timings), statistics.median(floors)

    def copy_once(self, data: bytes) -> None:
        """The floor of an import: the file's rows parsed by the csv module and inserted in one statement."""
        areas = dict(Area.objects.values_list("code", "pk"))
        indicators = dict(Indicator.objects.values_list("code", "pk"))
        rows = []
        for record in csv.DictReader(io.StringIO(data.decode())):
            year = int(record["year"])
            rows.append((areas[record["area"]], indicators[record["indicator"]], year, 0, year, year,
                         Decimal(record["value"]), "", "", "preliminary", "", "", 1))  # fmt: skip
        columns = ("area_id, indicator_id, year, quarter, span_from, reference_year, value, qualifier, notation, "
                   "status, source, note, version, created_at, updated_at")  # fmt: skip
        now = datetime.datetime.now(datetime.UTC)
        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY indicators_reportedvalue ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row((*row, now, now))
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO indicators_reportedvalue ({columns}) VALUES ({', '.join(['%s'] * 15)})",
                    [(*row, now, now) for row in rows],
                )

    # --- query plans --------------------------------------------------------------------

    def explain(self, t: dict) -> str:
        """EXPLAIN of the hot queries on the values table; a page about one area must not scan it whole."""
        plan = t["plan"]
        area = Area.objects.get(code=t["district"])
        indicator = Indicator.objects.get(code=t["indicator"])
        targets = Target.objects.filter(plan__area=area)
        first_page = Area.objects.order_by("level", "code").values_list("pk", flat=True)[:200]
        queries = {
            "district dashboard: the area's figures for its plans' indicators (evaluation.observations_by_series)":
                ReportedValue.objects.order_by().filter(quarter=0, area_id__in=[area.pk, plan.area_id]).filter(
                    Q(indicator_id__in=targets.values("indicator_id"))
                    | Q(indicator_id__in=targets.values("linked_indicator_id"))
                ).values_list("area_id", "indicator_id", "year", "value"),
            "API values, one area, first page": ReportedValue.objects.filter(area__code=area.code)
                .order_by("area_id", "indicator_id", "year", "quarter", "span_from")
                .values_list("id", "year", "value")[:1000],
            "API series, one area": ReportedValue.objects.filter(indicator=indicator, area=area)
                .order_by("area_id", "year", "quarter", "span_from").values_list("year", "value"),
            "indicator page, first 200 areas": ReportedValue.objects.filter(
                indicator=indicator, quarter=0, area_id__in=list(first_page)).values_list("area_id", "year", "value"),
        }  # fmt: skip
        parts = ["Query plans (EXPLAIN) of the hot queries on the values table:", ""]
        for name, query in queries.items():
            text = query.explain()
            one_area = "one area" in name or "district" in name
            flag = " **(sequential scan)**" if one_area and "Seq Scan on indicators_reportedvalue" in text else ""
            parts += [f"{name}{flag}:", "", "```", text, "```", ""]
        return "\n".join(parts)

    # --- the report -------------------------------------------------------------------

    def table(self, size: str, values: int, results, runs: int) -> str:
        lines = [
            f"Size `{size}`: {values:,} reported values, {Area.objects.count():,} areas, "
            f"{Indicator.objects.count():,} indicators, {Target.objects.count():,} targets; {connection.vendor}; "
            f"{runs} runs each.",
            "",
            "| what | median ms | p95 ms | floor ms | × floor | goal (median < 100, p95 < 250, ≤ 3× floor) "
            "| cold median ms | cold p95 ms | cold × floor | signed-in median ms | signed-in p95 ms "
            "| signed-in goal (median < 100) |",
            "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|",
        ]
        for name, median, p95, floor, cold, signed in results:
            ratio = median / floor if floor else float("inf")
            verdict = self.verdict(name, median, p95, ratio)
            cold_cells = "| | |"
            if cold:
                cold_ratio = cold[0] / floor if floor else float("inf")
                cold_cells = f"| {cold[0]:.1f} | {cold[1]:.1f} | {cold_ratio:.1f} |"
            signed_cells = " | | |"
            if signed:
                met = "met" if signed[0] < GOALS["median"] else "missed"
                signed_cells = f" {signed[0]:.1f} | {signed[1]:.1f} | {met} |"
            warm_cells = f"| {name} | {median:.1f} | {p95:.1f} | {floor:.1f} | {ratio:.1f} | {verdict} "
            lines.append(warm_cells + cold_cells + signed_cells)
        return "\n".join(lines) + "\n"

    def verdict(self, name: str, median: float, p95: float, ratio: float) -> str:
        if name.startswith("import"):
            rate = self.import_rows / (median / 1000)
            goal = GOALS["import rows per second"]
            return f"{'met' if rate >= goal else 'missed'}: {rate:,.0f} rows/s (goal {goal:,}; ratio not a goal)"
        misses = [
            label
            for label, missed in (
                ("median", median >= GOALS["median"]),
                ("p95", p95 >= GOALS["p95"]),
                ("ratio", ratio > GOALS["ratio"]),
            )
            if missed
        ]
        return "met" if not misses else "missed: " + ", ".join(misses)

    def write(self, path: Path, size: str, table: str) -> None:
        write_section(path, f"bench:{size}", f"Size `{size}`", f"{_machine()}\n\n{table}")
        self.stdout.write(f"Wrote {path}")


def _p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    database = connection.vendor
    if database == "postgresql":
        database = "PostgreSQL " + _fetch("SHOW server_version")[0][0]
    when = datetime.date.today().isoformat()
    command = "make bench SIZE=<size>" if database.startswith("PostgreSQL") else "manage.py bench"
    return (
        f"Measured {when} on {cpu} ({os.cpu_count()} cores{memory}), {database}, Python "
        f"{platform.python_version()}, Django {django.get_version()}; DEBUG={settings.DEBUG}. "
        f"Server time is in-process (Django's test client: middleware, view, templates, JSON), without the network. "
        f"Reproduce: `{command}`."
    )
