"""How figures are written for people: as printed in the plans, without padding."""

from __future__ import annotations

from decimal import Decimal


def plain_number(value: Decimal | None) -> str:
    """30355.730000 → '30355.73', 100.000000 → '100', None → ''. Never exponent notation."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
