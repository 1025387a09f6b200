"""SDMX: SDMX-ML 2.1 data messages (generic or structure-specific, read with ``sdmx1``) and SDMX-CSV.

Dimension and attribute ids map to the observation frame through :data:`DIMENSIONS` and
:data:`ATTRIBUTES`: the platform's own exports (``WSIS:ICT_OBS(1.0)``, see :mod:`writers`) use exactly
these ids, and common publisher ids (``SERIES``/``INDICATOR``, ``REF_AREA``, ``SEX``, ``AGE``,
``URBANISATION``, ``OBS_STATUS``) map too. ``REF_AREA`` may be ISO3, M49 numeric, or a ``PREFIX_code`` group.

XML is parsed first by defusedxml with DTDs forbidden: a document type declaration, entity or external
reference (XXE, "billion laughs") is refused before sdmx1 or lxml sees the file, and nothing is fetched
from the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from wsis.engine.readers import areas, canonical
from wsis.engine.readers.csvio import ROW, decode, header_line, read_text_table
from wsis.engine.readers.observation import DISAGGREGATIONS, ReadError, ReadResult

NAME_ML = "sdmx-ml"
NAME_CSV = "sdmx-csv"
DATAFLOW = "WSIS:ICT_OBS(1.0)"
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
OBS_STATUS = {"A": "reported", "E": "estimate", "M": "modelled"}  # SDMX CL_OBS_STATUS codes we meet
STRUCTURE_COLUMNS = {"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "ACTION"}


def sniff_ml(path: Path) -> bool:
    if path.suffix.lower() != ".xml":
        return False
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b"sdmx" in head.lower()


def sniff_csv(path: Path) -> bool:
    first = header_line(path).split(",")[0].strip().strip('"')
    return path.suffix.lower() == ".csv" and first in {"DATAFLOW", "STRUCTURE"}


def check_xml(path: Path) -> None:
    """Parse with DTDs, entities and external references forbidden; any of them, or bad XML, refuses."""
    try:
        SafeET.parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ReadError(
            path, f"refused: XML with a document type declaration or entities ({type(exc).__name__})"
        ) from None
    except SafeET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ReadError(path, f"malformed XML: {exc}", row=line) from None


def read_ml(path: Path) -> ReadResult:
    check_xml(path)
    import sdmx as sdmx1

    try:
        message = sdmx1.read_sdmx(path)
    except Exception as exc:  # sdmx1 raises many types for unsupported or broken messages
        raise ReadError(
            path, f"not a readable SDMX-ML 2.1 data message: {type(exc).__name__}: {str(exc)[:200]}"
        ) from None
    datasets = getattr(message, "data", None)
    if not datasets:
        raise ReadError(path, "SDMX-ML message holds no data set (a structure message?)")
    records: list[dict[str, Any]] = []
    index = 0
    for dataset in datasets:
        for obs in dataset.obs:
            index += 1
            key: dict[str, Any] = {}
            if obs.series_key is not None:
                key.update({k: v.value for k, v in obs.series_key.values.items()})
                key.update({k: v.value for k, v in obs.series_key.attrib.items()})
            if obs.dimension is not None:
                key.update({k: v.value for k, v in obs.dimension.values.items()})
            key.update({k: v.value for k, v in obs.attached_attribute.items()})
            key["OBS_VALUE"] = obs.value
            records.append({ROW: index, **{k: (None if v is None else str(v)) for k, v in key.items()}})
    columns = sorted({k for r in records for k in r if k != ROW})
    frame = pl.DataFrame(
        [{ROW: r[ROW], **{c: r.get(c) for c in columns}} for r in records],
        schema={ROW: pl.Int64, **{c: pl.String for c in columns}},
    )
    result = _finish(path, frame)
    result.reader = NAME_ML
    return result


def read_csv(path: Path) -> ReadResult:
    frame = read_text_table(path, decode(path))
    frame = frame.drop([c for c in frame.columns if c in STRUCTURE_COLUMNS])
    result = _finish(path, frame)
    result.reader = NAME_CSV
    return result


def _finish(path: Path, frame: pl.DataFrame) -> ReadResult:
    if "OBS_VALUE" not in frame.columns:
        raise ReadError(path, "no OBS_VALUE column", row=1)
    renames = {c: DIMENSIONS.get(c) or ATTRIBUTES.get(c) for c in frame.columns}
    frame = frame.rename({"OBS_VALUE": "value", **{c: n for c, n in renames.items() if n}})
    unknown = [
        c for c, n in renames.items() if not n and c not in {ROW, "OBS_VALUE", "OBS_STATUS", "UNIT_MULT"}
    ]
    if "OBS_STATUS" in frame.columns and "nature" not in frame.columns:
        frame = frame.with_columns(
            pl.col("OBS_STATUS").replace_strict(OBS_STATUS, default="reported").alias("nature")
        )
    if "area" in frame.columns:
        frame = frame.with_columns(_m49_to_iso(frame).alias("area"))
    if "unit" not in frame.columns:
        frame = frame.with_columns(pl.lit("unknown").alias("unit"))
    result = canonical.read_frame(path, frame)
    if unknown:
        from wsis.engine.readers.observation import Problem

        result.problems.append(
            Problem(
                str(path),
                None,
                ", ".join(unknown),
                "SDMX components without a place in the observation frame ignored",
                "warning",
            )
        )
    return result


def _m49_to_iso(frame: pl.DataFrame) -> pl.Expr:
    codes = frame.get_column("area").drop_nulls().unique().to_list()
    table: dict[str, str] = {}
    for code in codes:
        if code.isdigit():
            number = int(code)
            table[code] = areas.m49_group(number) or areas.economy_from_m49(number) or code
    return pl.col("area").replace(table) if table else pl.col("area")
