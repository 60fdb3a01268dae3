"""API: the SDMX structure the SDMX-CSV of values and targets is data for.

SDMX-CSV names its structure (STRUCTURE_ID) but does not carry it: a tool (sdmx1, pysdmx, .Stat)
needs the data structure definition to know which columns are dimensions, which the measure and
which attributes, and the codelists to know what the codes mean. This module publishes them as an
SDMX-ML 3.0 structure message (the default) or an SDMX-JSON 2.0 one, and holds what the SDMX-CSV
writers share with it (the dataflow ids, the codes of statuses, qualifiers and units, the time
periods), so the two cannot drift.

GET /sdmx/structure gives everything; GET /sdmx/structure/{dataflow} one dataflow with its data
structure, concepts and codelists. `format=sdmx-json`, or an Accept header naming SDMX-JSON,
chooses the JSON message.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router
from ninja.errors import HttpError

from districts.models import Area
from gzplan.lib.apitools import READ_ERRORS, Problem, accepted_media_types, not_found, varies_on
from indicators.domain import UNIT_CODES, TargetKind, unit_code, unit_names
from indicators.models import Indicator, Plan

router = Router()

AGENCY = "GZPLAN"
VERSION = "1.0"
VALUES_FLOW = "DF_REPORTED_VALUES"
TARGETS_FLOW = "DF_PLAN_TARGETS"
VALUES_DSD = "DSD_REPORTED_VALUES"
TARGETS_DSD = "DSD_PLAN_TARGETS"
CONCEPTS = "CS_GZPLAN"
STRUCTURE_TYPE = "application/vnd.sdmx.structure+xml; version=3.0.0; charset=utf-8"
STRUCTURE_JSON_TYPE = "application/vnd.sdmx.structure+json; version=2.0.0; charset=utf-8"
# Where SDMX-JSON 2.0 structure messages say their schema is: how readers tell the format's version.
JSON_SCHEMA = (
    "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/schemas/"
    "2.0.0/sdmx-json-structure-schema.json"
)
LANGUAGES = ("zh", "en")  # the names' languages; the first is the `name` of SDMX-JSON

MES = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"
STR = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure"
COM = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
for _prefix, _uri in (("mes", MES), ("str", STR), ("com", COM)):
    ET.register_namespace(_prefix, _uri)


def structure_id(flow: str) -> str:
    """The STRUCTURE_ID of SDMX-CSV 2.0 rows of a dataflow: GZPLAN:DF_REPORTED_VALUES(1.0)."""
    return f"{AGENCY}:{flow}({VERSION})"


# --- the codes the SDMX-CSV writes -----------------------------------------------------------

# Observation status (ReportedValue.status). A and P as in SDMX's cross-domain CL_OBS_STATUS; a
# revision gets a code of its own so that a tool can tell a revised figure from a first final one.
OBS_STATUS = {"final": "A", "preliminary": "P", "revised": "R"}
OBS_STATUS_NAMES = {
    "A": ("正式数", "Normal value (final)"),
    "P": ("初步数", "Provisional value (preliminary)"),
    "R": ("修订数", "Revised value"),
}
# How a figure relates to its number, as printed beside it (约14, >97, [>27.6]): the codes are the
# API's own qualifier and comparator values, so a client maps nothing.
QUALIFIER_NAMES = {
    "about": ("约, 左右", "about"),
    "at_least": ("以上, 不低于 (≥)", "at least (≥)"),
    "more_than": ("超过 (>)", "more than (>)"),
    "at_most": ("以下, 不高于 (≤)", "at most (≤)"),
    "less_than": ("低于 (<)", "less than (<)"),
    "exact": ("等于", "exactly"),
}
TARGET_KIND_NAMES = {
    TargetKind.ASSIGNED: ("完成上级下达目标", "set by a higher level, judged met or not met"),
    TargetKind.LINKED: ("与相关指标挂钩", "in step with, or above, another indicator"),
    TargetKind.QUALITATIVE: ("定性目标", "qualitative: words, not judged"),
    TargetKind.CUMULATIVE: ("规划期累计", "total over the plan period"),
    TargetKind.ANNUAL_AVERAGE: ("年均", "average annual rate over the plan period"),
    TargetKind.LEVEL: ("目标年水平", "level to reach by the target year"),
    TargetKind.SCALE: ("规划规模", "planning scale: within, above or below it, never met or missed"),
}
TARGET_ATTRIBUTE_NAMES = {"binding": ("约束性", "binding"), "anticipatory": ("预期性", "anticipatory")}


def value_time_period(*, year: int, quarter: int, span_from: int, reference_year: int) -> str:
    """The period a reported figure measures, as SDMX writes it.

    A figure stored in a table's 2020 column may measure 2019 (`reference_year`), and a 年均 or [ ]
    figure a span of years: the period is `span_from` to the reference year, an SDMX time range
    (start date and ISO 8601 duration, 2016-01-01/P4Y for 2016–2019) when it spans several years.
    """
    if quarter:
        return f"{year}-Q{quarter}"
    last = min(reference_year or year, year)
    first = min(span_from or last, last)
    if first == last:
        return str(last)
    return f"{first}-01-01/P{last - first + 1}Y"


def target_time_period(*, period_start: int, target_year: int, spans_plan: bool) -> str:
    """The period a target is for: its year, or the plan's years up to it for a total `[ ]` or a
    年均 average (2021-01-01/P5Y for 2021–2025)."""
    if spans_plan and period_start < target_year:
        return f"{period_start}-01-01/P{target_year - period_start + 1}Y"
    return str(target_year)


# --- the structure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    """A component of a data structure: its concept's names, and how its values are written."""

    id: str
    name_zh: str
    name_en: str
    codelist: str = ""  # the codelist its values come from; none for free text or numbers
    text_type: str = "String"
    mandatory: bool = False


CONCEPT_LIST = [
    Concept("REF_AREA", "地区", "Reference area", codelist="CL_AREA", mandatory=True),
    Concept("INDICATOR", "指标", "Indicator", codelist="CL_INDICATOR", mandatory=True),
    Concept("PLAN", "规划", "Plan", codelist="CL_PLAN", mandatory=True),
    Concept("TIME_PERIOD", "时期", "Time period", text_type="ObservationalTimePeriod", mandatory=True),
    Concept("OBS_VALUE", "数值", "Observation value", text_type="Decimal"),
    Concept("OBS_STATUS", "数据状态", "Observation status", codelist="CL_OBS_STATUS", mandatory=True),
    Concept("UNIT_MEASURE", "计量单位", "Unit of measure", codelist="CL_UNIT"),
    Concept("QUALIFIER", "限定词", "Qualifier printed with the figure (约, >, ≥…)", codelist="CL_QUALIFIER"),
    Concept("NOTATION", "原文写法", "The figure as printed"),
    Concept("COMMENT_OBS", "说明", "Comment"),
    Concept("COMPARATOR", "比较方式", "Comparator of the target", codelist="CL_QUALIFIER"),
    Concept("TARGET_KIND", "目标类型", "Kind of target (how it is judged)", codelist="CL_TARGET_KIND"),
    Concept("ATTRIBUTE", "指标属性", "Binding or anticipatory", codelist="CL_TARGET_ATTRIBUTE"),
]
CONCEPTS_BY_ID = {c.id: c for c in CONCEPT_LIST}


@dataclass(frozen=True)
class Flow:
    """A dataflow and its data structure: the dimensions (the key), and the attributes."""

    id: str
    dsd: str
    name_zh: str
    name_en: str
    dimensions: tuple[str, ...]
    attributes: tuple[str, ...]


FLOWS = {
    VALUES_FLOW: Flow(
        VALUES_FLOW,
        VALUES_DSD,
        "报告数值",
        "Reported values",
        ("REF_AREA", "INDICATOR", "TIME_PERIOD"),
        ("OBS_STATUS", "UNIT_MEASURE", "QUALIFIER", "NOTATION", "COMMENT_OBS"),
    ),
    TARGETS_FLOW: Flow(
        TARGETS_FLOW,
        TARGETS_DSD,
        "规划目标",
        "Plan targets",
        ("REF_AREA", "INDICATOR", "PLAN", "TIME_PERIOD"),
        ("UNIT_MEASURE", "COMPARATOR", "TARGET_KIND", "ATTRIBUTE", "NOTATION"),
    ),
}


def _urn(kind: str, agency_id: str, version: str = VERSION) -> str:
    return f"urn:sdmx:org.sdmx.infomodel.{kind}={AGENCY}:{agency_id}({version})"


def _names(parent: ET.Element, zh: str, en: str) -> None:
    for lang, text in (("zh", zh), ("en", en)):
        if text:
            ET.SubElement(parent, f"{{{COM}}}Name", {XML_LANG: lang}).text = text


def _maintainable(parent: ET.Element, tag: str, kind: str, item_id: str, zh: str, en: str) -> ET.Element:
    element = ET.SubElement(
        parent,
        f"{{{STR}}}{tag}",
        {"urn": _urn(kind, item_id), "agencyID": AGENCY, "id": item_id, "version": VERSION},
    )
    _names(element, zh, en)
    return element


def _codelist(parent: ET.Element, cl_id: str, zh: str, en: str, codes: Iterable[tuple[str, str, str]]) -> None:
    codelist = _maintainable(parent, "Codelist", "codelist.Codelist", cl_id, zh, en)
    for code, code_zh, code_en in codes:
        item = ET.SubElement(codelist, f"{{{STR}}}Code", {"urn": f"{_urn('codelist.Code', cl_id)}.{code}", "id": code})
        _names(item, *code_names(code, code_zh, code_en))


def unit_codes() -> list[tuple[str, str, str]]:
    """The unit codes: every unit of the table, and those of indicators the table lacks."""
    units: dict[str, tuple[str, str]] = {code: (zh, en) for code, zh, en in UNIT_CODES.values()}
    for unit_zh, unit_en in Indicator.objects.values_list("unit_zh", "unit_en").distinct():
        code = unit_code(unit_zh, unit_en)
        if code and code not in units:
            units[code] = unit_names(unit_zh, unit_en)
    return sorted((code, zh, en) for code, (zh, en) in units.items())


def codelists(wanted: set[str]) -> list[tuple[str, str, str, list[tuple[str, str, str]]]]:
    """The codelists the wanted concepts take their values from, each with its names and its codes
    (code, Chinese, English), read from the database where the codes are data (areas, indicators,
    plans, units)."""
    lists: dict[str, tuple[str, str, Iterable[tuple[str, str, str]]]] = {
        "CL_AREA": ("地区", "Areas", Area.objects.order_by("code").values_list("code", "name_zh", "name_en")),
        "CL_INDICATOR": (
            "指标",
            "Indicators",
            Indicator.objects.order_by("code").values_list("code", "name_zh", "name_en"),
        ),
        "CL_PLAN": ("规划", "Plans", Plan.objects.order_by("code").values_list("code", "name_zh", "name_en")),
        "CL_UNIT": ("计量单位", "Units of measure", []),
        "CL_OBS_STATUS": ("数据状态", "Observation status", [(c, *n) for c, n in OBS_STATUS_NAMES.items()]),
        "CL_QUALIFIER": ("限定词", "Qualifiers and comparators", [(c, *n) for c, n in QUALIFIER_NAMES.items()]),
        "CL_TARGET_KIND": ("目标类型", "Kinds of target", [(str(c), *n) for c, n in TARGET_KIND_NAMES.items()]),
        "CL_TARGET_ATTRIBUTE": (
            "指标属性",
            "Target attributes",
            [(c, *n) for c, n in TARGET_ATTRIBUTE_NAMES.items()],
        ),
    }
    return [
        (cl_id, zh, en, list(unit_codes() if cl_id == "CL_UNIT" else codes))
        for cl_id, (zh, en, codes) in lists.items()
        if cl_id in wanted
    ]


def code_names(code: str, zh: str, en: str) -> tuple[str, str]:
    """A code's names in both languages: each language falls back on the other, then on the code."""
    return zh or en or code, en or zh or code


def used_concepts(flows: Iterable[Flow]) -> list[str]:
    """The concepts of the flows' components, sorted."""
    return sorted({c for f in flows for c in (*f.dimensions, *f.attributes, "OBS_VALUE")})


def wanted_codelists(concepts: Iterable[str]) -> set[str]:
    """The codelists these concepts take their values from."""
    return {CONCEPTS_BY_ID[c].codelist for c in concepts if CONCEPTS_BY_ID[c].codelist}


def _representation(component: ET.Element, concept: Concept) -> ET.Element:
    ET.SubElement(
        component, f"{{{STR}}}ConceptIdentity"
    ).text = f"{_urn('conceptscheme.Concept', CONCEPTS)}.{concept.id}"
    representation = ET.SubElement(component, f"{{{STR}}}LocalRepresentation")
    if concept.codelist:
        ET.SubElement(representation, f"{{{STR}}}Enumeration").text = _urn("codelist.Codelist", concept.codelist)
    else:
        ET.SubElement(representation, f"{{{STR}}}TextFormat", {"textType": concept.text_type})
    return representation


def _data_structure(parent: ET.Element, flow: Flow) -> None:
    dsd = _maintainable(parent, "DataStructure", "datastructure.DataStructure", flow.dsd, flow.name_zh, flow.name_en)
    components = ET.SubElement(dsd, f"{{{STR}}}DataStructureComponents")
    prefix = f"urn:sdmx:org.sdmx.infomodel.datastructure.%s={AGENCY}:{flow.dsd}({VERSION})"
    dimensions = ET.SubElement(
        components,
        f"{{{STR}}}DimensionList",
        {"urn": f"{prefix % 'DimensionDescriptor'}.DimensionDescriptor", "id": "DimensionDescriptor"},
    )
    for position, dim_id in enumerate(flow.dimensions, start=1):
        tag = "TimeDimension" if dim_id == "TIME_PERIOD" else "Dimension"
        attrs = {"urn": f"{prefix % tag}.{dim_id}", "id": dim_id}
        if tag == "Dimension":
            attrs["position"] = str(position)
        _representation(ET.SubElement(dimensions, f"{{{STR}}}{tag}", attrs), CONCEPTS_BY_ID[dim_id])
    attributes = ET.SubElement(
        components,
        f"{{{STR}}}AttributeList",
        {"urn": f"{prefix % 'AttributeDescriptor'}.AttributeDescriptor", "id": "AttributeDescriptor"},
    )
    for attr_id in flow.attributes:
        concept = CONCEPTS_BY_ID[attr_id]
        attribute = ET.SubElement(
            attributes,
            f"{{{STR}}}Attribute",
            {
                "urn": f"{prefix % 'DataAttribute'}.{attr_id}",
                "id": attr_id,
                "usage": "mandatory" if concept.mandatory else "optional",
            },
        )
        _representation(attribute, concept)
        # Every attribute here qualifies one observation (one row of the SDMX-CSV).
        ET.SubElement(ET.SubElement(attribute, f"{{{STR}}}AttributeRelationship"), f"{{{STR}}}Observation")
    measures = ET.SubElement(
        components,
        f"{{{STR}}}MeasureList",
        {"urn": f"{prefix % 'MeasureDescriptor'}.MeasureDescriptor", "id": "MeasureDescriptor"},
    )
    # Optional: a qualitative target has words and no number.
    measure = ET.SubElement(
        measures,
        f"{{{STR}}}Measure",
        {"urn": f"{prefix % 'Measure'}.OBS_VALUE", "id": "OBS_VALUE", "usage": "optional"},
    )
    _representation(measure, CONCEPTS_BY_ID["OBS_VALUE"])


def structure_message(flow_ids: Iterable[str]) -> bytes:
    """An SDMX-ML 3.0 structure message: the dataflows, their data structures, the concepts and
    the codelists they use, in the order the SDMX 3.0 schema requires."""
    flows = [FLOWS[f] for f in flow_ids]
    used = used_concepts(flows)
    root = ET.Element(f"{{{MES}}}Structure")
    header = ET.SubElement(root, f"{{{MES}}}Header")
    ET.SubElement(header, f"{{{MES}}}ID").text = "GZPLAN_STRUCTURE"
    ET.SubElement(header, f"{{{MES}}}Test").text = "false"
    ET.SubElement(header, f"{{{MES}}}Prepared").text = _prepared()
    ET.SubElement(header, f"{{{MES}}}Sender", {"id": AGENCY})
    structures = ET.SubElement(root, f"{{{MES}}}Structures")

    codelist_parent = ET.SubElement(structures, f"{{{STR}}}Codelists")
    for cl_id, zh, en, codes in codelists(wanted_codelists(used)):
        _codelist(codelist_parent, cl_id, zh, en, codes)
    scheme = _maintainable(
        ET.SubElement(structures, f"{{{STR}}}ConceptSchemes"),
        "ConceptScheme",
        "conceptscheme.ConceptScheme",
        CONCEPTS,
        "广州规划指标概念",
        "Guangzhou plan indicator concepts",
    )
    for concept_id in used:
        concept = CONCEPTS_BY_ID[concept_id]
        item = ET.SubElement(
            scheme,
            f"{{{STR}}}Concept",
            {"urn": f"{_urn('conceptscheme.Concept', CONCEPTS)}.{concept.id}", "id": concept.id},
        )
        _names(item, concept.name_zh, concept.name_en)
    data_structures = ET.SubElement(structures, f"{{{STR}}}DataStructures")
    for flow in flows:
        _data_structure(data_structures, flow)
    dataflows = ET.SubElement(structures, f"{{{STR}}}Dataflows")
    for flow in flows:
        dataflow = _maintainable(dataflows, "Dataflow", "datastructure.Dataflow", flow.id, flow.name_zh, flow.name_en)
        ET.SubElement(dataflow, f"{{{STR}}}Structure").text = _urn("datastructure.DataStructure", flow.dsd)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _prepared() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the same structure as SDMX-JSON 2.0 --------------------------------------------------------


def _json_names(zh: str, en: str) -> dict[str, Any]:
    """`name` in the message's first language (another where it has none), `names` in each."""
    names = {lang: text for lang, text in zip(LANGUAGES, (zh, en), strict=True) if text}
    return {"name": next(iter(names.values()), ""), "names": names}


def _json_maintainable(kind: str, item_id: str, zh: str, en: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "links": [{"rel": "self", "urn": _urn(kind, item_id), "type": kind.split(".")[-1].lower()}],
        "version": VERSION,
        "agencyID": AGENCY,
        "isExternalReference": False,
        **_json_names(zh, en),
    }


def _json_representation(concept: Concept) -> dict[str, Any]:
    if concept.codelist:
        return {"enumeration": _urn("codelist.Codelist", concept.codelist)}
    return {"format": {"dataType": concept.text_type}}


def _json_component(component_id: str, **extra: Any) -> dict[str, Any]:
    concept = CONCEPTS_BY_ID[component_id]
    return {
        "id": component_id,
        **extra,
        "conceptIdentity": f"{_urn('conceptscheme.Concept', CONCEPTS)}.{component_id}",
        "localRepresentation": _json_representation(concept),
    }


def _json_data_structure(flow: Flow) -> dict[str, Any]:
    dsd = _json_maintainable("datastructure.DataStructure", flow.dsd, flow.name_zh, flow.name_en)
    dimensions = [_json_component(d) for d in flow.dimensions if d != "TIME_PERIOD"]
    dimension_list: dict[str, Any] = {"id": "DimensionDescriptor", "dimensions": dimensions}
    if "TIME_PERIOD" in flow.dimensions:
        dimension_list["timeDimension"] = _json_component("TIME_PERIOD")
    # Every attribute here qualifies one observation (one row of the SDMX-CSV).
    attributes = [
        _json_component(
            a,
            usage="mandatory" if CONCEPTS_BY_ID[a].mandatory else "optional",
            attributeRelationship={"observation": {}},
        )
        for a in flow.attributes
    ]
    dsd["dataStructureComponents"] = {
        "dimensionList": dimension_list,
        "attributeList": {"id": "AttributeDescriptor", "attributes": attributes},
        # Optional: a qualitative target has words and no number.
        "measureList": {"id": "MeasureDescriptor", "measures": [_json_component("OBS_VALUE", usage="optional")]},
    }
    return dsd


def structure_json(flow_ids: Iterable[str]) -> bytes:
    """An SDMX-JSON 2.0 structure message with what structure_message gives: the dataflows, their
    data structures, the concepts and the codelists, named in Chinese (`name`) and in both
    languages (`names`)."""
    flows = [FLOWS[f] for f in flow_ids]
    used = used_concepts(flows)
    codelist_items = []
    for cl_id, zh, en, codes in codelists(wanted_codelists(used)):
        codelist = _json_maintainable("codelist.Codelist", cl_id, zh, en)
        codelist["codes"] = [
            {
                "id": code,
                "links": [{"rel": "self", "urn": f"{_urn('codelist.Code', cl_id)}.{code}", "type": "code"}],
                **_json_names(*code_names(code, code_zh, code_en)),
            }
            for code, code_zh, code_en in codes
        ]
        codelist_items.append(codelist)
    scheme = _json_maintainable(
        "conceptscheme.ConceptScheme", CONCEPTS, "广州规划指标概念", "Guangzhou plan indicator concepts"
    )
    scheme["concepts"] = [
        {
            "id": c,
            "links": [{"rel": "self", "urn": f"{_urn('conceptscheme.Concept', CONCEPTS)}.{c}", "type": "concept"}],
            **_json_names(CONCEPTS_BY_ID[c].name_zh, CONCEPTS_BY_ID[c].name_en),
        }
        for c in used
    ]
    dataflows = []
    for flow in flows:
        dataflow = _json_maintainable("datastructure.Dataflow", flow.id, flow.name_zh, flow.name_en)
        dataflow["structure"] = _urn("datastructure.DataStructure", flow.dsd)
        dataflows.append(dataflow)
    message = {
        # The schema first: readers tell the format and its version from the message's first bytes.
        "meta": {
            "schema": JSON_SCHEMA,
            "id": "GZPLAN_STRUCTURE",
            "test": False,
            "prepared": _prepared(),
            "contentLanguages": list(LANGUAGES),
            "sender": {"id": AGENCY},
        },
        "data": {
            "dataStructures": [_json_data_structure(flow) for flow in flows],
            "dataflows": dataflows,
            "codelists": codelist_items,
            "conceptSchemes": [scheme],
        },
    }
    return json.dumps(message, ensure_ascii=False, indent=1).encode("utf-8")


# --- the endpoints ---------------------------------------------------------------------------

StructureFormat = Literal["sdmx-ml", "sdmx-json"]
# Each format's media type and the versions of it served, as an Accept header's `version` names them.
STRUCTURE_MEDIA = {
    "sdmx-ml": ("application/vnd.sdmx.structure+xml", ("3.0.0", "3.0")),
    "sdmx-json": ("application/vnd.sdmx.structure+json", ("2.0.0", "2.0")),
}
# Generic types each format answers too: a plain XML or JSON client, or one that takes anything.
GENERIC_MEDIA = {
    "*/*": "sdmx-ml",
    "application/*": "sdmx-ml",
    "application/xml": "sdmx-ml",
    "text/xml": "sdmx-ml",
    "application/json": "sdmx-json",
}
NOT_ACCEPTABLE = (
    "The structure comes as SDMX-ML 3.0 (Accept: application/vnd.sdmx.structure+xml;version=3.0.0, the "
    "default) or SDMX-JSON 2.0 (Accept: application/vnd.sdmx.structure+json;version=2.0.0), or with "
    "format=sdmx-ml or format=sdmx-json; the Accept header names neither."
)


def structure_format(request: HttpRequest, requested: str | None) -> str:
    """The structure's format: `format`, else the first the Accept header takes (by its q values),
    else SDMX-ML. Without `format` the answer depends on Accept, so it is named in Vary; an Accept
    header that takes neither format (an SDMX version not served, text/csv) is answered 406."""
    if requested:
        return requested
    varies_on(request, "Accept")
    accept = request.headers.get("Accept", "").strip()
    if not accept:
        return "sdmx-ml"
    for media_type, parameters in accepted_media_types(accept):
        for fmt, (structure_type, versions) in STRUCTURE_MEDIA.items():
            if media_type == structure_type and parameters.get("version", versions[0]) in versions:
                return fmt
        if media_type in GENERIC_MEDIA:
            return GENERIC_MEDIA[media_type]
    raise HttpError(406, NOT_ACCEPTABLE)


STRUCTURE_CONTENT = {
    "responses": {
        200: {
            "description": "An SDMX-ML 3.0 structure message (the default), or an SDMX-JSON 2.0 one",
            "content": {
                "application/vnd.sdmx.structure+xml": {
                    "schema": {"type": "string"},
                    "example": f'<mes:Structure xmlns:mes="{MES}" xmlns:str="{STR}" xmlns:com="{COM}">'
                    "<mes:Header>…</mes:Header><mes:Structures>…<str:Dataflows>"
                    f'<str:Dataflow agencyID="{AGENCY}" id="{VALUES_FLOW}" version="{VERSION}">…'
                    "</str:Dataflow></str:Dataflows></mes:Structures></mes:Structure>",
                },
                "application/vnd.sdmx.structure+json": {
                    "schema": {"type": "object", "required": ["meta", "data"]},
                    "example": {
                        "meta": {"schema": JSON_SCHEMA, "id": "GZPLAN_STRUCTURE", "sender": {"id": AGENCY}},
                        "data": {
                            "dataflows": [
                                {"id": VALUES_FLOW, "agencyID": AGENCY, "version": VERSION, "name": "报告数值"}
                            ],
                            "dataStructures": [],
                            "codelists": [],
                            "conceptSchemes": [],
                        },
                    },
                },
            },
        }
    }
}
FORMAT_HELP = (
    "sdmx-ml (SDMX-ML 3.0, the default) or sdmx-json (SDMX-JSON 2.0); without it, the Accept header chooses "
    "(application/vnd.sdmx.structure+xml;version=3.0.0 or application/vnd.sdmx.structure+json;version=2.0.0)"
)
STRUCTURE_ERRORS = {**READ_ERRORS, 406: Problem}


def _structure_response(
    request: HttpRequest, requested: str | None, flow_ids: Iterable[str], name: str
) -> HttpResponse:
    if structure_format(request, requested) == "sdmx-json":
        response = HttpResponse(structure_json(flow_ids), content_type=STRUCTURE_JSON_TYPE)
        filename = f"{name}.json"
    else:
        response = HttpResponse(structure_message(flow_ids), content_type=STRUCTURE_TYPE)
        filename = f"{name}.xml"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get(
    "/sdmx/structure",
    response={200: None, **STRUCTURE_ERRORS},
    tags=["SDMX"],
    summary="SDMX structure of values and targets",
    openapi_extra=STRUCTURE_CONTENT,
)
def sdmx_structure(request: HttpRequest, format: StructureFormat | None = Query(None, description=FORMAT_HELP)):  # noqa: A002
    """The SDMX structure message the SDMX-CSV of `/values` and `/targets` (`format=sdmx`) is data
    for: the dataflows GZPLAN:DF_REPORTED_VALUES(1.0) and GZPLAN:DF_PLAN_TARGETS(1.0), their data
    structure definitions, concepts, and codelists of areas, indicators, plans, units, observation
    status, qualifiers, target kinds and attributes, named in Chinese and English. SDMX-ML 3.0, or
    SDMX-JSON 2.0 with `format=sdmx-json` or `Accept: application/vnd.sdmx.structure+json;version=2.0.0`."""
    return _structure_response(request, format, FLOWS, "gzplan-structure")


@router.get(
    "/sdmx/structure/{flow}",
    response={200: None, **STRUCTURE_ERRORS, 404: READ_ERRORS[422]},
    tags=["SDMX"],
    summary="SDMX structure of one dataflow",
    openapi_extra=STRUCTURE_CONTENT,
)
def sdmx_dataflow_structure(
    request: HttpRequest,
    flow: str = Path(..., examples=[VALUES_FLOW]),
    format: StructureFormat | None = Query(None, description=FORMAT_HELP),  # noqa: A002
):
    """One dataflow (DF_REPORTED_VALUES or DF_PLAN_TARGETS) with its data structure definition,
    concepts and codelists, in SDMX-ML 3.0 or SDMX-JSON 2.0 as for the whole structure."""
    if flow not in FLOWS:
        raise not_found(f"No dataflow {flow}: there are {', '.join(FLOWS)}.")
    return _structure_response(request, format, [flow], f"gzplan-{flow}")
