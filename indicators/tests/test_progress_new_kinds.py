"""The kinds of target the plan-table reader produces beyond level, total, average, in-step and city/province
assignment: qualitative targets (保持在合理区间), linked targets above the linked indicator (高于GDP增长) and
targets assigned by the nation (完成国家下达目标).

Each is stored (the database and the model's validation agree on what is allowed), judged by the
engine as the plan means it, explained in both languages, and counted as its status wherever verdicts
are counted: pages, the progress API and the exports.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators.domain import TargetKind, target_kind
from indicators.models import Indicator, Target
from indicators.progress.engine import (
    ACHIEVED,
    AT_RISK,
    NO_DATA,
    NOT_ACHIEVED,
    NOT_ASSESSED,
    OFF_TRACK,
    ON_TRACK,
    Observation,
    TargetSpec,
    evaluate,
)
from indicators.progress.evaluation import evaluate_targets
from indicators.tests import factories as f
from indicators.tests.test_admin import target_form
from indicators.web import dashboards

pytestmark = pytest.mark.django_db

WORDS = "保持在合理区间"


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def series(*pairs) -> list[Observation]:
    return [Observation(year, Decimal(str(value))) for year, value in pairs]


def every_year(value, start: int = 2021, end: int = 2025) -> list[Observation]:
    return series(*[(year, value) for year in range(start, end + 1)])


def gdp_growth() -> Indicator:
    return Indicator.objects.get(code="gdp_growth")


def qualitative(**fields) -> Target:
    """保持在合理区间 for a test indicator: words, no number, no link, no assignment."""
    defaults = {"target_value": None, "target_notation": WORDS, "attribute": "anticipatory"}
    return f.target(**{**defaults, **fields})


def above(**fields) -> Target:
    """Income growth 高于GDP增长 in the test plan (2021–2025)."""
    defaults = {
        "indicator": f.indicator("test_income_growth", measure="growth"),
        "target_value": None,
        "target_notation": "高于GDP增长",
        "linked_indicator": gdp_growth(),
        "linked_relation": Target.LinkedRelation.ABOVE,
    }
    return f.target(**{**defaults, **fields})


def saved(target: Target) -> Target:
    target.full_clean()
    target.save()
    return target


def verdict(target: Target):
    return evaluate_targets(Target.objects.filter(pk=target.pk))[0].evaluation


# --- qualitative ------------------------------------------------------------


class TestQualitative:
    def test_a_target_in_words_saves_and_is_of_the_qualitative_kind(self):
        target = saved(qualitative())
        stored = Target.objects.get(pk=target.pk)
        assert (stored.target_value, stored.target_notation) == (None, WORDS)
        assert stored.kind == TargetKind.QUALITATIVE == "qualitative"

    def test_it_is_not_assessed_and_the_explanation_gives_its_words(self):
        result = verdict(saved(qualitative()))
        assert (result.status, result.final, result.method) == (NOT_ASSESSED, False, "qualitative")
        assert result.explanation_en == f"Not assessed: qualitative target “{WORDS}”."
        assert result.explanation_zh == f"不评估：定性目标“{WORDS}”。"
        assert (result.label_en, result.label_zh) == ("not assessed", "不评估")

    def test_figures_for_its_indicator_do_not_make_it_judged(self):
        # Even with figures reported for every year, there is no number to hold them against.
        target = saved(qualitative())
        for year in range(2021, 2026):
            f.record_value(area=target.plan.area, indicator=target.indicator, year=year, value=Decimal("60"))
        result = verdict(target)
        assert (result.status, result.value, result.target) == (NOT_ASSESSED, None, None)

    def test_the_engine_alone_never_judges_it(self):
        spec = TargetSpec(2025, 2021, notation="各年度视情提出")
        result = evaluate(spec, every_year(99))
        assert result.status == NOT_ASSESSED and result.explanation_en.endswith("“各年度视情提出”.")

    def test_an_empty_notation_is_refused_by_the_database(self):
        refused(lambda: qualitative(target_notation="").save())

    @pytest.mark.parametrize("notation", ["", "   "], ids=["empty", "blank"])
    def test_an_empty_notation_is_refused_by_validation(self, notation):
        with pytest.raises(ValidationError) as refusal:
            qualitative(target_notation=notation).full_clean()
        assert "qualitative target" in str(refusal.value.message_dict["target_value"])

    def test_it_is_counted_as_not_assessed_on_the_pages(self, client):
        target = saved(qualitative())
        counts = dict(dashboards.status_counts(dashboards.plan_rows(target.plan)))
        assert counts == {NOT_ASSESSED: 1}
        html = client.get(f"/en/plans/{target.plan.code}/").content.decode()
        assert 'class="count count--not_assessed"><strong>1</strong> Not assessed' in html
        assert "badge--not_assessed" in html and "badge--achieved" not in html
        assert "不评估" in client.get(f"/plans/{target.plan.code}/").content.decode()

    def test_the_api_lists_it_as_qualitative_and_not_assessed(self, api):
        target = saved(qualitative())
        (item,) = api.get(f"/targets?plan={target.plan.code}").json()["items"]
        assert (item["kind"], item["target_value"], item["target_notation"]) == ("qualitative", None, WORDS)
        (progress,) = api.get(f"/progress?plan={target.plan.code}").json()["items"]
        assert progress["target"]["kind"] == "qualitative"
        assert progress["verdict"]["status"] == NOT_ASSESSED and not progress["verdict"]["final"]
        assert progress["verdict"]["explanation_zh"] == f"不评估：定性目标“{WORDS}”。"
        assert api.get(f"/progress?plan={target.plan.code}&status=not_assessed").json()["count"] == 1
        assert api.get(f"/progress?plan={target.plan.code}&status=achieved").json()["count"] == 0

    def test_the_exports_print_its_kind_and_status(self, api):
        target = saved(qualitative())
        plan = target.plan.code
        (row,) = csv_rows(api.get(f"/progress?plan={plan}&format=csv"))
        assert (row["kind"], row["status"], row["label_zh_status"]) == ("qualitative", NOT_ASSESSED, "不评估")
        (row,) = csv_rows(api.get(f"/targets?plan={plan}&format=csv"))
        assert (row["kind"], row["target_value"], row["linked_relation"]) == ("qualitative", "", "")
        (row,) = csv_rows(api.get(f"/targets?plan={plan}&format=sdmx"))
        assert (row["TARGET_KIND"], row["OBS_VALUE"], row["NOTATION"]) == ("qualitative", "", WORDS)

    def test_the_series_api_has_no_path_for_it(self, api):
        target = saved(qualitative())
        body = api.get(f"/series/{target.indicator.code}?area={target.plan.area.code}").json()
        (entry,) = body["areas"][0]["targets"]
        assert (entry["kind"], entry["expected_path"], entry["verdict"]["status"]) == ("qualitative", [], NOT_ASSESSED)


def test_kind_precedence_a_number_an_assignment_or_a_link_is_never_qualitative():
    def kind(**flags) -> TargetKind:
        return target_kind(**{"assigned": False, "linked": False, "valued": False, "cumulative": False,
                              "annual_average": False, **flags})  # fmt: skip

    assert kind() == TargetKind.QUALITATIVE
    assert kind(cumulative=True) == TargetKind.QUALITATIVE  # a [ ] with no number is still words only
    assert kind(valued=True) == TargetKind.LEVEL
    assert kind(assigned=True) == TargetKind.ASSIGNED
    assert kind(linked=True) == TargetKind.LINKED


# --- linked, above ----------------------------------------------------------


class TestAbove:
    """高于GDP增长: the target's growth must be strictly above GDP growth over the same years."""

    spec = TargetSpec(2025, 2021, linked=True, linked_relation="above", measure="growth")
    gdp = every_year(6)

    def test_strictly_above_at_the_end_is_achieved(self):
        result = evaluate(self.spec, every_year(6.2), self.gdp)
        assert (result.status, result.final) == (ACHIEVED, True)
        assert result.explanation_en == "2021–2025: 6.2 against above 6: achieved."
        assert result.explanation_zh == "2021—2025年：6.2，目标高于6：已完成。"

    def test_equal_at_the_end_is_not_achieved_though_in_step_would_be(self):
        assert evaluate(self.spec, every_year(6), self.gdp).status == NOT_ACHIEVED
        in_step = TargetSpec(2025, 2021, linked=True, measure="growth")
        assert evaluate(in_step, every_year(6), self.gdp).status == ACHIEVED
        assert evaluate(in_step, every_year(5.8), self.gdp).status == ACHIEVED  # within the band, as before

    def test_below_at_the_end_is_not_achieved(self):
        result = evaluate(self.spec, every_year(5.8), self.gdp)
        assert (result.status, result.final) == (NOT_ACHIEVED, True)
        assert "against above 6" in result.explanation_en

    def test_a_single_year_compares_the_same_year(self):
        # An annual plan: the year's figure against the same year's GDP growth.
        annual = TargetSpec(2024, 2024, linked=True, linked_relation="above", measure="growth")
        gdp = series((2023, 9), (2024, 4.6))
        assert evaluate(annual, series((2024, 4.7)), gdp).status == ACHIEVED
        assert evaluate(annual, series((2024, 4.6)), gdp).status == NOT_ACHIEVED
        assert evaluate(annual, series((2023, 10), (2024, 4.5)), gdp).status == NOT_ACHIEVED

    def test_mid_period_above_is_on_track_and_not_above_is_at_risk_or_off_track(self):
        gdp = series((2021, 8.1), (2022, 1.0), (2023, 4.6))
        assert evaluate(self.spec, series((2021, 9), (2022, 1.5), (2023, 5)), gdp).status == ON_TRACK
        equal = evaluate(self.spec, gdp, gdp)
        assert (equal.status, equal.final) == (AT_RISK, False)  # in step is not above
        assert evaluate(self.spec, series((2021, 1), (2022, 0.5), (2023, 1)), gdp).status == OFF_TRACK

    def test_only_years_both_have_count(self):
        # 2023 has no GDP figure yet: compared over 2021–2022 only, where income is above.
        income = series((2021, 9), (2022, 2), (2023, 0))
        result = evaluate(self.spec, income, series((2021, 8.1), (2022, 1.0)))
        assert (result.status, result.year) == (ON_TRACK, 2022)

    def test_missing_figures_are_no_data(self):
        for own, linked in [([], self.gdp), (every_year(7), []), (series((2021, 7)), series((2022, 6)))]:
            result = evaluate(self.spec, own, linked)
            assert (result.status, result.final) == (NO_DATA, False)
            assert result.explanation_en == "No figures for the same years as the linked indicator yet."

    def test_an_above_target_saves_and_is_judged_from_the_database(self):
        target = saved(above())
        assert target.kind == TargetKind.LINKED
        area = target.plan.area
        for year in range(2021, 2026):
            f.record_value(area=area, indicator=gdp_growth(), year=year, value=Decimal("5"))
            f.record_value(area=area, indicator=target.indicator, year=year, value=Decimal("5.5"))
        result = verdict(target)
        assert (result.status, result.final) == (ACHIEVED, True)
        f.record_value(area=area, indicator=target.indicator, year=2025, value=Decimal("-2"))
        assert verdict(target).status == NOT_ACHIEVED

    def test_above_without_a_linked_indicator_is_refused(self):
        refused(lambda: above(linked_indicator=None, target_value=Decimal("6")).save())
        with pytest.raises(ValidationError) as refusal:
            above(linked_indicator=None, target_value=Decimal("6")).full_clean()
        assert "linked_indicator" in refusal.value.message_dict

    def test_an_unknown_relation_is_refused(self):
        refused(lambda: above(linked_relation="below").save())

    def test_in_step_stays_the_default(self):
        assert f.target().linked_relation == Target.LinkedRelation.IN_STEP == "in_step"
        assert set(Target.objects.values_list("linked_relation", flat=True)) == {"in_step"}  # the real data

    def test_the_api_lists_the_relation_of_linked_targets_only(self, api):
        saved(above())
        (item,) = api.get("/targets?plan=test-plan").json()["items"]
        assert (item["kind"], item["linked_indicator"], item["linked_relation"]) == ("linked", "gdp_growth", "above")
        city = api.get("/targets?plan=guangzhou-14th-fyp&limit=500").json()["items"]
        relations = {(i["kind"], i["linked_relation"]) for i in city}
        assert ("linked", "in_step") in relations and ("level", None) in relations
        assert not {r for k, r in relations if k != "linked"} - {None}
        (row,) = csv_rows(api.get("/targets?plan=test-plan&format=csv"))
        assert (row["linked_indicator"], row["linked_relation"]) == ("gdp_growth", "above")


# --- assigned by the nation -----------------------------------------------------


class TestAssignedByTheNation:
    def nation(self, **fields) -> Target:
        return saved(f.target(target_value=None, target_notation="完成国家下达目标", assigned_by="nation", **fields))

    def test_it_saves_and_names_the_nation(self):
        target = self.nation()
        stored = Target.objects.get(pk=target.pk)
        assert stored.assigned_by == Target.AssignedBy.NATION
        assert (stored.kind, stored.get_assigned_by_display()) == (TargetKind.ASSIGNED, "the nation")

    def test_it_is_pending_and_the_explanation_says_the_nation_assigns_it(self):
        result = verdict(self.nation())
        assert result.status == "target_pending"
        assert result.explanation_en == "Target to be assigned by the nation; no figure recorded yet."
        assert result.explanation_zh == "完成国家下达目标：下达目标值尚未录入。"

    def test_the_province_and_the_city_are_named_too(self):
        for level, words in [("province", "the province"), ("city", "the city")]:
            result = evaluate(TargetSpec(2025, 2021, assigned=True, assigned_by=level), [])
            assert result.explanation_en == f"Target to be assigned by {words}; no figure recorded yet."

    def test_judged_met_by_the_reviewing_body(self):
        target = self.nation(assessment="met", assessment_source="国家考核结果 2026")
        result = verdict(target)
        assert (result.status, result.final) == (ACHIEVED, True)
        assert "国家考核结果 2026" in result.explanation_en

    def test_the_api_and_the_page_show_it(self, api, client):
        target = self.nation()
        (item,) = api.get(f"/targets?plan={target.plan.code}").json()["items"]
        assert (item["assigned_by"], item["kind"]) == ("nation", "assigned")
        html = client.get(f"/en/plans/{target.plan.code}/").content.decode()
        assert "to meet the target assigned by the nation" in html


# --- the admin console ------------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-for-tests"))
    return client


def admin_add(staff_client, **changes):
    return staff_client.post(reverse("admin:indicators_target_add"), target_form(**changes))


def test_the_admin_adds_a_qualitative_target(staff_client):
    response = admin_add(staff_client, target_value="", target_notation=WORDS)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Target.objects.get(plan__code="yuexiu-14th-fyp", position=99).kind == TargetKind.QUALITATIVE


def test_the_admin_refuses_a_target_with_neither_number_nor_words(staff_client):
    response = admin_add(staff_client, target_value="", target_notation="")
    assert response.status_code == 200
    assert "give the words of a qualitative target as printed" in response.content.decode()


def test_the_admin_adds_an_above_target_and_refuses_one_without_its_indicator(staff_client):
    refused_page = admin_add(staff_client, target_value="", target_notation="高于GDP增长", linked_relation="above")
    assert "Say which indicator the target must be above" in refused_page.content.decode()
    response = admin_add(
        staff_client,
        target_value="",
        target_notation="高于GDP增长",
        linked_relation="above",
        linked_indicator=gdp_growth().pk,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Target.objects.get(plan__code="yuexiu-14th-fyp", position=99).linked_relation == "above"


def test_the_admin_adds_a_target_assigned_by_the_nation(staff_client):
    response = admin_add(staff_client, target_value="", target_notation="完成国家下达目标", assigned_by="nation")
    assert response.status_code == 302, response.content.decode()[:2000]
