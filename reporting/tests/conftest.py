"""A 2025 preliminary round on the real data, and one user per role."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User

from districts.models import Area, AreaAccess
from districts.roles import ADMINISTRATOR, CITY_ANALYST, DISTRICT_ANALYST, REVIEWER, VIEWER
from reporting import services

CITY, YUEXIU = "440100", "440104"


def make_user(username: str, role: str, area_code: str | None = None) -> User:
    user = User.objects.create_user(username, password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name=role))
    if area_code:
        AreaAccess.objects.create(user=user, area=Area.objects.get(code=area_code))
    return user


@pytest.fixture
def users(db) -> dict[str, User]:
    return {
        "viewer": make_user("viewer", VIEWER),
        "district_analyst": make_user("yuexiu", DISTRICT_ANALYST, YUEXIU),
        "city_analyst": make_user("city", CITY_ANALYST, CITY),
        "reviewer": make_user("reviewer", REVIEWER, CITY),
        "administrator": make_user("admin", ADMINISTRATOR, CITY),
    }


@pytest.fixture
def round_2025(users):
    return services.create_round(
        users["city_analyst"],
        year=2025,
        kind="preliminary",
        title_zh="2025年初步数据报送",
        title_en="2025 preliminary figures",
        opens_on=datetime.date(2026, 1, 5),
        due_on=datetime.date(2026, 3, 31),
    )
