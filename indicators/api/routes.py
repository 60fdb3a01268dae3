"""API: indicators, plans, targets, reported values (read and write), series and progress.

Every list issues a fixed number of queries whatever the page size: a count, the page
(joined with what it names), and for targets their footnotes, for verdicts the
figures the engine needs.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from accounts.auth import token_auth
from districts.access import may_write_values
from districts.models import Area
from gzplan.lib import freshness
from gzplan.lib.apitools import (
    ONE_ERRORS,
    READ_ERRORS,
    SDMX_TYPE,
    AreaCode,
    Code,
    DataFormat,
    IsoDateTime,
    ListFormat,
    Problem,
    Year,
    alternative_content,
    csv_response,
    decimal_text,
    limit_param,
    not_found,
    offset_param,
    output_format,
    page,
)
from indicators import services
from indicators.api.schemas import (
    BulkIn,
    BulkOut,
    FigureStatus,
    IndicatorOut,
    IndicatorPage,
    PlanDetail,
    PlanPage,
    ProgressPage,
    Rejected,
    SeriesOut,
    TargetPage,
    ValueIn,
    ValueOut,
    ValuePage,
    ValueUpdate,
)
from indicators.models import Indicator, Plan, PlanNote, ReportedValue, Target
from indicators.progress.engine import expected_path
from indicators.progress.evaluation import evaluate_values, observations_by_series

router = Router()

WRITE_ERRORS = {**ONE_ERRORS, 400: Problem, 403: Rejected, 409: Rejected, 422: Rejected}
STRUCTURE = "dataflow"


def _number(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _rounded(value) -> float | None:
    """A computed figure without float noise (31007.600000000002 → 31007.6)."""
    number = _number(value)
    return None if number is None else round(number, 6)


def _area_ref(row: dict, prefix: str) -> dict:
    return {"code": row[f"{prefix}code"], "name_zh": row[f"{prefix}name_zh"], "name_en": row[f"{prefix}name_en"]}


def _indicator_ref(row: dict, prefix: str) -> dict:
    return {
        "code": row[f"{prefix}code"],
        "name_zh": row[f"{prefix}name_zh"],
        "name_en": row[f"{prefix}name_en"],
        "unit_zh": row[f"{prefix}unit_zh"],
        "unit_en": row[f"{prefix}unit_en"],
    }


def _ref_fields(prefix: str, names: list[str]) -> list[str]:
    return [f"{prefix}{name}" for name in names]


AREA_REF = ["code", "name_zh", "name_en"]
INDICATOR_REF = ["code", "name_zh", "name_en", "unit_zh", "unit_en"]
SOURCE_REF = ["key", "title_zh", "title_en", "url"]


def _source_ref(row: dict, prefix: str) -> dict:
    return {name: row[f"{prefix}{name}"] or "" for name in SOURCE_REF}


# --- indicators ----------------------------------------------------------------------

INDICATOR_FIELDS = [*INDICATOR_REF, "category", "direction", "measure", "growth_of__code"]
INDICATOR_COLUMNS = [*INDICATOR_REF, "category", "direction", "measure", "growth_of", "page"]


def _indicator(row: dict) -> dict:
    return {
        **{name: row[name] for name in INDICATOR_REF},
        "category": row["category"],
        "direction": row["direction"],
        "measure": row["measure"],
        "growth_of": row["growth_of__code"],
        "page": f"/indicators/{row['code']}/",
    }


@router.get(
    "/indicators",
    response={200: IndicatorPage, **READ_ERRORS},
    tags=["indicators"],
    summary="List indicators",
    openapi_extra=alternative_content(("csv",)),
)
def list_indicators(
    request: HttpRequest,
    category: Code | None = Query(None, description="economy, innovation, hub, environment…"),
    plan: Code | None = Query(None, description="Only the indicators this plan sets targets for"),
    limit: int = limit_param(),
    offset: int = offset_param(),
    format: ListFormat | None = Query(None, description="json (default) or csv"),  # noqa: A002
):
    """Every indicator, by code, with its unit in both languages and what it measures."""
    indicators = Indicator.objects.order_by("code")
    if category:
        indicators = indicators.filter(category=category)
    if plan:
        indicators = indicators.filter(pk__in=Target.objects.filter(plan__code=plan).values("indicator_id"))
    count = indicators.count()
    rows = [_indicator(r) for r in indicators.values(*INDICATOR_FIELDS)[offset : offset + limit]]
    if output_format(request, format, ("json", "csv")) == "csv":
        return csv_response(request, rows, INDICATOR_COLUMNS, "indicators.csv", count=count, limit=limit, offset=offset)
    return page(request, rows, count, limit, offset)


@router.get(
    "/indicators/{code}", response={200: IndicatorOut, **ONE_ERRORS}, tags=["indicators"], summary="One indicator"
)
def get_indicator(request: HttpRequest, code: Code = Path(..., examples=["gdp"])):
    """An indicator by its code."""
    row = Indicator.objects.filter(code=code).values(*INDICATOR_FIELDS).first()
    if row is None:
        raise not_found(f"No indicator with code {code}.")
    return _indicator(row)


# --- plans ---------------------------------------------------------------------------

PLAN_FIELDS = [
    "code",
    "kind",
    "name_zh",
    "name_en",
    "period_start",
    "period_end",
    "source_ref",
    *_ref_fields("area__", AREA_REF),
    *_ref_fields("source_document__", SOURCE_REF),
]
PLAN_COLUMNS = ["code", "area", "area_zh", "area_en", "kind", "name_zh", "name_en", "period_start", "period_end"]


def _plan(row: dict) -> dict:
    return {
        **{name: row[name] for name in ("code", "kind", "name_zh", "name_en", "period_start", "period_end")},
        "area": _area_ref(row, "area__"),
        "source": _source_ref(row, "source_document__"),
        "source_ref": row["source_ref"],
        "page": f"/plans/{row['code']}/",
    }


def _plan_csv(plan: dict) -> dict:
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
    kind: str | None = Query(None, pattern="^(five_year|annual|vision)$"),
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


# --- targets -------------------------------------------------------------------------

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
    "linked_indicator__code",
    "assigned_by",
    "attribute",
    "tolerance",
    "assessment",
    "assessment_source",
    "original_value",
    "revision_reason",
    "note",
    "source_ref",
    *_ref_fields("plan__area__", AREA_REF),
    *_ref_fields("indicator__", INDICATOR_REF),
    *_ref_fields("source_document__", SOURCE_REF),
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
    "assigned_by",
    "attribute",
    "footnotes",
    "source",
    "source_ref",
]


def _kind(row: dict) -> str:
    if row["assigned_by"]:
        return "assigned"
    if row["linked_indicator__code"]:
        return "linked"
    if row["is_cumulative"]:
        return "cumulative"
    if row["is_annual_average"]:
        return "annual_average"
    return "level"


def _target(row: dict, footnotes: list[int]) -> dict:
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
        "area": _area_ref(row, "plan__area__"),
        "indicator": _indicator_ref(row, "indicator__"),
        "baseline": {
            "value": _number(row["baseline_value"]),
            "qualifier": row["baseline_qualifier"],
            "year": row["baseline_year"],
            "span_from": row["baseline_span_from"],
            "notation": row["baseline_notation"],
        },
        "target_value": _number(row["target_value"]),
        "kind": _kind(row),
        "linked_indicator": row["linked_indicator__code"],
        "tolerance": _number(row["tolerance"]),
        "original_value": _number(row["original_value"]),
        "footnotes": footnotes,
        "source": _source_ref(row, "source_document__"),
        "_raw": row,
    }


def _target_csv(target: dict) -> dict:
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
        "baseline_value": decimal_text(raw["baseline_value"]),
        "baseline_year": raw["baseline_year"],
        "target_value": decimal_text(raw["target_value"]),
        "footnotes": " ".join(str(n) for n in target["footnotes"]),
        "source": raw["source_document__key"],
    }


def _target_time_period(raw: dict) -> str:
    if raw["is_cumulative"] or raw["is_annual_average"]:
        start = raw["plan__period_start"]
        return f"{start}-01-01/P{raw['target_year'] - start + 1}Y"
    return str(raw["target_year"])


def _targets(plan: str | None, area: str | None, indicator: str | None, attribute: str | None):
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
        None, pattern="^(binding|anticipatory|)$", description="binding, anticipatory, or empty for unstated"
    ),
    limit: int = limit_param(),
    offset: int = offset_param(),
    format: DataFormat | None = Query(None, description="json (default), csv or sdmx (SDMX-CSV 2.0)"),  # noqa: A002
):
    """The targets of the plan tables in table order: baseline and target as printed and as
    numbers, comparator, binding or anticipatory, cumulative `[ ]` or 年均, footnotes."""
    targets = _targets(plan, area, indicator, attribute)
    count = targets.count()
    rows = list(targets.values(*TARGET_FIELDS)[offset : offset + limit])
    footnotes: dict[int, list[int]] = {}
    through = Target.footnotes.through.objects.filter(target_id__in=[r["id"] for r in rows])
    for target_id, number in through.order_by("plannote__number").values_list("target_id", "plannote__number"):
        footnotes.setdefault(target_id, []).append(number)
    items = [_target(r, footnotes.get(r["id"], [])) for r in rows]
    fmt = output_format(request, format, ("json", "csv", "sdmx"))
    if fmt == "csv":
        flat = [_target_csv(t) for t in items]
        return csv_response(request, flat, TARGET_COLUMNS, "targets.csv", count=count, limit=limit, offset=offset)
    if fmt == "sdmx":
        flat = [
            {
                "STRUCTURE": STRUCTURE,
                "STRUCTURE_ID": "GZPLAN:DF_PLAN_TARGETS(1.0)",
                "ACTION": "I",
                "REF_AREA": t["_raw"]["plan__area__code"],
                "INDICATOR": t["_raw"]["indicator__code"],
                "PLAN": t["plan"],
                "TIME_PERIOD": _target_time_period(t["_raw"]),
                "OBS_VALUE": decimal_text(t["_raw"]["target_value"]),
                "UNIT_MEASURE": t["_raw"]["indicator__unit_en"] or t["_raw"]["indicator__unit_zh"],
                "COMPARATOR": t["comparator"],
                "TARGET_KIND": t["kind"],
                "ATTRIBUTE": t["attribute"],
                "NOTATION": t["target_notation"],
            }
            for t in items
        ]
        return csv_response(
            request,
            flat,
            list(SDMX_TARGET_COLUMNS),
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


SDMX_TARGET_COLUMNS = (
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
)


# --- reported values -----------------------------------------------------------------

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
    *_ref_fields("area__", AREA_REF),
    *_ref_fields("indicator__", INDICATOR_REF),
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
    "COMMENT_OBS",
]
OBS_STATUS = {"preliminary": "P", "final": "A", "revised": "A"}


def _value(row: dict) -> dict:
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
        "value": _number(row["value"]),
        "source_document": row["source_document__key"],
        "area": _area_ref(row, "area__"),
        "indicator": _indicator_ref(row, "indicator__"),
    }


def _value_csv(row: dict) -> dict:
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
        "value": decimal_text(row["value"]),
        "source_document": row["source_document__key"],
        "updated_at": row["updated_at"].isoformat(),
    }


def _time_period(year: int, quarter: int, span_from: int) -> str:
    if quarter:
        return f"{year}-Q{quarter}"
    if span_from != year:
        return f"{span_from}-01-01/P{year - span_from + 1}Y"
    return str(year)


def _value_sdmx(row: dict) -> dict:
    comment = ""
    if row["reference_year"] != row["year"]:
        comment = f"measures {row['reference_year']}"
    return {
        "STRUCTURE": STRUCTURE,
        "STRUCTURE_ID": "GZPLAN:DF_REPORTED_VALUES(1.0)",
        "ACTION": "I",
        "REF_AREA": row["area__code"],
        "INDICATOR": row["indicator__code"],
        "TIME_PERIOD": _time_period(row["year"], row["quarter"], row["span_from"]),
        "OBS_VALUE": decimal_text(row["value"]),
        "OBS_STATUS": OBS_STATUS[row["status"]],
        "UNIT_MEASURE": row["indicator__unit_en"] or row["indicator__unit_zh"],
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
    if area:
        values = values.filter(area__code__in=area)
    if indicator:
        values = values.filter(indicator__code__in=indicator)
    if plan:
        found = Plan.objects.filter(code=plan).values("pk", "area_id", "period_start", "period_end").first()
        if found is None:
            raise not_found(f"No plan with code {plan}.")
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
    # Counting a whole province's figures takes most of the request: once per data version is enough.
    count = freshness.remembered(f"values count {values.query}", values.count)
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


def _value_by_id(pk: int) -> dict:
    row = ReportedValue.objects.filter(pk=pk).values(*VALUE_FIELDS).first()
    if row is None:
        raise not_found(f"No reported value with id {pk}.")
    return _value(row)


@router.get(
    "/values/{int:value_id}", response={200: ValueOut, **ONE_ERRORS}, tags=["reported values"], summary="One value"
)
def get_value(request: HttpRequest, value_id: int = Path(..., ge=1, le=2**63 - 1, examples=[1])):
    """One reported figure, with its version (needed to update it)."""
    return _value_by_id(value_id)


# --- writes --------------------------------------------------------------------------


def _values_out(objects: list[ReportedValue]) -> dict[int, dict]:
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


def _require_writer(request: HttpRequest) -> None:
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
def create_value(request: HttpRequest, payload: ValueIn):
    """Enter a new figure (201). If the same figure is already stored, nothing changes (200);
    if a different one is, the answer is 409 with the stored figure: update it with its version."""
    _require_writer(request)
    try:
        (result,) = services.upsert_values([payload.model_dump()], user=request.auth, create_only=True)
    except services.BatchRejected as exc:
        return _rejected(exc)
    return Status(201 if result.outcome == "created" else 200, _values_out([result.value])[result.value.pk])


@router.patch(
    "/values/{int:value_id}",
    response={200: ValueOut, **WRITE_ERRORS},
    auth=token_auth,
    tags=["reported values"],
    summary="Update a value",
)
def update_value(
    request: HttpRequest, payload: ValueUpdate, value_id: int = Path(..., ge=1, le=2**63 - 1, examples=[1])
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
        (result,) = services.upsert_values([row], user=request.auth, reason=reason)
    except services.BatchRejected as exc:
        return _rejected(exc)
    return Status(200, _values_out([result.value])[result.value.pk])


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
def bulk_values(request: HttpRequest, payload: BulkIn):
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
    out = _values_out([r.value for r in results])
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for r in results:
        counts[r.outcome] += 1
    return Status(
        200,
        {
            **counts,
            "rows": [{"index": r.index, "outcome": r.outcome, "value": out[r.value.pk]} for r in results],
        },
    )


# --- series and progress -------------------------------------------------------------


def _verdict(evaluation) -> dict:
    fields = (
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
    return {
        "status": evaluation.status,
        "label_en": evaluation.label_en,
        "label_zh": evaluation.label_zh,
        "final": evaluation.final,
        "method": evaluation.method,
        "year": evaluation.year,
        "first_year": evaluation.first_year,
        "reference_year": evaluation.reference_year,
        **{name: _rounded(getattr(evaluation, name)) for name in fields},
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
    from indicators.progress.evaluation import spec_for

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
            entry["values"].append({**point, "value": _number(v["value"])})
    for t in target_list:
        entry = by_area.get(t.plan.area_id)
        if entry is None:
            continue
        entry["targets"].append(
            {
                "id": t.pk,
                "plan": t.plan.code,
                "target_year": t.target_year,
                "target_value": _number(t.target_value),
                "comparator": t.comparator,
                "target_notation": t.target_notation,
                "kind": t.kind,
                "attribute": t.attribute,
                "baseline_value": _number(t.baseline_value),
                "baseline_year": t.baseline_year,
                "expected_path": [
                    {"year": year, "value": round(value, 6)}
                    for year, value in expected_path(spec_for(t), observed.get((t.plan.area_id, t.indicator_id), ()))
                    if math.isfinite(value)
                ],
                "verdict": _verdict(verdicts[t.pk]),
            }
        )
    return {"indicator": _indicator(found), "areas": list(by_area.values())}


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
    attribute: str | None = Query(None, pattern="^(binding|anticipatory|)$"),
    status: str | None = Query(
        None,
        pattern="^(achieved|not_achieved|on_track|at_risk|off_track|no_data|target_pending)$",
        description="Only targets with this verdict",
    ),
    limit: int = limit_param(),
    offset: int = offset_param(),
    format: ListFormat | None = Query(None, description="json (default) or csv"),  # noqa: A002
):
    """The progress engine's verdict on each target (as on the dashboards): achieved or not
    at the end; on track, at risk or off track mid-period, with the figures and an explanation
    in both languages. docs/progress.md gives the rules."""
    targets = _targets(plan, area, indicator, attribute)
    if status:
        verdicts = evaluate_values(targets)
        ids = [pk for pk in targets.values_list("pk", flat=True) if verdicts[pk].status == status]
        count = len(ids)
        page_ids = ids[offset : offset + limit]
    else:
        count = targets.count()
        page_ids = list(targets.values_list("pk", flat=True)[offset : offset + limit])
        verdicts = evaluate_values(Target.objects.filter(pk__in=page_ids)) if page_ids else {}
    rows = {r["id"]: r for r in Target.objects.filter(pk__in=page_ids).values(*TARGET_FIELDS)}
    items = []
    for pk in page_ids:
        r = rows[pk]
        items.append(
            {
                "target": {
                    "id": pk,
                    "plan": r["plan__code"],
                    "area": _area_ref(r, "plan__area__"),
                    "indicator": _indicator_ref(r, "indicator__"),
                    "row": r["row"],
                    "part": r["part"],
                    "label_zh": r["label_zh"],
                    "target_year": r["target_year"],
                    "target_notation": r["target_notation"],
                    "attribute": r["attribute"],
                    "kind": _kind(r),
                },
                "verdict": _verdict(verdicts[pk]),
            }
        )
    if output_format(request, format, ("json", "csv")) == "csv":
        flat = []
        for item in items:
            t, v = item["target"], item["verdict"]
            flat.append(
                {
                    **t,
                    **v,
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
