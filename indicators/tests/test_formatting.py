from decimal import Decimal

import pytest

from gzplan.lib.numbers import plain_number


@pytest.mark.parametrize(
    "value,text",
    [
        (Decimal("30355.730000"), "30355.73"),
        (Decimal("100.000000"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("0.000000"), "0"),
        (Decimal("-0.5"), "-0.5"),
        (Decimal("41.650000"), "41.65"),
        (None, ""),
    ],
)
def test_plain_number_drops_padding_but_keeps_the_figure(value, text):
    assert plain_number(value) == text
