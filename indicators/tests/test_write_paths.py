"""Every path that writes figures and targets goes through indicators.services: the admin console
(targets, the plan page's inline targets, deletes), the real-data loader and export-everything's
import each leave history with who and why, and are held to the same rules (area rights, reviewed
years, the model's checks)."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from districts.models import Area, YearReview
from districts.roles import ADMINISTRATOR
from indicators.models import Indicator, Plan, ReportedValue, Target
from indicators.real_data import FIXTURES_DIR, HISTORY_REASON, FixtureError, load_real_data
from indicators.spreadsheets import everything
from indicators.tests.conftest import HAIZHU, TIANHE, make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="pw-for-tests")
    client.force_login(user)
    client.user = user
    return client


def _target_form(target: Target, **changes) -> dict:
    data = {
        "plan": target.plan_id,
        "indicator": target.indicator_id,
        "position": target.position,
        "row": target.row,
        "part": target.part,
        "category_zh": target.category_zh,
        "label_zh": target.label_zh,
        "unit_label": target.unit_label,
        "attribute": target.attribute,
        "baseline_value": target.baseline_value if target.baseline_value is not None else "",
        "baseline_qualifier": target.baseline_qualifier,
        "baseline_year": target.baseline_year or "",
        "baseline_span_from": target.baseline_span_from or "",
        "baseline_notation": target.baseline_notation,
        "target_year": target.target_year,
        "target_value": target.target_value if target.target_value is not None else "",
        "comparator": target.comparator,
        "target_notation": target.target_notation,
        "is_cumulative": "on" if target.is_cumulative else "",
        "is_annual_average": "on" if target.is_annual_average else "",
        "linked_indicator": target.linked_indicator_id or "",
        "linked_relation": target.linked_relation,
        "assigned_by": target.assigned_by,
        "tolerance": target.tolerance if target.tolerance is not None else "",
        "assessment": target.assessment,
        "assessment_source": target.assessment_source,
        "original_value": target.original_value if target.original_value is not None else "",
        "revision_reason": target.revision_reason,
        "footnotes": [n.pk for n in target.footnotes.all()],
        "note": target.note,
        "source_document": target.source_document_id,
        "source_ref": target.source_ref,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _a_share_target() -> Target:
    return (
        Target.objects.filter(indicator__measure="share", target_value__isnull=False, original_value__isnull=True)
        .select_related("plan", "indicator")
        .first()
    )


def test_a_target_edited_in_the_admin_is_written_with_who_and_why(root):
    target = _a_share_target()
    url = reverse("admin:indicators_target_change", args=[target.pk])
    response = root.post(url, _target_form(target, note="checked against the outline"))
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = target.history.order_by("-history_id").first()
    assert latest.note == "checked against the outline"
    assert latest.history_user == root.user
    assert latest.history_change_reason == "edited in the admin console: note"


def test_a_target_the_rules_refuse_is_not_saved_from_the_admin(root):
    target = _a_share_target()
    before = target.target_value
    response = root.post(
        reverse("admin:indicators_target_change", args=[target.pk]), _target_form(target, target_value="120")
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "A share lies between 0 and 100." in response.content.decode()
    target.refresh_from_db()
    assert target.target_value == before


def test_targets_edited_on_the_plan_page_are_written_through_the_services(root):
    plan = Plan.objects.get(code="guangzhou-13th-fyp")
    page = root.get(reverse("admin:indicators_plan_change", args=[plan.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[f"{inline_form.prefix}-{name}"] = "on" if value is True else value
    first = plan.targets.order_by("position", "part").first()
    prefix = next(
        f.prefix for fs in page.context["inline_admin_formsets"] for f in fs.formset.forms if f.instance == first
    )
    data[f"{prefix}-label_zh"] = "改写的指标名称"
    response = root.post(reverse("admin:indicators_plan_change", args=[plan.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = first.history.order_by("-history_id").first()
    assert latest.label_zh == "改写的指标名称"
    assert latest.history_user == root.user
    assert latest.history_change_reason == "edited in the admin console (plan page)"


def test_a_target_deleted_in_the_admin_leaves_its_last_version(root):
    target = _a_share_target()
    pk = target.pk
    response = root.post(reverse("admin:indicators_target_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Target.objects.filter(pk=pk).exists()
    gone = Target.history.filter(id=pk).order_by("-history_id").first()
    assert gone.history_type == "-" and gone.history_user == root.user
    assert gone.history_change_reason == "deleted in the admin console"


def _figure(code: str, year: int = 2024) -> ReportedValue:
    area = Area.objects.get(code=code)
    return ReportedValue.objects.create(
        area=area, indicator=Indicator.objects.get(code="gdp"), year=year, value=Decimal("100"), status="final"
    )


@pytest.mark.parametrize("action", ["single", "bulk"])
def test_the_admin_deletes_figures_only_where_its_user_may_write(client, action):
    haizhu_admin = make_account("haizhu-admin", ADMINISTRATOR, HAIZHU).user
    client.force_login(haizhu_admin)
    tianhe, haizhu = _figure(TIANHE), _figure(HAIZHU)
    if action == "single":
        refused = client.post(reverse("admin:indicators_reportedvalue_delete", args=[tianhe.pk]), {"post": "yes"})
    else:
        refused = client.post(
            reverse("admin:indicators_reportedvalue_changelist"),
            {"action": "delete_selected", "_selected_action": [tianhe.pk, haizhu.pk], "post": "yes"},
        )
    assert refused.status_code == 403
    assert ReportedValue.objects.filter(pk__in=[tianhe.pk, haizhu.pk]).count() == 2  # nothing deleted

    allowed = client.post(reverse("admin:indicators_reportedvalue_delete", args=[haizhu.pk]), {"post": "yes"})
    assert allowed.status_code == 302
    assert not ReportedValue.objects.filter(pk=haizhu.pk).exists()
    gone = ReportedValue.history.filter(id=haizhu.pk).order_by("-history_id").first()
    assert gone.history_type == "-" and gone.history_user == haizhu_admin


def test_the_admin_does_not_delete_a_figure_of_a_reviewed_year(root):
    figure = _figure(HAIZHU, 2024)
    YearReview.objects.create(area=figure.area, year=2024, reviewed_by=root.user, reviewed_at=timezone.now())
    url = reverse("admin:indicators_reportedvalue_delete", args=[figure.pk])  # /en/…: the tests speak English
    response = root.post(url, {"post": "yes"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed" in page and "is frozen; a reviewer must reopen it" in page  # what, and why
    assert ReportedValue.objects.filter(pk=figure.pk).exists()


def test_the_loader_writes_history_and_does_not_change_a_reviewed_year(tmp_path):
    value = ReportedValue.objects.filter(source_document__isnull=False).select_related("area").first()
    assert value.history.order_by("-history_id").first().history_change_reason == HISTORY_REASON
    for path in FIXTURES_DIR.glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    shutil.copytree(FIXTURES_DIR / "plan_tables", tmp_path / "plan_tables")
    fixture = tmp_path / "values.csv"
    lines = fixture.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    changed = False
    for i, line in enumerate(lines[1:], start=1):
        cells = line.rstrip("\r\n").split(",")
        row = dict(zip(header, cells, strict=False))
        if (
            row.get("area") == value.area.code
            and row.get("indicator") == value.indicator.code
            and row.get("year") == str(value.year)
        ):
            cells[header.index("value")] = str(value.value + 1)
            lines[i] = ",".join(cells) + "\n"
            changed = True
            break
    assert changed, "the figure's fixture row was not found"
    fixture.write_text("".join(lines), encoding="utf-8")
    YearReview.objects.create(area=value.area, year=value.year, reviewed_at=timezone.now())
    with pytest.raises(FixtureError, match="frozen"):
        load_real_data(tmp_path)
    value.refresh_from_db()
    assert ReportedValue.objects.get(pk=value.pk).value == value.value


def test_an_export_import_writes_history_and_is_held_to_the_rules():
    tables = everything.export_everything()
    share = next(row for row in tables["values"] if row["indicator"] == "forest_cover")
    share["note"] = "restored from an export"
    counts = everything.import_everything(tables)
    assert counts["values"] == len(tables["values"])
    restored = ReportedValue.objects.get(
        area__code=share["area"], indicator__code="forest_cover", year=share["year"], span_from=share["span_from"]
    )
    latest = restored.history.order_by("-history_id").first()
    assert latest.note == "restored from an export"
    assert latest.history_change_reason == everything.IMPORT_REASON

    share["value"] = "120"
    share["note"] = "should not land"
    with pytest.raises(everything.PortableError, match="A share lies between 0 and 100"):
        everything.import_everything(tables)
    restored.refresh_from_db()
    assert restored.note == "restored from an export"
