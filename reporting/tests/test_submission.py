"""Submission and acceptance in two levels (issue 17 part 5), on the real data: Yuexiu's 2025 round."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts.models import ApiToken
from districts.models import Area, YearReview
from districts.roles import DISTRICT_ANALYST
from indicators import services as indicator_services
from indicators.models import Indicator, Target
from reporting import services
from reporting.models import Submission
from reporting.owed import Status, completeness
from reporting.tests.conftest import YUEXIU, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def yuexiu():
    return Area.objects.get(code=YUEXIU)


@pytest.fixture
def gdp_target(yuexiu):
    return Target.objects.get(plan__area=yuexiu, plan__kind="five_year", plan__period_end=2025, indicator__code="gdp")


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'tests')[1]}"}


def post(path: str, user, body: dict | None = None):
    return Client().post("/api/v1" + path, data=json.dumps(body or {}), content_type="application/json", **bearer(user))


def write_gdp(user, year: int = 2025, value: str = "1000", version: int | None = None):
    row = {"area": YUEXIU, "indicator": "gdp", "year": year, "value": value}
    if version is not None:
        row["version"] = version
    return indicator_services.upsert_values([row], user=user)


def make_ready(round_, yuexiu, gdp_target, analyst):
    """Enter an off-track GDP, explain every other missing figure and comment on the slipping target."""
    (state,) = completeness(round_, areas=[yuexiu])
    for figure in state.figures:
        if figure.indicator.code != "gdp" and not figure.has_figure:
            services.explain_missing(analyst, round_, yuexiu, figure.indicator, "统计局尚未发布")
    indicator_services.write_commentary(
        gdp_target, 2025, {"analysis_zh": "受外部环境影响", "measures_zh": "加快重点项目建设"}, user=analyst
    )


def test_the_full_cycle(round_2025, users, yuexiu, gdp_target):
    analyst, reviewer = users["district_analyst"], users["reviewer"]
    write_gdp(analyst)  # far below 'about 3500': the target is not achieved, it needs a commentary

    # Refused, listing every problem: the missing figures and the missing commentary.
    with pytest.raises(ValidationError) as refused:
        services.submit(analyst, round_2025, yuexiu)
    problems = refused.value.messages
    assert any("(rd_share)" in p for p in problems) and any("(pm25_concentration)" in p for p in problems)
    assert any("commentary" in p and "Gross domestic product" in p for p in problems)
    assert not any("(gdp)" in p for p in problems)  # entered
    assert not Submission.objects.exists()

    make_ready(round_2025, yuexiu, gdp_target, analyst)
    submission = services.submit(analyst, round_2025, yuexiu, "请审核")
    assert submission.state == Submission.State.SUBMITTED

    # Submitted: the district can change neither a figure nor the commentary, by service or API.
    with pytest.raises(indicator_services.BatchRejected) as held:
        write_gdp(analyst, value="1100", version=1)
    assert held.value.problems[0].code == "submitted" and "submitted for review" in held.value.problems[0].message
    with pytest.raises(ValidationError, match="submitted for review"):
        indicator_services.write_commentary(gdp_target, 2025, {"analysis_zh": "改"}, user=analyst)
    grid = Client()
    grid.force_login(analyst)
    assert "submitted for review" in grid.get(f"/en/entry/{YUEXIU}/2025/").content.decode()
    response = post("/values", analyst, {"area": YUEXIU, "indicator": "rd_share", "year": 2025, "value": "3"})
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "submitted"
    # The completeness board counts it as submitted.
    (state,) = completeness(round_2025, areas=[yuexiu])
    assert set(state.counts) and state.counts[Status.SUBMITTED] == len(state.figures)

    # Returned with a comment (required): editable again.
    with pytest.raises(ValidationError):
        services.return_to_area(reviewer, round_2025, yuexiu, "  ")
    services.return_to_area(reviewer, round_2025, yuexiu, "GDP 数据有误，请核实")
    write_gdp(analyst, value="1100", version=1)
    submission = services.submit(analyst, round_2025, yuexiu)
    assert submission.state == Submission.State.SUBMITTED

    # Accepted: the year is frozen through a YearReview, figures are refused as frozen.
    submission = services.accept(reviewer, round_2025, yuexiu)
    assert submission.state == Submission.State.ACCEPTED
    review = YearReview.objects.get(area=yuexiu, year=2025)
    assert review.is_frozen and review.reviewed_by == reviewer
    with pytest.raises(indicator_services.BatchRejected) as frozen:
        write_gdp(analyst, value="1200", version=2)
    assert frozen.value.problems[0].code == "frozen"
    (state,) = completeness(round_2025, areas=[yuexiu])
    assert state.counts[Status.ACCEPTED] == len(state.figures)

    # Reopened with a reason: open again, the year unfrozen.
    with pytest.raises(ValidationError):
        services.reopen(reviewer, round_2025, yuexiu, "")
    submission = services.reopen(reviewer, round_2025, yuexiu, "统计局修订了数据")
    assert submission.state == Submission.State.OPEN
    review.refresh_from_db()
    assert not review.is_frozen and review.reopen_reason == "统计局修订了数据"
    write_gdp(analyst, value="1200", version=2)

    # The history says who, when and why at each step.
    steps = list(submission.history.order_by("history_date", "history_id"))
    assert [(h.state, h.history_user.username, h.comment) for h in steps] == [
        ("submitted", "yuexiu", "请审核"),
        ("returned", "reviewer", "GDP 数据有误，请核实"),
        ("submitted", "yuexiu", ""),
        ("accepted", "reviewer", ""),
        ("open", "reviewer", "统计局修订了数据"),
    ]
    assert all(h.history_date for h in steps)


def test_wrong_states_and_roles_are_refused(round_2025, users, yuexiu, gdp_target):
    analyst, reviewer = users["district_analyst"], users["reviewer"]
    haizhu_analyst = make_user("haizhu", DISTRICT_ANALYST, "440105")
    with pytest.raises(services.WrongState):
        services.accept(reviewer, round_2025, yuexiu)
    with pytest.raises(PermissionDenied):
        services.submit(haizhu_analyst, round_2025, yuexiu)
    with pytest.raises(PermissionDenied):
        services.submit(reviewer, round_2025, yuexiu)
    write_gdp(analyst)
    make_ready(round_2025, yuexiu, gdp_target, analyst)
    services.submit(analyst, round_2025, yuexiu)
    with pytest.raises(PermissionDenied):
        services.accept(analyst, round_2025, yuexiu)
    with pytest.raises(services.WrongState):
        services.submit(analyst, round_2025, yuexiu)
    with pytest.raises(services.WrongState):
        services.reopen(reviewer, round_2025, yuexiu, "why not")
    with pytest.raises(services.WrongState):  # held while submitted, as the figures are
        services.explain_missing(analyst, round_2025, yuexiu, Indicator.objects.get(code="rd_share"), "late")


def test_the_api_cycle(round_2025, users, yuexiu, gdp_target):
    analyst, reviewer = users["district_analyst"], users["reviewer"]
    haizhu_analyst = make_user("haizhu", DISTRICT_ANALYST, "440105")
    base = f"/rounds/2025/areas/{YUEXIU}"
    write_gdp(analyst)

    response = post(base + "/submit", analyst)
    assert response.status_code == 400
    detail = response.json()["problems"]
    assert any("(rd_share)" in p for p in detail) and any("commentary" in p for p in detail)
    assert post(base + "/submit", haizhu_analyst).status_code == 403
    assert post(base + "/accept", reviewer).status_code == 409

    make_ready(round_2025, yuexiu, gdp_target, analyst)
    assert post(base + "/submit", analyst, {"comment": "请审核"}).status_code == 200
    assert post(base + "/accept", analyst).status_code == 403
    assert post(base + "/return", reviewer, {}).status_code == 422
    assert post(base + "/return", reviewer, {"comment": "请核实"}).json()["state"] == "returned"
    assert post(base + "/submit", analyst).status_code == 200
    assert post(base + "/accept", reviewer).json()["state"] == "accepted"
    assert post("/values", analyst, {"area": YUEXIU, "indicator": "gdp", "year": 2025, "value": "9"}).status_code == 409

    listing = Client().get("/api/v1/rounds/2025/submissions").json()
    (row,) = [a for a in listing["areas"] if a["code"] == YUEXIU]
    assert row["state"] == "accepted" and row["by"] == "reviewer" and row["at"]
    completeness_api = Client().get("/api/v1/rounds/2025/completeness").json()
    (row,) = [a for a in completeness_api["areas"] if a["code"] == YUEXIU]
    assert row["accepted"] > 0 and row["submitted"] == 0

    assert post(base + "/reopen", reviewer, {"comment": ""}).status_code == 422
    assert post(base + "/reopen", reviewer, {"comment": "数据修订"}).json()["state"] == "open"
    assert post("/rounds/2025/areas/999999/submit", analyst).status_code in (404, 422)
    assert post("/rounds/2019/areas/440104/submit", analyst).status_code == 404


def test_a_comment_a_database_cannot_store_is_a_422_and_nothing_changes(round_2025, users, yuexiu, gdp_target):
    analyst = users["district_analyst"]
    write_gdp(analyst)
    make_ready(round_2025, yuexiu, gdp_target, analyst)
    # A NUL: SQLite stored it, PostgreSQL refuses it (a 500 there).
    response = post(f"/rounds/2025/areas/{YUEXIU}/submit", analyst, {"comment": "请审核\x00"})
    assert response.status_code == 422, response.content
    assert "comment" in response.json()["detail"][0]["loc"]
    assert not Submission.objects.filter(round=round_2025, area=yuexiu).exists()


def test_the_drill_down_pages(round_2025, users, yuexiu, gdp_target):
    analyst, reviewer = Client(), Client()
    analyst.force_login(users["district_analyst"])
    reviewer.force_login(users["reviewer"])
    page = f"/en/rounds/2025/{YUEXIU}/"
    step = page + "submission/"
    write_gdp(users["district_analyst"])

    # Refused: the problems are listed and the comment typed is kept.
    response = analyst.post(step, {"action": "submit", "comment": "请审核 keep me"})
    body = response.content.decode()
    assert response.status_code == 400 and "(rd_share)" in body and "commentary" in body and "keep me" in body
    response = analyst.post(step, {"action": "explain", "indicator": "rd_share", "reason": ""})
    assert response.status_code == 400
    response = analyst.post(step, {"action": "explain", "indicator": "nope", "reason": "x"})
    assert response.status_code == 400 and "No indicator with code nope" in response.content.decode()
    assert analyst.post(step, {"action": "explain", "indicator": "rd_share", "reason": "未发布"}).status_code == 302

    make_ready(round_2025, yuexiu, gdp_target, users["district_analyst"])
    assert analyst.post(step, {"action": "submit", "comment": "请审核"}).status_code == 302
    assert analyst.post(step, {"action": "accept", "confirm": "on"}).status_code == 403
    assert reviewer.post(step, {"action": "bogus"}).status_code == 400
    response = reviewer.post(step, {"action": "return", "comment": ""})
    assert response.status_code == 400 and "Say why the submission is returned" in response.content.decode()
    response = reviewer.post(step, {"action": "accept"})
    assert response.status_code == 400 and "Tick the box" in response.content.decode()
    assert reviewer.post(step, {"action": "accept", "confirm": "on"}).status_code == 302
    assert reviewer.post(step, {"action": "return", "comment": "x"}).status_code == 409

    body = reviewer.get(page).content.decode()
    assert "Reopen" in body and "请审核" in body and "yuexiu" in body and "reviewer" in body
    assert reviewer.post(step, {"action": "reopen", "comment": "修订"}).status_code == 302
    assert Submission.objects.get().state == Submission.State.OPEN
    assert Client().post(step, {"action": "submit"}).status_code == 302  # to the sign-in page
    assert analyst.get(step).status_code == 405
    assert analyst.post("/rounds/2025/999999/submission/", {"action": "submit"}).status_code == 404


def test_the_submissions_list_and_drill_down_take_a_fixed_number_of_queries(
    round_2025, users, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/rounds/2025/submissions").status_code == 200
    # The drill-down's own, and the foot's data status (see test_the_board_takes_a_fixed_number_of_queries).
    with django_assert_max_num_queries(18):
        assert client.get(f"/rounds/2025/{YUEXIU}/").status_code == 200


def test_a_review_on_the_entry_grid_moves_the_submission_with_it(round_2025, users, yuexiu, gdp_target):
    """Freezing the year on the entry grid accepts a submitted round; reopening it there opens it again: every
    path leaves the same state, and the round's own steps are recorded once."""
    analyst, reviewer = users["district_analyst"], users["reviewer"]
    write_gdp(analyst)
    make_ready(round_2025, yuexiu, gdp_target, analyst)
    services.submit(analyst, round_2025, yuexiu)
    client = Client()
    client.force_login(reviewer)
    assert client.post(f"/entry/{YUEXIU}/2025/review/", {"action": "review"}).status_code == 302
    submission = Submission.objects.get(round=round_2025, area=yuexiu)
    assert (submission.state, submission.by) == (Submission.State.ACCEPTED, reviewer)
    assert YearReview.objects.frozen().filter(area=yuexiu, year=2025).exists()
    response = client.post(f"/entry/{YUEXIU}/2025/review/", {"action": "reopen", "reason": "修正GDP"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.state, submission.comment) == (Submission.State.OPEN, "修正GDP")
    # The round's own accept records one step, not two.
    services.submit(analyst, round_2025, yuexiu)
    services.accept(reviewer, round_2025, yuexiu)
    states = [h.state for h in submission.history.order_by("history_date")]
    assert states == ["submitted", "accepted", "open", "submitted", "accepted"]
