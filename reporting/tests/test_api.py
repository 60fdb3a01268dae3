"""API: the rounds and a round's completeness, the same counts as the board."""

from __future__ import annotations

import datetime
import re

import pytest

from reporting import services
from reporting.owed import Status
from reporting.tests.conftest import CITY, YUEXIU

pytestmark = pytest.mark.django_db


def test_rounds_are_listed(round_2025, client):
    body = client.get("/api/v1/rounds").json()
    assert body["count"] == 1
    assert body["items"][0] == {
        "year": 2025,
        "kind": "preliminary",
        "title_zh": "2025年初步数据报送",
        "title_en": "2025 preliminary figures",
        "opens_on": "2026-01-05",
        "due_on": "2026-03-31",
        "page": "/rounds/2025/?kind=preliminary",
    }
    assert client.get("/api/v1/rounds?year=2024").json()["count"] == 0


def test_completeness_counts_equal_the_board(round_2025, client):
    body = client.get("/api/v1/rounds/2025/completeness").json()
    assert body["round"]["year"] == 2025
    by_code = {area["code"]: area for area in body["areas"]}
    yuexiu = by_code[YUEXIU]
    assert yuexiu["name_zh"] == "越秀区" and yuexiu["name_en"] == "Yuexiu"
    assert "gdp" in yuexiu["missing"] and len(yuexiu["missing"]) == yuexiu["owed"] + yuexiu["late"]
    html = client.get("/en/rounds/2025/").content.decode()
    for code in (CITY, YUEXIU, "440105"):
        row = re.search(rf'<tr data-area="{code}">(.*?)</tr>', html, re.S).group(1)
        shown = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
        assert shown == [by_code[code][status.value] for status in Status]


def test_kind_chooses_between_the_years_rounds(round_2025, users, client):
    services.create_round(
        users["administrator"], year=2025, kind="final", title_zh="2025年最终数据", title_en="2025 final",
        opens_on=datetime.date(2026, 9, 1), due_on=datetime.date(2026, 10, 31),
    )  # fmt: skip
    assert client.get("/api/v1/rounds/2025/completeness").json()["round"]["kind"] == "final"
    chosen = client.get("/api/v1/rounds/2025/completeness?kind=preliminary").json()
    assert chosen["round"]["kind"] == "preliminary"


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/rounds/2019/completeness", 404, "No reporting round for 2019."),
        ("/rounds/2025/completeness?kind=final", 404, "No final reporting round for 2025."),
        ("/rounds/2025/completeness?kind=monthly", 422, ""),
        ("/rounds/2025/completeness?area=440104", 422, "Unknown query parameter: area"),
        ("/rounds/99999/completeness", 422, ""),
        ("/rounds?yaer=2025", 422, "Unknown query parameter: yaer"),
    ],
)
def test_bad_requests_say_what_is_wrong(round_2025, client, path, status, detail):
    response = client.get("/api/v1" + path)
    assert response.status_code == status
    assert detail in str(response.json()["detail"])


def test_completeness_takes_a_fixed_number_of_queries(round_2025, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/rounds/2025/completeness").status_code == 200


def test_the_openapi_schema_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/rounds/{year}/completeness" in paths
