"""Following an area, a plan or a target: an e-mail when written figures make a verdict worse, once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from districts.models import Area, AreaAccess
from districts.roles import CITY_ANALYST
from following import services
from following.models import Follow, VerdictSeen
from indicators.models import Target
from indicators.services import upsert_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst() -> User:
    user = User.objects.create_user("city-analyst", email="analyst@example.org", password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name=CITY_ANALYST))
    AreaAccess.objects.create(user=user, area=Area.objects.get(code="440100"))
    return user


@pytest.fixture
def leader() -> User:
    return User.objects.create_user("leader", email="leader@example.org", password="pw-for-tests-only")


def gdp_growth() -> Target:
    return Target.objects.get(plan__code="guangzhou-14th-fyp", row="1", part=1)  # 年均6左右: at risk on 2023's 4.6


def write(user, year: int, value: str, capture) -> None:
    with capture(execute=True):
        upsert_values(
            [{"area": "440100", "indicator": "gdp_growth", "year": year, "value": value, "status": "preliminary"}],
            user=user,
            reason="test",
            require_versions=False,
        )


def test_a_worse_verdict_is_e_mailed_to_followers_once(
    analyst, leader, django_capture_on_commit_callbacks, smtp_server
):
    services.follow(leader, services.find("plan", "guangzhou-14th-fyp"))
    services.follow(analyst, services.find("target", str(gdp_growth().pk)))
    assert VerdictSeen.objects.get(target=gdp_growth()).status == "at_risk"
    write(analyst, 2024, "0.5", django_capture_on_commit_callbacks)  # the 2023–2024 average falls: off track
    received = smtp_server.messages
    assert sorted(to for recipients, _ in received for to in recipients) == [
        "analyst@example.org",
        "leader@example.org",
    ]
    message = received[0][1]
    body = message.get_content()
    assert "广州市“十四五”规划" in message["Subject"]
    assert "有风险 → 进度滞后" in body and "at risk → off track" in body
    assert "/plans/guangzhou-14th-fyp/" in body and "/en/plans/guangzhou-14th-fyp/" in body
    # The same verdict again, or a better one, is no news.
    write(analyst, 2024, "0.4", django_capture_on_commit_callbacks)
    write(analyst, 2024, "7", django_capture_on_commit_callbacks)
    assert len(smtp_server.messages) == 2
    assert VerdictSeen.objects.get(target=gdp_growth()).status == "on_track"


def test_figures_of_other_areas_or_indicators_send_nothing(
    analyst, leader, django_capture_on_commit_callbacks, smtp_server
):
    services.follow(leader, services.find("area", "440104"))  # Yuexiu: the city's figure is not its news
    write(analyst, 2024, "0.5", django_capture_on_commit_callbacks)
    assert smtp_server.messages == []


def test_following_through_the_pages(leader):
    client = Client()
    client.force_login(leader)
    response = client.post(
        "/following/follow/", {"kind": "plan", "key": "guangzhou-14th-fyp", "next": "/plans/guangzhou-14th-fyp/"}
    )
    assert response.status_code == 302 and response["Location"] == "/plans/guangzhou-14th-fyp/"
    client.post("/following/follow/", {"kind": "plan", "key": "guangzhou-14th-fyp"})  # again: still one
    assert Follow.objects.filter(user=leader).count() == 1
    page = client.get("/following/").content.decode()
    assert "广州市“十四五”规划" in page
    assert client.post("/following/follow/", {"kind": "plan", "key": "no-such-plan"}).status_code == 400
    assert client.post("/following/follow/", {"kind": "district", "key": "440104"}).status_code == 400
    assert client.post("/following/follow/", {"kind": "target", "key": "9" * 40}).status_code == 400
    assert (
        client.post(
            "/following/follow/", {"kind": "plan", "key": "guangzhou-14th-fyp", "next": "https://evil.example/"}
        )["Location"]
        == "/following/"
    )
    follow = Follow.objects.get(user=leader)
    assert client.post("/following/unfollow/", {"follow": "abc"}).status_code == 400
    assert client.post("/following/unfollow/", {"follow": str(follow.pk)}).status_code == 302
    assert not Follow.objects.filter(user=leader).exists()
    assert (
        Client().post("/following/follow/", {"kind": "plan", "key": "guangzhou-14th-fyp"}).status_code == 302
    )  # sign in
    assert not Follow.objects.exists()


def test_another_users_follow_cannot_be_removed(leader, analyst):
    theirs = services.follow(analyst, services.find("area", "440100"))
    client = Client()
    client.force_login(leader)
    assert client.post("/following/unfollow/", {"follow": str(theirs.pk)}).status_code == 400
    assert Follow.objects.filter(pk=theirs.pk).exists()
