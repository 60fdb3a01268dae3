"""Bad input anywhere is a 4xx naming what is wrong, never a 500: control characters in addresses,
queries and JSON bodies, numbers the database cannot hold, malformed form fields; two requests creating
the same figure at once give one success and a 409; a database that does not answer is a 503."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from indicators.models import ReportedValue
from indicators.tests.conftest import HAIZHU, make_account

NUL = "%00"
PUBLIC = [
    f"/?plan={NUL}", f"/en/?plan=a{NUL}b", f"/districts/{NUL}/", f"/en/districts/4401{NUL}05/",
    f"/districts/?area={NUL}",
    f"/en/indicators/gdp/?year={NUL}", f"/en/indicators/gdp/?page={NUL}", f"/en/indicators/?q={NUL}",
    f"/en/plans/{NUL}/", f"/en/plans/x{NUL}/", f"/en/indicators/gdp/data.csv?x={NUL}", f"/en/?{NUL}=1",
    "/en/entry/440105/99999999999999999999/",
    "/en/values/100000000000000000000/", "/en/imports/99999999999999999999999/", "/en/entry/440105/0/",
    f"/api/v1/values?area={NUL}", f"/api/v1/values?plan={NUL}", f"/api/v1/values?indicator={NUL}",
    "/api/v1/values?limit=1&offset=100000000000000000000", f"/api/v1/series/gdp?area={NUL}",
    f"/api/v1/progress?plan={NUL}", f"/api/v1/targets?plan={NUL}", f"/api/v1/areas?level={NUL}",
    f"/api/v1/indicators?category={NUL}", f"/api/v1/plans/{NUL}", "/api/v1/values/100000000000000000000",
    f"/api/v1/values?updated_since={NUL}", "/api/v1/values?year_from=99999999999", f"/api/v1/series/g{NUL}dp",
]  # fmt: skip
ADMIN = [
    f"/admin/indicators/reportedvalue/?q={NUL}", f"/admin/indicators/reportedvalue/?area__id__exact={NUL}",
    f"/admin/indicators/reportedvalue/?year={NUL}", "/admin/indicators/reportedvalue/?year=99999999999999999999",
    "/admin/indicators/reportedvalue/?area__id__exact=99999999999999999999",
    f"/admin/indicators/target/?q={NUL}", f"/admin/districts/area/?q={NUL}",
    f"/admin/indicators/reportedvalue/{NUL}/change/",
    "/admin/indicators/reportedvalue/?p=100000000000000000000", f"/admin/indicators/reportedvalue/?o={NUL}",
    f"/admin/indicators/plan/?area__code={NUL}", f"/admin/auth/user/?q={NUL}",
    "/admin/indicators/reportedvalue/99999999999999999999/change/",
]  # fmt: skip


# A page's query parameter that names nothing shows the page's default view with a notice (issue 19).
FALLBACK = [
    "/en/indicators/gdp/?page=100000000000000000000", "/en/indicators/gdp/?page=1e20", "/en/indicators/gdp/?page=-3",
    "/en/indicators/gdp/?year=99999999999999999999", "/en/indicators/gdp/?year=1e20", "/en/?plan=x",
    "/en/districts/440104/?plan=x", "/en/districts/?area=x",
]  # fmt: skip


@pytest.fixture
def anyone() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC)
def test_bad_addresses_and_queries_are_4xx(anyone, url):
    before = ReportedValue.objects.count()
    response = anyone.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code, response.content[:300])
    if NUL in url and response.status_code in (400, 422):
        assert b"control character" in response.content
    assert ReportedValue.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("url", FALLBACK)
def test_bad_page_queries_show_the_default_view_with_a_notice(anyone, url):
    response = anyone.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    assert b'<p class="notice" role="status">' in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN)
def test_bad_queries_in_the_admin_console_are_not_500(anyone, url):
    admin = make_account("probe-admin", None).user
    admin.is_superuser = True
    admin.save()
    anyone.force_login(admin)
    response = anyone.get(url)
    assert response.status_code < 500, (url, response.status_code)


@pytest.mark.django_db
def test_a_nul_in_a_json_body_is_a_422_naming_the_field_and_writes_nothing(anyone):
    analyst = make_account("nul-writer", "city analyst", "440100")
    before = ReportedValue.objects.count()
    response = anyone.post(
        "/api/v1/values",
        {"area": HAIZHU, "indicator": "gdp", "year": 2031, "value": "1", "note": "a\u0000b"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {analyst.token}",
    )
    assert response.status_code == 422 and "note" in response.content.decode(), response.content
    assert ReportedValue.objects.count() == before


@pytest.mark.django_db
def test_restoring_with_a_version_that_is_no_number_says_so(anyone):
    admin = make_account("restorer", "administrator", "440100").user
    anyone.force_login(admin)
    value = ReportedValue.objects.filter(area__code="440100").first()
    old = value.history.last()
    for version in ("abc", "99999999999999999999", "²"):
        response = anyone.post(f"/en/values/{value.pk}/restore/{old.history_id}/", {"version": version}, follow=True)
        assert response.status_code == 200
        assert "must be a whole number" in response.content.decode()
    assert ReportedValue.objects.get(pk=value.pk).version == value.version


@pytest.mark.usefixtures("real_data")
def test_creating_one_figure_at_once_from_many_requests_gives_one_success_and_conflicts():
    """Ten requests create the same figure at the same moment (each its own connection): one is written,
    the others are told it was saved meanwhile (409), never a 500."""
    analyst = make_account("racer", "city analyst", "440100")
    start = threading.Barrier(10)
    statuses: list[int] = []

    def create(n: int) -> None:
        try:
            client = Client(raise_request_exception=False)
            start.wait()
            response = client.post(
                "/api/v1/values",
                {"area": HAIZHU, "indicator": "gdp", "year": 2034, "value": str(100 + n)},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {analyst.token}",
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [201] + [409] * 9, statuses
    assert ReportedValue.objects.filter(area__code=HAIZHU, indicator__code="gdp", year=2034).count() == 1


def test_a_database_that_does_not_answer_is_a_503_with_retry_after():
    """A server with the database unreachable (nothing listens on the port): pages and the API say so."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "for url in ('/en/districts/440105/', '/api/v1/values?limit=1'):\n"
        "    r = c.get(url)\n"
        "    print(r.status_code, r.get('Retry-After'), b'not answering' in r.content)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gzplan.test_settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/gzplan",  # the discard port: nothing answers
        "DATABASE_CONNECT_TIMEOUT": "2",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run([sys.executable, "-c", script], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.stdout.split("\n")[:2] == ["503 60 True", "503 60 True"], result.stdout + result.stderr[-2000:]
