"""API: targets, as set in the plan tables (progress.py judges them)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from gzplan.lib.apitools import (
    READ_ERRORS,
    SDMX_TYPE,
    AreaCode,
    Code,
    DataFormat,
    alternative_content,
    csv_response,
    limit_param,
    offset_param,
    output_format,
    page,
)
from gzplan.lib.numbers import plain_number
from indicators.api import sdmx
from indicators.api.common import (
    AREA_REF,
    INDICATOR_REF,
    SOURCE_REF,
    STRUCTURE,
    area_ref,
    indicator_ref,
    number,
    ref_fields,
    source_ref,
)
from indicators.api.schemas import TargetPage
from indicators.api.types import ATTRIBUTE_PATTERN
from indicators.domain import target_kind, unit_code
from indicators.models import Target, TargetQuerySet

router = Router()

TARGET_FIELDS = [
    "id",
    "plan__code",
    "plan__period_start",
    "row",
    "part",
    "category_zh",
    "label_zh",
    "unit_label",
    "baseline_value",
    "baseline_qualifier",
    "baseline_year",
    "baseline_span_from",
    "baseline_notation",
    "target_year",
    "target_value",
    "comparator",
    "target_notation",
    "is_cumulative",
    "is_annual_average",
    "is_planning_scale",
    "linked_indicator__code",
    "linked_relation",
    "assigned_by",
    "attribute",
    "tolerance",
    "assessment",
    "assessment_source",
    "original_value",
    "revision_reason",
    "note",
    "source_ref",
    *ref_fields("plan__area__", AREA_REF),
    *ref_fields("indicator__", INDICATOR_REF),
    *ref_fields("source_document__", SOURCE_REF),
]
TARGET_COLUMNS = [
    "id",
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
    "unit_label",
    "baseline_notation",
    "baseline_value",
    "baseline_year",
    "target_year",
    "target_notation",
    "target_value",
    "comparator",
    "kind",
    "is_cumulative",
    "is_annual_average",
    "linked_indicator",
    "linked_relation",
    "assigned_by",
    "attribute",
    "footnotes",
    "source",
    "source_ref",
]
SDMX_TARGET_COLUMNS = [
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    "REF_AREA",
    "INDICATOR",
    "PLAN",
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "COMPARATOR",
    "TARGET_KIND",
    "ATTRIBUTE",
    "NOTATION",
]


def kind_of(row: dict[str, Any]) -> str:
    """How the target is judged, from a row of TARGET_FIELDS."""
    return target_kind(
        assigned=bool(row["assigned_by"]),
        linked=bool(row["linked_indicator__code"]),
        valued=row["target_value"] is not None,
        cumulative=bool(row["is_cumulative"]),
        annual_average=bool(row["is_annual_average"]),
        scale=bool(row["is_planning_scale"]),
    ).value


def _target(row: dict[str, Any], footnotes: list[int]) -> dict[str, Any]:
    return {
        **{
            name: row[name]
            for name in (
                "id",
                "row",
                "part",
                "category_zh",
                "label_zh",
                "unit_label",
                "target_year",
                "comparator",
                "target_notation",
                "is_cumulative",
                "is_annual_average",
                "is_planning_scale",
                "assigned_by",
                "attribute",
                "assessment",
                "assessment_source",
                "revision_reason",
                "note",
                "source_ref",
            )
        },
        "plan": row["plan__code"],
        "area": area_ref(row, "plan__area__"),
        "indicator": indicator_ref(row, "indicator__"),
        "baseline": {
            "value": number(row["baseline_value"]),
            "qualifier": row["baseline_qualifier"],
            "year": row["baseline_year"],
            "span_from": row["baseline_span_from"],
            "notation": row["baseline_notation"],
        },
        "target_value": number(row["target_value"]),
        "kind": kind_of(row),
        "linked_indicator": row["linked_indicator__code"],
        # The stored relation defaults to in step for every target; it means something only with a link.
        "linked_relation": row["linked_relation"] if row["linked_indicator__code"] else None,
        "tolerance": number(row["tolerance"]),
        "original_value": number(row["original_value"]),
        "footnotes": footnotes,
        "source": source_ref(row, "source_document__"),
        "_raw": row,
    }


def _target_csv(target: dict[str, Any]) -> dict[str, Any]:
    raw = target["_raw"]
    return {
        **target,
        "area": raw["plan__area__code"],
        "area_zh": raw["plan__area__name_zh"],
        "area_en": raw["plan__area__name_en"],
        "indicator": raw["indicator__code"],
        "indicator_zh": raw["indicator__name_zh"],
        "indicator_en": raw["indicator__name_en"],
        "baseline_notation": raw["baseline_notation"],
        "baseline_value": plain_number(raw["baseline_value"]),
        "baseline_year": raw["baseline_year"],
        "target_value": plain_number(raw["target_value"]),
        "footnotes": " ".join(str(n) for n in target["footnotes"]),
        "source": raw["source_document__key"],
    }


def _target_sdmx(target: dict[str, Any]) -> dict[str, Any]:
    """A target as a row of SDMX-CSV 2.0 for the dataflow sdmx.TARGETS_FLOW (GET /sdmx/structure)."""
    raw = target["_raw"]
    return {
        "STRUCTURE": STRUCTURE,
        "STRUCTURE_ID": sdmx.structure_id(sdmx.TARGETS_FLOW),
        "ACTION": "I",
        "REF_AREA": raw["plan__area__code"],
        "INDICATOR": raw["indicator__code"],
        "PLAN": target["plan"],
        "TIME_PERIOD": sdmx.target_time_period(
            period_start=raw["plan__period_start"],
            target_year=raw["target_year"],
            spans_plan=bool(raw["is_cumulative"] or raw["is_annual_average"]),
        ),
        # A Decimal, not text: the CSV writer marks text starting with "-" as text for spreadsheets.
        "OBS_VALUE": raw["target_value"],
        "UNIT_MEASURE": unit_code(raw["indicator__unit_zh"], raw["indicator__unit_en"]),
        "COMPARATOR": target["comparator"],
        "TARGET_KIND": target["kind"],
        "ATTRIBUTE": target["attribute"],
        "NOTATION": target["target_notation"],
    }


def filtered_targets(
    plan: str | None, area: str | None, indicator: str | None, attribute: str | None
) -> TargetQuerySet:
    """The targets a list asks for, in table order."""
    targets = Target.objects.order_by("plan__area__code", "plan__code", "position", "part", "id")
    if plan:
        targets = targets.filter(plan__code=plan)
    if area:
        targets = targets.filter(plan__area__code=area)
    if indicator:
        targets = targets.filter(indicator__code=indicator)
    if attribute is not None:
        targets = targets.filter(attribute=attribute)
    return targets


@router.get(
    "/targets",
    response={200: TargetPage, **READ_ERRORS},
    tags=["targets"],
    summary="List targets",
    openapi_extra=alternative_content(("csv", "sdmx")),
)
def list_targets(
    request: HttpRequest,
    plan: Code | None = Query(None, examples=["guangzhou-14th-fyp"]),
    area: AreaCode | None = Query(None, description="Targets of this area's plans"),
    indicator: Code | None = Query(None, examples=["gdp"]),
    attribute: str | None = Query(
        None, pattern=ATTRIBUTE_PATTERN, description="binding, anticipatory, or empty for unstated"
    ),
    limit: int = limit_param(),
    offset: int = offset_param(),
    format: DataFormat | None = Query(None, description="json (default), csv or sdmx (SDMX-CSV 2.0)"),  # noqa: A002
):
    """The targets of the plan tables in table order: baseline and target as printed and as
    numbers, comparator, binding or anticipatory, cumulative `[ ]` or 年均, footnotes."""
    targets = filtered_targets(plan, area, indicator, attribute)
    count = targets.count()
    rows = list(targets.values(*TARGET_FIELDS)[offset : offset + limit])
    footnotes: dict[int, list[int]] = {}
    through = Target.footnotes.through.objects.filter(target_id__in=[r["id"] for r in rows])
    for target_id, note in through.order_by("plannote__number").values_list("target_id", "plannote__number"):
        footnotes.setdefault(target_id, []).append(note)
    items = [_target(r, footnotes.get(r["id"], [])) for r in rows]
    fmt = output_format(request, format, ("json", "csv", "sdmx"))
    if fmt == "csv":
        flat = [_target_csv(t) for t in items]
        return csv_response(request, flat, TARGET_COLUMNS, "targets.csv", count=count, limit=limit, offset=offset)
    if fmt == "sdmx":
        flat = [_target_sdmx(t) for t in items]
        return csv_response(
            request,
            flat,
            SDMX_TARGET_COLUMNS,
            "targets.sdmx.csv",
            count=count,
            limit=limit,
            offset=offset,
            content_type=SDMX_TYPE,
            bom=False,
        )
    for t in items:
        del t["_raw"]
    return page(request, items, count, limit, offset)
