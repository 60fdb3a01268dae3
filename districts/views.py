"""The district dashboard: positioning, plans, targets with verdicts and a chart per indicator."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from indicators import dashboards
from indicators.progress import fmt

from .models import Area


def district_index(request):
    """The district switch: `?area=<code>` goes to that area's page; without it, the list of areas."""
    code = request.GET.get("area")
    if code:
        area = get_object_or_404(Area, code=code)
        return redirect("district", code=area.code)
    return render(request, "districts/index.html", {"areas": Area.objects.order_by("level", "code")})


# Areas under one parent offered at most by the switch: a province's 130 fit; a flat list of a
# country's 2,900 would cost 100 ms to render on every page (the area list has them all).
SWITCH_NEIGHBOURS = 150


def switch_areas(area: Area) -> list[Area]:
    """The areas the district switch offers: the area's parent, its neighbours under that parent and its own
    districts (for Guangzhou: the city and its 11 districts); of many neighbours, those nearest by code.
    One query of plain rows; objects (code, level and names: what the switch shows) for those offered only."""
    fields = ("pk", "code", "level", "name_zh", "name_en", "parent_id")
    near = Q(pk=area.pk) | Q(parent_id=area.pk)
    if area.parent_id:
        near |= Q(pk=area.parent_id) | Q(parent_id=area.parent_id)
    rows = list(Area.objects.filter(near).order_by("code").values_list(*fields))
    half = SWITCH_NEIGHBOURS // 2
    siblings = [row for row in rows if area.parent_id and row[5] == area.parent_id]
    position = next((i for i, row in enumerate(siblings) if row[0] == area.pk), 0)
    children = [row for row in rows if row[5] == area.pk][: 2 * half]
    others = [row for row in rows if row[0] in (area.pk, area.parent_id)]
    chosen = {row[0]: row for row in [*siblings[max(position - half, 0) : position + half + 1], *children, *others]}
    offered = [Area(**dict(zip(fields, row, strict=True))) for row in chosen.values()]
    return sorted(offered, key=lambda a: (a.level, a.code))


def district(request, code: str):
    area = get_object_or_404(Area.objects.select_related("parent"), code=code)
    plans = list(area.plans.order_by("-period_end", "kind"))
    plan = dashboards.plan_named(plans, request.GET.get("plan"))
    city = area.parent if area.parent_id and area.parent.level == Area.Level.CITY else None
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
            "charts": charts,
            "chart_data": [chart for _, chart in charts],
            "areas": switch_areas(area),
        },
    )


def _chart(row: dashboards.TargetRow) -> dict | None:
    """What the page script needs to draw one indicator: series, target, path, anticipated value."""
    target, evaluation = row.target, row.evaluation
    points = [[o.year, float(o.value)] for o in row.series if o.is_single_year]
    city = [[o.year, float(o.value)] for o in row.city_series if o.is_single_year]
    path = []
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
