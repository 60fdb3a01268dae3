"""What the resource routers share: numbers for JSON, the references an object carries to the
area, indicator and source it names, and the errors a write may answer with."""

from __future__ import annotations

import math
from typing import Any

from gzplan.lib.apitools import ONE_ERRORS, Problem
from indicators.api.schemas import Rejected

# The errors a write may answer with, for the OpenAPI schema.
WRITE_ERRORS = {**ONE_ERRORS, 400: Problem, 403: Rejected, 409: Rejected, 422: Rejected}
# SDMX-CSV: the kind of structure each row is data for.
STRUCTURE = "dataflow"

# The fields of the references, as named in the API.
AREA_REF = ["code", "name_zh", "name_en"]
INDICATOR_REF = ["code", "name_zh", "name_en", "unit_zh", "unit_en"]
SOURCE_REF = ["key", "title_zh", "title_en", "url"]


def number(value: Any) -> float | None:
    """A stored figure for JSON: a float, or None for a missing or non-finite one."""
    if value is None:
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def rounded(value: Any) -> float | None:
    """A computed figure without float noise (31007.600000000002 → 31007.6)."""
    result = number(value)
    return None if result is None else round(result, 6)


def ref_fields(prefix: str, names: list[str]) -> list[str]:
    """The names to ask .values() for, for a reference through `prefix` ("area__")."""
    return [f"{prefix}{name}" for name in names]


def area_ref(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {name: row[f"{prefix}{name}"] for name in AREA_REF}


def indicator_ref(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {name: row[f"{prefix}{name}"] for name in INDICATOR_REF}


def source_ref(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {name: row[f"{prefix}{name}"] or "" for name in SOURCE_REF}
