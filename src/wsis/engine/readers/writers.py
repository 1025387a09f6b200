"""Writers: observations out as CSV, JSON, Parquet, SDMX-CSV and SDMX-ML (generic data), each readable back
by :func:`wsis.engine.readers.read` into identical observations (``source_row`` aside: it records where
an observation sits in the file being read).

CSV and SDMX-CSV neutralise text cells that a spreadsheet would run as a formula (starting with
``= + - @``, tab or carriage return) by prefixing ``'`` (OWASP's advice); numeric columns are written as
numbers and never touched, and the readers remove the prefix again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import polars as pl
from lxml import etree

from wsis.engine.readers.observation import COLUMNS, DISAGGREGATIONS, conform
from wsis.engine.readers.sdmx import ATTRIBUTES, DATAFLOW

FORMATS = ("csv", "json", "parquet", "sdmx-csv", "sdmx-ml")
TEXT_COLUMNS = [c for c in COLUMNS if c not in {"value", "se", "ci_low", "ci_high", "source_row"}]
DANGEROUS = r"^[=+\-@\t\r]"
SDMX_DIMENSIONS = {
    "INDICATOR": "indicator",
    "REF_AREA": "area",
    "TIME_PERIOD": "period",
    **{d.upper(): d for d in DISAGGREGATIONS},
}
SDMX_ATTRIBUTES = {name: column for name, column in ATTRIBUTES.items() if name != "COMMENT_OBS"}
MESSAGE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
GENERIC = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
COMMON = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"


def neutralise(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.with_columns(
        [
            pl.when(pl.col(c).str.contains(DANGEROUS))
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c in columns
        ]
    )


def write(frame: pl.DataFrame, path: Path, fmt: str, *, prepared: dt.datetime | None = None) -> Path:
    """Write ``frame`` (canonical observations) to ``path`` in format ``fmt`` (one of :data:`FORMATS`).

    ``prepared`` is when the message was prepared (SDMX-ML header ``Prepared``); default now, in UTC: the
    header tells a reader how fresh the file is, so a fixed date would mislead."""
    frame = conform(frame).drop("source_row")
    if fmt == "csv":
        neutralise(frame, [c for c in TEXT_COLUMNS]).write_csv(path, float_precision=None)
    elif fmt == "json":
        document = {"format": "wsis-observations", "version": 1, "observations": frame.to_dicts()}
        path.write_text(json.dumps(document, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    elif fmt == "parquet":
        frame.write_parquet(path)
    elif fmt == "sdmx-csv":
        _sdmx_csv(frame, path)
    elif fmt == "sdmx-ml":
        _sdmx_ml(frame, path, prepared or dt.datetime.now(dt.UTC))
    else:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return path


def _sdmx_csv(frame: pl.DataFrame, path: Path) -> None:
    out = frame.select(
        pl.lit(DATAFLOW).alias("DATAFLOW"),
        *[pl.col(c).alias(n) for n, c in SDMX_DIMENSIONS.items()],
        pl.col("value").alias("OBS_VALUE"),
        *[pl.col(c).alias(n) for n, c in SDMX_ATTRIBUTES.items()],
    )
    text = [c for c in out.columns if out.schema[c] == pl.String]
    neutralise(out, text).write_csv(path)


def _timestamp(moment: dt.datetime) -> str:
    """xs:dateTime in UTC to the second (``2026-12-03T09:30:00Z``); a naive time is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _number(value: float) -> str:
    return repr(float(value))


def _sdmx_ml(frame: pl.DataFrame, path: Path, prepared: dt.datetime) -> None:
    nsmap = {"message": MESSAGE, "generic": GENERIC, "common": COMMON}
    root = etree.Element(etree.QName(MESSAGE, "GenericData"), nsmap=nsmap)
    header = etree.SubElement(root, etree.QName(MESSAGE, "Header"))
    etree.SubElement(header, etree.QName(MESSAGE, "ID")).text = "WSIS_EXPORT"
    etree.SubElement(header, etree.QName(MESSAGE, "Test")).text = "false"
    etree.SubElement(header, etree.QName(MESSAGE, "Prepared")).text = _timestamp(prepared)
    etree.SubElement(header, etree.QName(MESSAGE, "Sender"), id="WSIS")
    structure = etree.SubElement(
        header,
        etree.QName(MESSAGE, "Structure"),
        structureID="WSIS_ICT_OBS",
        dimensionAtObservation="AllDimensions",
    )
    ref = etree.SubElement(structure, etree.QName(COMMON, "Structure"))
    etree.SubElement(ref, "URN").text = "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=" + DATAFLOW
    dataset = etree.SubElement(root, etree.QName(MESSAGE, "DataSet"), structureRef="WSIS_ICT_OBS")
    for row in frame.iter_rows(named=True):
        obs = etree.SubElement(dataset, etree.QName(GENERIC, "Obs"))
        key = etree.SubElement(obs, etree.QName(GENERIC, "ObsKey"))
        for name, column in SDMX_DIMENSIONS.items():
            etree.SubElement(key, etree.QName(GENERIC, "Value"), id=name, value=str(row[column]))
        etree.SubElement(obs, etree.QName(GENERIC, "ObsValue"), value=_number(row["value"]))
        attributes = etree.SubElement(obs, etree.QName(GENERIC, "Attributes"))
        for name, column in SDMX_ATTRIBUTES.items():
            value = row[column]
            if value is None:
                continue
            text = (
                _number(value)
                if isinstance(value, float)
                else re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(value))
            )
            etree.SubElement(attributes, etree.QName(GENERIC, "Value"), id=name, value=text)
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def structure() -> object:
    """The data structure definition ``WSIS:ICT_OBS(1.0)`` that SDMX exports follow, as an sdmx1 object."""
    from sdmx.model import common
    from sdmx.model import v21 as model

    agency = common.Agency(id="WSIS")
    dsd = model.DataStructureDefinition(
        id="ICT_OBS", version="1.0", maintainer=agency, is_final=True, is_external_reference=False
    )
    for name in SDMX_DIMENSIONS:
        dsd.dimensions.getdefault(name)
    dsd.measures.getdefault("OBS_VALUE")
    for name in SDMX_ATTRIBUTES:
        dsd.attributes.getdefault(name)
    return dsd


def write_sdmx_structure(path: Path) -> Path:
    """SDMX-ML 2.1 structure message holding :func:`structure`, so SDMX tools can read our data exports."""
    import sdmx as sdmx1
    import sdmx.message

    message = sdmx.message.StructureMessage()
    message.add(structure())
    path.write_bytes(sdmx1.to_xml(message, pretty_print=True))
    return path
