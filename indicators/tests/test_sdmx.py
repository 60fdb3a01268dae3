"""SDMX that tools read: sdmx1 parses the structure the API publishes and, with it, the SDMX-CSV of
values and targets, and finds the same observations as the JSON API, on the real data."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
import sdmx

from indicators.api.sdmx import OBS_STATUS, target_time_period, value_time_period
from indicators.domain import unit_code
from indicators.models import Indicator

pytestmark = pytest.mark.django_db

NO_LIMIT = "limit=5000"


@pytest.fixture
def structure(api) -> Any:
    response = api.get("/sdmx/structure")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.sdmx.structure+xml; version=3.0")
    return sdmx.read_sdmx(io.BytesIO(response.content))


def observations(api, path: str, structure: Any, flow_id: str) -> dict[tuple[str, ...], dict[str, Any]]:
    """The SDMX-CSV at `path` as sdmx1 reads it with the dataflow: key → value and attributes,
    every code checked against the codelist the structure gives its column."""
    response = api.get(path)
    assert response.status_code == 200
    flow = structure.dataflow[flow_id]
    message = sdmx.read_sdmx(io.BytesIO(response.content), structure=flow, format="CSV")
    dsd = flow.structure
    dimensions = [d.id for d in dsd.dimensions.components]
    found: dict[tuple[str, ...], dict[str, Any]] = {}
    checked = 0
    for data_set in message.data:
        for obs in data_set.obs:
            key = tuple(obs.dimension.values[d].value for d in dimensions)
            assert key not in found, f"two observations for {key}"
            attributes = {a: v.value for a, v in obs.attached_attribute.items()}
            for component in [*dsd.dimensions.components, *dsd.attributes.components]:
                codelist = component.local_representation.enumerated if component.local_representation else None
                if component.id in dimensions:
                    written = key[dimensions.index(component.id)]
                else:
                    written = attributes[component.id]
                if codelist is not None and written:
                    assert written in codelist, f"{component.id}={written} is not in {codelist.id}"
                    checked += 1
            found[key] = {"OBS_VALUE": obs.value, **attributes}
    assert checked > len(found) * 3, "the codes were checked against the codelists"
    return found


def test_the_structure_names_its_dataflows_codes_and_units(structure):
    assert set(structure.dataflow) == {"DF_REPORTED_VALUES", "DF_PLAN_TARGETS"}
    values = structure.dataflow["DF_REPORTED_VALUES"].structure
    assert [d.id for d in values.dimensions.components] == ["REF_AREA", "INDICATOR", "TIME_PERIOD"]
    assert {a.id for a in values.attributes.components} >= {"OBS_STATUS", "UNIT_MEASURE", "QUALIFIER", "NOTATION"}
    targets = structure.dataflow["DF_PLAN_TARGETS"].structure
    assert [d.id for d in targets.dimensions.components] == ["REF_AREA", "INDICATOR", "PLAN", "TIME_PERIOD"]
    units = structure.codelist["CL_UNIT"]
    assert str(units["CNY_100M"].name.localizations["zh"]) == "亿元"
    assert str(units["PCT"].name.localizations["en"]) == "per cent"
    for unit_zh, unit_en in Indicator.objects.values_list("unit_zh", "unit_en"):
        assert unit_code(unit_zh, unit_en) in units
    areas = structure.codelist["CL_AREA"]
    assert (areas["440104"].name.localizations["zh"], areas["440104"].name.localizations["en"]) == ("越秀区", "Yuexiu")
    assert set(structure.codelist["CL_QUALIFIER"].items) >= {"about", "at_least", "more_than", "at_most", "less_than"}


def test_one_dataflow_alone_and_an_unknown_one(api):
    one = sdmx.read_sdmx(io.BytesIO(api.get("/sdmx/structure/DF_PLAN_TARGETS").content))
    assert set(one.dataflow) == {"DF_PLAN_TARGETS"}
    assert "CL_PLAN" in one.codelist and "CL_OBS_STATUS" not in one.codelist
    assert api.get("/sdmx/structure/DF_NONE").status_code == 404


def json_values(api) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every reported value of the JSON API as the SDMX-CSV should carry it: key → value and attributes."""
    items = api.get(f"/values?{NO_LIMIT}").json()["items"]
    expected = {
        (
            v["area"]["code"],
            v["indicator"]["code"],
            value_time_period(
                year=v["year"], quarter=v["quarter"], span_from=v["span_from"], reference_year=v["reference_year"]
            ),
        ): {
            "OBS_VALUE": Decimal(str(v["value"])),
            "OBS_STATUS": OBS_STATUS[v["status"]],
            "UNIT_MEASURE": unit_code(v["indicator"]["unit_zh"], v["indicator"]["unit_en"]),
            "QUALIFIER": v["qualifier"],
            "NOTATION": v["notation"],
        }
        for v in items
    }
    assert len(expected) == len(items) > 50
    return expected


def json_targets(api) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every target of the JSON API as the SDMX-CSV should carry it: key → value and attributes."""
    items = api.get(f"/targets?{NO_LIMIT}").json()["items"]
    periods = {p["code"]: p["period_start"] for p in api.get(f"/plans?{NO_LIMIT}").json()["items"]}
    expected = {
        (
            t["area"]["code"],
            t["indicator"]["code"],
            t["plan"],
            target_time_period(
                period_start=periods[t["plan"]],
                target_year=t["target_year"],
                spans_plan=t["is_cumulative"] or t["is_annual_average"],
            ),
        ): {
            "OBS_VALUE": None if t["target_value"] is None else Decimal(str(t["target_value"])),
            "UNIT_MEASURE": unit_code(t["indicator"]["unit_zh"], t["indicator"]["unit_en"]),
            "COMPARATOR": t["comparator"],
            "TARGET_KIND": t["kind"],
            "ATTRIBUTE": t["attribute"],
            "NOTATION": t["target_notation"],
        }
        for t in items
    }
    assert len(expected) == len(items) > 50
    return expected


VALUE_ATTRIBUTES = ("OBS_STATUS", "UNIT_MEASURE", "QUALIFIER", "NOTATION")
TARGET_ATTRIBUTES = ("UNIT_MEASURE", "COMPARATOR", "TARGET_KIND", "ATTRIBUTE", "NOTATION")


def as_expected(read: dict[tuple[str, ...], dict[str, Any]], attributes: tuple[str, ...]) -> dict[tuple, dict]:
    """What a reader found, in the shape of json_values/json_targets: the value as a Decimal (None
    where there is none: a qualitative target), and the attributes the JSON API also gives."""

    def number(value: Any) -> Decimal | None:
        return None if value is None or value == "" else Decimal(str(value))

    return {
        key: {**{a: obs[a] for a in attributes}, "OBS_VALUE": number(obs["OBS_VALUE"])} for key, obs in read.items()
    }


def test_sdmx1_reads_the_values_as_the_json_api_gives_them(api, structure):
    read = observations(api, f"/values?format=sdmx&{NO_LIMIT}", structure, "DF_REPORTED_VALUES")
    expected = json_values(api)
    assert len(read) == len(expected)
    assert as_expected(read, VALUE_ATTRIBUTES) == expected
    # Periods as measured: a 2019 figure printed in the 2020 column, a 2016–2019 average, a five-year total.
    assert read[("440100", "airport_passengers", "2019")]["COMMENT_OBS"] == "printed in the table's 2020 column"
    assert ("440104", "per_capita_gdp_growth", "2016-01-01/P4Y") in read
    assert read[("440100", "new_urban_jobs", "2016-01-01/P5Y")]["NOTATION"] == "[161.5]"
    # Qualifiers and units as codes.
    assert read[("440100", "water_intensity_reduction", "2016-01-01/P5Y")]["QUALIFIER"] == "more_than"
    assert read[("440100", "gdp", "2020")]["UNIT_MEASURE"] == "CNY_100M"


def test_sdmx1_reads_the_targets_as_the_json_api_gives_them(api, structure):
    read = observations(api, f"/targets?format=sdmx&{NO_LIMIT}", structure, "DF_PLAN_TARGETS")
    expected = json_targets(api)
    assert len(read) == len(expected)
    assert as_expected(read, TARGET_ATTRIBUTES) == expected
    gdp = read[("440100", "gdp_growth", "guangzhou-14th-fyp", "2021-01-01/P5Y")]
    assert (gdp["TARGET_KIND"], gdp["UNIT_MEASURE"]) == ("annual_average", "PCT")
