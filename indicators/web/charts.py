"""The charts' ECharts options, computed here from plain values so that tests can hold them to the rules.

The page scripts only hand these options to ECharts. The rules (issue 19, "honest charts"):

- a city and its districts never share one value axis: each level of area gets a panel of its own
  (small multiples), its axis named after the area or level;
- level and share axes start at zero (no break is ever drawn) and share axes stop at 100; growth and
  reduction axes include zero; no axis is zoomed in to the spread of the figures;
- every year between the first and the last is on the year axis, and a year without a figure is a gap
  (a null point, lines not joined across it);
- every figure is drawn at the year it measures (its reference year);
- the plan's path runs from the baseline to the target year and no further, and every time series
  shows the target (a point, a line for an annual average, or a sentence for a period total);
- a chart with fewer than two figures is not drawn: a sentence says what there is;
- the map's legend gives the values and a sentence says how many districts have a figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from gzplan.lib.numbers import fmt
from indicators.progress.engine import Observation

# Measures whose panels share their bounds, so that a district and its city can be compared by eye.
COMPARABLE = {"share", "growth", "reduction"}

AREA_COLOUR, CITY_COLOUR, PATH_COLOUR, TARGET_COLOUR, ANTICIPATED_COLOUR = (
    "#1d4e89",
    "#7a5c00",
    "#5f6b7a",
    "#0a7d4f",
    "#b23b00",
)
# The map's classes, lightest to darkest: darker is better, whichever way the indicator runs.
RAMP = ["#b9cce6", "#7f9fcf", "#4f7bb5", "#1d4e89"]
NO_DATA = "#f2f2f2"  # lighter than the lightest class: a district without a figure is not a low figure

# Layout, in pixels: the legend on top, then one panel per area level, each with its year labels.
TOP, PANEL, PANEL_GAP, BOTTOM = 48, 120, 56, 24
TICKS = 4  # at most four intervals on a value axis


def unit_of(indicator) -> str:
    """An indicator's unit in the page's language (its unit_en and unit_zh)."""
    english = (get_language() or "").startswith("en")
    return (indicator.unit_en if english else "") or indicator.unit_zh


def named(name: str, unit: str) -> str:
    """An axis's name: whose figures, in what unit."""
    return _("%(name)s (%(unit)s)") % {"name": name, "unit": unit} if unit else name


def nice_step(span: float) -> float:
    """The round step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into at most four intervals."""
    if span <= 0:
        return 1.0
    raw = span / TICKS
    power = 10 ** math.floor(math.log10(raw))
    return next(round(step * power, 12) for step in (1, 2, 2.5, 5, 10) if step * power >= raw * (1 - 1e-9))


def axis_bounds(values: Iterable[float], measure: str) -> tuple[float, float]:
    """An axis's (min, max) for these figures: from zero (below it only for negative figures, a falling
    rate) to the round step at or above the highest; a share's axis stops at 100. Whatever is measured,
    the axis includes zero: no axis zoomed in to 6.498–6.522."""
    numbers = [v for v in values if v is not None]
    high = max([0.0, *numbers])
    low = min([0.0, *numbers])
    if high == low:
        high = 100.0 if measure == "share" else 1.0
    step = nice_step(high - low)
    top = math.ceil(high / step - 1e-9) * step
    bottom = math.floor(low / step + 1e-9) * step
    if measure == "share":
        top = min(top, 100.0)
    return round(bottom, 12) + 0.0, round(top, 12)


def value_axis(values: Iterable[float], measure: str, name: str, grid: int = 0, bounds=None) -> dict:
    low, high = bounds or axis_bounds(values, measure)
    axis = {
        "type": "value",
        "gridIndex": grid,
        "min": low,
        "max": high,
        "scale": False,
        "name": name,
        "nameTextStyle": {"align": "left", "fontSize": 10},
    }
    step = nice_step(high - low)
    if abs((high - low) / step - round((high - low) / step)) < 1e-9:
        axis["interval"] = step  # ticks at round numbers, the last one at the axis's end
    return axis


def by_measured_year(observations: Iterable[Observation]) -> dict[int, float]:
    """One figure per year it measures, from the single-year figures; a later report of the same year wins."""
    found: dict[int, float] = {}
    for o in sorted(observations, key=lambda o: (o.year, o.span_from or o.year)):
        if o.is_single_year:
            found[o.measured_year] = float(o.value)
    return found


def year_range(*years: Iterable[int]) -> list[int]:
    every = [y for group in years for y in group]
    return list(range(min(every), max(every) + 1)) if every else []


def with_gaps(figures: dict[int, float], years: Sequence[int]) -> list[list]:
    """[year, value] for every year of the axis, value None where there is no figure (a gap)."""
    return [[str(year), figures.get(year)] for year in years]


def years_axis(years: Sequence[int], grid: int = 0) -> dict:
    return {"type": "category", "gridIndex": grid, "data": [str(y) for y in years], "boundaryGap": True}


def grids(count: int) -> list[dict]:
    return [
        {"left": 56, "right": 16, "top": TOP + i * (PANEL + PANEL_GAP), "height": PANEL, "containLabel": False}
        for i in range(count)
    ]


def height(panels: int) -> int:
    return TOP + panels * PANEL + (panels - 1) * PANEL_GAP + BOTTOM


def line(series_id: str, name: str, data: list, colour: str, grid: int = 0, **extra) -> dict:
    return {
        "id": series_id,
        "name": name,
        "type": "line",
        "data": data,
        "connectNulls": False,
        "xAxisIndex": grid,
        "yAxisIndex": grid,
        "color": colour,
        "symbolSize": 6,
        **extra,
    }


def base_options(panels: int) -> dict:
    return {
        "animation": False,
        "aria": {"enabled": True},
        "legend": {"top": 0, "type": "scroll", "textStyle": {"fontSize": 11}, "itemWidth": 14},
        "tooltip": {"trigger": "axis"},
        "grid": grids(panels),
    }


def nothing_yet() -> str:
    return _("No area has a figure of this indicator yet.")


def too_few(figures: dict[int, float], where: str = "") -> str:
    """The sentence that replaces a chart of fewer than two figures."""
    if not figures:
        return _("No figure reported yet, so there is no chart.")
    (year, value), *_rest = figures.items()
    if where:
        return _("Only one figure so far (%(where)s, %(year)s: %(value)s); a chart needs two.") % {
            "where": where,
            "year": year,
            "value": fmt(value),
        }
    return _("Only one figure so far (%(year)s: %(value)s); a chart needs two.") % {"year": year, "value": fmt(value)}


@dataclass
class PlanTarget:
    """What a chart shows of a target: the baseline and the target as points, or as a sentence."""

    target_year: int
    target: float | None = None  # a level to reach in the target year
    baseline_year: int | None = None
    baseline: float | None = None
    average: float | None = None  # an annual average to keep over average_from–target_year
    average_from: int | None = None
    text: str = ""  # the target in words, when it cannot be drawn on a year axis (a period total)


@dataclass
class Chart:
    """A chart's options for ECharts, or the sentence that stands in for it."""

    id: str
    options: dict | None = None
    sentence: str = ""
    notes: list[str] = field(default_factory=list)
    height: int = 0
    name: str = ""  # what the chart's caption names (an indicator), and its unit as stored
    unit: str = ""

    def as_json(self) -> dict:
        return {"id": self.id, "options": self.options}


def area_chart(
    chart_id: str,
    *,
    measure: str,
    unit: str,
    area: str,
    figures: Iterable[Observation],
    plan_target: PlanTarget | None = None,
    anticipated: tuple[int, float] | None = None,
    city: str = "",
    city_figures: Iterable[Observation] = (),
) -> Chart:
    """One indicator of a plan: the area's figures, the plan's path and target, and the city's figures in a
    panel of their own below."""
    own = by_measured_year(figures)
    if len(own) < 2:
        return Chart(chart_id, sentence=too_few(own))
    city_own = by_measured_year(city_figures) if city else {}
    target = plan_target or PlanTarget(target_year=max(own))
    path = (
        [[str(target.baseline_year), target.baseline], [str(target.target_year), target.target]]
        if target.baseline is not None and target.baseline_year is not None and target.target is not None
        else []
    )
    years = year_range(
        own,
        city_own,
        [target.target_year],
        [target.baseline_year] if path and target.baseline_year is not None else [],
        [anticipated[0]] if anticipated else [],
    )
    labelled = named(area, unit)
    series = [line("area", area, with_gaps(own, years), AREA_COLOUR, lineStyle={"width": 2})]
    drawn = list(own.values())
    if path:
        series.append(
            line(
                "path",
                _("Path to target"),
                path,
                PATH_COLOUR,
                symbol="none",
                lineStyle={"type": "dashed", "width": 1},
                tooltip={"show": False},
            )
        )
        drawn += [target.baseline or 0.0, target.target or 0.0]
    if target.target is not None:
        series.append(
            {
                "id": "target",
                "name": _("Target"),
                "type": "scatter",
                "data": [[str(target.target_year), target.target]],
                "symbol": "diamond",
                "symbolSize": 11,
                "color": TARGET_COLOUR,
            }
        )
        drawn.append(target.target)
    if target.average is not None:
        start = target.average_from or years[0]
        series.append(
            line(
                "target-average",
                _("Target: annual average"),
                [[str(start), target.average], [str(target.target_year), target.average]],
                TARGET_COLOUR,
                symbol="none",
                lineStyle={"type": "dashed", "width": 1.5},
            )
        )
        drawn.append(target.average)
    if anticipated is not None:
        series.append(
            {
                "id": "anticipated",
                "name": _("At current pace"),
                "type": "scatter",
                "data": [[str(anticipated[0]), anticipated[1]]],
                "symbol": "triangle",
                "symbolSize": 9,
                "color": ANTICIPATED_COLOUR,
            }
        )
        drawn.append(anticipated[1])
    panels = 2 if city_own else 1
    options = base_options(panels)
    options["xAxis"] = [years_axis(years, grid) for grid in range(panels)]
    if city_own:
        # A level is read on its own axis in each panel; rates are compared on the same bounds.
        shared = axis_bounds(drawn + list(city_own.values()), measure) if measure in COMPARABLE else None
        options["yAxis"] = [
            value_axis(drawn, measure, labelled, 0, shared),
            value_axis(city_own.values(), measure, named(city, unit), 1, shared),
        ]
        series.append(
            line(
                "city",
                city,
                with_gaps(city_own, years),
                CITY_COLOUR,
                grid=1,
                symbol="rect",
                symbolSize=5,
                lineStyle={"type": "dotted"},
            )
        )
    else:
        options["yAxis"] = [value_axis(drawn, measure, labelled)]
    options["series"] = series
    notes = [target.text] if target.text else []
    return Chart(chart_id, options=options, notes=notes, height=height(panels))


@dataclass
class AreaFigures:
    """An area's figures on the indicator page: its name, its level and its latest target, if drawable."""

    code: str
    name: str
    level: str
    figures: dict[int, float]  # measured year → value
    target: tuple[int, float] | None = None


def timeseries_chart(
    chart_id: str, *, measure: str, unit: str, areas: Sequence[AreaFigures], level_names: dict[str, str]
) -> Chart:
    """Every area's figures over the years, one panel per level of area (the city apart from its districts),
    each area's target marked at its year."""
    total = sum(len(a.figures) for a in areas)
    if total < 2:
        only = next((a for a in areas if a.figures), None)
        return Chart(chart_id, sentence=too_few(only.figures if only else {}, only.name if only else ""))
    drawn = [a for a in areas if a.figures]
    levels = list(dict.fromkeys(a.level for a in drawn))
    years = year_range(*(a.figures for a in drawn), [a.target[0] for a in drawn if a.target])
    options = base_options(len(levels))
    options["xAxis"] = [years_axis(years, grid) for grid in range(len(levels))]
    axes, series = [], []
    for grid, level in enumerate(levels):
        members = [a for a in drawn if a.level == level]
        values = [v for a in members for v in a.figures.values()] + [a.target[1] for a in members if a.target]
        # A panel of one area is named after it, one of several after their level.
        name = members[0].name if len(members) == 1 else level_names.get(level, level)
        axes.append(value_axis(values, measure, named(name, unit), grid))
        for a in members:
            item = line(a.code, a.name, with_gaps(a.figures, years), "", grid)
            del item["color"]  # the palette's colours, one per area
            if a.target:
                item["markPoint"] = {
                    "symbol": "diamond",
                    "symbolSize": 12,
                    "label": {"show": False},
                    "data": [{"name": _("Target"), "coord": [str(a.target[0]), a.target[1]], "value": a.target[1]}],
                }
            series.append(item)
    options["yAxis"] = axes
    options["series"] = series
    return Chart(chart_id, options=options, height=height(len(levels)))


def _pieces(values: list[float], direction: str) -> list[dict]:
    """The map legend's classes: four of equal width from the lowest figure to the highest, each labelled
    with its values, darkest for the best."""
    low, high = min(values), max(values)
    colours = RAMP if direction != "lower" else RAMP[::-1]
    if low == high:
        return [{"min": low, "max": high, "label": fmt(low), "color": colours[-1 if direction != "lower" else 0]}]
    step = (high - low) / len(RAMP)
    bounds = [low + i * step for i in range(len(RAMP))] + [high]
    pieces = []
    for i, colour in enumerate(colours):
        piece = {"gte": bounds[i], "label": f"{fmt(bounds[i])}–{fmt(bounds[i + 1])}", "color": colour}
        piece["lte" if i == len(RAMP) - 1 else "lt"] = bounds[i + 1]
        pieces.append(piece)
    return pieces[::-1]  # the highest on top


def map_chart(
    chart_id: str, *, year: int | None, unit: str, direction: str, districts: Sequence[tuple[str, str, float | None]]
) -> Chart:
    """The districts coloured by their figure for `year` ((code, name, value) each); a legend of the classes
    with their values, and a sentence counting the districts with a figure."""
    values = [value for _code, _name, value in districts if value is not None]
    numbers = {"count": len(values), "total": len(districts), "year": year}
    if year is None:
        return Chart(chart_id, sentence=nothing_yet())
    if len(values) < 2:
        sentence = ngettext(
            "%(count)s of %(total)s district has a figure for %(year)s. A map needs at least two; the table "
            "below has every figure.",
            "%(count)s of %(total)s districts have a figure for %(year)s. A map needs at least two; the table "
            "below has every figure.",
            len(districts),
        )
        return Chart(chart_id, sentence=sentence % numbers)
    count = ngettext(
        "%(count)s of %(total)s district has a figure for %(year)s; the others are left blank.",
        "%(count)s of %(total)s districts have a figure for %(year)s; the others are left blank.",
        len(districts),
    )
    data = []
    for code, name, value in districts:
        item: dict = {
            "name": code,
            "label": {"formatter": name},
            "tooltip": {
                "formatter": escape(
                    _("%(name)s: %(value)s") % {"name": name, "value": fmt(value) if value is not None else "–"}
                )
            },
        }
        if value is not None:
            item["value"] = value
        data.append(item)
    legend: dict = {"type": "piecewise", "pieces": _pieces(values, direction), "left": 0, "bottom": 0}
    legend["showLabel"] = True  # each class with its values (ECharts hides them when `text` is set)
    legend["textStyle"] = {"fontSize": 11}
    if unit:
        legend["text"] = [unit, ""]
    options = {
        "animation": False,
        "aria": {"enabled": True},
        "tooltip": {"trigger": "item"},
        "visualMap": legend,
        "series": [
            {
                "id": "districts",
                "type": "map",
                "map": "guangzhou",
                "nameProperty": "code",
                "roam": False,
                "label": {"show": True, "fontSize": 10},
                "itemStyle": {"borderColor": "#9aa4b1", "areaColor": NO_DATA},
                "data": data,
            }
        ],
    }
    return Chart(chart_id, options=options, notes=[count % numbers])


def ranking_chart(
    chart_id: str,
    *,
    year: int | None,
    measure: str,
    unit: str,
    direction: str,
    districts: Sequence[tuple[str, str, float | None]],
) -> Chart:
    """The districts with a figure for `year`, best on top, on an axis from zero."""
    ranked = sorted(
        ((name, value) for _code, name, value in districts if value is not None),
        key=lambda item: item[1],
        reverse=direction == "lower",
    )
    if year is None:
        return Chart(chart_id, sentence=nothing_yet())
    if len(ranked) < 2:
        return Chart(
            chart_id,
            sentence=_("Fewer than two districts have a figure for %(year)s, so there is no ranking.") % {"year": year},
        )
    options = {
        "animation": False,
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "grid": [{"left": 90, "right": 48, "top": 24, "bottom": 24}],
        "xAxis": [{**value_axis([v for _n, v in ranked], measure, unit), "nameTextStyle": {"fontSize": 10}}],
        "yAxis": [{"type": "category", "data": [name for name, _v in ranked]}],
        "series": [
            {
                "id": "ranking",
                "type": "bar",
                "data": [value for _n, value in ranked],
                "color": AREA_COLOUR,
                "label": {"show": True, "position": "right", "fontSize": 10},
            }
        ],
    }
    height_px = max(160, 24 * len(ranked) + 48)
    return Chart(chart_id, options=options, height=height_px)


@dataclass
class Sparkline:
    """A scorecard row's small line, in the SVG's coordinates: runs of consecutive years (a missing year
    breaks the line), the target, on a vertical scale from zero as the charts' axes."""

    width: int
    height: int
    runs: list[list[tuple[float, float]]]
    years: list[int]  # the years drawn, in order
    target: tuple[float, float] | None = None
    average: tuple[tuple[float, float], tuple[float, float]] | None = None

    @property
    def last(self) -> tuple[float, float]:
        return self.runs[-1][-1]


def sparkline(
    figures: Iterable[Observation],
    *,
    measure: str,
    plan_target: PlanTarget | None = None,
    width: int = 96,
    height: int = 24,
) -> Sparkline | None:
    """None for fewer than two figures (the page says so in words)."""
    own = by_measured_year(figures)
    if len(own) < 2:
        return None
    target = plan_target or PlanTarget(target_year=max(own))
    first = min([*own, *([target.average_from] if target.average is not None and target.average_from else [])])
    last = max([*own, target.target_year])
    low, high = axis_bounds(
        [*own.values(), *[v for v in (target.target, target.average) if v is not None]],
        measure,
    )

    def at(year: int, value: float) -> tuple[float, float]:
        x = 3 + (year - first) / ((last - first) or 1) * (width - 6)
        y = height - 3 - (min(value, high) - low) / ((high - low) or 1) * (height - 6)
        return (round(x, 1), round(y, 1))

    runs: list[list[tuple[float, float]]] = []
    previous = None
    for year in sorted(own):
        if previous is None or year != previous + 1:
            runs.append([])
        runs[-1].append(at(year, own[year]))
        previous = year
    return Sparkline(
        width,
        height,
        runs,
        sorted(own),
        at(target.target_year, target.target) if target.target is not None else None,
        (at(first, target.average), at(target.target_year, target.average)) if target.average is not None else None,
    )
