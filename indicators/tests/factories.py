"""Small builders for test objects that are not part of the real data."""

from __future__ import annotations

from decimal import Decimal

from districts.models import Area
from indicators.models import Indicator, Plan, SourceDocument, Target


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
