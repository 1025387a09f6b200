"""SDMX: SDMX-ML 2.1 data messages (generic or structure-specific), SDMX-JSON and SDMX-CSV, from any
publisher, parsed by ``sdmx1``.

Which component is the area, the indicator, the period or a disaggregation is settled by
:mod:`sdmx_layout` (the user's options, the publisher's structure message, common ids). The platform's
own exports (``WSIS:ICT_OBS(1.0)``, see :mod:`writers`) read back exactly: their ``AREA_KIND`` attribute
says which areas are economies. For other publishers an area is an economy only when it is an ISO3 code
or an M49 number, or when the publisher's code list names it as one (Eurostat ``EL`` "Greece"); anything
else (EU27, euro area, INSEE ``FM`` "France métropolitaine", which is Micronesia's ISO alpha-2 code) is
kept as a group under the publisher's prefix (``ESTAT_EU27``, ``INSEE_FM``), never taken for an economy.
``UNIT_MULT`` scales the values (3: thousands) and ``OBS_STATUS`` gives the observation's nature.

XML is parsed first by defusedxml with DTDs forbidden: a document type declaration, entity or external
reference (XXE, "billion laughs") is refused before sdmx1 or lxml sees the file, and nothing is fetched
from the network. Files over :data:`MAX_BYTES` are refused before any parsing. Errors are one line: the
file, the element and the reason, never the XML itself.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from wsis.engine.readers import areas, canonical
from wsis.engine.readers.csvio import ROW, decode, header_line, read_text_table
from wsis.engine.readers.observation import DISAGGREGATIONS, TOTAL, Exclusion, Problem, ReadError, ReadResult
from wsis.engine.readers.sdmx_layout import Components, Layout, SdmxOptions, decide, is_area_codelist

NAME_ML = "sdmx-ml"
NAME_CSV = "sdmx-csv"
NAME_JSON = "sdmx-json"
DATAFLOW = "WSIS:ICT_OBS(1.0)"
MAX_BYTES = 64 * 1024 * 1024  # sdmx1 holds a whole message in memory, about 20x its size on disk
DIMENSIONS: dict[str, str] = {
    "INDICATOR": "indicator",
    "SERIES": "indicator",
    "REF_AREA": "area",
    "TIME_PERIOD": "period",
    **{d.upper(): d for d in DISAGGREGATIONS},
    "URBANISATION": "urbanisation",
}
ATTRIBUTES: dict[str, str] = {
    "AREA_KIND": "area_kind",
    "UNIT_MEASURE": "unit",
    "SOURCE": "source",
    "NOTE": "note",
    "COMMENT_OBS": "note",
    "NATURE": "nature",
    "SE": "se",
    "CI_LOW": "ci_low",
    "CI_HIGH": "ci_high",
}
UNIT_IDS = ("UNIT_MEASURE", "UNIT", "UNIT_MEAS", "UNIT_MEASURE_CODE")
#: SDMX CL_OBS_STATUS: A normal, B break, P provisional; E estimated, I imputed; F forecast.
OBS_STATUS = {
    "A": "reported",
    "B": "reported",
    "P": "reported",
    "E": "estimate",
    "I": "estimate",
    "F": "modelled",
}
#: Codes publishers use for "all of this dimension", in a dimension that maps to a disaggregation.
TOTAL_CODES = {"_T", "T", "TOTAL", "_Z", "ALL", "TOT"}
#: Agencies whose SDMX id is not the name users know them by (their data carry the known name).
AGENCIES = {"FR1": "INSEE", "IT1": "ISTAT", "ESTSAT": "ESTAT"}
STRUCTURE_COLUMNS = {"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "ACTION"}
OWN_ATTRIBUTES = {"OBS_STATUS", "UNIT_MULT", "AREA_KIND", "TIME_FORMAT", "DECIMALS"}

Reader = Callable[..., ReadResult]


def sniff_ml(path: Path) -> bool:
    if path.suffix.lower() != ".xml":
        return False
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b"sdmx" in head.lower()


def sniff_json(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    with path.open("rb") as handle:
        head = handle.read(65536)
    return b'"dataSets"' in head or (b'"structure"' in head and b'"observation"' in head)


def sniff_csv(path: Path) -> bool:
    first = header_line(path).split(",")[0].strip().strip('"')
    return path.suffix.lower() == ".csv" and first in {"DATAFLOW", "STRUCTURE"}


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ReadError(
            path, f"refused: {size / 1e6:.0f} MB is over the {MAX_BYTES // 2**20} MB limit for SDMX messages"
        )


def check_xml(path: Path) -> str:
    """Parse with DTDs, entities and external references forbidden; any of them, or bad XML, refuses.

    Returns the local name of the root element (``GenericData``, ``StructureSpecificData``...)."""
    _check_size(path)
    try:
        tree = SafeET.parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ReadError(
            path, f"refused: XML with a document type declaration or entities ({type(exc).__name__})"
        ) from None
    except SafeET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ReadError(path, f"malformed XML: {exc}", row=line) from None
    return str(tree.getroot().tag).rpartition("}")[2]


def _parse(path: Path, **kwargs: Any) -> Any:
    import sdmx as sdmx1

    # sdmx1 logs each structure it has to guess (no DSD given); the layout step reports what matters.
    logging.getLogger("sdmx").setLevel(logging.ERROR)
    try:
        return sdmx1.read_sdmx(path, **kwargs)
    except Exception as exc:  # sdmx1 raises many types for unsupported or broken messages
        # One line, without the XML fragments some sdmx1 messages quote.
        reason = re.sub(r"<[^>]*>?", "[xml]", " ".join(str(exc).split()))[:160]
        raise ReadError(path, f"sdmx1 cannot read this message: {type(exc).__name__}: {reason}") from None


def read_structure(path: Path) -> Any:
    """A structure message (data structure definitions, code lists, dataflows)."""
    kind = check_xml(path)
    if kind != "Structure":
        raise ReadError(path, f"not an SDMX structure message (root element {kind})")
    return _parse(path)


def read_ml(path: Path, options: SdmxOptions | None = None) -> ReadResult:
    options = options or SdmxOptions()
    kind = check_xml(path)
    if kind == "Structure":
        raise ReadError(
            path, "an SDMX structure message, not data: give it with --sdmx-structure beside its data message"
        )
    if kind == "Error":
        raise ReadError(path, "an SDMX error message from the publisher, not data")
    message = _parse(path)
    structure = read_structure(options.structure) if options.structure else None
    dsd = None
    if structure is not None and message.data:
        dsd = _matching_dsd(path, structure, message.data[0].structured_by)
        message = _parse(path, structure=dsd)
    result = _from_message(path, message, dsd, structure, options, generic=kind == "GenericData")
    result.reader = NAME_ML
    return result


def read_json(path: Path, options: SdmxOptions | None = None) -> ReadResult:
    _check_size(path)
    message = _parse(path)
    # An SDMX-JSON message describes its own dimensions (ids, names, roles): it is its own structure.
    result = _from_message(path, message, None, None, options or SdmxOptions(), generic=True, described=True)
    result.reader = NAME_JSON
    return result


def _matching_dsd(path: Path, structure: Any, structured_by: Any) -> Any:
    wanted = getattr(structured_by, "id", None)
    dsds = dict(structure.structure)
    if wanted in dsds:
        return dsds[wanted]
    flow = dict(structure.dataflow).get(wanted)
    if flow is not None and flow.structure is not None and flow.structure.id in dsds:
        return dsds[flow.structure.id]
    if len(dsds) == 1:
        return next(iter(dsds.values()))
    raise ReadError(
        path,
        f"the structure message has no data structure for {wanted!r} (it holds {', '.join(dsds) or 'none'})",
    )


def _footer_reason(message: Any) -> str:
    footer = getattr(message, "footer", None)
    if footer is None:
        return ""
    texts = [" ".join(str(t).split()) for t in (getattr(footer, "text", None) or [])]
    code = getattr(footer, "code", None)
    return f"; the publisher's footer says: code {code}: {texts[0][:160] if texts else ''}"


def _components(message: Any, dsd: Any, structure: Any, generic: bool, described: bool) -> Components:
    """Dimension and attribute ids: from the DSD when given, else from what the message shows."""
    source = dsd if dsd is not None else message.data[0].structured_by
    dimensions: list[str] = []
    attributes: list[str] = []
    area_role = None
    coded: set[str] = set()
    if source is not None:
        for dim in source.dimensions.components:
            dimensions.append(dim.id)
            if _role(dim) == "REF_AREA":
                area_role = dim.id
            if _codelist_id(dim) and is_area_codelist(_codelist_id(dim) or ""):
                coded.add(dim.id)
        attributes = [a.id for a in source.attributes.components]
    seen_dims: set[str] = set(dimensions)
    seen_attrs: set[str] = set(attributes)
    for dataset in message.data:
        for obs in dataset.obs:
            for key in obs.key.values:
                if key not in seen_dims:
                    dimensions.append(key)
                    seen_dims.add(key)
            for key in obs.attrib:
                if key not in seen_attrs and key not in seen_dims:
                    attributes.append(key)
                    seen_attrs.add(key)
        for key in dataset.attrib:
            if key not in seen_attrs:
                attributes.append(key)
                seen_attrs.add(key)
    # Without a DSD, a structure-specific message cannot tell series attributes from dimensions:
    # sdmx1 then keys them as dimensions, so only a generic message or a DSD gives the dimensions.
    return Components(
        dimensions=tuple(dimensions),
        attributes=tuple(a for a in attributes if a not in seen_dims),
        from_structure=dsd is not None or described,
        dimensions_known=dsd is not None or described or generic,
        area_role=area_role,
        area_codelists=frozenset(coded),
    )


def _role(component: Any) -> str | None:
    role = getattr(component, "concept_role", None)
    return getattr(role, "id", None) if role is not None else None


def _codelist_id(component: Any) -> str | None:
    rep = getattr(component, "local_representation", None)
    enumerated = getattr(rep, "enumerated", None) if rep is not None else None
    return getattr(enumerated, "id", None)


def _code_names(structure: Any, dsd: Any, component: str) -> dict[str, str]:
    """The names of the area component's codes, from the structure message's code list."""
    if dsd is None:
        return {}
    try:
        comp = dsd.dimensions.get(component)
    except KeyError:
        comp = next((a for a in dsd.attributes.components if a.id == component), None)
    codelist_id = _codelist_id(comp) if comp is not None else None
    if not codelist_id:
        return {}
    codelist = dict(structure.codelist).get(codelist_id) if structure is not None else None
    if codelist is None:
        return {}
    return {code.id: code.name.localized_default("en") or "" for code in codelist}


def _agency(message: Any, dsd: Any) -> str:
    for candidate in (
        getattr(getattr(dsd, "maintainer", None), "id", None),
        getattr(getattr(message.data[0].structured_by, "maintainer", None), "id", None),
        getattr(getattr(message.header, "sender", None), "id", None),
    ):
        if candidate:
            clean = re.sub(r"[^A-Z0-9]", "", str(candidate).upper())
            if clean and clean[0].isalpha():
                return AGENCIES.get(clean, clean)
    return "SDMX"


def _from_message(
    path: Path,
    message: Any,
    dsd: Any,
    structure: Any,
    options: SdmxOptions,
    *,
    generic: bool,
    described: bool = False,
) -> ReadResult:
    datasets = list(getattr(message, "data", None) or [])
    if not datasets:
        raise ReadError(path, "the message holds no data set" + _footer_reason(message))
    if not any(len(ds.obs) for ds in datasets):
        raise ReadError(path, "the message's data set holds no observations (only empty series)")
    components = _components(message, dsd, structure, generic, described)
    own = "AREA_KIND" in components.attributes
    layout = decide(path, components, options)
    records: list[dict[str, Any]] = []
    for dataset in datasets:
        dataset_attrs = {k: v.value for k, v in dataset.attrib.items()}
        for obs in dataset.obs:
            record: dict[str, Any] = {ROW: len(records) + 1, **dataset_attrs}
            record.update({k: v.value for k, v in obs.attrib.items()})
            record.update({k: v.value for k, v in obs.key.values.items()})
            record["OBS_VALUE"] = obs.value
            records.append(record)
    names = {} if own else _code_names(structure, dsd, layout.area)
    prefix = options.area_prefix or _agency(message, dsd)
    return _to_result(path, records, components, layout, names, prefix, own)


def read_csv(path: Path, options: SdmxOptions | None = None) -> ReadResult:
    frame = read_text_table(path, decode(path))
    frame = frame.drop([c for c in frame.columns if c in STRUCTURE_COLUMNS])
    if "OBS_VALUE" not in frame.columns:
        raise ReadError(path, "no OBS_VALUE column", row=1)
    known_attributes = set(ATTRIBUTES) | OWN_ATTRIBUTES | set(UNIT_IDS)
    columns = [c for c in frame.columns if c not in (ROW, "OBS_VALUE")]
    components = Components(
        dimensions=tuple(c for c in columns if c not in known_attributes),
        attributes=tuple(c for c in columns if c in known_attributes),
        from_structure=False,
    )
    options = options or SdmxOptions()
    layout = decide(path, components, options)
    records = frame.to_dicts()
    own = "AREA_KIND" in components.attributes
    result = _to_result(path, records, components, layout, {}, options.area_prefix or "SDMX", own)
    result.reader = NAME_CSV
    return result


def _to_result(
    path: Path,
    records: list[dict[str, Any]],
    components: Components,
    layout: Layout,
    names: Mapping[str, str],
    prefix: str,
    own: bool,
) -> ReadResult:
    problems: list[Problem] = []
    exclusions: list[Exclusion] = []
    for dim in layout.left_over:
        values = sorted({str(r.get(dim)) for r in records if r.get(dim) is not None})
        if len(values) > 1:
            raise ReadError(
                path,
                f"dimension {dim} takes {len(values)} values ({', '.join(values[:5])}"
                f"{', ...' if len(values) > 5 else ''}) and has no place in the warehouse: add it to "
                f"--sdmx-indicator or map it to a disaggregation with --sdmx-dimension {dim}=DISAGGREGATION",
                column=dim,
            )
        problems.append(
            Problem(
                str(path),
                None,
                dim,
                f"dimension {dim} (always {values[0] if values else 'empty'}) ignored",
                "warning",
            )
        )
    # Attributes are read only from attributes: INSEE has a dimension called NATURE, for instance.
    attribute_ids = set(components.attributes)

    def attribute(record: dict[str, Any], name: str) -> str | None:
        return _text(record.get(name)) if name in attribute_ids else None

    area_table, area_problems = _areas(path, records, layout.area, names, prefix, own)
    problems += area_problems
    rows: list[dict[str, str | None]] = []
    for record in records:
        raw = record.get("OBS_VALUE")
        value = _number(raw)
        if value is None and _missing(raw):
            exclusions.append(
                Exclusion(
                    str(path), record[ROW], f"no value (OBS_STATUS {record.get('OBS_STATUS') or 'none'})"
                )
            )
            continue
        multiplier = attribute(record, "UNIT_MULT")
        if value is not None and multiplier not in (None, ""):
            try:
                power = int(str(multiplier))
            except ValueError:
                raise ReadError(
                    path, f"UNIT_MULT {multiplier!r} is not a power of ten", row=record[ROW]
                ) from None
            value = value * 10**power if power >= 0 else value / 10 ** (-power)
        area_code = _text(record.get(layout.area))
        area, kind = area_table.get(area_code, (area_code, None)) if area_code else (None, None)
        row: dict[str, str | None] = {
            ROW: record[ROW],
            "indicator": ".".join(_text(record.get(c)) or "" for c in layout.indicator) or None,
            "area": area,
            "area_kind": attribute(record, "AREA_KIND") if own else kind,
            "period": layout.fixed_period or _period(_text(record.get(layout.period or ""))),
            # Text that is not a number goes through, so that validation names it as an error.
            "value": repr(value) if value is not None else _text(raw),
            "unit": next((u for u in (attribute(record, u) for u in UNIT_IDS) if u is not None), "unknown"),
            "nature": attribute(record, "NATURE")
            or OBS_STATUS.get(attribute(record, "OBS_STATUS") or "A", "reported"),
        }
        for component, column in layout.disaggregations.items():
            code = _text(record.get(component))
            row[column] = TOTAL if code is None or code.upper() in TOTAL_CODES else code
        for name, column in ATTRIBUTES.items():
            if column in ("unit", "nature", "area_kind"):
                continue
            found = attribute(record, name)
            if found is not None and row.get(column) is None:
                row[column] = found
        rows.append(row)
    if not rows:
        raise ReadError(path, f"none of the {len(records)} observations has a value")
    _check_lengths(path, rows)
    columns = sorted({c for r in rows for c in r if c != ROW})
    frame = pl.DataFrame(
        [{ROW: r[ROW], **{c: r.get(c) for c in columns}} for r in rows],
        schema={ROW: pl.Int64, **{c: pl.String for c in columns}},
    )
    result = canonical.read_frame(path, frame)
    result.problems = problems + result.problems
    result.exclusions = exclusions
    result.source_records = len(records)
    placed = {layout.area, layout.period or "", *layout.indicator, *layout.disaggregations, *layout.left_over}
    unused = [
        a
        for a in components.attributes
        if a not in placed and a not in ATTRIBUTES and a not in OWN_ATTRIBUTES and a not in UNIT_IDS
    ]
    if unused:
        result.problems.append(
            Problem(
                str(path),
                None,
                None,
                f"SDMX attributes without a place in the observation frame ignored: {', '.join(unused)}",
                "warning",
            )
        )
    return result


#: The longest codes the warehouse stores (its key columns); longer SDMX codes are refused by name.
MAX_LENGTHS = {
    "indicator": 60,
    "area": 20,
    "sex": 12,
    "age": 20,
    "urbanisation": 12,
    "income_quintile": 12,
    "education": 20,
    "disability": 12,
    "skill_type": 20,
    "technology": 12,
    "speed_tier": 20,
    "unit": 40,
}


def _check_lengths(path: Path, rows: list[dict[str, str | None]]) -> None:
    for column, limit in MAX_LENGTHS.items():
        long = next((r for r in rows if len(r.get(column) or "") > limit), None)
        if long is not None:
            hint = " (name fewer dimensions with --sdmx-indicator)" if column == "indicator" else ""
            raise ReadError(
                path,
                f"{column} code {long[column]!r} is longer than the {limit} characters the warehouse "
                f"holds{hint}",
                row=long[ROW],  # type: ignore[arg-type]
                column=column,
            )


def _areas(
    path: Path,
    records: list[dict[str, Any]],
    component: str,
    names: Mapping[str, str],
    prefix: str,
    own: bool,
) -> tuple[dict[str, tuple[str, str]], list[Problem]]:
    """Each area code -> (area, kind): economies only when certain, else ``PREFIX_code`` groups."""
    codes = {c for c in (_text(r.get(component)) for r in records) if c}
    table: dict[str, tuple[str, str]] = {}
    unconfirmed: list[str] = []
    for code in sorted(codes):
        if own:
            table[code] = (code, "")
            continue
        if code.isdigit() and len(code) <= 3:
            number = int(code)
            group = areas.m49_group(number)
            economy = areas.economy_from_m49(number)
            if group or economy:
                table[code] = (group, "group") if group else (economy or code, "economy")
                continue
        name = names.get(code)
        by_name = areas.economy_from_name(name) if name else None
        by_code = code if len(code) == 3 and areas.economy_code(code) == code else None
        if by_name or by_code:
            table[code] = (by_name or by_code or code, "economy")
            continue
        if len(code) == 2 and code.isalpha() and not names:
            unconfirmed.append(code)
        table[code] = (f"{prefix}_{re.sub(r'[^A-Za-z0-9_.-]', '-', code)}", "group")
    problems = []
    if unconfirmed:
        problems.append(
            Problem(
                str(path),
                None,
                component,
                f"2-letter area codes kept as {prefix}_ groups, not taken for ISO economies without a code "
                f"list naming them (a structure message with the area code list may confirm them): "
                f"{', '.join(unconfirmed[:10])}",
                "warning",
            )
        )
    return table, problems


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(getattr(value, "id", value)).strip()
    return text or None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _missing(value: Any) -> bool:
    """An empty observation (no value, ``NaN``): left out as an exclusion, not an error."""
    if value is None or (isinstance(value, str) and value.strip().upper() in {"", "NAN"}):
        return True
    return isinstance(value, float) and math.isnan(value)


PERIODS = (
    (re.compile(r"^(\d{4})(-A1)?$"), r"\1"),
    (re.compile(r"^(\d{4})-?Q([1-4])$"), r"\1-Q\2"),
    (re.compile(r"^(\d{4})-?S([12])$"), r"\1-S\2"),
    (re.compile(r"^(\d{4})-?M?(0[1-9]|1[0-2])$"), r"\1-\2"),
)


def _period(text: str | None) -> str | None:
    """SDMX reporting periods (``2015``, ``2015-Q1``, ``2015Q1``, ``2015-M03``) in our notation."""
    if text is None:
        return None
    for pattern, replacement in PERIODS:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text
