"""The entry grid: every indicator an area's plans track in a year, to fill in and save at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from districts.models import Area
from indicators.models import Indicator, Plan, ReportedValue, Target
from indicators.progress.engine import expected_path
from indicators.progress.evaluation import spec_for


@dataclass
class GridRow:
    indicator: Indicator
    target: Target  # the target that puts the indicator in the grid
    last_year: ReportedValue | None
    current: ReportedValue | None
    expected: float | None
    # What the analyst typed, and what is wrong with it, when the form comes back.
    typed: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.current.version if self.current else 0

    @property
    def key(self) -> str:
        return self.indicator.code


def plans_covering(area: Area, year: int) -> list[Plan]:
    return list(Plan.objects.filter(area=area).covering(year).order_by("-period_end", "kind"))


def grid_rows(area: Area, year: int) -> list[GridRow]:
    """One row per indicator the area's plans covering the year set targets for. Three queries."""
    targets = list(
        Target.objects.filter(plan__area=area, plan__period_start__lte=year, plan__period_end__gte=year)
        .select_related("plan", "indicator")
        .order_by("plan__kind", "position", "part")
    )
    by_indicator: dict[int, Target] = {}
    for target in targets:
        chosen = by_indicator.get(target.indicator_id)
        # The target nearest the year: an annual plan's before the five-year plan's.
        if chosen is None or (target.target_year, target.plan.kind != "annual") < (
            chosen.target_year,
            chosen.plan.kind != "annual",
        ):
            by_indicator[target.indicator_id] = target
    values = ReportedValue.objects.filter(
        area=area, indicator_id__in=list(by_indicator), year__in=[year - 1, year], quarter=0
    ).select_related("indicator")
    last: dict[int, ReportedValue] = {}
    current: dict[int, ReportedValue] = {}
    for value in values:
        if value.span_from != value.year:
            continue
        (current if value.year == year else last)[value.indicator_id] = value
    rows: list[GridRow] = []
    for indicator_id, target in by_indicator.items():
        expected: float | None = None
        if not target.is_cumulative and not target.is_annual_average:
            path = dict(expected_path(spec_for(target)))
            expected = path.get(year)
        rows.append(GridRow(target.indicator, target, last.get(indicator_id), current.get(indicator_id), expected))
    rows.sort(key=lambda r: (r.target.plan.kind != "annual", r.target.position, r.target.part))
    return rows


def jump_too_large(last: Decimal | None, new: Decimal) -> float | None:
    """The relative change on last year when it exceeds the threshold (GZPLAN_JUMP_THRESHOLD)."""
    if last is None or last == 0:
        return None
    change = float((new - last) / abs(last))
    return change if abs(change) > settings.GZPLAN_JUMP_THRESHOLD else None
