"""Writes through the services module: revisions keep history, stale versions are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from indicators import services
from indicators.models import ReportedValue
from indicators.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst():
    return get_user_model().objects.create_user("analyst", password="x")


def record(**fields):
    defaults = {"area": f.area(), "indicator": f.indicator(), "year": 2023, "value": Decimal("41.2")}
    defaults.update(fields)
    return f.record_value(**defaults)


def test_a_new_value_is_preliminary_version_1_and_entered_by_the_user(analyst):
    row = record(user=analyst, source="统计公报")
    assert (row.status, row.version, row.entered_by, row.reference_year, row.span_from) == (
        "preliminary",
        1,
        analyst,
        2023,
        2023,
    )


def test_revising_a_final_value_marks_it_revised_and_keeps_the_earlier_one(analyst):
    record(status="final")
    row = record(value=Decimal("41.5"), user=analyst, reason="final data from the statistics bureau")
    assert (row.status, row.version, row.value) == ("revised", 2, Decimal("41.5"))
    history = list(row.history.order_by("history_date"))
    assert [h.value for h in history] == [Decimal("41.2"), Decimal("41.5")]
    assert history[-1].history_change_reason == "final data from the statistics bureau"
    assert history[-1].history_user == analyst


def test_saving_the_same_figure_again_writes_nothing():
    record()
    row = record()
    assert row.version == 1
    assert row.history.count() == 1


def test_a_stale_version_is_refused_and_the_current_value_stands():
    first = record()
    record(value=Decimal("42"), expected_version=first.version)
    with pytest.raises(f.StaleVersion) as excinfo:
        record(value=Decimal("43"), expected_version=first.version)
    assert excinfo.value.current.value == Decimal("42")
    assert ReportedValue.objects.get(pk=first.pk).value == Decimal("42")


def test_a_share_above_100_is_refused_by_validation_with_a_message():
    with pytest.raises(ValidationError, match="A share lies between 0 and 100"):
        record(value=Decimal("120"))


def test_revising_a_target_keeps_the_published_value_and_the_reason(analyst):
    target = f.target(target_value=Decimal("42.5"))
    target.save()
    services.revise_target(target, value=Decimal("41.6"), reason="新统计口径", user=analyst)
    target.refresh_from_db()
    assert (target.original_value, target.target_value, target.revision_reason) == (
        Decimal("42.5"),
        Decimal("41.6"),
        "新统计口径",
    )
    assert target.history.first().history_change_reason == "新统计口径"


def test_a_target_revision_needs_a_reason():
    target = f.target()
    target.save()
    with pytest.raises(ValueError, match="needs a reason"):
        services.revise_target(target, value=Decimal("1"), reason=" ")
