"""Cached reads: served again while what they show is unchanged, never after a committed change to it, never
to a signed-in user or a caller with a token, and still counted by the API's rate limits."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token

from districts.models import Area
from districts.roles import CITY_ANALYST
from gzplan.lib import freshness
from gzplan.middleware import CachedReadsMiddleware
from indicators.models import Indicator, Plan, ReportedValue, Target
from indicators.tests.conftest import HAIZHU, TIANHE, Api, make_account

PAGE = f"/en/districts/{HAIZHU}/"
SERIES = f"/api/v1/series/gdp?area={HAIZHU}"


def cached(response) -> str | None:
    return response.headers.get(freshness.CACHE_HEADER)


def series_value(client, year: int) -> float | None:
    points = client.get(SERIES).json()["areas"][0]["values"]
    return next((p["value"] for p in points if p["year"] == year and p["quarter"] == 0), None)


def haizhu_and_tianhe():
    return Area.objects.get(code=HAIZHU), Area.objects.get(code=TIANHE), Indicator.objects.get(code="gdp")


@pytest.mark.usefixtures("real_data")
def test_a_cached_read_ends_with_each_committed_change_whatever_wrote_it(client, settings):
    settings.API_THROTTLE_RATES = {}
    first = client.get(PAGE)
    again = client.get(PAGE)
    assert (cached(first), cached(again)) == ("miss", "hit")
    assert again.content == first.content and again["ETag"] == first["ETag"]

    # A model's save(): the page is rendered afresh, with the figure.
    area, _, gdp = haizhu_and_tianhe()
    value = ReportedValue.objects.create(area=area, indicator=gdp, year=2031, reference_year=2031, value="111.1")
    after_save = client.get(PAGE)
    assert cached(after_save) == "miss"
    assert series_value(client, 2031) == 111.1
    assert cached(client.get(SERIES)) == "hit"

    # A queryset's update() sends no signal; the figures' queryset records what it changes all the same.
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

    # A delete, one by one or by a queryset.
    ReportedValue.objects.filter(pk=value.pk).delete()
    assert series_value(client, 2031) is None

    # A transaction rolled back changes nothing, and the cache goes on serving.
    client.get(SERIES)
    with pytest.raises(RuntimeError), transaction.atomic():
        ReportedValue.objects.filter(year=2032).update(value=Decimal("444.4"))
        raise RuntimeError
    repeat = client.get(SERIES)
    assert cached(repeat) == "hit" and series_value(client, 2032) == 333.3


@pytest.mark.usefixtures("real_data")
def test_a_figure_ends_the_reads_of_its_area_and_indicator_only(client, settings):
    settings.API_THROTTLE_RATES = {}
    haizhu, tianhe, gdp = haizhu_and_tianhe()
    tianhe_page, tianhe_values = f"/en/districts/{TIANHE}/", f"/api/v1/values?area={TIANHE}&limit=5"
    forest_page, gdp_page = "/en/indicators/forest_cover/", "/en/indicators/gdp/"
    reads = [PAGE, SERIES, tianhe_page, tianhe_values, forest_page, gdp_page, "/api/v1/progress?area=440106"]
    assert [cached(client.get(url)) for url in reads] == ["miss"] * len(reads)
    assert [cached(client.get(url)) for url in reads] == ["hit"] * len(reads)

    ReportedValue.objects.create(area=haizhu, indicator=gdp, year=2031, reference_year=2031, value="1")
    after = {url: cached(client.get(url)) for url in reads}
    assert after == {
        PAGE: "miss",  # Haizhu's own page
        SERIES: "miss",
        tianhe_page: "hit",  # another district's page and API reads stay cached
        tianhe_values: "hit",
        "/api/v1/progress?area=440106": "hit",
        forest_page: "hit",  # another indicator's page too
        gdp_page: "miss",  # the indicator's page lists Haizhu's figure
    }

    # The city's figure ends the district pages that show the city's series beside their own.
    city = Area.objects.get(code="440100")
    ReportedValue.objects.create(area=city, indicator=gdp, year=2031, reference_year=2031, value="2")
    assert cached(client.get(tianhe_page)) == "miss" and cached(client.get(tianhe_values)) == "hit"

    # A shared object (a plan, an indicator, an area) ends every cached read.
    tianhe.name_en = "Tianhe District (renamed)"
    tianhe.save()
    assert {cached(client.get(url)) for url in reads} == {"miss"}
    assert "Tianhe District (renamed)" in client.get(tianhe_page).content.decode()

    # And so does the command for changes made in the database by hand.
    assert {cached(client.get(url)) for url in reads} == {"hit"}
    call_command("refresh_read_cache", stdout=StringIO())
    assert {cached(client.get(url)) for url in reads} == {"miss"}


@pytest.mark.usefixtures("real_data")
def test_a_rolled_back_savepoint_keeps_the_change_around_it(client, settings):
    settings.API_THROTTLE_RATES = {}
    haizhu, tianhe, gdp = haizhu_and_tianhe()
    tianhe_series = f"/api/v1/series/gdp?area={TIANHE}"
    client.get(SERIES), client.get(tianhe_series)
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            ReportedValue.objects.create(area=tianhe, indicator=gdp, year=2031, reference_year=2031, value="1")
            raise RuntimeError
        ReportedValue.objects.create(area=haizhu, indicator=gdp, year=2031, reference_year=2031, value="7")
        assert freshness.pending()
    assert series_value(client, 2031) == 7.0
    assert cached(client.get(tianhe_series)) == "hit"


def test_a_lost_generation_starts_again_where_no_entry_was_recorded(settings):
    recorded = freshness.generations(["area:999999"])
    assert freshness.current(recorded)
    caches["reads"].delete("gzplan-gen:area:999999")  # evicted by the cache
    assert not freshness.current(recorded)
    assert freshness.current(freshness.generations(["area:999999"]))
    freshness.bump(["area:999999"])
    assert not freshness.current(recorded)


@pytest.mark.django_db
def test_uncommitted_changes_and_signed_in_users_are_never_cached(client, django_user_model, settings):
    settings.API_THROTTLE_RATES = {}
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
    caches["default"].clear()
    settings.API_THROTTLE_RATES = {"anon": "3/m"}
    statuses = [client.get(SERIES, REMOTE_ADDR="203.0.113.9") for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert [cached(r) for r in statuses[:3]] == ["miss", "hit", "hit"]
    assert client.get(SERIES, REMOTE_ADDR="203.0.113.10").status_code == 200  # another client


@pytest.mark.django_db
def test_the_content_type_asked_for_is_part_of_the_key(client, settings):
    settings.API_THROTTLE_RATES = {}
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


@pytest.mark.usefixtures("real_data")
def test_no_cached_read_outlives_a_figure_it_shows(client, settings):
    """Every page and API read, cached, then a figure written in each area (and for an indicator that
    targets are linked to): whatever is still answered from the cache is what a fresh render gives."""
    settings.API_THROTTLE_RATES = {}
    areas = list(Area.objects.values_list("code", flat=True))
    plans = list(Plan.objects.values_list("code", flat=True))
    linked = Target.objects.exclude(linked_indicator=None).select_related("plan__area", "linked_indicator").first()
    assert linked is not None, "the real data has linked targets"
    # One target per area (its indicator, in its target year), and the indicator a linked target moves with.
    writes = {
        (t.plan.area.code, t.indicator.code, t.target_year)
        for t in Target.objects.select_related("plan__area", "indicator").order_by(
            "plan__area__code", "-plan__period_end"
        )
    }
    chosen = {}
    for area, indicator, year in sorted(writes):
        chosen.setdefault(area, (area, indicator, year))
    figures = [*chosen.values(), (linked.plan.area.code, linked.linked_indicator.code, linked.target_year)]
    indicators = sorted({indicator for _, indicator, _ in figures})
    urls = [
        "/en/", "/", f"/districts/{HAIZHU}/",
        *[f"/en/?plan={code}" for code in plans],
        *[f"/en/plans/{code}/" for code in plans],
        *[f"/en/districts/{code}/" for code in areas],
        *[f"/en/indicators/{code}/" for code in indicators],
        "/api/v1/values?limit=1000",
        *[f"/api/v1/values?area={code}&limit=1000" for code in areas],
        *[f"/api/v1/values?plan={code}&limit=1000" for code in plans],
        *[f"/api/v1/values?indicator={code}&limit=1000" for code in indicators],
        *[f"/api/v1/series/{indicator}?area={area}" for area, indicator, _ in figures],
        *[f"/api/v1/series/{code}" for code in indicators],
        *[f"/api/v1/progress?plan={code}&limit=500" for code in plans],
        *[f"/api/v1/progress?area={code}&limit=500" for code in areas],
        *[f"/api/v1/progress?indicator={code}&limit=500" for code in indicators],
    ]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert {cached(client.get(url)) for url in urls} == {"hit"}
    served_from_cache = 0
    for n, (area, indicator, year) in enumerate(figures, start=1):
        stored = ReportedValue.objects.filter(area__code=area, indicator__code=indicator, year=year, quarter=0)
        if stored.exists():
            for value in stored:
                value.value += 1
                value.save()
        else:
            ReportedValue.objects.create(
                area=Area.objects.get(code=area), indicator=Indicator.objects.get(code=indicator),
                year=year, reference_year=year, value=Decimal(10 + n),
            )  # fmt: skip
        for url in urls:
            answer = client.get(url)
            if cached(answer) == "hit":
                served_from_cache += 1
                settings.GZPLAN_READ_CACHE_SECONDS = 0
                fresh = client.get(url).content
                settings.GZPLAN_READ_CACHE_SECONDS = 3600
                assert answer.content == fresh, f"{url} still cached after a figure of {area} {indicator} {year}"
    assert served_from_cache > len(urls) * len(figures) / 3  # the check compared many cached answers
