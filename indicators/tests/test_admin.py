"""The admin console: every model is there, findable, and edits are versioned and recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from districts.models import Area
from indicators.models import Indicator, Plan, PlanNote, ReportedValue, SourceDocument, Target

pytestmark = pytest.mark.django_db

MODELS = [Area, SourceDocument, Indicator, Plan, PlanNote, Target, ReportedValue]


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="pw-for-tests")
    client.force_login(user)
    client.user = user
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_the_login_page_is_reachable_in_both_languages(client):
    assert "登录" in client.get("/admin/login/").content.decode()
    assert "Log in" in client.get("/en/admin/login/").content.decode()


@pytest.mark.parametrize("model", [m for m in MODELS if m is not PlanNote], ids=lambda m: m.__name__)
def test_every_model_has_a_changelist_and_a_change_page(staff_client, model):
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    obj = model._default_manager.first()
    assert obj is not None, f"no real data for {model.__name__}"
    assert staff_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_a_plan_page_shows_its_targets_inline(staff_client):
    plan = Plan.objects.get(code="guangzhou-13th-fyp")
    response = staff_client.get(admin_url(Plan, "change", plan.pk))
    content = response.content.decode()
    assert response.status_code == 200
    for target in plan.targets.all():
        assert target.target_notation in content


def test_values_are_findable_by_area_indicator_and_year(staff_client):
    url = admin_url(ReportedValue, "changelist")
    response = staff_client.get(url, {"q": "gdp", "area__id__exact": Area.objects.get(code="440100").pk, "year": 2023})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown and all(v.area.code == "440100" and v.year == 2023 for v in shown)
    assert any(v.indicator.code == "gdp" for v in shown)


def test_targets_are_searchable_by_chinese_indicator_name(staff_client):
    response = staff_client.get(admin_url(Target, "changelist"), {"q": "森林覆盖率"})
    shown = list(response.context["cl"].result_list)
    assert shown and all("森林覆盖率" in t.indicator.name_zh or "森林覆盖率" in t.label_zh for t in shown)


def test_editing_a_value_in_the_admin_bumps_its_version_and_records_who(staff_client):
    row = ReportedValue.objects.get(area__code="440100", indicator__code="gdp", year=2023)
    data = {
        "area": row.area_id,
        "indicator": row.indicator_id,
        "year": row.year,
        "quarter": row.quarter,
        "span_from": row.span_from,
        "reference_year": row.reference_year,
        "value": "30400",
        "qualifier": row.qualifier,
        "notation": row.notation,
        "status": "final",
        "source_document": row.source_document_id or "",
        "source": row.source,
        "note": row.note,
    }
    response = staff_client.post(admin_url(ReportedValue, "change", row.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert (str(row.value), row.version, row.entered_by) == ("30400.000000", 2, staff_client.user)
    latest = row.history.first()
    assert latest.history_user == staff_client.user
    assert "value" in latest.history_change_reason


def test_the_admin_refuses_a_share_above_100_with_a_message(staff_client):
    share = Indicator.objects.filter(measure="share").first()
    data = {
        "area": Area.objects.get(code="440104").pk,
        "indicator": share.pk,
        "year": 2023,
        "quarter": 0,
        "span_from": "",
        "reference_year": "",
        "value": "120",
        "qualifier": "",
        "notation": "",
        "status": "preliminary",
        "source_document": "",
        "source": "",
        "note": "",
    }
    response = staff_client.post(admin_url(ReportedValue, "add"), data)
    assert response.status_code == 200
    assert "A share lies between 0 and 100" in response.content.decode()
    assert not ReportedValue.objects.filter(indicator=share, year=2023, area__code="440104").exists()


def target_form(**changes) -> dict:
    plan = Plan.objects.get(code="yuexiu-14th-fyp")
    data = {
        "plan": plan.pk,
        "indicator": Indicator.objects.get(code="incubator_area").pk,
        "position": 99,
        "row": "",
        "part": 1,
        "category_zh": "",
        "label_zh": "",
        "unit_label": "",
        "attribute": "anticipatory",
        "baseline_value": "",
        "baseline_qualifier": "",
        "baseline_year": "",
        "baseline_span_from": "",
        "baseline_notation": "",
        "target_year": 2025,
        "target_value": "30",
        "comparator": "",
        "target_notation": "30",
        "linked_indicator": "",
        "linked_relation": "in_step",
        "assigned_by": "",
        "tolerance": "",
        "assessment": "",
        "assessment_source": "",
        "original_value": "",
        "revision_reason": "",
        "note": "",
        "source_document": plan.source_document_id,
        "source_ref": "",
        "_save": "Save",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"comparator": "about", "target_value": ""}, "An &#x27;about&#x27; target needs a value."),
        ({"is_cumulative": "on", "indicator": "share"}, "A share cannot be summed over the years"),
        ({"target_year": 2030}, "outside the plan&#x27;s period 2021–2025"),
        ({"assessment": "met", "assessment_source": "x"}, "Only a target assigned by the higher level"),
    ],
    ids=["about-without-value", "cumulative-share", "year-outside-plan", "judgement-of-unassigned"],
)
def test_the_admin_refuses_a_malformed_target_and_says_why(staff_client, changes, message):
    if changes.get("indicator") == "share":
        changes["indicator"] = Indicator.objects.get(code="green_coverage").pk
    before = Target.objects.count()
    response = staff_client.post(admin_url(Target, "add"), target_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Target.objects.count() == before


def test_the_admin_accepts_a_well_formed_target(staff_client):
    response = staff_client.post(admin_url(Target, "add"), target_form())
    assert response.status_code == 302, response.content.decode()[:3000]
