"""Readers for the formats publishers actually use, returning the canonical observation frame.

``read(path)`` sniffs the format (extension + header) through :data:`REGISTRY`, reads, and validates
(:mod:`validate`); ``read(path, format="sdmx-csv")`` forces one. Every reader returns a
:class:`ReadResult`: the frame (schema in :mod:`observation`), problems (errors and quality warnings,
each naming file, row and column), exclusions (source rows deliberately left out, with the reason) and
corrections (explicit, logged fixes of publisher defects). A file that cannot be read at all raises
:class:`ReadError`, whose ``problem`` says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wsis.engine.readers import (
    canonical,
    excel,
    generic_csv,
    itu_datahub_api,
    itu_datahub_csv,
    sdg_database,
    sdmx,
    validate,
    worldbank,
    worldbank_databank,
)
from wsis.engine.readers.csvio import refuse_binary
from wsis.engine.readers.observation import ReadError, ReadResult
from wsis.engine.readers.sdmx_layout import SdmxOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Format:
    """A format a reader handles: its name, what it reads, and how to recognise a file of it."""

    name: str
    description: str
    sniff: Callable[[Path], bool]
    read: Callable[[Path], ReadResult]


REGISTRY: tuple[Format, ...] = (
    Format(itu_datahub_csv.NAME, "ITU DataHub CSV export", itu_datahub_csv.sniff, itu_datahub_csv.read),
    Format(
        itu_datahub_api.NAME, "ITU DataHub API v2 series JSON", itu_datahub_api.sniff, itu_datahub_api.read
    ),
    Format(
        worldbank.NAME_LONG,
        "World Bank long CSV (Country Name, Country Code, Year, Value)",
        worldbank.sniff_long,
        worldbank.read_long,
    ),
    Format(worldbank.NAME_WIDE, "World Bank bulk API_..._DS2 CSV", worldbank.sniff_wide, worldbank.read_wide),
    Format(worldbank.NAME_JSON, "World Bank API v2 JSON", worldbank.sniff_json, worldbank.read_json),
    Format(
        sdg_database.NAME_CSV, "UN SDG Global Database CSV", sdg_database.sniff_csv, sdg_database.read_csv
    ),
    Format(
        sdg_database.NAME_JSON,
        "UN SDG API JSON (Series/Data)",
        sdg_database.sniff_json,
        sdg_database.read_json,
    ),
    Format(
        worldbank_databank.NAME,
        "World Bank DataBank wide CSV",
        worldbank_databank.sniff,
        worldbank_databank.read,
    ),
    Format(sdmx.NAME_CSV, "SDMX-CSV", sdmx.sniff_csv, sdmx.read_csv),
    Format(sdmx.NAME_ML, "SDMX-ML 2.1 data message", sdmx.sniff_ml, sdmx.read_ml),
    Format(sdmx.NAME_JSON, "SDMX-JSON data message", sdmx.sniff_json, sdmx.read_json),
    Format("spreadsheet", "Excel .xlsx/.xls (ITU WTI table or a tidy sheet)", excel.sniff, excel.read),
    Format(canonical.NAME_CSV, "WSIS observations CSV", canonical.sniff_csv, canonical.read_csv),
    Format(canonical.NAME_JSON, "WSIS observations JSON", canonical.sniff_json, canonical.read_json),
    Format(
        canonical.NAME_PARQUET, "WSIS observations Parquet", canonical.sniff_parquet, canonical.read_parquet
    ),
)
FORMATS = {f.name: f for f in REGISTRY}
TEXT_SUFFIXES = {".csv", ".json", ".xml", ".txt", ".tsv"}


def detect(path: Path) -> Format:
    """The format of ``path``, or a :class:`ReadError` listing what is supported."""
    if path.name.startswith("Metadata_"):
        raise ReadError(path, "a World Bank metadata companion file: read the API_..._DS2 file beside it")
    if path.suffix.lower() in TEXT_SUFFIXES:
        with path.open("rb") as handle:
            refuse_binary(path, handle.read(4096))
    for fmt in REGISTRY:
        if fmt.sniff(path):
            return fmt
    known = ", ".join(FORMATS) + ", generic-csv (with a mapping file)"
    raise ReadError(path, f"unknown format: no reader recognises this file; supported: {known}")


SDMX_READERS = {sdmx.NAME_ML: sdmx.read_ml, sdmx.NAME_JSON: sdmx.read_json, sdmx.NAME_CSV: sdmx.read_csv}


def read(
    path: str | Path,
    format: str | None = None,
    mapping: str | Path | None = None,
    sdmx_options: SdmxOptions | None = None,
) -> ReadResult:
    """Read and validate one file. ``mapping`` (a YAML file) selects the generic CSV reader;
    ``sdmx_options`` say which SDMX component is which (see :mod:`sdmx_layout`)."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(path, "no such file")
    if mapping is not None or format == generic_csv.NAME:
        if mapping is None:
            raise ReadError(path, "the generic CSV reader needs a mapping file")
        result = generic_csv.read(path, Path(mapping))
    else:
        if format is not None and format not in FORMATS:
            raise ReadError(path, f"unknown format {format!r}; supported: {', '.join(FORMATS)}, generic-csv")
        fmt = FORMATS[format] if format else detect(path)
        if sdmx_options is not None and fmt.name in SDMX_READERS:
            result = SDMX_READERS[fmt.name](path, sdmx_options)
        else:
            result = fmt.read(path)
    for correction in result.corrections:
        log.info(
            "%s: rule %s changed %d rows: %s",
            correction.file,
            correction.rule,
            correction.rows,
            correction.description,
        )
    return validate.validate(result, path)


__all__ = ["FORMATS", "REGISTRY", "Format", "ReadError", "ReadResult", "SdmxOptions", "detect", "read"]
