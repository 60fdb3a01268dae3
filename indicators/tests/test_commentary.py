"""Commentary on a target's year (原因分析, 下一步措施): written on its page by the area's analysts, kept with
its history, refused for another area, a year outside the plan or a reviewed year, and shown beside the
verdict on the dashboards and in the progress API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from districts.models import Area, YearReview
from indicators import services
from indicators.models import Commentary, Target

pytestmark = pytest.mark.django_db

ANALYSIS = "受新冠肺炎疫情影响，国际航班大幅减少。"
MEASURES = "加快国际航线恢复，推进三期扩建工程。"


def city_target() -> Target:
    return Target.objects.select_related("plan__area").get(plan__code="guangzhou-14th-fyp", row="8", part=1)


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_analyst_writes_and_revises_commentary_with_its_history(accounts):
    target, user = city_target(), accounts["city_analyst"].user
    client = browser(user)
    url = f"/targets/{target.pk}/commentary/2023/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"analysis_zh": ANALYSIS, "measures_zh": MEASURES, "reason": "2023年评估"})
    assert response.status_code == 302
    client.post(
        url, {"analysis_zh": ANALYSIS + "货运增长较快。", "measures_zh": MEASURES, "analysis_en": "Fewer flights."}
    )
    stored = Commentary.objects.get(target=target, year=2023)
    assert stored.analysis_zh.endswith("货运增长较快。") and stored.analysis_en == "Fewer flights."
    assert stored.written_by == user
    history = list(stored.history.order_by("history_date"))
    assert [h.analysis_zh for h in history] == [ANALYSIS, ANALYSIS + "货运增长较快。"]
    assert history[0].history_change_reason == "2023年评估" and history[0].history_user == user
    page = client.get(url).content.decode()
    assert "2023年评估" in page and "Fewer flights." in page


def test_bad_commentary_is_refused_with_the_typed_text_kept(accounts):
    target = city_target()
    client = browser(accounts["city_analyst"].user)
    response = client.post(f"/targets/{target.pk}/commentary/2023/", {"measures_zh": MEASURES})
    assert response.status_code == 400
    assert MEASURES in response.content.decode()  # nothing typed is lost
    assert not Commentary.objects.filter(target=target).exists()
    assert client.post(f"/targets/{target.pk}/commentary/2019/", {"analysis_zh": ANALYSIS}).status_code == 404
    too_long = client.post(f"/targets/{target.pk}/commentary/2023/", {"analysis_zh": "长" * 5001})
    assert too_long.status_code == 400 and not Commentary.objects.filter(target=target).exists()


def test_another_areas_analyst_and_a_reviewed_year_are_refused(accounts):
    target = city_target()
    haizhu = accounts["haizhu_analyst"].user
    assert browser(haizhu).post(f"/targets/{target.pk}/commentary/2023/", {"analysis_zh": ANALYSIS}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.write_commentary(target, 2023, {"analysis_zh": ANALYSIS}, user=accounts["viewer"].user)
    YearReview.objects.create(area=Area.objects.get(code="440100"), year=2023, reviewed_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.write_commentary(target, 2023, {"analysis_zh": ANALYSIS}, user=accounts["city_analyst"].user)
    assert "frozen" in str(error.value.message_dict["year"])
    assert not Commentary.objects.exists()
    assert Client().get(f"/targets/{target.pk}/commentary/2023/").status_code == 302  # sign in first


def test_clearing_the_analysis_removes_the_commentary_and_keeps_its_history(accounts):
    target, user = city_target(), accounts["city_analyst"].user
    services.write_commentary(target, 2023, {"analysis_zh": ANALYSIS}, user=user)
    assert services.write_commentary(target, 2023, {"analysis_zh": ""}, user=user) is None
    assert not Commentary.objects.filter(target=target).exists()
    assert Commentary.history.filter(id__isnull=False, history_type="-").count() == 1


def test_commentary_shows_beside_the_verdict_on_pages_and_in_the_api(accounts, api):
    target, user = city_target(), accounts["city_analyst"].user
    gdp = Target.objects.get(plan__code="guangzhou-14th-fyp", row="1", part=1)  # judged on 2023
    services.write_commentary(gdp, 2023, {"analysis_zh": ANALYSIS, "measures_en": "Open new routes."}, user=user)
    services.write_commentary(target, 2021, {"analysis_zh": "另一年"}, user=user)
    for url in ("/plans/guangzhou-14th-fyp/", "/", "/districts/440100/?plan=guangzhou-14th-fyp"):
        page = Client().get(url).content.decode()
        assert ANALYSIS in page, url
    english = Client().get("/en/plans/guangzhou-14th-fyp/").content.decode()
    assert f'<span lang="zh-Hans">{ANALYSIS}</span>' in english  # only written in Chinese: marked as such
    assert "Open new routes." in english
    items = api.get("/progress?plan=guangzhou-14th-fyp&limit=200").json()["items"]
    by_target = {item["target"]["id"]: item for item in items}
    assert by_target[gdp.pk]["commentary"]["analysis_zh"] == ANALYSIS
    assert by_target[gdp.pk]["commentary"]["year"] == 2023
    assert by_target[target.pk]["commentary"] is None  # its commentary is on another year than the one judged
