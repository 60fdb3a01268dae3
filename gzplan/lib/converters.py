"""Path converters for the numbers the database stores: a number it could not hold matches no URL (404)."""

from __future__ import annotations


class IdConverter:
    """A primary key: 1 to 2**63 - 1 (a bigint)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= 2**63 - 1:
            raise ValueError(value)  # the URL does not match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class YearConverter:
    """A calendar year as the plans use them: four digits."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
