"""A plan from its published table: rows matched to indicators by their known wordings, the preview,
the apply in one transaction (or nothing), revisions with the reason, the page and the API."""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal

import pytest
from django.core import signing
from django.test import Client

from districts.models import Area
from indicators.models import Indicator, Plan, PlanNote, ReportedValue, SourceDocument, Target
from indicators.services import plantables
from indicators.services.matching import Wordings, match_indicator, propose, wording
from indicators.spreadsheets.plantable import read_tsv, to_json
from indicators.tests.plan_table_sample import PLAN, TABLE_15TH

# --- matching ---------------------------------------------------------------------------------


@pytest.fixture
def wordings(db) -> Wordings:
    return Wordings(Indicator.objects.all())


def test_the_r_and_d_share_matches_in_traditional_with_either_word(wordings):
    for label in (
        "研發經費支出(R&D)占地區生產總值比例",
        "研发经费支出（R&D）占地区生产总值比重",
        "研发经费支出占地区生产总值占比",
    ):
        match = match_indicator(label, "%", wordings)
        assert match.indicator is not None and match.indicator.code == "rd_share", label
        assert not match.problem


def test_high_value_patents_are_not_merged_with_invention_patents(wordings):
    old = match_indicator("每萬人發明專利擁有量", "件", wordings)
    new = match_indicator("每萬人口高價值發明專利擁有量", "件", wordings)
    assert old.indicator.code == "invention_patents_per_10k"
    assert new.indicator.code == "high_value_patents_per_10k"
    assert match_indicator("每万人口发明专利拥有量", "件", wordings).indicator.code == "invention_patents_per_10k"
    assert wording("每万人口") == wording("每萬人")


def test_a_known_table_label_is_a_wording_of_its_indicator(wordings):
    # Yuexiu's table says R&D投入占GDP比重: loaded as a target's label, so it is known now.
    assert match_indicator("R&D投入占GDP比重", "%", wordings).indicator.code == "rd_share"


def test_an_unknown_row_comes_back_as_a_proposal(wordings):
    match = match_indicator("城镇调查失业率", "%", wordings, row="7", category_zh="民生福祉")
    assert match.indicator is None and match.proposal is not None
    proposal = match.proposal
    assert (proposal.code, proposal.unit_zh, proposal.unit_en) == ("new_7_1", "%", "%")
    assert (proposal.direction, proposal.measure, proposal.category) == ("lower", "share", "livelihood")
    pm = propose("細顆粒物(PM2.5)年均濃度", "微克/立方米", row="6", units=wordings.unit_en)
    assert (pm.direction, pm.measure, pm.unit_en) == ("lower", "level", "μg/m³")
    assert propose("单位地区生产总值二氧化碳排放降低", "%").measure == "reduction"
    assert propose("常住人口增速", "%").measure == "growth"
    assert propose("新增城镇就业人数", "万人").measure == "level"


def test_a_unit_that_is_not_the_indicators_is_a_problem(wordings):
    match = match_indicator("地區生產總值", "萬億元", wordings)
    assert match.indicator.code == "gdp" and "unit" in match.problem


# --- the service ------------------------------------------------------------------------------


def spec(**changes) -> plantables.PlanSpec:
    data = {**PLAN, **changes}
    return plantables.PlanSpec(area=Area.objects.get(code=data.pop("area")), **data)


@pytest.fixture
def parse(db) -> dict:
    return to_json(read_tsv(TABLE_15TH), start=2026, end=2030)


CONFIRMED = {"targets": {"5": {"indicator": "pm25_concentration"}}}


def test_the_preview_matches_rows_and_proposes_the_rest(parse, accounts):
    result = plantables.preview(parse, spec(), user=accounts["city_analyst"].user)
    codes = [row.values["indicator"] for row in result.rows]
    assert codes[:5] == ["gdp_growth", "rd_share", "high_value_patents_per_10k", "digital_economy_share",
                         "energy_intensity_reduction"]  # fmt: skip
    assert codes[5:] == ["new_6_1", "new_7_1", "new_8_1"]
    assert result.ok and all(row.action == "create" for row in result.rows)
    assert [row.values["position"] for row in result.rows] == [1, 2, 3, 4, 5, 6, 7, 8]
    gdp = next(f for f in result.figures if f["indicator"] == "gdp_growth")
    assert (gdp["year"], gdp["value"]) == (2025, Decimal("5.0"))


def test_apply_creates_plan_targets_notes_indicators_and_baselines(parse, accounts):
    user = accounts["city_analyst"].user
    plan = plantables.apply(parse, spec(), CONFIRMED, user=user)
    assert (plan.code, plan.area.code, plan.period_start, plan.period_end) == (
        "guangzhou-15th-fyp",
        "440100",
        2026,
        2030,
    )
    assert plan.source_document.key == "015"
    targets = list(plan.targets.order_by("position", "part").select_related("indicator"))
    assert [t.row for t in targets] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    growth, rd, *_, energy, pm, jobless, childcare = targets
    assert (growth.indicator.code, growth.is_annual_average, growth.comparator, growth.target_value) == (
        "gdp_growth", True, "about", Decimal(5))  # fmt: skip
    assert (rd.label_zh, rd.comparator, rd.attribute) == (
        "研发经费支出(R&D)占地区生产总值比例",
        "at_least",
        "anticipatory",
    )
    assert energy.is_cumulative and energy.attribute == "binding"
    assert pm.indicator.code == "pm25_concentration" and pm.comparator == "at_most"
    assert jobless.indicator.code == "new_7_1" and jobless.indicator.direction == "lower"
    assert childcare.indicator.measure == "per_capita"
    assert [n.number for n in plan.notes.all()] == [1]
    baseline = ReportedValue.objects.get(area__code="440100", indicator__code="rd_share", year=2025)
    assert (baseline.value, baseline.source_document.key, baseline.reference_year) == (Decimal("3.6"), "015", 2025)
    assert ReportedValue.objects.filter(indicator__code="new_8_1", year=2025).exists()
    assert targets[0].history.first().history_user == user


def test_a_problem_left_writes_nothing(parse, accounts):
    before = (Plan.objects.count(), Target.objects.count(), Indicator.objects.count(), ReportedValue.objects.count(),
              PlanNote.objects.count(), SourceDocument.objects.count())  # fmt: skip
    bad = {"targets": {"1": {"target_value": "四"}, "6": {"indicator": "no_such_indicator"}}}
    with pytest.raises(plantables.TableRejected) as rejected:
        plantables.apply(parse, spec(), bad, user=accounts["city_analyst"].user)
    named = {(p.row, p.field) for p in rejected.value.problems}
    assert ("2", "target_value") in named and ("7", "indicator") in named
    after = (Plan.objects.count(), Target.objects.count(), Indicator.objects.count(), ReportedValue.objects.count(),
             PlanNote.objects.count(), SourceDocument.objects.count())  # fmt: skip
    assert after == before


def test_a_failure_at_the_last_write_rolls_everything_back(parse, accounts):
    # A share above 100 as a new indicator's baseline: refused by the figures' service, the last write.
    corrections = {"targets": {**CONFIRMED["targets"], "7": {"new_measure": "share"}}}
    parse["targets"][7]["baseline_value"] = "450"
    parse["targets"][7]["unit_label"] = "%"
    with pytest.raises(plantables.TableRejected):
        plantables.apply(parse, spec(), corrections, user=accounts["city_analyst"].user)
    assert not Plan.objects.filter(code="guangzhou-15th-fyp").exists()
    assert not Indicator.objects.filter(code__in=["new_6_1", "new_7_1", "new_8_1"]).exists()


def test_applying_a_corrected_table_again_records_revisions_with_the_reason(parse, accounts):
    user = accounts["city_analyst"].user
    plantables.apply(parse, spec(), CONFIRMED, user=user)
    corrected = {"targets": {"5": {"indicator": "pm25_concentration", "target_value": "19"}}}
    result = plantables.preview(parse, spec(), corrected, user=user)
    assert [(r.printed["row"], r.action) for r in result.rows if r.action != "unchanged"] == [("6", "change")]
    assert result.rows[5].changes == [("target_value", Decimal(20), Decimal(19))]
    assert any(p.field == "reason" for p in result.problems)  # a recorded plan changes only with a reason
    plantables.apply(parse, spec(), corrected, user=user, reason="PM2.5 target lowered by the 2026 mid-year decision")
    pm = Target.objects.get(plan__code="guangzhou-15th-fyp", row="6")
    assert (pm.target_value, pm.original_value) == (Decimal(19), Decimal(20))
    assert pm.revision_reason == "PM2.5 target lowered by the 2026 mid-year decision"
    assert pm.history.first().history_change_reason == pm.revision_reason
    assert Target.objects.filter(plan__code="guangzhou-15th-fyp").count() == 8


def test_fields_the_model_does_not_store_yet_are_refused_by_name(parse, accounts):
    parse["targets"][6].update(kind="linked", linked_indicator="gdp_growth", linked_relation="above",
                               target_value=None, comparator="")  # fmt: skip
    parse["targets"][7]["brand_new_key"] = "something"
    result = plantables.preview(parse, spec(), CONFIRMED, user=accounts["city_analyst"].user)
    fields = {p.field for p in result.problems}
    if "linked_relation" not in {f.name for f in Target._meta.get_fields()}:
        assert "linked_relation" in fields
    assert "brand_new_key" in fields
    left_out = {"targets": {**CONFIRMED["targets"], "6": {"omit": True}, "7": {"omit": True}}}
    assert plantables.preview(parse, spec(), left_out, user=accounts["city_analyst"].user).ok


def test_reader_problems_block_until_checked(accounts):
    parse = to_json(read_tsv(TABLE_15TH.replace("4以上", "4-4.5")), start=2026, end=2030)
    user = accounts["city_analyst"].user
    result = plantables.preview(parse, spec(), CONFIRMED, user=user)
    assert [(p.row, p.field) for p in result.problems] == [("2", "table")]
    checked = {**CONFIRMED, "checked": [str(parse["problems"][0]["line"])]}
    assert plantables.preview(parse, spec(), checked, user=user).ok


def test_a_district_analyst_may_not_make_plans(parse, accounts):
    haizhu = accounts["haizhu_analyst"].user
    assert not plantables.may_make_plans(haizhu)
    result = plantables.preview(parse, spec(area="440105", code="haizhu-15th-fyp"), CONFIRMED, user=haizhu)
    assert any(p.field == "area" for p in result.problems)


# --- the page ---------------------------------------------------------------------------------

URL = "/plans/new-from-table/"


@pytest.fixture
def city_client(accounts) -> Client:
    client = Client()
    client.force_login(accounts["city_analyst"].user)
    return client


def form(**changes) -> dict:
    return {**PLAN, "text": TABLE_15TH, "action": "check", **changes}


def test_the_page_previews_then_creates(city_client):
    answer = city_client.get(URL)
    assert answer.status_code == 200
    preview = city_client.post("/en" + URL, form())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "about 5 % average annual growth 2026–2030, anticipatory; baseline 5 % (2025)" in page
    assert "at least 4 % in 2030, anticipatory" in page
    signed = preview.context["signed"]
    post = {
        "parse": signed,
        "text": TABLE_15TH,
        "action": "apply",
        "t5-shown": "1",
        "t5-indicator": "pm25_concentration",
    }
    done = city_client.post("/en" + URL, post)
    assert done.status_code == 302 and done["Location"] == "/en/?plan=guangzhou-15th-fyp"
    assert Target.objects.filter(plan__code="guangzhou-15th-fyp").count() == 8


def test_the_chinese_page_speaks_chinese(city_client):
    page = city_client.post(URL, form()).content.decode()
    assert "2026—2030年年均增长5%左右，预期性；基期值5%（2025年）" in page


def test_a_forged_parse_is_refused_and_nothing_written(city_client):
    preview = city_client.post(URL, form())
    payload = signing.loads(preview.context["signed"], salt=f"gzplan.plantable.{preview.wsgi_request.user.pk}")
    payload["parse"]["targets"][0]["target_value"] = "50"
    forged = signing.dumps(payload, salt="another", compress=True)
    answer = city_client.post(URL, {"parse": forged, "action": "apply", **PLAN})
    assert answer.status_code == 400
    assert not Plan.objects.filter(code="guangzhou-15th-fyp").exists()


def test_a_problem_on_confirm_is_a_422_with_what_was_typed(city_client):
    signed = city_client.post(URL, form()).context["signed"]
    answer = city_client.post(URL, {"parse": signed, "action": "apply", "t1-shown": "1", "t1-target_value": "四点五"})
    assert answer.status_code == 422
    assert 'value="四点五"' in answer.content.decode()
    assert not Plan.objects.filter(code="guangzhou-15th-fyp").exists()


def test_bad_input_is_a_4xx_keeping_what_was_typed(city_client):
    answer = city_client.post(URL, form(text="只是一些文字\n没有表头"))
    assert answer.status_code == 422
    assert "没有表头" in answer.content.decode()
    assert city_client.post(URL, form(text="", start="2030", end="2026")).status_code == 400


def test_a_district_analyst_is_refused(analyst):
    assert analyst.get(URL).status_code == 403
    assert analyst.post(URL, form()).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


# --- the API ----------------------------------------------------------------------------------


def test_the_dry_run_writes_nothing(api, accounts):
    before = (Plan.objects.count(), Target.objects.count(), ReportedValue.objects.count(), Indicator.objects.count())
    answer = api.send("post", "/plan-tables/parse", {"plan": PLAN, "text": TABLE_15TH}, accounts["city_analyst"])
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert len(body["parse"]["targets"]) == 8
    assert body["preview"]["rows"][1]["indicator"] == "rd_share"
    assert body["preview"]["rows"][6]["new_indicator"]["direction"] == "lower"
    assert (Plan.objects.count(), Target.objects.count(), ReportedValue.objects.count(),
            Indicator.objects.count()) == before  # fmt: skip


def test_a_file_in_base64_reads_as_the_text(api, accounts):
    encoded = base64.b64encode(TABLE_15TH.encode("utf-8")).decode()
    answer = api.send("post", "/plan-tables/parse", {"plan": PLAN, "file": encoded, "filename": "t.tsv"},
                      accounts["city_analyst"])  # fmt: skip
    assert answer.status_code == 200 and len(answer.json()["parse"]["targets"]) == 8


def test_the_api_applies_a_parse_with_corrections(api, accounts):
    parsed = api.send("post", "/plan-tables/parse", {"plan": PLAN, "text": TABLE_15TH}, accounts["city_analyst"])
    body = {"plan": PLAN, "parse": parsed.json()["parse"], "corrections": {"5": {"indicator": "pm25_concentration"}}}
    answer = api.send("post", "/plan-tables/apply", body, accounts["city_analyst"])
    assert answer.status_code == 201, answer.content
    assert answer.json() == {"plan": "guangzhou-15th-fyp", "page": "/plans/guangzhou-15th-fyp/"}
    assert Target.objects.filter(plan__code="guangzhou-15th-fyp").count() == 8


def test_the_api_names_row_and_field_of_each_problem(api, accounts):
    parse = to_json(read_tsv(TABLE_15TH), start=2026, end=2030)
    body = {"plan": PLAN, "parse": parse, "corrections": {"1": {"target_value": "x"}}}
    answer = api.send("post", "/plan-tables/apply", body, accounts["city_analyst"])
    assert answer.status_code == 422
    assert {"row": "2", "field": "target_value"}.items() <= answer.json()["problems"][0].items()
    assert not Plan.objects.filter(code="guangzhou-15th-fyp").exists()


def test_a_corrected_value_too_long_to_round_is_a_problem_of_its_row(api, accounts):
    # 23 digits before the point and 7 after: rounding it to 6 places overflowed Decimal's precision (a 500).
    parse = to_json(read_tsv(TABLE_15TH), start=2026, end=2030)
    body = {"plan": PLAN, "parse": parse, "corrections": {"1": {"target_value": "1" * 23 + ".1234567"}}}
    answer = api.send("post", "/plan-tables/apply", body, accounts["city_analyst"])
    assert answer.status_code == 422, answer.content
    problem = answer.json()["problems"][0]
    assert {"row": "2", "field": "target_value"}.items() <= problem.items() and "too large" in problem["problem"]
    assert not Plan.objects.filter(code="guangzhou-15th-fyp").exists()


def test_a_completed_value_too_large_to_store_is_a_problem_of_its_row(api, accounts):
    # The contract lets a completed value have 15 digits before the point; a figure keeps 14. It was stored
    # unchecked, and the figure then broke every read of it (a 500).
    parse = to_json(read_tsv(TABLE_15TH), start=2026, end=2030)
    parse["targets"][7]["completed"] = {"year": 2026, "value": "9" * 15}
    answer = api.send("post", "/plan-tables/apply", {"plan": PLAN, "parse": parse}, accounts["city_analyst"])
    assert answer.status_code == 422, answer.content
    problem = answer.json()["problems"][0]
    assert {"row": "8", "field": "completed"}.items() <= problem.items() and "too large" in problem["problem"]
    assert not Plan.objects.filter(code="guangzhou-15th-fyp").exists()


def test_a_stored_number_given_in_a_targets_other_keys_is_checked_as_its_values_are(api, accounts):
    # A key of the parse that is a Target field is stored: a tolerance SQLite reads back as 100000000000000 was
    # written unchecked, and every read of the plan's targets was a 500.
    parse = to_json(read_tsv(TABLE_15TH), start=2026, end=2030)
    parse["targets"][1]["tolerance"] = "99999999999999.99"
    body = {"plan": PLAN, "parse": parse, "corrections": {"5": {"indicator": "pm25_concentration"}}}
    answer = api.send("post", "/plan-tables/apply", body, accounts["city_analyst"])
    assert answer.status_code == 422, answer.content
    problem = answer.json()["problems"][0]
    assert {"row": "2", "field": "tolerance"}.items() <= problem.items() and "too large" in problem["problem"]
    assert not Plan.objects.filter(code="guangzhou-15th-fyp").exists()


def test_a_text_given_in_a_targets_other_keys_must_be_storable(api, accounts):
    # A note with a NUL: SQLite would keep it, PostgreSQL refuses it (a 500 there).
    parse = to_json(read_tsv(TABLE_15TH), start=2026, end=2030)
    parse["targets"][1]["assessment_source"] = "统计公报\x00"
    body = {"plan": PLAN, "parse": parse, "corrections": {"5": {"indicator": "pm25_concentration"}}}
    answer = api.send("post", "/plan-tables/apply", body, accounts["city_analyst"])
    assert answer.status_code == 422, answer.content
    problem = answer.json()["problems"][0]
    assert {"row": "2", "field": "assessment_source"}.items() <= problem.items() and "NUL" in problem["problem"]
    assert not Plan.objects.filter(code="guangzhou-15th-fyp").exists()


def test_the_api_words_the_model_s_own_checks_in_english(api, accounts):
    parse = to_json(read_tsv(TABLE_15TH), start=2026, end=2030)
    parse["targets"][1]["original_value"] = "3.5"  # a revised target needs its reason
    body = {"plan": PLAN, "parse": parse, "corrections": {"5": {"indicator": "pm25_concentration"}}}
    answer = api.send("post", "/plan-tables/apply", body, accounts["city_analyst"])
    assert answer.status_code == 422, answer.content
    assert "Say why the target was revised." in answer.content.decode()
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(p["problem"] for p in answer.json()["problems"]))


def test_the_api_refuses_district_analysts_and_bad_input(api, accounts):
    parse = to_json(read_tsv(TABLE_15TH), start=2026, end=2030)
    haizhu = accounts["haizhu_analyst"]
    body = {"plan": {**PLAN, "area": "440105"}, "parse": parse}
    assert api.send("post", "/plan-tables/apply", body, haizhu).status_code == 403
    assert api.send("post", "/plan-tables/parse", {"plan": PLAN, "text": TABLE_15TH}, haizhu).status_code == 403
    city = accounts["city_analyst"]
    assert api.send("post", "/plan-tables/parse", {"plan": PLAN, "text": "no table"}, city).status_code == 422
    assert api.send("post", "/plan-tables/parse", {"plan": PLAN}, city).status_code == 400
    assert api.send("post", "/plan-tables/parse", {"plan": PLAN, "file": "%%%"}, city).status_code == 400
    # base64 of three bytes that are no text in any encoding the reader knows
    unreadable = api.send("post", "/plan-tables/parse", {"plan": PLAN, "file": "sent", "filename": "C"}, city)
    assert unreadable.status_code == 422 and "neither an Excel workbook nor text" in unreadable.json()["detail"]
    assert api.send("post", "/plan-tables/apply", json.dumps({"plan": PLAN}), city).status_code == 422
    assert api.send("post", "/plan-tables/parse", {"plan": PLAN, "text": TABLE_15TH}).status_code == 401
