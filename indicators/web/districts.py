"""The district dashboard: positioning, plans, targets with verdicts and a chart per indicator."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from districts.models import Area
from gzplan.lib.notices import quoted
from gzplan.lib.numbers import fmt
from indicators.web import dashboards


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
    charts = [(row, chart) for row in rows if (chart := _chart(row))]
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
            "charts": charts,
            "chart_data": [chart for _, chart in charts],
            "areas": area.neighbourhood(),
            "notices": notices,
        },
    )


def _chart(row: dashboards.TargetRow) -> dict[str, object] | None:
    """What the page script needs to draw one indicator: series, target, path, anticipated value."""
    target, evaluation = row.target, row.evaluation
    points = [[o.year, float(o.value)] for o in row.series if o.is_single_year]
    city = [[o.year, float(o.value)] for o in row.city_series if o.is_single_year]
    path: list[list[float]] = []
    if target.baseline_value is not None and target.target_value is not None and not target.is_cumulative:
        path = [
            [target.baseline_year or target.plan.period_start - 1, float(target.baseline_value)],
            [target.target_year, float(target.target_value)],
        ]
    anticipated = None
    if evaluation.anticipated is not None and evaluation.method == "level" and not evaluation.final:
        anticipated = [target.target_year, round(evaluation.anticipated, 4)]
    marker = (
        [target.target_year, float(target.target_value)]
        if target.target_value is not None and not target.is_cumulative and not target.is_annual_average
        else None
    )
    if not points and not marker:
        return None  # nothing to draw: a period total or average is shown in the table instead
    return {
        "id": f"chart-{target.pk}",
        "name": target.indicator.name,
        "unit": target.indicator.unit_zh,
        "series": points,
        "city": city,
        "target": marker,
        "path": path,
        "anticipated": anticipated,
        "status": evaluation.status,
        "summary": fmt(evaluation.value),
    }
