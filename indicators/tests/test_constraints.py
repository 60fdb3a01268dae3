"""The database itself refuses data that breaks the model's rules (not only the forms).

Each case saves through the ORM without validation, so only the database stands
in the way; the same tests run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from districts.models import Area
from indicators.models import Plan, ReportedValue
from indicators.tests import factories as f

pytestmark = pytest.mark.django_db


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def value(**fields) -> ReportedValue:
    defaults = {"area": f.area(), "indicator": f.indicator(), "year": 2023, "value": Decimal("50")}
    defaults.update(fields)
    return ReportedValue(**defaults)


def test_a_share_of_120_percent_is_refused():
    refused(lambda: value(value=Decimal("120")).save())


def test_a_negative_share_is_refused():
    refused(lambda: value(value=Decimal("-0.1")).save())


def test_a_share_of_exactly_100_is_accepted():
    value(value=Decimal("100")).save()


def test_a_level_above_100_is_accepted():
    value(indicator=f.indicator("test_level", measure="level"), value=Decimal("30355.73")).save()


def test_raising_an_existing_share_above_100_is_refused():
    row = value()
    row.save()
    row.value = Decimal("101")
    refused(row.save)


def test_a_duplicate_value_for_the_same_period_is_refused():
    value().save()
    refused(lambda: value(value=Decimal("60")).save())


def test_a_five_year_total_beside_the_yearly_value_is_allowed():
    value(indicator=f.indicator("test_flow", measure="flow"), year=2020).save()
    value(indicator=f.indicator("test_flow", measure="flow"), year=2020, span_from=2016).save()


def test_a_year_out_of_range_is_refused():
    refused(lambda: value(year=1800, span_from=1800, reference_year=1800).save())


def test_a_reference_year_after_the_year_is_refused():
    refused(lambda: value(year=2020, reference_year=2021).save())


def test_a_fifth_quarter_is_refused():
    refused(lambda: value(quarter=5).save())


def test_an_unknown_status_is_refused():
    refused(lambda: value(status="guessed").save())


def test_a_target_year_outside_the_plan_is_refused():
    refused(lambda: f.target(target_year=2030).save())


def test_a_target_year_inside_the_plan_is_accepted():
    f.target(target_year=2023).save()


def test_an_unknown_comparator_is_refused():
    refused(lambda: f.target(comparator="roughly").save())


def test_an_about_target_without_a_value_is_refused():
    refused(lambda: f.target(comparator="about", target_value=None).save())


def test_a_target_without_value_link_or_assignment_is_refused():
    refused(lambda: f.target(target_value=None).save())


def test_an_assigned_target_may_wait_for_its_value():
    f.target(target_value=None, assigned_by="city").save()


def test_a_cumulative_target_on_a_share_is_refused():
    refused(lambda: f.target(is_cumulative=True).save())


def test_a_share_target_of_120_percent_is_refused():
    refused(lambda: f.target(target_value=Decimal("120")).save())


def test_a_revised_target_without_a_reason_is_refused():
    refused(lambda: f.target(original_value=Decimal("40")).save())


def plan(kind: str, start: int, end: int) -> Plan:
    return Plan(
        code="bad-plan",
        area=f.area(),
        kind=kind,
        name_zh="x",
        name_en="x",
        period_start=start,
        period_end=end,
        source_document=f.source(),
    )


def test_a_five_year_plan_of_six_years_is_refused():
    refused(plan("five_year", 2021, 2026).save)


def test_an_annual_plan_of_two_years_is_refused():
    refused(plan("annual", 2024, 2025).save)


def test_a_plan_ending_before_it_starts_is_refused():
    refused(plan("vision", 2035, 2021).save)


def test_an_area_code_that_is_not_six_digits_is_refused():
    refused(lambda: Area.objects.create(code="4401", level="district", name_zh="x", name_en="x"))


def test_the_model_validation_explains_a_cumulative_share_target():
    target = f.target(is_cumulative=True)
    with pytest.raises(ValidationError) as excinfo:
        target.full_clean()
    assert "cumulative target" in str(excinfo.value)


def test_the_model_validation_explains_a_target_year_outside_the_plan():
    target = f.target(target_year=2030)
    with pytest.raises(ValidationError) as excinfo:
        target.full_clean()
    assert "outside the plan's period 2021–2025" in str(excinfo.value)
