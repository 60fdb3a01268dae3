"""Every page's foot says the latest year with figures and how complete the latest reporting round is."""

from __future__ import annotations

import re

import pytest
from django.test import Client

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
    status = _status()
    assert status["round_year"] == 2025 and status["owed"] > 0
    assert 0 <= status["done"] <= status["owed"]
    text = foot("/en/")
    assert f"2025 reporting round: {status['done']} of {status['owed']} figures in ({status['percent']}%)." in text
    assert f"2025年报送：已报{status['done']}项，应报{status['owed']}项（{status['percent']}%）。" in foot(
        "/districts/"
    )
