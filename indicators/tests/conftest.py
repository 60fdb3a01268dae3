"""Accounts for the API and permission tests: one per role, each with an API token."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from accounts.models import ApiToken
from districts.models import Area, AreaAccess
from districts.roles import CITY_ANALYST, DISTRICT_ANALYST, VIEWER

HAIZHU, TIANHE, CITY = "440105", "440106", "440100"


@dataclass
class Account:
    user: User | None
    token: str | None

    @property
    def headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}


def make_account(username: str, role: str | None, area_code: str | None = None, staff: bool = True) -> Account:
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=staff)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if area_code:
        AreaAccess.objects.create(user=user, area=Area.objects.get(code=area_code))
    _, secret = ApiToken.issue(user, f"{username} token")
    return Account(user, secret)


@pytest.fixture
def accounts(db) -> dict[str, Account]:
    return {
        "anonymous": Account(None, None),
        "viewer": make_account("viewer", VIEWER),
        "haizhu_analyst": make_account("haizhu", DISTRICT_ANALYST, HAIZHU),
        "city_analyst": make_account("city", CITY_ANALYST, CITY),
    }


class Api:
    """The Django test client, speaking JSON to /api/v1/."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str, account: Account | None = None, **extra):
        return self.client.get("/api/v1" + path, **(account.headers if account else {}), **extra)

    def send(self, method: str, path: str, body, account: Account | None = None, **extra):
        call = getattr(self.client, method)
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return call(
            "/api/v1" + path,
            data=data,
            content_type="application/json",
            **(account.headers if account else {}),
            **extra,
        )


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture
def analyst(accounts) -> Client:
    """A browser session of Haizhu's district analyst (modules with an analyst of their own override it)."""
    client = Client()
    client.force_login(accounts["haizhu_analyst"].user)
    return client
