"""HTTP done right (issue 16, part 5): Vary names what chooses the answer, Cache-Control lets caches keep
public reads, unknown query parameters are refused by name, the OpenAPI examples are real, and the
indicators' notes are in the API."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# The API's GET endpoints whose format the Accept header chooses when there is no `format` parameter.
NEGOTIATED = ["/areas", "/indicators", "/plans", "/targets", "/values", "/progress"]


def vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}


def codes(table: str) -> set[str]:
    with open(FIXTURES / f"{table}.csv", encoding="utf-8") as file:
        return {row["code"] for row in csv.DictReader(file)}


# Vary


@pytest.mark.parametrize("path", NEGOTIATED)
def test_an_answer_the_accept_header_chooses_names_accept_in_vary(api, path):
    as_json, as_csv = api.get(path), api.get(path, HTTP_ACCEPT="text/csv")
    assert as_json["Content-Type"].startswith("application/json") and as_csv["Content-Type"].startswith("text/csv")
    assert "accept" in vary(as_json) and "accept" in vary(as_csv)


def test_sdmx_chosen_by_accept_names_accept_in_vary(api):
    response = api.get("/values?indicator=gdp", HTTP_ACCEPT="application/vnd.sdmx.data+csv")
    assert response["Content-Type"].startswith("application/vnd.sdmx.data+csv")
    assert "accept" in vary(response)


def test_an_answer_whose_format_the_address_fixes_does_not_vary_on_accept(api):
    assert "accept" not in vary(api.get("/values?format=csv"))
    assert "accept" not in vary(api.get("/areas/440100"))


@pytest.mark.parametrize("path", ["/", "/en/", "/indicators/gdp/", "/en/plans/guangzhou-14th-fyp/", "/api/v1/areas"])
def test_the_language_is_the_addresses_so_nothing_varies_on_accept_language(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert "accept-language" not in vary(response)
    assert response["Content-Language"] == ("en" if path.startswith(("/en/", "/api/")) else "zh-hans")  # API: English


# Cache-Control

PUBLIC = f"public, max-age={60}"


@pytest.mark.parametrize("path", ["/", "/en/districts/", "/indicators/gdp/", "/plans/guangzhou-14th-fyp/"])
def test_public_pages_may_be_kept_a_minute(client, path):
    assert client.get(path)["Cache-Control"] == PUBLIC


@pytest.mark.parametrize("path", ["/areas", "/values?indicator=gdp", "/indicators/gdp", "/values?format=csv"])
def test_anonymous_api_reads_may_be_kept_a_minute(api, path):
    assert api.get(path)["Cache-Control"] == PUBLIC


def test_a_signed_in_users_pages_are_private(analyst):
    for path in ("/", "/indicators/gdp/", "/entry/"):
        assert analyst.get(path)["Cache-Control"] == "private", path


def test_a_token_holders_api_reads_are_private(api, accounts):
    assert api.get("/values?indicator=gdp", accounts["viewer"])["Cache-Control"] == "private"


def test_writes_and_forms_are_never_public(api, accounts, client):
    written = api.send("post", "/values", {"area": "440105", "indicator": "gdp", "year": 2024, "value": "1"},
                       accounts["haizhu_analyst"])  # fmt: skip
    assert written.status_code in (200, 201) and "public" not in written.get("Cache-Control", "")
    sign_in = client.get("/accounts/login/")
    assert "public" not in sign_in["Cache-Control"] and "no-store" in sign_in["Cache-Control"]


def test_a_not_modified_answer_repeats_the_headers(api):
    first = api.get("/areas")
    again = api.get("/areas", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == PUBLIC and "accept" in vary(again)


# Unknown query parameters


def test_an_unknown_query_parameter_answers_422_naming_it_and_the_accepted_ones(api):
    response = api.get("/values?year=2019")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("Unknown query parameter: year.")
    for accepted in ("area", "indicator", "plan", "year_from", "year_to", "status", "updated_since", "limit",
                     "offset", "format"):  # fmt: skip
        assert accepted in detail.split("Accepted: ")[1]


def test_several_unknown_parameters_are_all_named(api):
    detail = api.get("/targets?plan=guangzhou-14th-fyp&year=2025&sort=code").json()["detail"]
    assert detail.startswith("Unknown query parameters: sort, year.")


def test_an_endpoint_without_query_parameters_says_it_takes_none(api):
    response = api.get("/areas/440100?verbose=1")
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Unknown query parameter: verbose. Accepted: none (this endpoint takes no query parameters)."
    )


@pytest.mark.parametrize("path", ["/areas?level=city", "/values?year_from=2020&year_to=2020", "/progress?limit=5"])
def test_declared_parameters_are_accepted(api, path):
    assert api.get(path).status_code == 200


def test_a_bad_value_of_a_known_parameter_is_reported_as_before(api):
    detail = api.get("/values?limit=abc&junk=1").json()["detail"]
    assert detail[0]["loc"] == ["query", "limit"]


# OpenAPI examples and notes


def examples(node, key: str = ""):
    """Every (field, example) in the schema."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "example":
                yield key, value
            elif name == "examples" and isinstance(value, list):
                for example in value:
                    yield key, example
            else:
                yield from examples(value, name if name not in ("schema", "items") else key)
    elif isinstance(node, list):
        for value in node:
            yield from examples(value, key)


def test_the_openapi_examples_use_real_codes(client):
    schema = client.get("/api/v1/openapi.json").json()
    plans, indicators, areas = codes("plans"), codes("indicators"), codes("areas")
    # The plan-table endpoints' example makes a new plan (the 15th FYP), so its code is not yet recorded.
    new_plan = {"guangzhou-15th-fyp"}
    checked = 0
    for field, example in examples(schema):
        values = example if isinstance(example, list) else [example]
        for value in values:
            if not isinstance(value, str):
                continue
            if value.endswith("-fyp") or value.split("-")[-1].isdigit() and value[:1].isalpha():
                assert value in plans | new_plan, (field, value)
                checked += 1
            elif field in ("area", "parent") or (field == "code" and value.isdigit()):
                assert value in areas, (field, value)
                checked += 1
            elif field == "indicator" or (field == "code" and value in indicators):
                assert value in indicators, (field, value)
                checked += 1
    assert checked > 10
    assert "gz-14th-fyp" not in schema["info"]["description"]
    assert "`guangzhou-14th-fyp`" in schema["info"]["description"]


def test_indicator_notes_are_in_the_api(api):
    with open(FIXTURES / "indicators.csv", encoding="utf-8") as file:
        noted = {row["code"]: row["note"] for row in csv.DictReader(file) if row["note"]}
    assert noted
    items = {item["code"]: item for item in api.get("/indicators?limit=5000").json()["items"]}
    for code, note in noted.items():
        assert items[code]["note"] == note
        assert api.get(f"/indicators/{code}").json()["note"] == note
    assert all("note" in item for item in items.values())
