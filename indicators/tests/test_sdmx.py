"""SDMX that tools read: sdmx1 and pysdmx each parse the structure the API publishes and, with it,
the SDMX-CSV of values and targets, and find the same observations as the JSON API, on the real data.

Two readers written apart, each strict where the other is not: pysdmx checks the structure message
against the official SDMX-ML 3.0 schema (XSD) before it reads it and types the SDMX-CSV's columns
by the data structure; sdmx1 resolves every reference of the structure into its own model."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pandas as pd
import pysdmx.io
import pytest
import sdmx
from pysdmx.errors import Invalid
from pysdmx.model import DataType, Role, Schema

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
        return None if value is None or value == "" or pd.isna(value) else Decimal(str(value))

    return {
        key: {**{a: obs[a] for a in attributes}, "OBS_VALUE": number(obs["OBS_VALUE"])} for key, obs in read.items()
    }


def test_sdmx1_reads_the_values_as_the_json_api_gives_them(api, structure):
    read = observations(api, f"/values?format=sdmx&{NO_LIMIT}", structure, "DF_REPORTED_VALUES")
    expected = json_values(api)
    assert len(read) == len(expected)
    assert as_expected(read, VALUE_ATTRIBUTES) == expected
    # Periods as measured: a 2019 figure printed in the 2020 column and the 2020 figure of its note, a 2016–2019
    # average, a five-year total.
    assert Decimal(str(read[("440100", "airport_passengers", "2019")]["OBS_VALUE"])) == 7339
    assert Decimal(str(read[("440100", "airport_passengers", "2020")]["OBS_VALUE"])) == 4377
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


# pysdmx


@pytest.fixture
def structure_ml(api) -> bytes:
    """The structure message as the API sends it, for pysdmx to read (and validate) itself."""
    response = api.get("/sdmx/structure")
    assert response.status_code == 200
    return response.content


def pysdmx_observations(api, path: str, structure: bytes, flow_id: str) -> dict[tuple[str, ...], dict[str, Any]]:
    """The SDMX-CSV at `path` as pysdmx reads it with the structure message (SDMX-ML or SDMX-JSON):
    key → value and attributes, every column a component of the dataflow's structure, every code in
    its codelist."""
    response = api.get(path)
    assert response.status_code == 200
    (dataset,) = pysdmx.io.get_datasets(io.BytesIO(response.content), io.BytesIO(structure))
    schema = dataset.structure
    assert isinstance(schema, Schema), "pysdmx found the dataflow the rows name (STRUCTURE_ID)"
    assert (schema.context, schema.agency, schema.id, schema.version) == ("dataflow", "GZPLAN", flow_id, "1.0")
    assert list(dataset.data.columns) == [c.id for c in schema.components]
    dimensions = [c.id for c in schema.components.dimensions]
    codes = {c.id: {code.id for code in c.enumeration} for c in schema.components if c.enumeration is not None}
    found: dict[tuple[str, ...], dict[str, Any]] = {}
    checked = 0
    for row in dataset.data.to_dict("records"):
        key = tuple(row[d] for d in dimensions)
        assert key not in found, f"two observations for {key}"
        for column, allowed in codes.items():
            written = row[column]
            assert isinstance(written, str), f"{column} is read as text"
            if written:
                assert written in allowed, f"{column}={written} is not in its codelist"
                checked += 1
        found[key] = row
    assert checked > len(found) * 3, "the codes were checked against the codelists"
    return found


def test_pysdmx_reads_the_structure_which_the_sdmx_ml_schema_validates(api, structure_ml):
    # read_sdmx validates against the SDMX-ML 3.0 XSD first: a message the schema rejects is not read.
    message = pysdmx.io.read_sdmx(io.BytesIO(structure_ml))
    assert message.header.sender.id == "GZPLAN"
    flows = {f.id: f for f in message.get_dataflows()}
    assert set(flows) == {"DF_REPORTED_VALUES", "DF_PLAN_TARGETS"}
    values = message.get_data_structure_definition(flows["DF_REPORTED_VALUES"].structure).components
    assert [d.id for d in values.dimensions] == ["REF_AREA", "INDICATOR", "TIME_PERIOD"]
    assert [(m.id, m.dtype, m.required) for m in values.measures] == [("OBS_VALUE", DataType.DECIMAL, False)]
    assert {a.id: a.required for a in values.attributes} == {
        "OBS_STATUS": True,
        "UNIT_MEASURE": False,
        "QUALIFIER": False,
        "NOTATION": False,
        "COMMENT_OBS": False,
    }
    assert {a.attachment_level for a in values.attributes} == {"O"}, "every attribute is the observation's"
    assert values["TIME_PERIOD"].dtype == DataType.PERIOD
    assert values["REF_AREA"].role == Role.DIMENSION and values["REF_AREA"].enumeration.id == "CL_AREA"
    targets = message.get_data_structure_definition(flows["DF_PLAN_TARGETS"].structure).components
    assert [d.id for d in targets.dimensions] == ["REF_AREA", "INDICATOR", "PLAN", "TIME_PERIOD"]
    # pysdmx keeps one name per item, the English one.
    units = message.get_codelist("Codelist=GZPLAN:CL_UNIT(1.0)")
    assert (units["CNY_100M"].name, units["PCT"].name) == ("100 million yuan", "per cent")
    for unit_zh, unit_en in Indicator.objects.values_list("unit_zh", "unit_en"):
        assert unit_code(unit_zh, unit_en) in units
    assert message.get_codelist("Codelist=GZPLAN:CL_AREA(1.0)")["440104"].name == "Yuexiu"
    # The schema check is real: the same message without its header's required ID is refused.
    with pytest.raises(Invalid, match="Validation Error"):
        pysdmx.io.read_sdmx(io.BytesIO(structure_ml.replace(b"<mes:ID>GZPLAN_STRUCTURE</mes:ID>", b"")))
    one = pysdmx.io.read_sdmx(io.BytesIO(api.get("/sdmx/structure/DF_PLAN_TARGETS").content))
    assert [f.id for f in one.get_dataflows()] == ["DF_PLAN_TARGETS"]
    one_codelists = {c.id for c in one.get_codelists()}
    assert "CL_PLAN" in one_codelists and "CL_OBS_STATUS" not in one_codelists


@pytest.mark.parametrize("structure_format", ["sdmx-ml", "sdmx-json"])
def test_pysdmx_reads_the_values_as_the_json_api_gives_them(api, structure_format):
    structure = api.get(f"/sdmx/structure?format={structure_format}").content
    read = pysdmx_observations(api, f"/values?format=sdmx&{NO_LIMIT}", structure, "DF_REPORTED_VALUES")
    expected = json_values(api)
    assert len(read) == len(expected)
    assert as_expected(read, VALUE_ATTRIBUTES) == expected
    assert Decimal(str(read[("440100", "airport_passengers", "2019")]["OBS_VALUE"])) == 7339
    assert read[("440100", "new_urban_jobs", "2016-01-01/P5Y")]["NOTATION"] == "[161.5]"
    assert read[("440100", "gdp", "2020")]["OBS_VALUE"] == 25019, "typed by the structure: a number, not text"


@pytest.mark.parametrize("structure_format", ["sdmx-ml", "sdmx-json"])
def test_pysdmx_reads_the_targets_as_the_json_api_gives_them(api, structure_format):
    structure = api.get(f"/sdmx/structure?format={structure_format}").content
    read = pysdmx_observations(api, f"/targets?format=sdmx&{NO_LIMIT}", structure, "DF_PLAN_TARGETS")
    expected = json_targets(api)
    assert len(read) == len(expected)
    assert as_expected(read, TARGET_ATTRIBUTES) == expected
    assert any(obs["OBS_VALUE"] is None for obs in expected.values()), "a qualitative target, with no number"
    gdp = read[("440100", "gdp_growth", "guangzhou-14th-fyp", "2021-01-01/P5Y")]
    assert (gdp["TARGET_KIND"], gdp["UNIT_MEASURE"]) == ("annual_average", "PCT")


# SDMX-JSON 2.0: the same structure, chosen by Accept or format; SDMX-ML stays the default

SDMX_JSON = "application/vnd.sdmx.structure+json;version=2.0.0"
SDMX_ML = "application/vnd.sdmx.structure+xml;version=3.0.0"


def vary(response) -> set[str]:
    return {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}


def test_the_structure_comes_as_sdmx_json_by_accept_or_format(api, structure):
    by_accept = api.get("/sdmx/structure", HTTP_ACCEPT=SDMX_JSON)
    assert by_accept.status_code == 200
    assert by_accept["Content-Type"] == "application/vnd.sdmx.structure+json; version=2.0.0; charset=utf-8"
    assert "accept" in vary(by_accept)
    by_format = api.get("/sdmx/structure?format=sdmx-json")
    assert by_format["Content-Type"] == by_accept["Content-Type"] and "accept" not in vary(by_format)
    message = json.loads(by_accept.content)
    assert json.loads(by_format.content)["data"] == message["data"]
    assert message["meta"]["schema"].endswith("/2.0.0/sdmx-json-structure-schema.json")
    assert message["meta"]["sender"] == {"id": "GZPLAN"} and message["meta"]["contentLanguages"] == ["zh", "en"]
    data = message["data"]
    # What the SDMX-ML message has (as sdmx1 reads it), item for item.
    assert {f["id"] for f in data["dataflows"]} == set(structure.dataflow)
    assert {c["id"]: {code["id"] for code in c["codes"]} for c in data["codelists"]} == {
        cl_id: set(codelist.items) for cl_id, codelist in structure.codelist.items()
    }
    assert {c["id"] for c in data["conceptSchemes"][0]["concepts"]} == set(structure.concept_scheme["CS_GZPLAN"].items)
    for dsd in data["dataStructures"]:
        components = dsd["dataStructureComponents"]
        xml_dsd = structure.structure[dsd["id"]]
        dimensions = components["dimensionList"]
        assert [d["id"] for d in dimensions["dimensions"]] + [dimensions["timeDimension"]["id"]] == [
            d.id for d in xml_dsd.dimensions.components
        ]
        assert [a["id"] for a in components["attributeList"]["attributes"]] == [
            a.id for a in xml_dsd.attributes.components
        ]
        assert [m["id"] for m in components["measureList"]["measures"]] == ["OBS_VALUE"]
    flow = next(f for f in data["dataflows"] if f["id"] == "DF_REPORTED_VALUES")
    assert (
        flow["structure"] == "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=GZPLAN:DSD_REPORTED_VALUES(1.0)"
    )
    assert (flow["name"], flow["names"]) == ("报告数值", {"zh": "报告数值", "en": "Reported values"})
    areas = next(c for c in data["codelists"] if c["id"] == "CL_AREA")["codes"]
    yuexiu = next(code for code in areas if code["id"] == "440104")
    assert (yuexiu["name"], yuexiu["names"]) == ("越秀区", {"zh": "越秀区", "en": "Yuexiu"})
    # One dataflow alone, as in SDMX-ML.
    one = json.loads(api.get("/sdmx/structure/DF_PLAN_TARGETS?format=sdmx-json").content)["data"]
    assert [f["id"] for f in one["dataflows"]] == ["DF_PLAN_TARGETS"]
    assert "CL_OBS_STATUS" not in {c["id"] for c in one["codelists"]}


def test_pysdmx_reads_the_sdmx_json_structure_as_the_sdmx_ml_one(api, structure_ml):
    # read_sdmx validates SDMX-JSON against the official SDMX-JSON 2.0 structure schema first.
    from_json = pysdmx.io.read_sdmx(io.BytesIO(api.get("/sdmx/structure", HTTP_ACCEPT=SDMX_JSON).content))
    from_ml = pysdmx.io.read_sdmx(io.BytesIO(structure_ml))
    assert from_json.header.sender.id == "GZPLAN"
    assert sorted(a.short_urn for a in from_json.structures) == sorted(a.short_urn for a in from_ml.structures)

    def components(message, dsd: str) -> list[tuple]:
        found = message.get_data_structure_definition(f"DataStructure=GZPLAN:{dsd}(1.0)").components
        return [
            (c.id, c.role, c.required, c.dtype, c.attachment_level, c.enumeration.id if c.enumeration else None)
            for c in found
        ]

    for dsd in ("DSD_REPORTED_VALUES", "DSD_PLAN_TARGETS"):
        assert components(from_json, dsd) == components(from_ml, dsd)
    for codelist in from_ml.get_codelists():
        assert [c.id for c in from_json.get_codelist(codelist.short_urn)] == [c.id for c in codelist]
    # pysdmx keeps `name`, the message's first language, where from SDMX-ML it keeps the English.
    assert from_json.get_codelist("Codelist=GZPLAN:CL_AREA(1.0)")["440104"].name == "越秀区"
    # The schema check is real: a message without the sender the schema requires is refused.
    broken = json.loads(api.get("/sdmx/structure?format=sdmx-json").content)
    del broken["meta"]["sender"]
    with pytest.raises(Invalid, match="sender"):
        pysdmx.io.read_sdmx(io.BytesIO(json.dumps(broken).encode()))


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "application/vnd.sdmx.structure+xml"),
        ("*/*", "application/vnd.sdmx.structure+xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/vnd.sdmx.structure+xml"),
        (SDMX_ML, "application/vnd.sdmx.structure+xml"),
        ("application/vnd.sdmx.structure+json", "application/vnd.sdmx.structure+json"),
        ("application/json", "application/vnd.sdmx.structure+json"),
        (f"{SDMX_ML};q=0.5, {SDMX_JSON}", "application/vnd.sdmx.structure+json"),
        (f"{SDMX_JSON};q=0, */*", "application/vnd.sdmx.structure+xml"),
        (f"application/vnd.sdmx.structure+json;version=1.0.0, {SDMX_ML};q=0.1", "application/vnd.sdmx.structure+xml"),
    ],
)
def test_the_accept_header_chooses_the_structure_format(api, accept, content_type):
    response = api.get("/sdmx/structure/DF_PLAN_TARGETS", **({"HTTP_ACCEPT": accept} if accept else {}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "accept" in vary(response)


def test_a_structure_format_not_served_is_refused_saying_which_are(api):
    unknown = api.get("/sdmx/structure?format=xlsx")
    assert unknown.status_code == 422
    assert "'sdmx-ml' or 'sdmx-json'" in unknown.json()["detail"][0]["msg"]
    for accept in ("text/csv", "application/vnd.sdmx.structure+json;version=1.0.0", f"{SDMX_ML};q=0"):
        refused = api.get("/sdmx/structure", HTTP_ACCEPT=accept)
        assert refused.status_code == 406, accept
        assert SDMX_ML in refused.json()["detail"] and SDMX_JSON in refused.json()["detail"]
        assert "accept" in vary(refused)
