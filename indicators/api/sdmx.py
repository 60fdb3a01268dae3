"""API: the SDMX structure the SDMX-CSV of values and targets is data for.

SDMX-CSV names its structure (STRUCTURE_ID) but does not carry it: a tool (sdmx1, pysdmx, .Stat)
needs the data structure definition to know which columns are dimensions, which the measure and
which attributes, and the codelists to know what the codes mean. This module publishes them as an
SDMX-ML 3.0 structure message, and holds what the SDMX-CSV writers share with it (the dataflow
ids, the codes of statuses, qualifiers and units, the time periods), so the two cannot drift.

GET /sdmx/structure gives everything; GET /sdmx/structure/{dataflow} one dataflow with its data
structure, concepts and codelists.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from ninja import Path, Router

from districts.models import Area
from gzplan.lib.apitools import READ_ERRORS, not_found
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
        _names(item, code_zh or code_en or code, code_en or code_zh or code)


def unit_codes() -> list[tuple[str, str, str]]:
    """The unit codes: every unit of the table, and those of indicators the table lacks."""
    units: dict[str, tuple[str, str]] = {code: (zh, en) for code, zh, en in UNIT_CODES.values()}
    for unit_zh, unit_en in Indicator.objects.values_list("unit_zh", "unit_en").distinct():
        code = unit_code(unit_zh, unit_en)
        if code and code not in units:
            units[code] = unit_names(unit_zh, unit_en)
    return sorted((code, zh, en) for code, (zh, en) in units.items())


def _codelists(parent: ET.Element, wanted: set[str]) -> None:
    """The codelists the wanted concepts take their values from, read from the database where
    the codes are data (areas, indicators, plans, units)."""
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
    for cl_id, (zh, en, codes) in lists.items():
        if cl_id in wanted:
            _codelist(parent, cl_id, zh, en, unit_codes() if cl_id == "CL_UNIT" else codes)


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
    used = sorted({c for f in flows for c in (*f.dimensions, *f.attributes, "OBS_VALUE")})
    root = ET.Element(f"{{{MES}}}Structure")
    header = ET.SubElement(root, f"{{{MES}}}Header")
    ET.SubElement(header, f"{{{MES}}}ID").text = "GZPLAN_STRUCTURE"
    ET.SubElement(header, f"{{{MES}}}Test").text = "false"
    ET.SubElement(header, f"{{{MES}}}Prepared").text = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.SubElement(header, f"{{{MES}}}Sender", {"id": AGENCY})
    structures = ET.SubElement(root, f"{{{MES}}}Structures")

    _codelists(
        ET.SubElement(structures, f"{{{STR}}}Codelists"),
        {CONCEPTS_BY_ID[c].codelist for c in used if CONCEPTS_BY_ID[c].codelist},
    )
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


STRUCTURE_CONTENT = {
    "responses": {
        200: {
            "description": "An SDMX-ML 3.0 structure message",
            "content": {
                "application/vnd.sdmx.structure+xml": {
                    "schema": {"type": "string"},
                    "example": f'<mes:Structure xmlns:mes="{MES}" xmlns:str="{STR}" xmlns:com="{COM}">'
                    "<mes:Header>…</mes:Header><mes:Structures>…<str:Dataflows>"
                    f'<str:Dataflow agencyID="{AGENCY}" id="{VALUES_FLOW}" version="{VERSION}">…'
                    "</str:Dataflow></str:Dataflows></mes:Structures></mes:Structure>",
                }
            },
        }
    }
}


def _structure_response(flow_ids: Iterable[str], filename: str) -> HttpResponse:
    response = HttpResponse(structure_message(flow_ids), content_type=STRUCTURE_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get(
    "/sdmx/structure",
    response={200: None, **READ_ERRORS},
    tags=["SDMX"],
    summary="SDMX structure of values and targets",
    openapi_extra=STRUCTURE_CONTENT,
)
def sdmx_structure(request: HttpRequest):
    """The SDMX-ML 3.0 structure message the SDMX-CSV of `/values` and `/targets` (`format=sdmx`)
    is data for: the dataflows GZPLAN:DF_REPORTED_VALUES(1.0) and GZPLAN:DF_PLAN_TARGETS(1.0),
    their data structure definitions, concepts, and codelists of areas, indicators, plans, units,
    observation status, qualifiers, target kinds and attributes, named in Chinese and English."""
    return _structure_response(FLOWS, "gzplan-structure.xml")


@router.get(
    "/sdmx/structure/{flow}",
    response={200: None, **READ_ERRORS, 404: READ_ERRORS[422]},
    tags=["SDMX"],
    summary="SDMX structure of one dataflow",
    openapi_extra=STRUCTURE_CONTENT,
)
def sdmx_dataflow_structure(request: HttpRequest, flow: str = Path(..., examples=[VALUES_FLOW])):
    """One dataflow (DF_REPORTED_VALUES or DF_PLAN_TARGETS) with its data structure definition,
    concepts and codelists."""
    if flow not in FLOWS:
        raise not_found(f"No dataflow {flow}: there are {', '.join(FLOWS)}.")
    return _structure_response([flow], f"gzplan-{flow}.xml")
