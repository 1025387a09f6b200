"""The XML schema of the structure-specific data messages (REST ``schema/dataflow/...``): the DSD's own
types derived from the SDMX-ML 2.1 structure-specific base types, one namespace per observation level,
so that validating parsers can check our structure-specific messages."""

from __future__ import annotations

from lxml import etree

from wsis.apps.sdmx import dsd
from wsis.apps.sdmx.data import ALL_IDS, specific_namespace
from wsis.apps.sdmx.xml import COMMON, SPECIFIC

XS = "http://www.w3.org/2001/XMLSchema"
BASE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/"


def _x(parent: etree._Element, name: str, /, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, etree.QName(XS, name), attrs)


def _restriction(schema: etree._Element, name: str, base: str) -> tuple[etree._Element, etree._Element]:
    complex_type = _x(schema, "complexType", name=name)
    restriction = _x(_x(complex_type, "complexContent"), "restriction", base=base)
    sequence = _x(restriction, "sequence")
    _x(sequence, "element", ref="common:Annotations", minOccurs="0")
    return restriction, sequence


def xsd(at: str = dsd.TIME.id) -> bytes:
    namespace = specific_namespace(at)
    schema = etree.Element(
        etree.QName(XS, "schema"),
        {
            "targetNamespace": namespace,
            "elementFormDefault": "unqualified",
            "attributeFormDefault": "unqualified",
        },
        nsmap={"xs": XS, "common": COMMON, "ss": SPECIFIC, None: namespace},
    )
    _x(schema, "import", namespace=COMMON, schemaLocation=BASE + "SDMXCommon.xsd")
    _x(schema, "import", namespace=SPECIFIC, schemaLocation=BASE + "SDMXDataStructureSpecific.xsd")
    flat = at == "AllDimensions"
    _, sequence = _restriction(schema, "DataSetType", "ss:DataSetType")
    _x(
        sequence,
        "element",
        name="DataProvider",
        type="common:DataProviderReferenceType",
        form="unqualified",
        minOccurs="0",
    )
    choice = _x(sequence, "choice", minOccurs="0")
    _x(
        choice,
        "element",
        name="Obs" if flat else "Series",
        type="ObsType" if flat else "SeriesType",
        form="unqualified",
        maxOccurs="unbounded",
    )
    if not flat:
        series, sequence = _restriction(schema, "SeriesType", "ss:SeriesType")
        _x(
            sequence,
            "element",
            name="Obs",
            type="ObsType",
            form="unqualified",
            minOccurs="0",
            maxOccurs="unbounded",
        )
        for name in ALL_IDS:
            if name != at:
                _x(
                    series,
                    "attribute",
                    name=name,
                    type="common:IDType" if name != dsd.TIME.id else "common:ObservationalTimePeriodType",
                    use="required",
                )
        if at == dsd.TIME.id:
            _x(series, "attribute", name=dsd.TIME.id, use="prohibited")
    obs, _ = _restriction(schema, "ObsType", "ss:ObsType")
    dimensions = ALL_IDS if flat else (at,)
    for name in dimensions:
        kind = "common:ObservationalTimePeriodType" if name == dsd.TIME.id else "common:IDType"
        _x(obs, "attribute", name=name, type=kind, use="required")
    _x(obs, "attribute", name="OBS_VALUE", type="xs:double", use="optional")
    for attribute in dsd.ATTRIBUTES:
        kind = (
            "xs:double"
            if attribute.id in ("SE", "CI_LOW", "CI_HIGH")
            else ("common:IDType" if attribute.codelist else "xs:string")
        )
        _x(obs, "attribute", name=attribute.id, type=kind, use="optional")
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8", pretty_print=True)
