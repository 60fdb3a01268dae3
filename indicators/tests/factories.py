"""Small builders for test objects that are not part of the real data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from districts.models import Area
from indicators.models import Indicator, Plan, ReportedValue, SourceDocument, Target
from indicators.services import BatchRejected, upsert_values


def source() -> SourceDocument:
    return SourceDocument.objects.get_or_create(key="test", defaults={"title_en": "test source"})[0]


def area(code: str = "440199") -> Area:
    return Area.objects.get_or_create(
        code=code, defaults={"level": "district", "name_zh": "测试区", "name_en": "Test district"}
    )[0]


def indicator(code: str = "test_share", measure: str = "share", direction: str = "higher") -> Indicator:
    return Indicator.objects.get_or_create(
        code=code,
        defaults={
            "name_zh": "测试指标",
            "name_en": "Test indicator",
            "unit_zh": "%",
            "category": "economy",
            "direction": direction,
            "measure": measure,
        },
    )[0]


def plan(start: int = 2021, end: int = 2025, code: str = "test-plan") -> Plan:
    return Plan.objects.get_or_create(
        code=code,
        defaults={
            "area": area(),
            "kind": "five_year" if end - start == 4 else "vision",
            "name_zh": "测试规划",
            "name_en": "Test plan",
            "period_start": start,
            "period_end": end,
            "source_document": source(),
        },
    )[0]


def target(**fields) -> Target:
    defaults = {
        "plan": plan(),
        "indicator": indicator(),
        "target_year": 2025,
        "target_value": Decimal("50"),
        "attribute": "binding",
        "source_document": source(),
    }
    defaults.update(fields)
    return Target(**defaults)


class StaleVersion(Exception):
    """The value was changed by someone else since the caller read it."""

    def __init__(self, current: ReportedValue):
        self.current = current
        super().__init__(f"{current} was changed meanwhile (now version {current.version}); reload before saving")


def record_value(
    *,
    area,
    indicator,
    year: int,
    value: Decimal,
    quarter: int = 0,
    span_from: int | None = None,
    reference_year: int | None = None,
    status: str | None = None,
    user=None,
    reason: str = "",
    expected_version: int | None = None,
    **details: Any,
) -> ReportedValue:
    """Enter or revise one figure (for code that is trusted to write any area): upsert_values for one row.

    A revision keeps the earlier figure in the history. Changing the number of a
    final figure marks it revised unless a status is given. With
    `expected_version`, a figure saved by someone else in between raises
    StaleVersion and nothing is written; an invalid figure raises ValidationError.
    """
    row = {
        "area": area.code,
        "indicator": indicator.code,
        "year": year,
        "quarter": quarter,
        "span_from": span_from,
        "reference_year": reference_year,
        "value": value,
        "status": status,
        "version": expected_version,
        **details,
    }
    try:
        (result,) = upsert_values(
            [row], user=user, reason=reason, may_write=lambda area: True, require_versions=False, channel="service"
        )
    except BatchRejected as exc:
        (problem,) = exc.problems
        if problem.code == "conflict":
            key = {"area": area, "indicator": indicator, "year": year, "quarter": quarter}
            raise StaleVersion(
                problem.current or ReportedValue(**key, span_from=span_from or year, value=value, version=0)
            ) from None
        raise ValidationError({problem.field: [problem.message]}) from None
    return result.value
