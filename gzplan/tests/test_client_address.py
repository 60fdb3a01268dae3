"""The client's address and scheme come from trusted proxies only: a client that sends its own
X-Forwarded-For does not escape the rate limits or login limits, and sign-in attempts are limited per
address whatever user names they try."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

pytestmark = pytest.mark.django_db
SERIES = "/api/v1/series/gdp?area=440105"


@pytest.fixture(autouse=True)
def fresh_counts(settings):
    settings.GZPLAN_READ_CACHE_SECONDS = 0  # every request reaches the API and its throttle
    caches["default"].clear()


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    settings.API_THROTTLE_RATES = {"anon": "3/m"}
    client = Client()
    statuses = [
        client.get(SERIES, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    page = client.get("/en/", REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_PROTO="https")
    assert page.wsgi_request.is_secure() is False  # the client cannot claim HTTPS either


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.API_THROTTLE_RATES = {"anon": "3/m"}
    client = Client()

    def get(client_address: str, claimed: str = ""):
        forwarded = ", ".join(filter(None, [claimed, client_address]))
        return client.get(SERIES, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=forwarded)

    first = [get("203.0.113.1").status_code for _ in range(4)]
    assert first == [200, 200, 200, 429]
    assert get("203.0.113.2").status_code == 200  # another client behind the same proxy
    # What a client claims before the proxy's own entry does not count: the proxy saw 203.0.113.1.
    assert get("203.0.113.1", claimed="192.0.2.55").status_code == 429
    response = get("203.0.113.9")
    assert response.wsgi_request.META["REMOTE_ADDR"] == "203.0.113.9"
    assert "HTTP_X_FORWARDED_FOR" not in response.wsgi_request.META


def test_sign_in_attempts_are_limited_per_address_whatever_the_user_name(settings):
    settings.LOGIN_ATTEMPTS_PER_ADDRESS = 4
    client = Client()
    client.get("/en/accounts/login/")
    statuses = [
        client.post("/en/accounts/login/", {"username": f"nobody-{n}", "password": "guess"},
                    REMOTE_ADDR="198.51.100.20").status_code
        for n in range(6)
    ]  # fmt: skip
    assert statuses == [200, 200, 200, 200, 429, 429]
    refused = client.post("/en/accounts/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="198.51.100.20")
    assert refused["Retry-After"] == str(settings.LOGIN_ATTEMPTS_MINUTES * 60)
    assert "Too many sign-in attempts" in refused.content.decode()
    other = client.post("/en/accounts/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="198.51.100.21")
    assert other.status_code == 200  # another address is not held back
