"""What the dashboards show, assembled in a fixed number of queries per page.

Each function here returns plain objects for a template: targets with their
verdicts and the figures behind them. The views only pick the objects named in
the URL and call these.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from districts.models import Area
from gzplan.lib import freshness
from indicators.models import Commentary, Plan, PlanKind, Target
from indicators.progress.engine import STATUS_ORDER, STATUSES, Evaluation, Observation, latest_figure
from indicators.progress.evaluation import evaluate_values, observations_by_series

assert sorted(STATUS_ORDER) == sorted(STATUSES)


@dataclass(slots=True)
class TargetRow:
    target: Target
    evaluation: Evaluation
    series: list[Observation]
    city_series: list[Observation] = field(default_factory=list)
    # What the people responsible say about the year judged (原因分析, 下一步措施), if anything.
    commentary: Commentary | None = None

    @property
    def commentary_year(self) -> int:
        """The year commentary is written for: the year the verdict judged, else the plan's first year."""
        return self.evaluation.year or self.target.plan.period_start

    @property
    def latest(self) -> Observation | None:
        """The latest single-year figure within the plan's period, or its baseline (engine.latest_figure)."""
        return latest_figure(self.series, self.target.plan.period_start, self.target.plan.period_end)[0]

    @property
    def latest_is_baseline(self) -> bool:
        return latest_figure(self.series, self.target.plan.period_start, self.target.plan.period_end)[1]


def _sorted(observations) -> list[Observation]:
    return sorted(observations, key=lambda o: (o.year, o.span_from or o.year))


def plan_rows(plan: Plan, city: Area | None = None) -> list[TargetRow]:
    """Every target of the plan in table order, with its verdict and its area's figures.

    Five queries: targets (with indicators), their footnotes, the figures, the engine's fields, the
    commentary. With `city`, the city's figures for the same indicators come along in the same query.
    """
    targets = Target.objects.filter(plan=plan).for_plan_table()
    area_ids = [plan.area_id] + ([city.pk] if city and city.pk != plan.area_id else [])
    freshness.reads(areas=area_ids)  # the page shows these areas' figures only (gzplan.lib.freshness)
    series = observations_by_series(targets, area_ids=area_ids)
    verdicts = evaluate_values(targets, series)
    commentary = commentary_for(Commentary.objects.filter(target__plan=plan))
    rows = []
    for target in targets:
        verdict = verdicts[target.pk]
        rows.append(
            TargetRow(
                target,
                verdict,
                _sorted(series.get((plan.area_id, target.indicator_id), [])),
                _sorted(series.get((city.pk, target.indicator_id), [])) if city and city.pk != plan.area_id else [],
                commentary.get((target.pk, verdict.year)) or commentary.get((target.pk, None)),
            )
        )
    return rows


def commentary_for(commentaries) -> dict[tuple[int, int | None], Commentary]:
    """Commentary by (target id, year), and by (target id, None) the latest of each target: for a verdict
    on a year without commentary of its own, or with no figure yet."""
    found: dict[tuple[int, int | None], Commentary] = {}
    for item in commentaries.order_by("target_id", "year"):
        found[(item.target_id, item.year)] = found[(item.target_id, None)] = item
    return found


@dataclass(slots=True)
class Coverage:
    """How much of a plan is known: targets with a figure, and with one for the latest year reported."""

    total: int
    with_figure: int
    latest_year: int | None
    at_latest: int

    @property
    def without_figure(self) -> int:
        return self.total - self.with_figure


def coverage(rows: list[TargetRow]) -> Coverage:
    """What the rows' figures cover (no query): the latest single-year figure of each target's series."""
    latest = [row.latest for row in rows]
    years = [figure.measured_year for figure in latest if figure is not None]
    newest = max(years, default=None)
    return Coverage(
        total=len(rows),
        with_figure=len(years),
        latest_year=newest,
        at_latest=sum(1 for year in years if year == newest),
    )


def status_counts(rows: list[TargetRow]) -> list[tuple[str, int]]:
    counts = Counter(row.evaluation.status for row in rows)
    return [(status, counts[status]) for status in STATUS_ORDER if counts[status]]


def binding_first(rows: list[TargetRow]) -> list[TargetRow]:
    return sorted(rows, key=lambda row: row.target.attribute != "binding")


def default_plan(plans: list[Plan]) -> Plan | None:
    """The plan a page opens on: the latest five-year plan, else the latest plan of any kind."""
    if not plans:
        return None
    five_year = [p for p in plans if p.kind == PlanKind.FIVE_YEAR]
    return max(five_year or plans, key=lambda p: (p.period_end, p.period_start))


@dataclass(slots=True)
class TableGroup:
    """The parts of one printed row (A/B), and how many table rows its category cell spans: the cell is
    merged over consecutive rows of the same category, as the published table prints it (0: no cell here)."""

    parts: list[TargetRow]
    category_span: int = 0


def table_rows(rows: list[TargetRow]) -> list[TableGroup]:
    """Group the parts of each printed row (A/B) together, in table order; text targets last."""
    grouped: dict[str, list[TargetRow]] = {}
    loose = []
    for row in rows:
        if row.target.row:
            grouped.setdefault(row.target.row, []).append(row)
        else:
            loose.append([row])
    groups = [TableGroup(parts) for parts in [*grouped.values(), *loose]]
    first = None
    for group in groups:
        if first is not None and group.parts[0].target.category_zh == first.parts[0].target.category_zh:
            first.category_span += len(group.parts)
        else:
            first = group
            group.category_span = len(group.parts)
    return groups


def plan_named(plans: list[Plan], code: str | None) -> tuple[Plan | None, bool]:
    """The plan a `?plan=` code names among `plans`, else the default plan among them; and whether the
    code named none of them (the page then says so, and shows the default)."""
    plan = next((p for p in plans if p.code == code), None) if code else None
    return (plan, False) if plan is not None else (default_plan(plans), bool(code))
