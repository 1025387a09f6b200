"""Structure artefacts (code lists, concepts, the DSD, the dataflow, the WSIS category scheme and its
categorisation, the actual content constraint) and the SDMX-ML 2.1 structure message that carries them.

Code lists are the reference knowledge's (economies and groups, indicators, units) with their names in
the six UN languages, completed by the codes the warehouse actually holds (publishers' groups such as
``WB_WLD``, disaggregation codes): every code a data message can carry is in its code list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from lxml import etree

from wsis.apps.sdmx import dsd
from wsis.apps.sdmx.read import distinct_codes
from wsis.apps.sdmx.xml import COMMON, MESSAGE, STRUCTURE, header, names, root, serialise, sub
from wsis.reference.loader import knowledge

#: Structure resources of the REST API, in the order SDMX-ML's ``Structures`` element requires.
KINDS = (
    "dataflow",
    "categoryscheme",
    "categorisation",
    "codelist",
    "conceptscheme",
    "datastructure",
    "contentconstraint",
)
CONTAINERS = {
    "dataflow": "Dataflows",
    "categoryscheme": "CategorySchemes",
    "categorisation": "Categorisations",
    "codelist": "Codelists",
    "conceptscheme": "Concepts",
    "datastructure": "DataStructures",
    "contentconstraint": "Constraints",
}
#: What each artefact refers to (its children); parents are the reverse.
CHILDREN: dict[str, tuple[str, ...]] = {
    "dataflow": ("datastructure",),
    "datastructure": ("codelist", "conceptscheme"),
    "categorisation": ("dataflow", "categoryscheme"),
    "contentconstraint": ("dataflow",),
    "categoryscheme": (),
    "codelist": (),
    "conceptscheme": (),
}
CATEGORISATION = f"{dsd.FLOW}_C2"  # the flow is filed under C2, information and communication infrastructure


def _names(value: object) -> dict[str, str]:
    found = value.model_dump() if hasattr(value, "model_dump") else dict(value)  # type: ignore[arg-type]
    return {lang: text for lang, text in found.items() if text}


@dataclass(frozen=True)
class Artefact:
    kind: str
    id: str
    name: dict[str, str]
    write: Callable[[etree._Element, bool], None]  # fills the element; the flag: stub (no content)


def _ref(parent: etree._Element, tag: str, ns: str | None, **attrs: str) -> None:
    holder = sub(parent, ns, tag) if tag else parent
    sub(holder, None, "Ref", agencyID=dsd.AGENCY, **attrs)


def _concept_ref(parent: etree._Element, concept: str) -> None:
    _ref(
        parent,
        "ConceptIdentity",
        STRUCTURE,
        id=concept,
        maintainableParentID=dsd.CONCEPTS,
        maintainableParentVersion=dsd.VERSION,
        package="conceptscheme",
        **{"class": "Concept"},
    )


def _enumeration(parent: etree._Element, codelist: str) -> None:
    representation = sub(parent, STRUCTURE, "LocalRepresentation")
    _ref(
        representation,
        "Enumeration",
        STRUCTURE,
        id=codelist,
        version=dsd.VERSION,
        package="codelist",
        **{"class": "Codelist"},
    )


def _text_format(parent: etree._Element, text_type: str) -> None:
    representation = sub(parent, STRUCTURE, "LocalRepresentation")
    sub(representation, STRUCTURE, "TextFormat", textType=text_type)


# ---- code lists -------------------------------------------------------------------------------------


def code_lists(used: dict[str, list[str]] | None = None) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """Each code list's codes (SDMX id, names by language): the reference knowledge's, then any other code
    the warehouse holds. ``used`` (warehouse column -> codes) restricts them to those codes."""
    ref = knowledge()
    held = distinct_codes([c.column for c in dsd.DIMENSIONS if c.column != "freq"] + ["unit", "period"])
    areas = {code: _names(e.names) for code, e in ref.economies.items()}
    areas.update({code: _names(g.name) for code, g in ref.groups.items()})
    indicators = {code: _names(i.name) for code, i in ref.indicators.items()}
    units = {i.unit: {"en": i.unit} for i in ref.indicators.values()}
    freqs = {dsd.freq_of(p) for p in held["period"]} or {"A"}
    lists: dict[str, dict[str, dict[str, str]]] = {
        "CL_FREQ": {f: dsd.FREQ_NAMES[f] for f in sorted(freqs)},
        "CL_AREA": {**areas, **{a: areas.get(a, {"en": a}) for a in held["area"]}},
        "CL_INDICATOR": {**indicators, **{i: indicators.get(i, {"en": i}) for i in held["indicator"]}},
        "CL_UNIT": {**units, **{u: {"en": u} for u in held["unit"]}},
        "CL_OBS_STATUS": dict(dsd.STATUS_NAMES),
    }
    for component in dsd.DIMENSIONS[3:]:
        codes = sorted({"_T", *held[component.column]})
        lists[component.codelist] = {c: dsd.CODE_NAMES.get(c, {"en": c}) for c in codes}  # type: ignore[index]
    if used is not None:
        column_of = {c.codelist: c.column for c in (*dsd.DIMENSIONS, *dsd.ATTRIBUTES) if c.codelist}
        for codelist, column in column_of.items():
            if column in used:
                keep = set(used[column])
                lists[codelist] = {c: n for c, n in lists[codelist].items() if c in keep}
    return {
        cl: [(dsd.code_id(code), names_) for code, names_ in sorted(codes.items())]
        for cl, codes in lists.items()
    }


CODELIST_NAMES = {
    **{c.codelist: c.names for c in (*dsd.DIMENSIONS, *dsd.ATTRIBUTES) if c.codelist},
}


def _codelist(
    codelist: str, codes: Callable[[], dict[str, list[tuple[str, dict[str, str]]]]]
) -> Callable[[etree._Element, bool], None]:
    def write(element: etree._Element, stub: bool) -> None:
        if stub:
            return
        for ident, by_language in codes()[codelist]:
            code = sub(element, STRUCTURE, "Code", id=ident, urn=dsd.urn("code", codelist, item=ident))
            names(code, by_language)

    return write


# ---- concepts, DSD, dataflow --------------------------------------------------------------------------


def _concepts(element: etree._Element, stub: bool) -> None:
    if stub:
        return
    for component in (*dsd.DIMENSIONS, dsd.TIME, dsd.MEASURE, *dsd.ATTRIBUTES):
        concept = sub(
            element,
            STRUCTURE,
            "Concept",
            id=component.id,
            urn=dsd.urn("concept", dsd.CONCEPTS, item=component.id),
        )
        names(concept, component.names)


NUMERIC_ATTRIBUTES = {"SE", "CI_LOW", "CI_HIGH"}


def _structure(element: etree._Element, stub: bool) -> None:
    if stub:
        return
    components = sub(element, STRUCTURE, "DataStructureComponents")
    dimensions = sub(components, STRUCTURE, "DimensionList", id="DimensionDescriptor")
    for position, component in enumerate(dsd.DIMENSIONS, start=1):
        dimension = sub(dimensions, STRUCTURE, "Dimension", id=component.id, position=str(position))
        _concept_ref(dimension, component.id)
        _enumeration(dimension, component.codelist)  # type: ignore[arg-type]
    time = sub(dimensions, STRUCTURE, "TimeDimension", id=dsd.TIME.id, position=str(len(dsd.DIMENSIONS) + 1))
    _concept_ref(time, dsd.TIME.id)
    _text_format(time, "ObservationalTimePeriod")
    attributes = sub(components, STRUCTURE, "AttributeList", id="AttributeDescriptor")
    for component in dsd.ATTRIBUTES:
        mandatory = component.id in ("UNIT_MEASURE", "OBS_STATUS", "RELEASE")
        attribute = sub(
            attributes,
            STRUCTURE,
            "Attribute",
            id=component.id,
            assignmentStatus="Mandatory" if mandatory else "Conditional",
        )
        _concept_ref(attribute, component.id)
        if component.codelist:
            _enumeration(attribute, component.codelist)
        else:
            _text_format(attribute, "Double" if component.id in NUMERIC_ATTRIBUTES else "String")
        relationship = sub(attribute, STRUCTURE, "AttributeRelationship")
        measure = sub(relationship, STRUCTURE, "PrimaryMeasure")
        sub(measure, None, "Ref", id=dsd.MEASURE.id)
    measures = sub(components, STRUCTURE, "MeasureList", id="MeasureDescriptor")
    primary = sub(measures, STRUCTURE, "PrimaryMeasure", id=dsd.MEASURE.id)
    _concept_ref(primary, dsd.MEASURE.id)
    _text_format(primary, "Double")


def _flow(element: etree._Element, stub: bool) -> None:
    if stub:
        return
    _ref(
        element,
        "Structure",
        STRUCTURE,
        id=dsd.DSD,
        version=dsd.VERSION,
        package="datastructure",
        **{"class": "DataStructure"},
    )


def _flow_ref(parent: etree._Element, tag: str) -> None:
    _ref(
        parent,
        tag,
        STRUCTURE,
        id=dsd.FLOW,
        version=dsd.VERSION,
        package="datastructure",
        **{"class": "Dataflow"},
    )


# ---- categories -----------------------------------------------------------------------------------------


def _categories(element: etree._Element, stub: bool) -> None:
    if stub:
        return
    lines = knowledge().action_lines
    for code, line in lines.items():
        if line.parent is None:
            category = sub(
                element, STRUCTURE, "Category", id=code, urn=dsd.urn("category", dsd.CATEGORIES, item=code)
            )
            names(category, _names(line.name))
            for sub_code, sub_line in lines.items():
                if sub_line.parent == code:
                    child = sub(
                        category,
                        STRUCTURE,
                        "Category",
                        id=sub_code.replace(".", "_"),
                        urn=dsd.urn("category", dsd.CATEGORIES, item=f"{code}.{sub_code.replace('.', '_')}"),
                    )
                    names(child, _names(sub_line.name))


def _categorisation(element: etree._Element, stub: bool) -> None:
    if stub:
        return
    _flow_ref(element, "Source")
    _ref(
        element,
        "Target",
        STRUCTURE,
        id="C2",
        maintainableParentID=dsd.CATEGORIES,
        maintainableParentVersion=dsd.VERSION,
        package="categoryscheme",
        **{"class": "Category"},
    )


# ---- actual availability ---------------------------------------------------------------------------------


def availability() -> dict[str, list[str]]:
    """Per dimension (by SDMX id), the codes the visible latest figures use; TIME_PERIOD: first and last."""
    columns = [c.column for c in dsd.DIMENSIONS if c.column != "freq"] + ["period"]
    held = distinct_codes(columns)
    found = {c.id: [dsd.code_id(v) for v in held[c.column]] for c in dsd.DIMENSIONS if c.column != "freq"}
    periods = held["period"]
    found["FREQ"] = sorted({dsd.freq_of(p) for p in periods})
    found[dsd.TIME.id] = [min(periods), max(periods)] if periods else []
    return found


def _constraint(element: etree._Element, stub: bool) -> None:
    if stub:
        return
    attachment = sub(element, STRUCTURE, "ConstraintAttachment")
    _flow_ref(attachment, "Dataflow")
    held = availability()
    region = sub(element, STRUCTURE, "CubeRegion", include="true")
    for component in dsd.DIMENSIONS:
        if held[component.id]:
            key = sub(region, COMMON, "KeyValue", id=component.id)
            for code in held[component.id]:
                sub(key, COMMON, "Value", code)
    if held[dsd.TIME.id]:
        key = sub(region, COMMON, "KeyValue", id=dsd.TIME.id)
        span = sub(key, COMMON, "TimeRange")
        sub(span, COMMON, "StartPeriod", _period_start(held[dsd.TIME.id][0]), isInclusive="true")
        sub(span, COMMON, "EndPeriod", _period_start(held[dsd.TIME.id][1]), isInclusive="true")


def _period_start(period: str) -> str:
    # The constraint's time range is an xs:dateTime-like standard period; a year is written as itself.
    return period


# ---- the catalogue -------------------------------------------------------------------------------------


def catalogue(partial_codes: bool = False) -> list[Artefact]:
    """Every artefact the service publishes. ``partial_codes``: code lists hold only the codes in data
    (``detail=referencepartial``)."""
    # The code lists read the warehouse (distinct codes): only when a message holds one.
    computed: dict[str, dict[str, list[tuple[str, dict[str, str]]]]] = {}

    def lists() -> dict[str, list[tuple[str, dict[str, str]]]]:
        if "lists" not in computed:
            used = None
            if partial_codes:
                columns = [c.column for c in dsd.DIMENSIONS if c.column != "freq"] + ["unit", "nature"]
                held = distinct_codes(columns)
                used = {**held, "status": sorted({dsd.OBS_STATUS.get(n, "A") for n in held["nature"]})}
            computed["lists"] = code_lists(used)
        return computed["lists"]

    flow_names = {
        "en": "ICT indicators (WSIS Observatory warehouse)",
        "fr": "Indicateurs TIC (entrepôt de l'Observatoire du SMSI)",
        "es": "Indicadores de TIC (almacén del Observatorio de la CMSI)",
        "ru": "Показатели ИКТ (хранилище Обсерватории ВВУИО)",
        "zh": "信通技术指标（信息社会世界峰会观察站数据库）",
        "ar": "مؤشرات تكنولوجيا المعلومات والاتصالات (مستودع مرصد القمة العالمية لمجتمع المعلومات)",
    }
    artefacts = [
        Artefact("dataflow", dsd.FLOW, flow_names, _flow),
        Artefact(
            "categoryscheme",
            dsd.CATEGORIES,
            {
                "en": "WSIS action lines",
                "fr": "Grandes orientations du SMSI",
                "es": "Líneas de acción de la CMSI",
                "ru": "Направления деятельности ВВУИО",
                "zh": "信息社会世界峰会行动方面",
                "ar": "خطوط عمل القمة العالمية لمجتمع المعلومات",
            },
            _categories,
        ),
        Artefact(
            "categorisation", CATEGORISATION, {"en": "ICT indicators under action line C2"}, _categorisation
        ),
    ]
    for codelist in sorted(CODELIST_NAMES):
        artefacts.append(Artefact("codelist", codelist, CODELIST_NAMES[codelist], _codelist(codelist, lists)))
    artefacts += [
        Artefact(
            "conceptscheme",
            dsd.CONCEPTS,
            {"en": "Concepts of the ICT indicators", "fr": "Concepts des indicateurs TIC"},
            _concepts,
        ),
        Artefact(
            "datastructure",
            dsd.DSD,
            {"en": "ICT indicator observations", "fr": "Observations des indicateurs TIC"},
            _structure,
        ),
        Artefact(
            "contentconstraint",
            dsd.CONSTRAINT,
            {"en": "Data available", "fr": "Données disponibles"},
            _constraint,
        ),
    ]
    return artefacts


def message(artefacts: Iterable[Artefact], stubs: AbstractSet[str] = frozenset()) -> bytes:
    """The SDMX-ML 2.1 structure message holding ``artefacts`` (those whose kind is in ``stubs`` as stubs)."""
    doc = root("Structure", {"structure": STRUCTURE})
    header(doc)
    structures = sub(doc, MESSAGE, "Structures")
    by_kind: dict[str, list[Artefact]] = {}
    for artefact in artefacts:
        by_kind.setdefault(artefact.kind, []).append(artefact)
    for kind in KINDS:
        if kind not in by_kind:
            continue
        container = sub(structures, STRUCTURE, CONTAINERS[kind])
        for artefact in by_kind[kind]:
            stub = kind in stubs
            attrs = {
                "id": artefact.id,
                "agencyID": dsd.AGENCY,
                "version": dsd.VERSION,
                "urn": dsd.urn(kind, artefact.id),
            }
            if kind == "contentconstraint":
                attrs["type"] = "Actual"
            if stub:
                attrs["isExternalReference"] = "true"
            else:
                attrs["isFinal"] = "false" if kind in ("contentconstraint", "codelist") else "true"
            tag = {
                "contentconstraint": "ContentConstraint",
                "datastructure": "DataStructure",
                "conceptscheme": "ConceptScheme",
            }.get(kind, kind.capitalize().replace("scheme", "Scheme"))
            element = sub(container, STRUCTURE, tag, **attrs)
            names(element, artefact.name)
            artefact.write(element, stub)
    return serialise(doc)
