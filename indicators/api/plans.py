"""API: plans (five-year plans, annual plans, long-range visions) with their footnotes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

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
from indicators.api.common import AREA_REF, SOURCE_REF, area_ref, ref_fields, source_ref
from indicators.api.schemas import PlanDetail, PlanPage
from indicators.api.types import PLAN_KIND_PATTERN, Year
from indicators.models import Plan, PlanNote, Target

router = Router()

PLAN_FIELDS = [
    "code",
    "kind",
    "name_zh",
    "name_en",
    "period_start",
    "period_end",
    "source_ref",
    *ref_fields("area__", AREA_REF),
    *ref_fields("source_document__", SOURCE_REF),
]
PLAN_COLUMNS = ["code", "area", "area_zh", "area_en", "kind", "name_zh", "name_en", "period_start", "period_end"]


def _plan(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: row[name] for name in ("code", "kind", "name_zh", "name_en", "period_start", "period_end")},
        "area": area_ref(row, "area__"),
        "source": source_ref(row, "source_document__"),
        "source_ref": row["source_ref"],
        "page": f"/plans/{row['code']}/",
    }


def _plan_csv(plan: dict[str, Any]) -> dict[str, Any]:
    area = plan["area"]
    return {**plan, "area": area["code"], "area_zh": area["name_zh"], "area_en": area["name_en"]}


@router.get(
    "/plans",
    response={200: PlanPage, **READ_ERRORS},
    tags=["plans"],
    summary="List plans",
    openapi_extra=alternative_content(("csv",)),
)
def list_plans(
    request: HttpRequest,
    area: AreaCode | None = Query(None, description="Only this area's plans", examples=["440100"]),
    kind: str | None = Query(None, pattern=PLAN_KIND_PATTERN),
    year: Year | None = Query(None, description="Only plans whose period covers this year"),
    limit: int = limit_param(),
    offset: int = offset_param(),
    format: ListFormat | None = Query(None, description="json (default) or csv"),  # noqa: A002
):
    """Five-year plans, annual plans and long-range visions of the city and the districts."""
    plans = Plan.objects.order_by("area__code", "-period_end", "kind", "code")
    if area:
        plans = plans.filter(area__code=area)
    if kind:
        plans = plans.filter(kind=kind)
    if year:
        plans = plans.covering(year)
    count = plans.count()
    rows = [_plan(r) for r in plans.values(*PLAN_FIELDS)[offset : offset + limit]]
    if output_format(request, format, ("json", "csv")) == "csv":
        flat = [_plan_csv(r) for r in rows]
        return csv_response(request, flat, PLAN_COLUMNS, "plans.csv", count=count, limit=limit, offset=offset)
    return page(request, rows, count, limit, offset)


@router.get("/plans/{code}", response={200: PlanDetail, **ONE_ERRORS}, tags=["plans"], summary="One plan")
def get_plan(request: HttpRequest, code: Code = Path(..., examples=["guangzhou-14th-fyp"])):
    """A plan with the footnotes printed under its table and the number of targets it sets."""
    row = Plan.objects.filter(code=code).values(*PLAN_FIELDS, "pk", "note").first()
    if row is None:
        raise not_found(f"No plan with code {code}.")
    notes = list(PlanNote.objects.filter(plan_id=row["pk"]).order_by("number").values("number", "text_zh"))
    targets = Target.objects.filter(plan_id=row["pk"]).count()
    return {**_plan(row), "note": row["note"], "notes": notes, "targets": targets}
