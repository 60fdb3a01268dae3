"""API: indicators (what the plans measure)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from gzplan.lib.apitools import (
    ONE_ERRORS,
    READ_ERRORS,
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
from indicators.api.common import INDICATOR_REF
from indicators.api.schemas import IndicatorOut, IndicatorPage
from indicators.models import METADATA_FIELDS, Indicator, Target

router = Router()

METADATA_COLUMNS = [f"{key}_{language}" for key, _label in METADATA_FIELDS for language in ("zh", "en")]
INDICATOR_FIELDS = [
    *INDICATOR_REF,
    "category",
    "direction",
    "measure",
    "growth_of__code",
    "note",
    *METADATA_COLUMNS,
    "metadata_source__key",
    "metadata_source_ref",
]
# The CSV's columns are as they were (a download's content does not change under its users); the note, which
# runs to paragraphs, is in the JSON items.
INDICATOR_COLUMNS = [*INDICATOR_REF, "category", "direction", "measure", "growth_of", "page"]


def indicator_out(row: dict[str, Any]) -> dict[str, Any]:
    """An indicator in the API's form, from a row of INDICATOR_FIELDS."""
    return {
        **{name: row[name] for name in INDICATOR_REF},
        "category": row["category"],
        "direction": row["direction"],
        "measure": row["measure"],
        "growth_of": row["growth_of__code"],
        "page": f"/indicators/{row['code']}/",
        # What the figures mean and where they come from (the 年均 wording, a definition that changed…).
        "note": row["note"],
        "metadata": {
            **{name: row[name] for name in METADATA_COLUMNS},
            "source": row["metadata_source__key"],
            "source_ref": row["metadata_source_ref"],
        },
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
    rows = [indicator_out(r) for r in indicators.values(*INDICATOR_FIELDS)[offset : offset + limit]]
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
    return indicator_out(row)
