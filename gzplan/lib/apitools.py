"""What every list endpoint of the API shares: paging, CSV and SDMX-CSV output, safe text input.

Nothing of the domain here (gzplan.lib imports no app): the year range, the figure statuses and
the other facts of the plans are typed in indicators.api.types, from indicators.domain.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from ninja import Query
from ninja.errors import HttpError
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, StringConstraints

from gzplan.lib.cells import safe_cell

MAX_LIMIT = 5000
DEFAULT_LIMIT = 100
MAX_OFFSET = 10**9

CSV_TYPE = "text/csv; charset=utf-8"
SDMX_TYPE = "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"

AreaCode = Annotated[str, StringConstraints(pattern=r"^[1-8][0-9]{5}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{1,64}$")]


def choice_pattern(values: Iterable[str]) -> str:
    """A parameter's `pattern` that accepts exactly these values: ("a", "b", "") → "^(a|b|)$"."""
    return "^(" + "|".join(re.escape(value) for value in values) + ")$"


def limit_param() -> Any:
    return Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT})")


def offset_param() -> Any:
    return Query(0, ge=0, le=MAX_OFFSET, description="Items to skip")


ListFormat = Literal["json", "csv"]
DataFormat = Literal["json", "csv", "sdmx"]


class Problem(BaseModel):
    """An error: `detail` says what is wrong, or lists the fields of a malformed request."""

    detail: str | list[dict] = Field(examples=["No area with code 440199."])


# The errors each kind of endpoint may answer with, for the OpenAPI schema.
READ_ERRORS = {401: Problem, 422: Problem, 429: Problem}
ONE_ERRORS = {**READ_ERRORS, 404: Problem}


def _iso_date_time(value: object) -> object:
    if isinstance(value, str) and not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date and time in ISO 8601, such as 2026-01-01T00:00:00+08:00")
    return value


# A moment in ISO 8601 only (pydantic would also take a number as seconds since 1970).
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_date_time)]


def storable(text: str) -> str:
    """The text, if a database can store it: no NUL, no lone surrogates (else ValueError)."""
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return text


# Text input a database can store, bounded (the bound is checked first, then the characters):
#     Note = Annotated[str, StringConstraints(max_length=2000), STORABLE]
STORABLE = AfterValidator(storable)


# request.META's key for the request headers the answer depended on, which the project's middleware
# (gzplan.middleware.CacheHeadersMiddleware) names in the response's Vary, so that a cache keeps one
# answer per value of each.
VARY_KEY = "gzplan.vary"


def varies_on(request: HttpRequest, *headers: str) -> None:
    """Say that the answer to this request depends on these request headers (they go in Vary)."""
    request.META[VARY_KEY] = (*request.META.get(VARY_KEY, ()), *headers)


def output_format(request: HttpRequest, requested: str | None, allowed: tuple[str, ...]) -> str:
    """The format asked for: the `format` parameter, else the Accept header, else JSON.

    Without `format`, the answer depends on Accept, so it is named in Vary."""
    if requested:
        return requested
    varies_on(request, "Accept")
    accept = request.headers.get("Accept", "")
    if "sdmx" in allowed and "application/vnd.sdmx.data+csv" in accept:
        return "sdmx"
    if "csv" in allowed and "text/csv" in accept:
        return "csv"
    return "json"


def accepted_media_types(accept: str) -> list[tuple[str, dict[str, str]]]:
    """An Accept header's media ranges, most wanted first (by q, then as written), without those it
    refuses (q=0): ("application/vnd.sdmx.structure+json", {"version": "2.0.0"}), ("*/*", {})…
    Types and parameter names in lower case; a malformed q counts as 1."""
    ranges: list[tuple[float, int, str, dict[str, str]]] = []
    for position, part in enumerate(accept.split(",")):
        media_type, *params = (p.strip() for p in part.split(";"))
        if not media_type:
            continue
        parameters: dict[str, str] = {}
        for param in params:
            name, _, value = param.partition("=")
            parameters[name.strip().lower()] = value.strip().strip('"')
        try:
            quality = float(parameters.pop("q", "1"))
        except ValueError:
            quality = 1.0
        if quality > 0:
            ranges.append((-quality, position, media_type.lower(), parameters))
    return [(media_type, parameters) for _, _, media_type, parameters in sorted(ranges, key=lambda r: r[:2])]


def page_links(request: HttpRequest, count: int, limit: int, offset: int) -> tuple[str | None, str | None]:
    def link(new_offset: int) -> str:
        params = request.GET.copy()
        params["offset"] = str(new_offset)
        params["limit"] = str(limit)
        return request.build_absolute_uri(request.path) + "?" + urlencode(sorted(params.lists()), doseq=True)

    following = link(offset + limit) if offset + limit < count else None
    previous = link(max(0, offset - limit)) if offset > 0 else None
    return following, previous


def page(request: HttpRequest, items: list, count: int, limit: int, offset: int) -> dict[str, Any]:
    following, previous = page_links(request, count, limit, offset)
    return {"count": count, "limit": limit, "offset": offset, "next": following, "previous": previous, "items": items}


def csv_response(
    request: HttpRequest,
    rows: list[dict],
    columns: list[str],
    filename: str,
    *,
    count: int,
    limit: int,
    offset: int,
    content_type: str = CSV_TYPE,
    bom: bool = True,
) -> HttpResponse:
    """Rows as CSV: a header row, UTF-8 (with a BOM for spreadsheet software), text that could run
    as a formula written with a leading apostrophe; paging in X-Total-Count and Link headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else safe_cell(row.get(c)) for c in columns])
    body = buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Total-Count"] = str(count)
    following, previous = page_links(request, count, limit, offset)
    links = [f'<{url}>; rel="{rel}"' for url, rel in ((following, "next"), (previous, "prev")) if url]
    if links:
        response["Link"] = ", ".join(links)
    return response


def alternative_content(formats: tuple[str, ...]) -> dict[str, Any]:
    """openapi_extra: the 200 response's other media types, so clients and fuzzers know them."""
    content: dict[str, Any] = {}
    if "csv" in formats:
        content["text/csv"] = {
            "schema": {"type": "string"},
            "example": "code,name_zh,name_en\r\n440104,越秀区,Yuexiu\r\n",
        }
    if "sdmx" in formats:
        content["application/vnd.sdmx.data+csv"] = {
            "schema": {"type": "string"},
            "example": "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS,"
            "UNIT_MEASURE,QUALIFIER,NOTATION,COMMENT_OBS\r\n"
            "dataflow,GZPLAN:DF_REPORTED_VALUES(1.0),I,440100,gdp,2023,30355.73,A,CNY_100M,,30355.73,\r\n",
        }
    return {"responses": {200: {"content": content}}}


def not_found(message: str) -> HttpError:
    return HttpError(404, message)


def query_parameters(operation: Any) -> list[str]:
    """The query parameters a django-ninja operation declares, by the names a caller sends."""
    names: list[str] = []
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        flattened = getattr(model, "__ninja_flatten_map__", None)
        if flattened:
            names.extend(flattened)
        else:
            names.extend(field.alias or name for name, field in model.model_fields.items())
    return names


def refuse_unknown_query_parameters(view: Callable[..., Any]) -> Callable[..., Any]:
    """An API decorator (NinjaAPI.add_decorator, mode "operation"): a GET whose query string has a
    parameter the endpoint does not declare answers 422, naming it and the parameters accepted.

    Silently ignored, a misspelt filter (`year=2019` where the endpoint takes `year_from`) answers with
    everything, which looks like an answer to the question asked. Applied after the declared
    parameters are validated, so a bad value of a known parameter is reported as before."""
    operation = getattr(view, "_ninja_operation", None)
    accepted = query_parameters(operation) if operation is not None else []

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method in ("GET", "HEAD"):
            unknown = sorted(set(request.GET) - set(accepted))
            if unknown:
                raise HttpError(422, unknown_parameters_message(unknown, accepted))
        return view(request, *args, **kwargs)

    return checked


def unknown_parameters_message(unknown: list[str], accepted: list[str]) -> str:
    """ "Unknown query parameter: year. Accepted: area, indicator, …" (or "none" for an endpoint that takes none)."""
    noun = "parameter" if len(unknown) == 1 else "parameters"
    taken = ", ".join(accepted) if accepted else "none (this endpoint takes no query parameters)"
    return f"Unknown query {noun}: {', '.join(unknown)}. Accepted: {taken}."
