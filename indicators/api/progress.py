"""API: an indicator's series with the plans' expected paths, and the verdicts on targets."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from districts.models import Area
from gzplan.lib import freshness
from gzplan.lib.apitools import (
    ONE_ERRORS,
    READ_ERRORS,
    AreaCode,
    Code,
    ListFormat,
    alternative_content,
    csv_response,
    limit_param,
    not_found,
    offset_param,
    output_format,
    page,
)
from indicators.api.common import area_ref, indicator_ref, number, rounded
from indicators.api.indicators import INDICATOR_FIELDS, indicator_out
from indicators.api.schemas import ProgressPage, SeriesOut
from indicators.api.targets import TARGET_FIELDS, filtered_targets, kind_of
from indicators.api.types import ATTRIBUTE_PATTERN, VERDICT_STATUS_PATTERN
from indicators.models import Commentary, Indicator, ReportedValue, Target
from indicators.progress.engine import Evaluation, expected_path, latest_figure
from indicators.progress.evaluation import evaluate_values, indicators_behind, observations_by_series, spec_for

router = Router()

# The engine's figures, rounded for JSON.
VERDICT_FIGURES = (
    "value",
    "target",
    "expected",
    "gap",
    "progress",
    "anticipated",
    "observed_rate",
    "required_rate",
    "ratio",
)


COMMENTARY_FIELDS = ("year", "analysis_zh", "measures_zh", "analysis_en", "measures_en", "updated_at")


def _commentary(row: dict[str, Any] | None) -> dict[str, Any] | None:
    return {name: row[name] for name in COMMENTARY_FIELDS} if row else None


def _latest(series, target: dict[str, Any]) -> dict[str, Any] | None:
    figure, baseline = latest_figure(series, target["plan__period_start"], target["plan__period_end"])
    if figure is None:
        return None
    return {"value": rounded(figure.value), "year": figure.measured_year, "status": figure.status, "baseline": baseline}


def _verdict(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "status": evaluation.status,
        "label_en": evaluation.label_en,
        "label_zh": evaluation.label_zh,
        "final": evaluation.final,
        "method": evaluation.method,
        "year": evaluation.year,
        "first_year": evaluation.first_year,
        "reference_year": evaluation.reference_year,
        **{name: rounded(getattr(evaluation, name)) for name in VERDICT_FIGURES},
        "explanation_en": evaluation.explanation_en,
        "explanation_zh": evaluation.explanation_zh,
        "notes": list(evaluation.notes),
    }


@router.get(
    "/series/{indicator}",
    response={200: SeriesOut, **ONE_ERRORS},
    tags=["series and progress"],
    summary="An indicator's series",
)
def series(
    request: HttpRequest,
    indicator: Code = Path(..., examples=["gdp"]),
    area: list[AreaCode] | None = Query(
        None, description="One or more areas (default: every area with figures or targets)", examples=[["440100"]]
    ),
):
    """One indicator in one or more areas: every figure reported, every target set for it with
    the path the plan expects year by year, and each target's verdict. Six queries whatever
    the number of areas and years."""
    found = Indicator.objects.filter(code=indicator).values(*INDICATOR_FIELDS, "pk").first()
    if found is None:
        raise not_found(f"No indicator with code {indicator}.")
    areas = Area.objects.order_by("code")
    if area:
        areas = areas.filter(code__in=area)
        areas_list = list(areas)
        missing = sorted(set(area) - {a.code for a in areas_list})
        if missing:
            raise not_found(f"No area with code {', '.join(missing)}.")
        freshness.reads(areas=[a.pk for a in areas_list])
    else:
        freshness.reads(indicators=indicators_behind(found["pk"]))
    values = list(
        ReportedValue.objects.filter(indicator_id=found["pk"], area__in=areas)
        .order_by("area_id", "year", "quarter", "span_from")
        .values("area_id", "year", "quarter", "span_from", "reference_year", "value", "qualifier", "status")
    )
    targets = Target.objects.filter(indicator_id=found["pk"], plan__area__in=areas)
    target_list = list(
        targets.select_related("plan", "indicator").order_by("plan__area__code", "-plan__period_end", "target_year")
    )
    observed = observations_by_series(targets) if target_list else {}
    verdicts = evaluate_values(targets, observed) if target_list else {}
    if not area:
        with_data = {v["area_id"] for v in values} | {t.plan.area_id for t in target_list}
        areas_list = [a for a in areas if a.pk in with_data]
    by_area: dict[int, dict] = {
        a.pk: {"area": {"code": a.code, "name_zh": a.name_zh, "name_en": a.name_en}, "values": [], "targets": []}
        for a in areas_list
    }
    for v in values:
        entry = by_area.get(v["area_id"])
        if entry is not None:
            point = {k: v[k] for k in ("year", "quarter", "span_from", "reference_year", "qualifier", "status")}
            entry["values"].append({**point, "value": number(v["value"])})
    for t in target_list:
        entry = by_area.get(t.plan.area_id)
        if entry is None:
            continue
        entry["targets"].append(
            {
                "id": t.pk,
                "plan": t.plan.code,
                "target_year": t.target_year,
                "target_value": number(t.target_value),
                "comparator": t.comparator,
                "target_notation": t.target_notation,
                "kind": t.kind,
                "attribute": t.attribute,
                "baseline_value": number(t.baseline_value),
                "baseline_year": t.baseline_year,
                "expected_path": [
                    {"year": year, "value": round(value, 6)}
                    for year, value in expected_path(spec_for(t), observed.get((t.plan.area_id, t.indicator_id), ()))
                    if math.isfinite(value)
                ],
                "verdict": _verdict(verdicts[t.pk]),
            }
        )
    return {"indicator": indicator_out(found), "areas": list(by_area.values())}


PROGRESS_COLUMNS = [
    "target_id",
    "plan",
    "area",
    "area_zh",
    "area_en",
    "row",
    "part",
    "indicator",
    "indicator_zh",
    "indicator_en",
    "label_zh",
    "attribute",
    "kind",
    "target_year",
    "target_notation",
    "status",
    "label_en",
    "label_zh_status",
    "latest_value",
    "latest_year",
    "latest_status",
    "latest_baseline",
    "final",
    "year",
    "value",
    "target",
    "expected",
    "ratio",
    "explanation_en",
    "explanation_zh",
]


@router.get(
    "/progress",
    response={200: ProgressPage, **READ_ERRORS},
    tags=["series and progress"],
    summary="Verdicts on targets",
    openapi_extra=alternative_content(("csv",)),
)
def progress(
    request: HttpRequest,
    plan: Code | None = Query(None, description="A plan's targets", examples=["guangzhou-14th-fyp"]),
    area: AreaCode | None = Query(None, description="The targets of an area's plans"),
    indicator: Code | None = Query(None, description="An indicator's targets across areas"),
    attribute: str | None = Query(None, pattern=ATTRIBUTE_PATTERN),
    status: str | None = Query(
        None,
        pattern=VERDICT_STATUS_PATTERN,
        description="Only targets with this verdict",
    ),
    limit: int = limit_param(),
    offset: int = offset_param(),
    format: ListFormat | None = Query(None, description="json (default) or csv"),  # noqa: A002
):
    """The progress engine's verdict on each target (as on the dashboards): achieved or not
    at the end; on track, at risk or off track mid-period, with the figures and an explanation
    in both languages. docs/progress.md gives the rules."""
    targets = filtered_targets(plan, area, indicator, attribute)
    if plan or area:  # the verdicts of one area's targets read that area's figures only
        freshness.reads(areas=targets.order_by().values_list("plan__area_id", flat=True).distinct())
    elif indicator:
        # Lazy: queried only when the answer is being cached (freshness.reads iterates then).
        found = Indicator.objects.filter(code=indicator).values_list("pk", flat=True)
        freshness.reads(indicators=(pk for indicator_id in found for pk in indicators_behind(indicator_id)))
    if status:
        observed = observations_by_series(targets)
        verdicts = evaluate_values(targets, observed)
        ids = [pk for pk in targets.values_list("pk", flat=True) if verdicts[pk].status == status]
        count = len(ids)
        page_ids = ids[offset : offset + limit]
    else:
        count = targets.count()
        page_ids = list(targets.values_list("pk", flat=True)[offset : offset + limit])
        on_page = Target.objects.filter(pk__in=page_ids)
        observed = observations_by_series(on_page) if page_ids else {}
        verdicts = evaluate_values(on_page, observed) if page_ids else {}
    rows = {
        r["id"]: r
        for r in Target.objects.filter(pk__in=page_ids).values(
            *TARGET_FIELDS, "plan__period_end", "plan__area_id", "indicator_id"
        )
    }
    commentary = {
        (c["target_id"], c["year"]): c
        for c in Commentary.objects.filter(target_id__in=page_ids).values("target_id", *COMMENTARY_FIELDS)
    }
    items: list[dict[str, Any]] = []
    for pk in page_ids:
        r = rows[pk]
        items.append(
            {
                "target": {
                    "id": pk,
                    "plan": r["plan__code"],
                    "area": area_ref(r, "plan__area__"),
                    "indicator": indicator_ref(r, "indicator__"),
                    "row": r["row"],
                    "part": r["part"],
                    "label_zh": r["label_zh"],
                    "target_year": r["target_year"],
                    "target_notation": r["target_notation"],
                    "attribute": r["attribute"],
                    "kind": kind_of(r),
                },
                "verdict": _verdict(verdicts[pk]),
                "latest": _latest(observed.get((r["plan__area_id"], r["indicator_id"]), ()), r),
                "commentary": _commentary(commentary.get((pk, verdicts[pk].year))),
            }
        )
    if output_format(request, format, ("json", "csv")) == "csv":
        flat = []
        for item in items:
            t, v, latest = item["target"], item["verdict"], item["latest"] or {}
            flat.append(
                {
                    **t,
                    **v,
                    **{f"latest_{name}": value for name, value in latest.items()},
                    "target_id": t["id"],
                    "area": t["area"]["code"],
                    "area_zh": t["area"]["name_zh"],
                    "area_en": t["area"]["name_en"],
                    "indicator": t["indicator"]["code"],
                    "indicator_zh": t["indicator"]["name_zh"],
                    "indicator_en": t["indicator"]["name_en"],
                    "label_zh_status": v["label_zh"],
                    "label_zh": t["label_zh"],
                }
            )
        return csv_response(request, flat, PROGRESS_COLUMNS, "progress.csv", count=count, limit=limit, offset=offset)
    return page(request, items, count, limit, offset)
