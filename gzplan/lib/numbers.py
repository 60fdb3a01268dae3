"""Numbers for people: read as analysts type them (full-width digits, thousands separators, a
trailing %), written as printed in the plans (no padding, no exponent)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
MAX_DIGITS, DECIMAL_PLACES = 20, 6
# The largest figure, either sign: 14 digits before the point (MAX_DIGITS - DECIMAL_PLACES), and only one after,
# since SQLite keeps 15 significant digits: 99999999999999.99 would read back as 100000000000000, more digits than
# the column has, and every read of it would fail.
LARGEST = Decimal("99999999999999.9")


def parse_number(text: object) -> Decimal:
    """A figure from a cell or a form field, or ValueError saying what is wrong with it.

    Accepts １２３４.５ (full width), 1,234.5 and 1，234.5 (thousands separators), spaces,
    a minus sign written as − and a trailing %. Refuses words and qualifiers such as 约30
    (an "about" figure is entered as its number with the qualifier "about").
    """
    if isinstance(text, Decimal):
        number = text
    elif isinstance(text, int | float) and not isinstance(text, bool):
        number = Decimal(str(text))
    elif isinstance(text, str) and text.isascii() and _PLAIN.match(text):
        number = Decimal(text)  # the usual cell, already plain: no normalising
    else:
        raw = str(text)
        cleaned = unicodedata.normalize("NFKC", raw).strip().replace("−", "-").replace("\u00a0", "")
        cleaned = cleaned.replace(" ", "")
        if cleaned.endswith("%"):
            cleaned = cleaned[:-1]
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", cleaned):
            cleaned = cleaned.replace(",", "")
        if not cleaned:
            raise ValueError("is empty")
        if not _PLAIN.match(cleaned):
            hint = (
                " (write 约30 as 30 with the qualifier 'about')" if re.search("[约約左右以上以下超过突破]", raw) else ""
            )
            raise ValueError(f"{raw.strip()[:40]!r} is not a number{hint}")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"{raw.strip()[:40]!r} is not a number") from None
    if not number.is_finite():
        raise ValueError("is not a finite number")
    # The size first: rounding a number of more than 28 digits to the places kept overflows Decimal's precision.
    if abs(number) > LARGEST:
        raise ValueError(f"{number} is too large (at most {LARGEST}, either sign)")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DECIMAL_PLACES:
        rounded = number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
        if rounded != number:
            raise ValueError(f"{number} has more than {DECIMAL_PLACES} decimal places")
        number = rounded
    return number


def plain_number(value: Decimal | None) -> str:
    """30355.730000 → '30355.73', 100.000000 → '100', None → ''. Never exponent notation."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt(number: float | None) -> str:
    """A figure for people: at most two decimals, no trailing zeros."""
    if number is None:
        return "–"
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
