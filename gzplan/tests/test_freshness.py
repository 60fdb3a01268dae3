"""Cached reads: served again while the data is unchanged, never after a committed change, never to a
signed-in user or a caller with a token, and still counted by the API's rate limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token

from districts.models import Area
from districts.roles import CITY_ANALYST
from gzplan.lib import freshness
from gzplan.middleware import CachedReadsMiddleware
from indicators.models import Indicator, ReportedValue
from indicators.tests.conftest import HAIZHU, Api, make_account

PAGE = f"/en/districts/{HAIZHU}/"
SERIES = f"/api/v1/series/gdp?area={HAIZHU}"


def cached(response) -> str | None:
    return response.headers.get(freshness.CACHE_HEADER)


def series_value(client, year: int) -> float | None:
    points = client.get(SERIES).json()["areas"][0]["values"]
    return next((p["value"] for p in points if p["year"] == year and p["quarter"] == 0), None)


@pytest.mark.parametrize(
    "sql, writes",
    [
        ('INSERT INTO "indicators_reportedvalue" ("area_id") VALUES (%s)', True),
        ('UPDATE "indicators_target" SET "value" = %s', True),
        ('DELETE FROM "districts_area" WHERE id = 1', True),
        ("  update districts_area set name_en = 'x'", True),
        ('TRUNCATE "auth_user", "indicators_plan";', True),
        ('INSERT INTO "indicators_historicalreportedvalue" ("id") VALUES (1)', True),
        ('WITH new AS (INSERT INTO "indicators_reportedvalue" ("year") SELECT 1 RETURNING *) SELECT id FROM new', True),
        ('WITH old AS (SELECT 1) SELECT * FROM "indicators_reportedvalue"', False),
        ('SELECT * FROM "indicators_reportedvalue"', False),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        ('UPDATE "gzplan_apitoken" SET "last_used_at" = %s', False),
        ('UPDATE "indicators_importbatch" SET "progress" = 5', False),
        ('INSERT INTO "indicators_rejectededit" ("id") VALUES (1)', False),
        ('TRUNCATE "auth_user", "django_session";', False),
    ],
)
def test_which_statements_change_the_published_data(sql, writes):
    assert freshness.writes_data(sql) is writes


@pytest.mark.django_db(transaction=True)
def test_a_cached_read_ends_with_each_committed_change_whatever_wrote_it(client, settings):
    settings.API_THROTTLE_RATES = {}
    caches["reads"].clear()
    first = client.get(PAGE)
    again = client.get(PAGE)
    assert (cached(first), cached(again)) == ("miss", "hit")
    assert again.content == first.content and again["ETag"] == first["ETag"]

    # A model's save(): the page is rendered afresh, with the figure.
    area, gdp = Area.objects.get(code=HAIZHU), Indicator.objects.get(code="gdp")
    value = ReportedValue.objects.create(area=area, indicator=gdp, year=2031, reference_year=2031, value="111.1")
    after_save = client.get(PAGE)
    assert cached(after_save) == "miss"
    assert series_value(client, 2031) == 111.1
    assert cached(client.get(SERIES)) == "hit"

    # A queryset update() sends no signal; the database wrapper sees it all the same.
    ReportedValue.objects.filter(pk=value.pk).update(value=Decimal("222.2"))
    assert series_value(client, 2031) == 222.2

    # Through the API with a token (on PostgreSQL, new figures go in with COPY).
    analyst = make_account("city-fresh", CITY_ANALYST, "440100")
    api = Api(client)
    counted = api.get("/values?limit=1", analyst).json()["count"]  # a signed request: only the count is kept
    assert api.get("/values?limit=1", analyst).json()["count"] == counted
    created = api.send("post", "/values", {"area": HAIZHU, "indicator": "gdp", "year": 2032, "value": "333.3"},
                       analyst)  # fmt: skip
    assert created.status_code == 201, created.content
    assert series_value(client, 2032) == 333.3
    assert api.get("/values?limit=1", analyst).json()["count"] == counted + 1

    # A transaction rolled back changes nothing, and the cache goes on serving.
    client.get(SERIES)
    with pytest.raises(RuntimeError), transaction.atomic():
        ReportedValue.objects.filter(pk=value.pk).update(value=Decimal("444.4"))
        raise RuntimeError
    repeat = client.get(SERIES)
    assert cached(repeat) == "hit" and series_value(client, 2031) == 222.2


@pytest.mark.django_db
def test_uncommitted_changes_and_signed_in_users_are_never_cached(client, django_user_model, settings):
    settings.API_THROTTLE_RATES = {}
    caches["reads"].clear()
    assert cached(client.get(PAGE)) == "miss" and cached(client.get(PAGE)) == "hit"

    # This test runs in a transaction: a write here is not committed, so the connection bypasses the cache.
    area, gdp = Area.objects.get(code=HAIZHU), Indicator.objects.get(code="gdp")
    ReportedValue.objects.create(area=area, indicator=gdp, year=2031, reference_year=2031, value="555.5")
    assert freshness.pending(connection.alias)
    fresh = client.get(SERIES)
    assert cached(fresh) is None and series_value(client, 2031) == 555.5

    user = django_user_model.objects.create_user("reader", password="pw-for-tests-only")
    client.force_login(user)
    assert cached(client.get(PAGE)) is None
    client.logout()

    token = make_account("token-reader", None)
    assert cached(client.get(SERIES, HTTP_AUTHORIZATION=f"Bearer {token.token}")) is None


@pytest.mark.django_db
def test_answers_from_the_cache_still_count_against_the_rate_limit(client, settings):
    caches["reads"].clear()
    caches["default"].clear()
    settings.API_THROTTLE_RATES = {"anon": "3/m"}
    statuses = [client.get(SERIES, REMOTE_ADDR="203.0.113.9") for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert [cached(r) for r in statuses[:3]] == ["miss", "hit", "hit"]
    assert client.get(SERIES, REMOTE_ADDR="203.0.113.10").status_code == 200  # another client


@pytest.mark.django_db
def test_the_content_type_asked_for_is_part_of_the_key(client, settings):
    settings.API_THROTTLE_RATES = {}
    caches["reads"].clear()
    url = f"/api/v1/values?area={HAIZHU}&limit=5"
    as_json = client.get(url)
    as_csv = client.get(url, HTTP_ACCEPT="text/csv")
    assert as_json["Content-Type"].startswith("application/json")
    assert as_csv["Content-Type"].startswith("text/csv") and cached(as_csv) == "miss"
    assert client.get(url, HTTP_ACCEPT="text/csv").content == as_csv.content


@pytest.mark.django_db
def test_a_page_with_a_csrf_token_is_never_shared(client, rf):
    def form_page(request):
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")

    middleware = CachedReadsMiddleware(form_page)
    answers = [middleware(rf.get("/en/some-form/", HTTP_COOKIE="csrftoken=" + "a" * 32)) for _ in range(2)]
    assert [cached(a) for a in answers] == [None, None]
    assert answers[0].content != answers[1].content  # each visitor's own masked token

    # And the login page, through the whole stack, for a returning visitor.
    client.cookies["csrftoken"] = "a" * 32
    assert [cached(client.get("/en/accounts/login/")) for _ in range(2)] == [None, None]
