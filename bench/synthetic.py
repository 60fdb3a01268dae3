"""Synthetic data for benchmarks and load tests: labelled, reproducible, removable.

Everything made here is marked so it cannot be mistaken for real figures: areas have
codes 89xxxx (no such GB/T 2260 province exists) and names "合成地区 0001 (synthetic)",
indicators are `syn_0001`…, plans and targets cite the source document "synthetic",
and values say "synthetic" in their source. `remove()` deletes exactly these.

Sizes (areas × indicators × years, a third of the indicators also quarterly):
  tiny      3 × 6 × 4                      (the test suite's smoke run)
  province  130 × 300 × 20, quarterly third  ≈ 1.8 million values
  country   2,900 × 300 × 20, yearly         ≈ 17.4 million values (PostgreSQL)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from districts.models import Area
from gzplan.lib import freshness
from indicators.models import Indicator, Plan, ReportedValue, SourceDocument, Target

SOURCE_KEY = "synthetic"
AREA_PREFIX = "89"
ROOT_CODE = "890000"
INDICATOR_PREFIX = "syn_"
FIRST_YEAR = 2006
TARGETS_PER_PLAN = 30


@dataclass(frozen=True)
class Size:
    areas: int
    indicators: int
    years: int
    quarterly_share: float

    @property
    def quarterly(self) -> int:
        return int(self.indicators * self.quarterly_share)

    @property
    def values(self) -> int:
        return self.areas * (self.indicators * self.years + self.quarterly * self.years * 4)


SIZES = {
    "tiny": Size(3, 6, 4, 1 / 3),
    "province": Size(130, 300, 20, 1 / 3),
    "country": Size(2900, 300, 20, 0.0),
}


def exists() -> bool:
    return SourceDocument.objects.filter(key=SOURCE_KEY).exists()


def _no_statement_timeout() -> None:
    """Millions of rows in one statement take longer than the web's DATABASE_STATEMENT_TIMEOUT: not here."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


def remove(log=print) -> int:
    """Delete every synthetic object (and nothing else); returns how many values went."""
    _no_statement_timeout()
    with transaction.atomic():
        areas = Area.objects.filter(code__startswith=AREA_PREFIX)
        # Millions of rows with no history (they were never edited): one DELETE statement, not
        # Django's delete(), which loads every object to send its signals.
        table = connection.ops.quote_name(ReportedValue._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE area_id IN (SELECT id FROM districts_area WHERE code LIKE %s) "
                f"OR indicator_id IN (SELECT id FROM indicators_indicator WHERE code LIKE %s)",
                [AREA_PREFIX + "%", INDICATOR_PREFIX + "%"],
            )
            values = cursor.rowcount
        Target.objects.filter(source_document__key=SOURCE_KEY).delete()
        Plan.objects.filter(source_document__key=SOURCE_KEY).delete()
        areas.exclude(code=ROOT_CODE).delete()
        areas.delete()
        Indicator.objects.filter(code__startswith=INDICATOR_PREFIX).delete()
        SourceDocument.objects.filter(key=SOURCE_KEY).delete()
    log(f"Removed the synthetic data ({values} values).")
    return values


def generate(size_name: str, seed: int = 1, log=print) -> dict[str, int]:
    """Create the labelled dataset of the named size; refuses if one is already there."""
    size = SIZES[size_name]
    if exists():
        raise ValueError("synthetic data is already loaded: remove it first (synthetic_data --remove)")
    rng = random.Random(seed)
    _no_statement_timeout()
    with transaction.atomic():
        source = SourceDocument.objects.create(
            key=SOURCE_KEY,
            title_en=f"Synthetic data for benchmarks, size {size_name}, seed {seed}: NOT REAL FIGURES",
            title_zh="基准测试合成数据(非真实数据)",
            note="Made by manage.py synthetic_data; removed by manage.py synthetic_data --remove.",
        )
        root = Area.objects.create(
            code=ROOT_CODE, level="province", name_zh="合成省 (synthetic)", name_en="Synthetic province",
            source_document=source,
        )  # fmt: skip
        Area.objects.bulk_create(
            Area(code=f"{AREA_PREFIX}{n:04d}", level="district", parent=root, name_zh=f"合成地区{n:04d} (synthetic)",
                 name_en=f"Synthetic area {n:04d}", source_document=source)
            for n in range(1, size.areas)
        )  # fmt: skip
        areas = list(Area.objects.filter(code__startswith=AREA_PREFIX).order_by("code"))
        measures = ["level", "level", "flow", "share", "growth", "per_capita"]
        Indicator.objects.bulk_create(
            Indicator(code=f"{INDICATOR_PREFIX}{n:04d}", name_zh=f"合成指标{n:04d} (synthetic)",
                      name_en=f"Synthetic indicator {n:04d}", unit_zh="%" if measures[n % 6] in ("share", "growth")
                      else "万", unit_en="%" if measures[n % 6] in ("share", "growth") else "10,000",
                      category="economy", direction="higher", measure=measures[n % 6])
            for n in range(1, size.indicators + 1)
        )  # fmt: skip
        indicators = list(Indicator.objects.filter(code__startswith=INDICATOR_PREFIX).order_by("code"))
        log(f"{len(areas)} areas, {len(indicators)} indicators")
        last_year = FIRST_YEAR + size.years - 1
        start = max(FIRST_YEAR, last_year - 4)
        Plan.objects.bulk_create(
            Plan(code=f"syn-{a.code}-fyp", area=a, kind="five_year", name_zh=f"{a.name_zh}五年规划",
                 name_en=f"{a.name_en} five-year plan", period_start=start, period_end=start + 4,
                 source_document=source)
            for a in areas
        )  # fmt: skip
        plans = {p.area_id: p for p in Plan.objects.filter(source_document=source)}
        targets = []
        for area in areas:
            chosen = rng.sample(indicators, min(TARGETS_PER_PLAN, len(indicators)))
            for position, indicator in enumerate(chosen, start=1):
                share = indicator.measure in ("share", "growth")
                targets.append(
                    Target(plan=plans[area.pk], indicator=indicator, position=position, row=str(position),
                           label_zh=indicator.name_zh, target_year=start + 4, source_document=source,
                           target_value=Decimal(rng.randint(40, 90) if share else rng.randint(500, 5000)),
                           baseline_value=Decimal(rng.randint(20, 40) if share else rng.randint(100, 500)),
                           baseline_year=start - 1, attribute=rng.choice(["binding", "anticipatory"]),
                           target_notation="synthetic")
                )  # fmt: skip
        Target.objects.bulk_create(targets, batch_size=5000)
        log(f"{len(plans)} plans, {len(targets)} targets")
        count = _values(areas, indicators, size, rng, log)
    if connection.vendor == "postgresql":
        # Statistics for the planner, and (outside a transaction) the visibility map that lets
        # count(*) and other index-only scans skip the table, as autovacuum would in time.
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                cursor.execute("ANALYZE")
            else:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(ReportedValue._meta.db_table)}")
    return {"areas": len(areas), "indicators": len(indicators), "targets": len(targets), "values": count}


def _rows(areas, indicators, size: Size, rng: random.Random):
    quarterly = {i.pk for i in indicators[: size.quarterly]}
    source = "synthetic (not real)"
    for area in areas:
        for indicator in indicators:
            share = indicator.measure in ("share", "growth")
            level = rng.uniform(20, 60) if share else rng.uniform(100, 1000)
            drift = rng.uniform(-0.01, 0.06)
            for offset in range(size.years):
                year = FIRST_YEAR + offset
                level = min(99.0, level * (1 + drift / 4)) if share else level * (1 + drift)
                value = Decimal(f"{level:.2f}")
                yield (area.pk, indicator.pk, year, 0, year, year, value, source)
                if indicator.pk in quarterly:
                    for quarter in range(1, 5):
                        yield (area.pk, indicator.pk, year, quarter, year, year, Decimal(f"{level / 4:.2f}"), source)


def _values(areas, indicators, size: Size, rng: random.Random, log) -> int:
    columns = ["area_id", "indicator_id", "year", "quarter", "span_from", "reference_year", "value", "source"]
    count = 0
    if connection.vendor == "postgresql":
        now = timezone.now()
        table = connection.ops.quote_name(ReportedValue._meta.db_table)
        names = ", ".join([*columns, "qualifier", "notation", "status", "note", "version", "created_at", "updated_at"])
        freshness.changed(everything=True)  # COPY goes around the ORM and its signals
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in _rows(areas, indicators, size, rng):
                copy.write_row((*row, "", "", "preliminary", "", 1, now, now))
                count += 1
                if count % 1_000_000 == 0:
                    log(f"{count:,} values")
        return count
    batch = []
    for row in _rows(areas, indicators, size, rng):
        batch.append(ReportedValue(**dict(zip(columns, row, strict=True))))
        if len(batch) == 10_000:
            ReportedValue.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    ReportedValue.objects.bulk_create(batch)
    return count + len(batch)
