"""What each area owes in a round, derived from the real plans and figures, and the services that adjust it."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from districts.models import Area, YearReview
from indicators.models import Indicator, Target
from indicators.tests.factories import record_value
from reporting import services
from reporting.owed import Status, Why, completeness
from reporting.tests.conftest import CITY, YUEXIU

pytestmark = pytest.mark.django_db
BEFORE_DUE = datetime.date(2026, 2, 1)
AFTER_DUE = datetime.date(2026, 4, 1)


def plan_indicators(plan: str) -> set[str]:
    with open(Path(settings.BASE_DIR) / "fixtures" / "targets.csv", encoding="utf-8") as file:
        return {row["indicator"] for row in csv.DictReader(file) if row["plan"] == plan}


def state(round_, code: str, today=BEFORE_DUE):
    return next(s for s in completeness(round_, today=today) if s.area.code == code)


def owed_codes(round_, code: str, today=BEFORE_DUE) -> dict[str, Status]:
    return {f.indicator.code: f.status for f in state(round_, code, today).figures}


def test_city_and_yuexiu_owe_their_14th_fyp_indicators(round_2025):
    assert set(owed_codes(round_2025, CITY)) == plan_indicators("guangzhou-14th-fyp")
    assert set(owed_codes(round_2025, YUEXIU)) == plan_indicators("yuexiu-14th-fyp")
    # Nothing for 2025 is entered yet: every figure is owed, none late before the due date.
    assert set(owed_codes(round_2025, YUEXIU).values()) == {Status.OWED}
    # Haizhu has no plan covering 2025 and reported none of the city's indicators in 2022–2024.
    assert owed_codes(round_2025, "440105") == {}


def test_each_owed_figure_names_the_target_that_needs_it(round_2025):
    gdp = next(f for f in state(round_2025, YUEXIU).figures if f.indicator.code == "gdp")
    assert gdp.why == Why.TARGET
    assert [t.plan.code for t in gdp.targets] == ["yuexiu-14th-fyp"]


def test_a_district_owes_the_city_indicators_it_reported_in_the_three_years_before(round_2025):
    forest = Indicator.objects.get(code="forest_cover")
    assert "forest_cover" not in owed_codes(round_2025, YUEXIU)
    record_value(area=Area.objects.get(code=YUEXIU), indicator=forest, year=2022, value=Decimal("20"))
    figure = next(f for f in state(round_2025, YUEXIU).figures if f.indicator.code == "forest_cover")
    assert figure.why == Why.CITY and [t.plan.code for t in figure.targets] == ["guangzhou-14th-fyp"]
    # Four years before is too long ago.
    assert "forest_cover" not in owed_codes(round_2025, "440103")
    record_value(area=Area.objects.get(code="440103"), indicator=forest, year=2021, value=Decimal("20"))
    assert "forest_cover" not in owed_codes(round_2025, "440103")


def test_a_linked_target_makes_the_linked_indicator_owed(round_2025):
    target = next(t for t in state(round_2025, YUEXIU).figures if t.indicator.code == "urban_income_growth").targets[0]
    target.target_value = None
    target.linked_indicator = Indicator.objects.get(code="labour_productivity")
    target.save()
    figure = next(f for f in state(round_2025, YUEXIU).figures if f.indicator.code == "labour_productivity")
    assert figure.why == Why.LINKED and figure.targets == [target]


def test_a_growth_target_does_not_make_its_level_owed(round_2025):
    # Without its GDP target, Yuexiu's plan sets GDP growth only: the rate is asked for, not the level.
    Target.objects.filter(plan__code="yuexiu-14th-fyp", indicator__code="gdp").delete()
    owed = owed_codes(round_2025, YUEXIU)
    assert Indicator.objects.get(code="gdp_growth").growth_of.code == "gdp"
    assert "gdp_growth" in owed and "gdp" not in owed


def test_entering_a_figure_moves_it_from_owed_to_entered(round_2025):
    yuexiu, gdp = Area.objects.get(code=YUEXIU), Indicator.objects.get(code="gdp")
    record_value(area=yuexiu, indicator=gdp, year=2025, value=Decimal("3500"))
    assert owed_codes(round_2025, YUEXIU)["gdp"] == Status.ENTERED
    counts = state(round_2025, YUEXIU).counts
    assert counts[Status.ENTERED] == 1 and counts[Status.OWED] == len(plan_indicators("yuexiu-14th-fyp")) - 1
    assert "gdp" not in {f.indicator.code for f in state(round_2025, YUEXIU).missing}


def test_after_the_due_date_an_owed_figure_is_late(round_2025):
    record_value(area=Area.objects.get(code=YUEXIU), indicator=Indicator.objects.get(code="gdp"), year=2025,
                 value=Decimal("3500"))  # fmt: skip
    statuses = owed_codes(round_2025, YUEXIU, today=AFTER_DUE)
    assert statuses.pop("gdp") == Status.ENTERED
    assert set(statuses.values()) == {Status.LATE}
    # The due day itself is not late.
    assert Status.LATE not in owed_codes(round_2025, YUEXIU, today=round_2025.due_on).values()


def test_a_frozen_year_is_accepted_and_a_reopened_one_is_not(round_2025):
    yuexiu = Area.objects.get(code=YUEXIU)
    review = YearReview.objects.create(area=yuexiu, year=2025, reviewed_at=timezone.now())
    assert set(owed_codes(round_2025, YUEXIU, today=AFTER_DUE).values()) == {Status.ACCEPTED}
    assert Status.ACCEPTED not in owed_codes(round_2025, CITY).values()
    review.reopened_at, review.reopen_reason = timezone.now(), "a figure to correct"
    review.save()
    assert Status.ACCEPTED not in owed_codes(round_2025, YUEXIU).values()


def test_waived_figures_drop_out_and_added_ones_appear(round_2025, users):
    yuexiu, admin = Area.objects.get(code=YUEXIU), users["administrator"]
    pm25, forest = Indicator.objects.get(code="pm25_concentration"), Indicator.objects.get(code="forest_cover")
    services.waive_owed(admin, round_2025, yuexiu, pm25, "monitoring station moved")
    services.add_owed(admin, round_2025, yuexiu, forest, "asked by the city's forestry bureau")
    result = state(round_2025, YUEXIU)
    assert "pm25_concentration" not in {f.indicator.code for f in result.figures}
    assert [f.indicator.code for f in result.waived] == ["pm25_concentration"]
    added = next(f for f in result.figures if f.indicator.code == "forest_cover")
    assert added.why == Why.ADDED and added.adjustment.reason == "asked by the city's forestry bureau"
    # Taking a waiver back: owed again, and the history keeps the waiver.
    services.add_owed(admin, round_2025, yuexiu, pm25, "station back in service")
    assert "pm25_concentration" in owed_codes(round_2025, YUEXIU)
    assert round_2025.adjustments.get(indicator=pm25).history.count() == 2


@pytest.mark.parametrize(
    ("action", "code", "message"),
    [
        ("add", "gdp", "already owes gdp"),
        ("waive", "forest_cover", "does not owe forest_cover"),
    ],
)
def test_adjustments_that_change_nothing_are_refused(round_2025, users, action, code, message):
    yuexiu, indicator = Area.objects.get(code=YUEXIU), Indicator.objects.get(code=code)
    adjust = services.add_owed if action == "add" else services.waive_owed
    with pytest.raises(ValidationError, match=message):
        adjust(users["administrator"], round_2025, yuexiu, indicator, "a reason")


def test_an_adjustment_needs_a_reason_and_an_administrator(round_2025, users):
    yuexiu, gdp = Area.objects.get(code=YUEXIU), Indicator.objects.get(code="gdp")
    with pytest.raises(ValidationError, match="Say why"):
        services.waive_owed(users["administrator"], round_2025, yuexiu, gdp, "  ")
    for role in ("viewer", "district_analyst", "city_analyst", "reviewer"):
        with pytest.raises(PermissionDenied, match="Only administrators"):
            services.waive_owed(users[role], round_2025, yuexiu, gdp, "a reason")
    with pytest.raises(PermissionDenied):
        services.waive_owed(None, round_2025, yuexiu, gdp, "a reason")


def test_rounds_are_opened_by_city_analysts_and_administrators(round_2025, users):
    dates = {"opens_on": datetime.date(2026, 9, 1), "due_on": datetime.date(2026, 10, 31)}
    final = services.create_round(
        users["administrator"], year=2025, kind="final", title_zh="2025年最终数据", title_en="2025 final", **dates
    )
    assert final.created_by == users["administrator"] and final.history.count() == 1
    for role in ("viewer", "district_analyst", "reviewer"):
        with pytest.raises(PermissionDenied, match="Only city analysts and administrators"):
            services.create_round(users[role], year=2024, kind="final", title_zh="x", title_en="x", **dates)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "preliminary"}, "__all__", "already a round of this kind"),
        ({"due_on": datetime.date(2025, 12, 31)}, "__all__", "due on or after the day it opens"),
        ({"year": 1800}, "year", ""),
        ({"kind": "monthly"}, "kind", "not a valid choice"),
        ({"title_zh": " "}, "title_zh", ""),
    ],
)
def test_bad_rounds_are_refused_with_the_field(round_2025, users, fields, field, message):
    values = {
        "year": 2025,
        "kind": "final",
        "title_zh": "2025年最终数据",
        "title_en": "2025 final",
        "opens_on": datetime.date(2026, 1, 5),
        "due_on": datetime.date(2026, 3, 31),
        **fields,
    }
    with pytest.raises(ValidationError) as refused:
        services.create_round(users["city_analyst"], **values)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])


def test_completeness_takes_a_constant_number_of_queries(round_2025, django_assert_num_queries):
    round_2025 = type(round_2025).objects.get(pk=round_2025.pk)
    # Areas, targets, figures, adjustments, frozen reviews, submissions awaiting review.
    with django_assert_num_queries(6):
        completeness(round_2025)
