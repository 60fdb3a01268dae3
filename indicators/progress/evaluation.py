"""Evaluate targets from the database with the progress engine, in bulk.

`evaluate_values()` takes any queryset of targets (a plan's, an area's, all) and
issues two queries whatever its size: the fields the engine reads, and every
annual figure the targets need (their own indicator, the indicator a linked
target moves with, the level behind a growth rate). `evaluate_targets()` adds a
third, for the target objects pages display beside their verdicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connections
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils import timezone

from indicators.models import Indicator, ReportedValue, Target
from indicators.progress.engine import Evaluation, Observation, TargetSpec, evaluate, period_closed


@dataclass(slots=True)
class TargetEvaluation:
    target: Target
    evaluation: Evaluation


# The fields the engine reads, as `values()` names: one query fetches them for any number of targets.
SPEC_FIELDS = {
    "target_year": "target_year",
    "period_start": "plan__period_start",
    "target_value": "target_value",
    "comparator": "comparator",
    "direction": "indicator__direction",
    "measure": "indicator__measure",
    "baseline_value": "baseline_value",
    "baseline_year": "baseline_year",
    "cumulative": "is_cumulative",
    "annual_average": "is_annual_average",
    "assessment": "assessment",
    "assessment_source": "assessment_source",
    "tolerance": "tolerance",
    "linked_relation": "linked_relation",
    "notation": "target_notation",
    "planning_scale": "is_planning_scale",
}
KEY_FIELDS = ["id", "plan__area_id", "indicator_id", "linked_indicator_id", "indicator__growth_of_id", "assigned_by"]


def _spec(row: dict, current_year: int) -> TargetSpec:
    return TargetSpec(
        **{name: row[field] for name, field in SPEC_FIELDS.items()},
        linked=row["linked_indicator_id"] is not None,
        assigned=bool(row["assigned_by"]),
        assigned_by=row["assigned_by"],
        closed=period_closed(row["target_year"], current_year),
    )


def current_year() -> int:
    """The year verdicts are judged in (the local date's), which decides which periods are closed."""
    return timezone.localdate().year


def spec_for(target: Target, year: int | None = None) -> TargetSpec:
    """The engine's view of one target (its plan and indicator loaded), judged in `year` (default: this year)."""
    row = {field: _attribute(target, field) for field in [*SPEC_FIELDS.values(), *KEY_FIELDS]}
    return _spec(row, year or current_year())


def _attribute(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def observations_by_series(targets, area_ids=None, before: int | None = None) -> dict[tuple, list[Observation]]:
    """Every annual figure the targets need, grouped by (area id, indicator id): one query.

    The figures of each target's area for its indicator, the indicator a linked target
    moves with, and the level behind a growth rate; selected with subqueries on the
    targets' own query rather than lists of ids, which grow with the plan. `area_ids`
    widens the areas (a district page also shows the city's figures). `before` keeps the figures of
    earlier years only: what was known when a report of that year was written.
    """
    needed = targets.order_by()
    areas = needed.values("plan__area_id") if area_ids is None else area_ids
    rows = (
        ReportedValue.objects.order_by()
        # One subquery (a UNION), not three ORed: then the unique index takes both the area and the
        # indicator, instead of every figure of each area being read and filtered (100 ms → 1 ms).
        .filter(
            quarter=0,
            area_id__in=areas,
            indicator_id__in=needed.values("indicator_id").union(
                needed.values("linked_indicator_id"), needed.values("indicator__growth_of_id")
            ),
        )
        # The engine computes in floats: casting in SQL skips building a Decimal per figure.
        .filter(**({"year__lt": before} if before else {}))
        .annotate(number=Cast("value", FloatField()))
        # In Observation's order: each row after the two keys is an Observation's fields.
        .values_list("area_id", "indicator_id", "year", "number", "span_from", "reference_year", "qualifier", "status")
    )
    series: dict[tuple, list[Observation]] = defaultdict(list)
    # Run the compiled query on a plain cursor: 200,000 figures through the ORM's per-row
    # converters cost more than the engine's whole evaluation.
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        for area_id, indicator_id, *figure in cursor.fetchall():
            series[(area_id, indicator_id)].append(Observation(*figure))
    return series


def indicators_behind(indicator: int | None) -> Iterator[int]:
    """The indicators whose figures the verdicts on an indicator's targets read: its own, the level
    behind a growth rate, and the indicators its linked targets move with. Lazy: nothing is queried
    until it is iterated (freshness.reads iterates only for a read it caches)."""
    if indicator is None:
        return
    yield indicator
    yield from Indicator.objects.filter(pk=indicator).exclude(growth_of=None).values_list("growth_of_id", flat=True)
    yield from (
        Target.objects.filter(indicator_id=indicator)
        .exclude(linked_indicator=None)
        .values_list("linked_indicator_id", flat=True)
        .distinct()
    )


def evaluate_values(
    targets, series: dict[tuple, list[Observation]] | None = None, year: int | None = None
) -> dict[int, Evaluation]:
    """The verdict of every target of the queryset, by target id: two queries whatever its size.

    Pass `series` (from observations_by_series) when the page has fetched the figures already, and
    `year` to judge as in that year (which periods had closed; pass figures `before` it too).
    """
    if series is None:
        series = observations_by_series(targets, before=year)
    rows = targets.order_by().values(*SPEC_FIELDS.values(), *KEY_FIELDS)
    verdicts = {}
    year = year or current_year()
    for row in rows:
        area = row["plan__area_id"]
        verdicts[row["id"]] = evaluate(
            _spec(row, year),
            series.get((area, row["indicator_id"]), ()),
            linked_series=series.get((area, row["linked_indicator_id"]), ()),
            level_series=series.get((area, row["indicator__growth_of_id"]), ()),
        )
    return verdicts


def evaluate_targets(targets) -> list[TargetEvaluation]:
    """Each target of the queryset, as a model with its plan and indicator, and its verdict: three queries."""
    objects = list(targets.select_related("plan", "indicator"))
    verdicts = evaluate_values(targets)
    return [TargetEvaluation(t, verdicts[t.pk]) for t in objects]
