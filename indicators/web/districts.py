"""The district dashboard: positioning, plans, targets with verdicts and a chart per indicator."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from districts.models import Area
from gzplan.lib.bilingual import as_printed, safe_format
from gzplan.lib.notices import quoted
from gzplan.lib.numbers import fmt
from indicators.models import Target
from indicators.web import charts, dashboards


def district_index(request: HttpRequest) -> HttpResponse:
    """The district switch: `?area=<code>` goes to that area's page; without it, or with a code of no
    area, the list of areas (with a notice saying the code named none)."""
    code = request.GET.get("area", "").strip()
    notices = []
    if code:
        area = Area.objects.filter(code=code).first()
        if area is not None:
            return redirect("district", code=area.code)
        notices.append(_("There is no area “%(code)s”: choose one from the list.") % {"code": quoted(code)})
    return render(
        request, "districts/index.html", {"areas": Area.objects.order_by("level", "code"), "notices": notices}
    )


def district(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(Area.objects.select_related("parent"), code=code)
    plans = list(area.plans.order_by("-period_end", "kind"))
    asked = request.GET.get("plan", "").strip()
    plan, unknown = dashboards.plan_named(plans, asked)
    notices = []
    if unknown:
        notices.append(_("%(area)s has no plan “%(code)s”: its default plan is shown.")
                       % {"area": area.name, "code": quoted(asked)})  # fmt: skip
    parent = area.parent  # selected with the area: no query
    city = parent if parent is not None and parent.level == Area.Level.CITY else None
    rows = dashboards.plan_rows(plan, city=city) if plan else []
    drawn = [(row, chart) for row in rows if (chart := _chart(row, area, city))]
    return render(
        request,
        "districts/district.html",
        {
            "area": area,
            "city": city,
            "plans": plans,
            "plan": plan,
            "rows": rows,
            "counts": dashboards.status_counts(rows),
            "coverage": dashboards.coverage(rows),
            "charts": drawn,
            "chart_data": [chart.as_json() for _, chart in drawn if chart.options],
            "without_figures": len(rows) - len(drawn),
            "areas": area.neighbourhood(),
            "notices": notices,
        },
    )


def _chart(row: dashboards.TargetRow, area: Area, city: Area | None) -> charts.Chart | None:
    """One indicator of the plan drawn (charts.area_chart), or the sentence standing for it; None when the
    area has no figure for it (the page counts those instead)."""
    target, evaluation = row.target, row.evaluation
    if not any(o.is_single_year for o in row.series):
        return None
    indicator = target.indicator
    anticipated = None
    if evaluation.anticipated is not None and evaluation.method == "level" and not evaluation.final:
        anticipated = (target.target_year, round(evaluation.anticipated, 4))
    chart = charts.area_chart(
        f"chart-{target.pk}",
        measure=indicator.measure,
        unit=charts.unit_of(indicator),
        area=area.name,
        figures=row.series,
        plan_target=plan_target(target),
        anticipated=anticipated,
        city=city.name if city else "",
        city_figures=row.city_series,
    )
    chart.name, chart.unit = indicator.name, indicator.unit_zh  # the card's caption
    return chart


def plan_target(target: Target) -> charts.PlanTarget:
    """What a chart shows of the target: the path from the baseline (at the year it measures) to the target,
    an annual average as a line over the plan's years, a period total in words."""
    value = float(target.target_value) if target.target_value is not None else None
    if target.is_cumulative:
        text = safe_format(
            _("Target: %(target)s in total over %(start)s–%(end)s."),
            target=as_printed(target.target_notation) if target.target_notation else fmt(value),
            start=target.plan.period_start,
            end=target.target_year,
        )
        return charts.PlanTarget(target.target_year, text=text)
    if target.is_annual_average:
        if value is None:
            return charts.PlanTarget(target.target_year, text=_target_in_words(target))
        return charts.PlanTarget(target.target_year, average=value, average_from=target.plan.period_start)
    if value is None:
        return charts.PlanTarget(target.target_year, text=_target_in_words(target))
    # A baseline over several years (a five-year total or average) is no point on the path.
    single = target.baseline_span_from is None or target.baseline_span_from == target.baseline_year
    baseline = float(target.baseline_value) if target.baseline_value is not None and single else None
    baseline_year = target.baseline_year or (target.plan.period_start - 1 if baseline is not None else None)
    return charts.PlanTarget(target.target_year, target=value, baseline=baseline, baseline_year=baseline_year)


def _target_in_words(target: Target) -> str:
    if not target.target_notation:
        return ""
    return safe_format(
        _("Target for %(year)s: %(target)s."), year=target.target_year, target=as_printed(target.target_notation)
    )
