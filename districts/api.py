"""API: areas (the city and its districts)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router
from pydantic import BaseModel, Field

from districts.models import POSITIONING_FIELDS, Area
from gzplan.lib.apitools import (
    ONE_ERRORS,
    READ_ERRORS,
    AreaCode,
    ListFormat,
    alternative_content,
    choice_pattern,
    csv_response,
    limit_param,
    not_found,
    offset_param,
    output_format,
    page,
)

router = Router(tags=["areas"])


class AreaOut(BaseModel):
    code: str = Field(description="GB/T 2260 code", examples=["440104"])
    level: str = Field(description="province, city or district", examples=["district"])
    parent: str | None = Field(description="The code of the area it belongs to", examples=["440100"])
    name_zh: str = Field(examples=["越秀区"])
    name_en: str = Field(examples=["Yuexiu"])
    page: str = Field(description="Its dashboard", examples=["/districts/440104/"])


class AreaDetail(AreaOut):
    positioning_zh: str = Field(description="功能定位, from the city's 14th FYP (专栏14)")
    focus_zh: str = Field(description="发展重点")
    platforms_zh: str = Field(description="重点平台")
    positioning_en: str = Field(description="An English translation of `positioning_zh` (not official); blank if none")
    focus_en: str = Field(description="An English translation of `focus_zh` (not official)")
    platforms_en: str = Field(description="An English translation of `platforms_zh` (not official)")


class AreaPage(BaseModel):
    count: int = Field(description="All matching areas", examples=[12])
    limit: int
    offset: int
    next: str | None = Field(description="The next page, if any")
    previous: str | None
    items: list[AreaOut]


AREA_FIELDS = ["code", "level", "parent__code", "name_zh", "name_en"]
AREA_COLUMNS = ["code", "level", "parent", "name_zh", "name_en", "page"]


def _area(row: dict) -> dict:
    return {
        "code": row["code"],
        "level": row["level"],
        "parent": row["parent__code"],
        "name_zh": row["name_zh"],
        "name_en": row["name_en"],
        "page": f"/districts/{row['code']}/",
    }


@router.get(
    "/areas",
    response={200: AreaPage, **READ_ERRORS},
    summary="List areas",
    openapi_extra=alternative_content(("csv",)),
)
def list_areas(
    request: HttpRequest,
    level: str | None = Query(None, pattern=choice_pattern(Area.Level.values), description="Only this level"),
    parent: AreaCode | None = Query(None, description="Only the areas within this one", examples=["440100"]),
    limit: int = limit_param(),
    offset: int = offset_param(),
    format: ListFormat | None = Query(None, description="json (default) or csv"),  # noqa: A002
):
    """The city and its districts, by GB/T 2260 code: two queries whatever the page size."""
    areas = Area.objects.order_by("code")
    if level:
        areas = areas.filter(level=level)
    if parent:
        areas = areas.filter(parent__code=parent)
    count = areas.count()
    rows = [_area(r) for r in areas.values(*AREA_FIELDS)[offset : offset + limit]]
    if output_format(request, format, ("json", "csv")) == "csv":
        return csv_response(request, rows, AREA_COLUMNS, "areas.csv", count=count, limit=limit, offset=offset)
    return page(request, rows, count, limit, offset)


@router.get("/areas/{code}", response={200: AreaDetail, **ONE_ERRORS}, summary="One area")
def get_area(request: HttpRequest, code: AreaCode = Path(..., examples=["440104"])):
    """An area with its functional positioning and development focus from the city's 14th FYP."""
    row = Area.objects.filter(code=code).values(*AREA_FIELDS, *POSITIONING_FIELDS).first()
    if row is None:
        raise not_found(f"No area with code {code}.")
    return {**_area(row), **{k: row[k] for k in POSITIONING_FIELDS}}
