"""API: reported values, read and written.

Reads and writes share a router: a path's methods (GET and POST /values, GET and PATCH
/values/{id}) must be served by one router, or the first would answer 405 to the others.
Writes go through indicators.services, all or nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from accounts.auth import TokenRequest, token_auth
from districts.access import may_write_values
from districts.models import Area
from gzplan.lib import freshness
from gzplan.lib.apitools import (
    ONE_ERRORS,
    SDMX_TYPE,
    AreaCode,
    Code,
    DataFormat,
    IsoDateTime,
    alternative_content,
    csv_response,
    limit_param,
    not_found,
    offset_param,
    output_format,
    page,
)
from gzplan.lib.numbers import plain_number
from indicators import services
from indicators.api import sdmx
from indicators.api.common import (
    AREA_REF,
    INDICATOR_REF,
    STRUCTURE,
    WRITE_ERRORS,
    area_ref,
    indicator_ref,
    number,
    ref_fields,
)
from indicators.api.schemas import BulkIn, BulkOut, ValueIn, ValueOut, ValuePage, ValueUpdate
from indicators.api.types import FigureStatus, Year
from indicators.domain import unit_code
from indicators.models import Indicator, Plan, ReportedValue, Target

router = Router()

VALUE_FIELDS = [
    "id",
    "year",
    "quarter",
    "span_from",
    "reference_year",
    "value",
    "qualifier",
    "notation",
    "status",
    "source",
    "source_document__key",
    "note",
    "version",
    "updated_at",
    *ref_fields("area__", AREA_REF),
    *ref_fields("indicator__", INDICATOR_REF),
]
VALUE_COLUMNS = [
    "id",
    "area",
    "area_zh",
    "area_en",
    "indicator",
    "indicator_zh",
    "indicator_en",
    "unit_zh",
    "unit_en",
    "year",
    "quarter",
    "span_from",
    "reference_year",
    "value",
    "qualifier",
    "notation",
    "status",
    "source",
    "source_document",
    "note",
    "version",
    "updated_at",
]
SDMX_VALUE_COLUMNS = [
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    "REF_AREA",
    "INDICATOR",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_STATUS",
    "UNIT_MEASURE",
    "QUALIFIER",
    "NOTATION",
    "COMMENT_OBS",
]


def _value(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{
            name: row[name]
            for name in (
                "id",
                "year",
                "quarter",
                "span_from",
                "reference_year",
                "qualifier",
                "notation",
                "status",
                "source",
                "note",
                "version",
                "updated_at",
            )
        },
        "value": number(row["value"]),
        "source_document": row["source_document__key"],
        "area": area_ref(row, "area__"),
        "indicator": indicator_ref(row, "indicator__"),
    }


def _value_csv(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "area": row["area__code"],
        "area_zh": row["area__name_zh"],
        "area_en": row["area__name_en"],
        "indicator": row["indicator__code"],
        "indicator_zh": row["indicator__name_zh"],
        "indicator_en": row["indicator__name_en"],
        "unit_zh": row["indicator__unit_zh"],
        "unit_en": row["indicator__unit_en"],
        "value": plain_number(row["value"]),
        "source_document": row["source_document__key"],
        "updated_at": row["updated_at"].isoformat(),
    }


def _value_sdmx(row: dict[str, Any]) -> dict[str, Any]:
    """A figure as a row of SDMX-CSV 2.0 for the dataflow sdmx.VALUES_FLOW (GET /sdmx/structure)."""
    comment = ""
    if row["reference_year"] != row["year"] and not row["quarter"]:
        # TIME_PERIOD is the period measured; the column of the table it was printed in is kept here.
        comment = f"printed in the table's {row['year']} column"
    return {
        "STRUCTURE": STRUCTURE,
        "STRUCTURE_ID": sdmx.structure_id(sdmx.VALUES_FLOW),
        "ACTION": "I",
        "REF_AREA": row["area__code"],
        "INDICATOR": row["indicator__code"],
        "TIME_PERIOD": sdmx.value_time_period(
            year=row["year"], quarter=row["quarter"], span_from=row["span_from"], reference_year=row["reference_year"]
        ),
        # A Decimal, not text: the CSV writer marks text starting with "-" as text for spreadsheets.
        "OBS_VALUE": row["value"],
        "OBS_STATUS": sdmx.OBS_STATUS[row["status"]],
        "UNIT_MEASURE": unit_code(row["indicator__unit_zh"], row["indicator__unit_en"]),
        "QUALIFIER": row["qualifier"],
        "NOTATION": row["notation"],
        "COMMENT_OBS": comment,
    }


def _aware(moment: datetime) -> datetime:
    """The moment in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows."""
    try:
        moment = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise HttpError(422, "updated_since is out of range.") from None


@router.get(
    "/values",
    response={200: ValuePage, **ONE_ERRORS},
    tags=["reported values"],
    summary="List reported values",
    openapi_extra=alternative_content(("csv", "sdmx")),
)
def list_values(
    request: HttpRequest,
    area: list[AreaCode] | None = Query(None, description="One or more area codes", examples=[["440100"]]),
    indicator: list[Code] | None = Query(None, description="One or more indicator codes", examples=[["gdp"]]),
    plan: Code | None = Query(
        None, description="The figures a plan is judged on: its area, its indicators, its years and the year before"
    ),
    year_from: Year | None = Query(None, examples=[2016]),
    year_to: Year | None = Query(None, examples=[2025]),
    status: FigureStatus | None = Query(None, description="preliminary, final or revised"),
    updated_since: IsoDateTime | None = Query(
        None,
        description="Only figures changed at or after this time (ISO 8601)",
        examples=["2026-01-01T00:00:00+08:00"],
    ),
    limit: int = limit_param(),
    offset: int = offset_param(),
    format: DataFormat | None = Query(None, description="json (default), csv or sdmx (SDMX-CSV 2.0)"),  # noqa: A002
):
    """Figures reported for an area, an indicator and a year (or a quarter, or a span of years
    for a `[ ]` total or a 年均 average), ordered by area, indicator and period: the order is
    stable, so pages do not overlap."""
    values = ReportedValue.objects.order_by("area_id", "indicator_id", "year", "quarter", "span_from")
    # The areas (or else the indicators) whose figures the answer shows: it stays cached until they change.
    area_ids: list[int] = []
    indicator_ids: list[int] = []
    if area:
        area_ids = list(Area.objects.filter(code__in=area).values_list("pk", flat=True))
        values = values.filter(area_id__in=area_ids)
    if indicator:
        indicator_ids = list(Indicator.objects.filter(code__in=indicator).values_list("pk", flat=True))
        values = values.filter(indicator_id__in=indicator_ids)
    if plan:
        found = Plan.objects.filter(code=plan).values("pk", "area_id", "period_start", "period_end").first()
        if found is None:
            raise not_found(f"No plan with code {plan}.")
        area_ids = [found["area_id"]] if not area or found["area_id"] in area_ids else []
        targets = Target.objects.filter(plan_id=found["pk"])
        values = values.filter(
            Q(indicator_id__in=targets.values("indicator_id"))
            | Q(indicator_id__in=targets.values("linked_indicator_id")),
            area_id=found["area_id"],
            year__gte=found["period_start"] - 1,
            year__lte=found["period_end"],
        )
    if year_from:
        values = values.filter(year__gte=year_from)
    if year_to:
        values = values.filter(year__lte=year_to)
    if status:
        values = values.filter(status=status)
    if updated_since:
        values = values.filter(updated_at__gte=_aware(updated_since))
    if area or plan:
        freshness.reads(areas=area_ids)
    elif indicator:
        freshness.reads(indicators=indicator_ids)
    # Counting a whole province's figures takes most of the request: once until they change is enough.
    try:
        what = f"values count {values.query}"
    except EmptyResultSet:  # an area or indicator code that names none: nothing to count
        count = 0
    else:
        count = freshness.remembered(what, values.count, areas=area_ids)
    rows = list(values.values(*VALUE_FIELDS)[offset : offset + limit])
    fmt = output_format(request, format, ("json", "csv", "sdmx"))
    if fmt == "csv":
        flat = [_value_csv(r) for r in rows]
        return csv_response(request, flat, VALUE_COLUMNS, "values.csv", count=count, limit=limit, offset=offset)
    if fmt == "sdmx":
        flat = [_value_sdmx(r) for r in rows]
        return csv_response(
            request,
            flat,
            SDMX_VALUE_COLUMNS,
            "values.sdmx.csv",
            count=count,
            limit=limit,
            offset=offset,
            content_type=SDMX_TYPE,
            bom=False,
        )
    return page(request, [_value(r) for r in rows], count, limit, offset)


@router.get(
    "/values/{int:value_id}", response={200: ValueOut, **ONE_ERRORS}, tags=["reported values"], summary="One value"
)
def get_value(request: HttpRequest, value_id: int = Path(..., ge=1, le=2**63 - 1, examples=[1])):
    """One reported figure, with its version (needed to update it)."""
    row = ReportedValue.objects.filter(pk=value_id).values(*VALUE_FIELDS).first()
    if row is None:
        raise not_found(f"No reported value with id {value_id}.")
    return _value(row)


# --- writes --------------------------------------------------------------------------


def _values_out(objects: list[ReportedValue]) -> dict[int, dict[str, Any]]:
    """The API form of saved figures, in one query."""
    rows = ReportedValue.objects.filter(pk__in=[o.pk for o in objects]).values(*VALUE_FIELDS)
    return {row["id"]: _value(row) for row in rows}


def _rejected(exc: services.BatchRejected) -> Status:
    current = _values_out([p.current for p in exc.problems if p.current is not None])
    errors = [
        {
            "index": p.index,
            "area": p.row["area"],
            "indicator": p.row["indicator"],
            "year": p.row["year"],
            "code": p.code,
            "field": p.field,
            "message": p.message,
            "current": current.get(p.current.pk) if p.current is not None else None,
        }
        for p in exc.problems
    ]
    if len(exc.problems) == 1 and exc.total == 1:
        detail = f"{errors[0]['message']} Nothing was written."
        return Status(exc.status_code, {"detail": detail, "errors": errors, "current": errors[0]["current"]})
    return Status(exc.status_code, {"detail": str(exc), "errors": errors})


def _require_writer(request: TokenRequest) -> None:
    if not may_write_values(request.auth):
        raise HttpError(
            403,
            f"The account {request.auth.get_username()} may read but not write figures "
            "(it needs the district analyst or city analyst role).",
        )


@router.post(
    "/values",
    response={200: ValueOut, 201: ValueOut, **WRITE_ERRORS},
    auth=token_auth,
    tags=["reported values"],
    summary="Create a value",
)
def create_value(request: TokenRequest, payload: ValueIn):
    """Enter a new figure (201). If the same figure is already stored, nothing changes (200);
    if a different one is, the answer is 409 with the stored figure: update it with its version."""
    _require_writer(request)
    try:
        (result,) = services.upsert_values([payload.model_dump()], user=request.auth, create_only=True)
    except services.BatchRejected as exc:
        return _rejected(exc)
    saved = result.figure
    return Status(201 if result.outcome == "created" else 200, _values_out([saved])[saved.pk])


@router.patch(
    "/values/{int:value_id}",
    response={200: ValueOut, **WRITE_ERRORS},
    auth=token_auth,
    tags=["reported values"],
    summary="Update a value",
)
def update_value(
    request: TokenRequest, payload: ValueUpdate, value_id: int = Path(..., ge=1, le=2**63 - 1, examples=[1])
):
    """Revise a stored figure. `version` must be the stored version: if a colleague changed the
    figure since you read it, the answer is 409 with the current figure and nothing is written.
    Details left out (source, note…) keep their stored text."""
    _require_writer(request)
    current = ReportedValue.objects.filter(pk=value_id).select_related("area", "indicator").first()
    if current is None:
        raise not_found(f"No reported value with id {value_id}.")
    changes = payload.model_dump(exclude_unset=True)
    reason = changes.pop("reason", "")
    row = {
        "area": current.area.code,
        "indicator": current.indicator.code,
        "year": current.year,
        "quarter": current.quarter,
        "span_from": current.span_from,
        "reference_year": current.reference_year,
        **changes,
    }
    try:
        results = services.upsert_values([row], user=request.auth, reason=reason)
    except services.BatchRejected as exc:
        return _rejected(exc)
    (saved,) = [r.figure for r in results]
    return Status(200, _values_out([saved])[saved.pk])


@router.post(
    "/values/bulk",
    response={200: BulkOut, **WRITE_ERRORS},
    auth=token_auth,
    tags=["reported values"],
    summary="Create or update many values",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {
                        "reason": "Yuexiu 14th FYP outline, source 004",
                        "rows": [
                            {
                                "area": "440104",
                                "indicator": "gdp",
                                "year": 2020,
                                "value": "3370.05",
                                "status": "final",
                                "source": "越秀区“十四五”规划纲要 (source 004)",
                            },
                            {
                                "area": "440104",
                                "indicator": "gdp_growth",
                                "year": 2020,
                                "span_from": 2016,
                                "value": "4.6",
                                "version": 1,
                            },
                        ],
                    }
                }
            }
        }
    },
)
def bulk_values(request: TokenRequest, payload: BulkIn):
    """A district's whole year (up to 10,000 figures) in one request, all or nothing.

    A row equal to the stored figure changes nothing, so the same request sent twice leaves
    the same data. A row that changes a stored figure must carry that figure's `version`.
    If any row is rejected, nothing is written and every rejected row is listed with its
    reason: 403 for an area you may not write, 422 for invalid rows, 409 for version conflicts
    (with the stored figure)."""
    _require_writer(request)
    rows = [r.model_dump() for r in payload.rows]
    try:
        results = services.upsert_values(rows, user=request.auth, reason=payload.reason)
    except services.BatchRejected as exc:
        return _rejected(exc)
    saved = [r.figure for r in results]
    out = _values_out(saved)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for r in results:
        counts[r.outcome] += 1
    return Status(
        200,
        {
            **counts,
            "rows": [
                {"index": r.index, "outcome": r.outcome, "value": out[value.pk]}
                for r, value in zip(results, saved, strict=True)
            ],
        },
    )
