"""Every page's foot says the latest year with figures and how complete the latest reporting round is."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from districts.models import Area
from indicators.models import ReportedValue
from reporting.context_processors import _status

pytestmark = pytest.mark.django_db


def foot(path: str) -> str:
    page = Client().get(path).content.decode()
    found = re.search(r'<p class="data-status">(.*?)</p>', page, re.S)
    assert found, path
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_the_foot_names_the_latest_year_with_figures():
    latest = ReportedValue.objects.order_by("-year").values_list("year", flat=True).first()
    assert foot("/") == f"数据截至{latest}年。"
    assert foot("/en/indicators/") == f"Figures up to {latest}."


def test_the_foot_gives_the_latest_rounds_completeness(round_2025):
    status = _status(None, None)
    assert status["round_year"] == 2025 and status["owed"] > 0
    assert 0 <= status["done"] <= status["owed"]
    chinese = f"2025年报送：已报{status['done']}项，应报{status['owed']}项（{status['percent']}%）。"
    assert chinese in foot("/districts/")  # the district index shows any figure: the whole round


def test_a_page_that_shows_some_areas_counts_theirs_only(round_2025):
    """The city's scorecard shows the city's figures only (freshness.reads): its foot counts the city's
    owed figures, so that the cached page never outlives them."""
    city = Area.objects.get(code="440100")
    status = _status({city.pk}, set())
    assert 0 < status["owed"] < _status(None, None)["owed"]
    text = foot("/en/")
    expected = (
        f"2025 reporting round, figures on this page: {status['done']} of {status['owed']} in ({status['percent']}%)."
    )
    assert expected in text
