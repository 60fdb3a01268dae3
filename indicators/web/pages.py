"""Dashboards: the city scorecard, the plan table, the indicator across districts, and their downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from districts.models import Area
from gzplan.lib import freshness
from gzplan.lib.bilingual import as_printed, safe_format
from gzplan.lib.notices import quoted
from indicators.models import Indicator, Plan, ReportedValue, Target
from indicators.progress.evaluation import current_year, evaluate_values, indicators_behind
from indicators.spreadsheets import writing as exports
from indicators.web import charts, dashboards


def _plans_near(plan: Plan | None, areas: list[Area] | None = None) -> list[tuple[Area, list[Plan]]]:
    """The plans the plan switch offers, grouped by area: those of the plan's area, its parent, its
    neighbours and its districts (Area.neighbourhood, or `areas`), not every plan of a country."""
    if plan is None:
        return []
    groups: dict[int, tuple[Area, list[Plan]]] = {area.pk: (area, []) for area in areas or plan.area.neighbourhood()}
    for near in Plan.objects.filter(area_id__in=list(groups)).order_by("-period_end", "kind"):
        groups[near.area_id][1].append(near)
    return [group for group in groups.values() if group[1]]


def scorecard(request: HttpRequest) -> HttpResponse:
    """Home: one plan at a glance, by default the city's latest five-year plan.

    An unknown `?plan=` shows the default plan with a notice saying so, not an error page (the notice is
    part of the page, so the answer may be cached for its address like any other)."""
    code = request.GET.get("plan")
    plans = Plan.objects.select_related("area")
    plan = plans.filter(code=code).first() if code else None
    notices = []
    if code and plan is None:
        notices.append(_("There is no plan “%(code)s”: the default plan is shown.") % {"code": quoted(code)})
    if plan is None:
        plan = dashboards.default_plan(list(plans.filter(area__level=Area.Level.CITY)) or list(plans))
    rows = dashboards.binding_first(dashboards.plan_rows(plan)) if plan else []
    areas = plan.area.neighbourhood() if plan else []
    return render(
        request,
        "indicators/scorecard.html",
        {
            "plan": plan,
            "rows": rows,
            "counts": dashboards.status_counts(rows),
            "coverage": dashboards.coverage(rows),
            "plans_by_area": _plans_near(plan, areas),
            "areas": areas,  # the district switch
            "notices": notices,
        },
    )


def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The plan's indicator table as published, with the latest figure and verdict beside each row."""
    plan = get_object_or_404(Plan.objects.select_related("area", "source_document"), code=code)
    rows = dashboards.plan_rows(plan)
    return render(
        request,
        "indicators/plan.html",
        {
            "plan": plan,
            "table": dashboards.table_rows(rows),
            "has_baseline": any(r.target.baseline_notation for r in rows),
            "counts": dashboards.status_counts(rows),
            "notes": plan.notes.all(),
            "plans_by_area": _plans_near(plan),
            "reports": plan.reports(current_year()) if rows else [],  # a plan without targets has nothing to evaluate
        },
    )


def plan_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("area"), code=code)
    return exports.plan_table_xlsx(plan, dashboards.plan_rows(plan))


def indicator_index(request: HttpRequest) -> HttpResponse:
    indicators = Indicator.objects.order_by("category", "code")
    return render(request, "indicators/indicator_index.html", {"indicators": indicators})


def downloads(request: HttpRequest) -> HttpResponse:
    """Every download in one place: each indicator's figures and each plan's table as files, everything at
    once (signed in), and the API for programs (JSON, CSV, SDMX)."""
    return render(
        request,
        "indicators/downloads.html",
        {
            "indicators": Indicator.objects.order_by("category", "code"),
            "plans": Plan.objects.select_related("area").order_by("area__level", "area__code", "-period_end", "kind"),
        },
    )


# The page's list of every figure stops here (a province has thousands); the downloads have them all.
ALL_VALUES_SHOWN = 100


class Figure(NamedTuple):
    """One yearly figure, as the indicator page's table and chart need it (no model object)."""

    area_id: int
    year: int
    span_from: int
    reference_year: int  # the year it measures, which the charts draw it at
    value: Decimal
    status: str  # preliminary, final or revised, as reported


# Areas per page of the indicator page: a province's 142 on one page, a country's 2,900 in pages.
AREAS_PER_PAGE = 200


MAX_PAGE = 1_000_000  # far beyond any country's areas; larger numbers would overflow the query


@dataclass
class _AreaPage:
    """A page of the areas, in one query (no count of all areas): the links say "previous" and "next"."""

    number: int
    areas: list[Area]
    has_next: bool

    @classmethod
    def of(cls, number_text: str | None) -> tuple[_AreaPage, str | None]:
        """The page `?page=` asks for; a page that is not there: the first, with a notice saying so."""
        try:
            number = int(number_text or 1)
        except ValueError:
            number = 0
        page = cls.numbered(number) if 1 <= number <= MAX_PAGE else None
        if page is not None:
            return page, None
        notice = _("There is no page “%(page)s” of areas: the first page is shown.") % {
            "page": quoted(number_text or "")
        }
        return cls.numbered(1) or cls(1, [], False), notice

    @classmethod
    def numbered(cls, number: int) -> _AreaPage | None:
        start = (number - 1) * AREAS_PER_PAGE
        areas = list(Area.objects.order_by("level", "code")[start : start + AREAS_PER_PAGE + 1])
        if not areas and number > 1:
            return None
        return cls(number, areas[:AREAS_PER_PAGE], len(areas) > AREAS_PER_PAGE)

    has_previous = property(lambda self: self.number > 1)
    has_other_pages = property(lambda self: self.has_next or self.has_previous)
    previous_page_number = property(lambda self: self.number - 1)
    next_page_number = property(lambda self: self.number + 1)
    start_index = property(lambda self: (self.number - 1) * AREAS_PER_PAGE + 1)
    end_index = property(lambda self: (self.number - 1) * AREAS_PER_PAGE + len(self.areas))


def _indicator_page_data(indicator: Indicator, areas: list[Area]):
    """The indicator's yearly figures in the given areas, and each one's verdict on its latest plan's target."""
    ids = [area.pk for area in areas]
    figures = [
        Figure(*row)
        for row in ReportedValue.objects.filter(indicator=indicator, quarter=0, area_id__in=ids)
        .order_by("year", "span_from")
        .values_list("area_id", "year", "span_from", "reference_year", "value", "status")
    ]
    # Every plan's targets for the indicator, in one query: the metadata lists them all, the table the page's.
    all_targets = list(
        Target.objects.filter(indicator=indicator)
        .select_related("plan__area", "linked_indicator")
        .order_by("plan__area__level", "plan__area__code", "-plan__period_end", "plan__kind", "target_year", "part")
    )
    on_page = set(ids)
    target_list = [target for target in all_targets if target.plan.area_id in on_page]
    targets = Target.objects.filter(indicator=indicator, plan__area_id__in=ids)
    verdicts = evaluate_values(targets) if target_list else {}
    latest_target: dict[int, Target] = {}
    for target in target_list:
        current = latest_target.get(target.plan.area_id)
        if current is None or (target.target_year, target.plan.period_start) > (
            current.target_year,
            current.plan.period_start,
        ):
            latest_target[target.plan.area_id] = target
    return figures, latest_target, verdicts, all_targets


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("metadata_source"), code=code)
    freshness.reads(indicators=indicators_behind(indicator.pk))  # before the figures are read
    figures_of_indicator = ReportedValue.objects.filter(indicator=indicator, quarter=0)
    by_year = (
        figures_of_indicator.order_by()
        .values("year")
        .annotate(figures=Count("id"), single_years=Count("id", filter=Q(span_from=F("year"))))
    )
    years = sorted(row["year"] for row in by_year if row["single_years"])
    values_count = sum(row["figures"] for row in by_year)
    # A year that is not one, or has no figures: the latest year, with a notice (not an error page).
    notices = []
    year = years[-1] if years else None
    asked = request.GET.get("year", "").strip()
    if asked:
        try:
            asked_year: int | None = int(asked)
        except ValueError:
            asked_year = None
        if asked_year is None:
            notices.append(_("“%(year)s” is not a year: the latest year with figures is shown.")
                           % {"year": quoted(asked)})  # fmt: skip
        elif asked_year in years:
            year = asked_year
        else:
            notices.append(_("There are no figures of this indicator for %(year)s: the latest year with figures "
                             "is shown.") % {"year": quoted(asked)})  # fmt: skip
    page, page_notice = _AreaPage.of(request.GET.get("page"))
    if page_notice:
        notices.append(page_notice)
    areas = page.areas
    figures, latest_target, verdicts, plan_targets = _indicator_page_data(indicator, areas)
    by_area: dict[int, list[Figure]] = {area.pk: [] for area in areas}
    for figure in figures:
        by_area[figure.area_id].append(figure)
    table, series = [], []
    for area in areas:
        area_figures = by_area[area.pk]
        singles = [f for f in area_figures if f.span_from == f.year]
        target = latest_target.get(area.pk)
        table.append(
            {
                "area": area,
                # The figure measuring the year chosen (as the map's), and the latest: its year is the one it measures.
                "at_year": next((f for f in singles if f.reference_year == year), None),
                "latest": max(singles, key=lambda f: (f.reference_year, f.year)) if singles else None,
                "target": target,
                "evaluation": verdicts.get(target.pk) if target else None,
                "count": len(area_figures),
            }
        )
        series.append(
            charts.AreaFigures(
                area.code,
                area.name,
                area.level,
                {f.reference_year: float(f.value) for f in singles},  # later reports of a year win
                _drawn_target(target),
            )
        )
    unit = charts.unit_of(indicator)
    # The map and the ranking: each district's figure measuring the year chosen.
    measured = {s.code: s.figures.get(year) if year is not None else None for s in series}
    districts = [(a.code, a.name, measured[a.code]) for a in areas if a.level == Area.Level.DISTRICT]
    level_names = {
        str(Area.Level.PROVINCE): _("Provinces"),
        str(Area.Level.CITY): _("Cities"),
        str(Area.Level.DISTRICT): _("Districts"),
    }
    shown = {
        "map": charts.map_chart("map", year=year, unit=unit, direction=indicator.direction, districts=districts),
        "ranking": charts.ranking_chart(
            "ranking",
            year=year,
            measure=indicator.measure,
            unit=unit,
            direction=indicator.direction,
            districts=districts,
        ),
        "timeseries": charts.timeseries_chart(
            "timeseries", measure=indicator.measure, unit=unit, areas=series, level_names=level_names
        ),
    }
    shown["timeseries"].notes += [
        safe_format(
            _("%(area)s: target for %(year)s %(target)s (not a figure of one year, so not drawn)."),
            area=row["area"].name,
            year=row["target"].target_year,
            target=as_printed(row["target"].target_notation),
        )
        for row in table
        if row["target"] is not None and row["target"].target_notation and _drawn_target(row["target"]) is None
    ]
    # The listing of every figure: the first ones only, as model objects (period labels, statuses).
    listed = list(
        figures_of_indicator.select_related("area").order_by("area__code", "year", "span_from")[:ALL_VALUES_SHOWN]
    )
    return render(
        request,
        "indicators/indicator.html",
        {
            "indicator": indicator,
            "table": table,
            "years": years,
            "year": year,
            "charts": shown,
            "chart_data": [chart.as_json() for chart in shown.values() if chart.options],
            "page": page,
            "values": listed,
            "values_count": values_count,
            "notices": notices,
            "metadata": indicator.metadata(),
            "metadata_ref": _citation(indicator.metadata_source_ref),
            "plan_targets": plan_targets,
        },
    )


def _citation(ref: str) -> str:
    """Where in a plan a note is, in the page's language: 专栏2 注4 is box 2, note 4 on English pages."""
    if not (get_language() or "").startswith("en"):
        return ref
    return re.sub(r"专栏\s*(\d+)\s*注\s*(\d+)", r"box \1, note \2", ref).replace("；", "; ")


def _drawn_target(target: Target | None) -> tuple[int, float] | None:
    """A target drawn as a point at its year: a level to reach, not a period total or an annual average."""
    if target is None or target.target_value is None or target.is_cumulative or target.is_annual_average:
        return None
    return (target.target_year, float(target.target_value))


def indicator_data(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, code=code)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Unknown format")
    values = (
        ReportedValue.objects.filter(indicator=indicator)
        .select_related("area", "indicator")
        .order_by("area__code", "year", "quarter", "span_from")
    )
    return exports.values_download(values, f"gzplan-{indicator.code}", fmt)
