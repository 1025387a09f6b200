"""Any CSV plus a YAML mapping file that names which column holds what, and constants for the rest.

Example mapping (``internet.yaml``)::

    columns:            # canonical name -> column in the file
      area: Country
      period: Year
      value: Share
      sex: Gender
    constants:          # canonical name -> the same value for every row
      indicator: i99H
      unit: percent
      source: National survey 2023
    area_codes: name    # iso3 (default) | name | m49
    codes:              # per canonical column: file value -> canonical code
      sex: {Women: F, Men: M, All: _T}
    delimiter: ";"      # default ","
    decimal: ","        # default "."; numbers are never guessed

The mapped frame goes through the same checks as the platform's own layout (:mod:`canonical`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from wsis.engine.readers import areas, canonical, common
from wsis.engine.readers.csvio import ROW, decode
from wsis.engine.readers.observation import COLUMNS, Problem, ReadError, ReadResult

NAME = "generic-csv"
KEYS = {"columns", "constants", "area_codes", "codes", "delimiter", "decimal"}


def load_mapping(path: Path) -> dict[str, Any]:
    try:
        mapping = yaml.safe_load(decode(path))
    except yaml.YAMLError as exc:
        raise ReadError(path, f"invalid YAML mapping: {exc}") from None
    if not isinstance(mapping, dict):
        raise ReadError(path, "the mapping must be a YAML mapping with 'columns' (and 'constants')")
    unknown = set(mapping) - KEYS
    if unknown:
        raise ReadError(path, f"unknown mapping key(s): {', '.join(sorted(unknown))}")
    for section in ("columns", "constants", "codes"):
        value = mapping.get(section, {}) or {}
        if not isinstance(value, dict):
            raise ReadError(path, f"'{section}' must be a mapping")
        bad = [k for k in value if k not in COLUMNS]
        if bad:
            raise ReadError(
                path, f"'{section}' names unknown observation field(s): {', '.join(map(str, bad))}"
            )
    if mapping.get("area_codes", "iso3") not in {"iso3", "name", "m49"}:
        raise ReadError(path, "'area_codes' must be iso3, name or m49")
    return mapping


def read(path: Path, mapping_path: Path) -> ReadResult:
    mapping = load_mapping(mapping_path)
    delimiter = str(mapping.get("delimiter", ","))
    text = decode(path)
    try:
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, separator=delimiter, raise_if_empty=True)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise ReadError(path, f"malformed CSV: {str(exc).splitlines()[0]}") from None
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    columns: dict[str, str] = mapping.get("columns") or {}
    missing = [c for c in columns.values() if c not in frame.columns]
    if missing:
        raise ReadError(
            path, f"column(s) named in {mapping_path.name} not in the file: {', '.join(missing)}", row=1
        )
    out = frame.select(ROW, *[pl.col(source).alias(target) for target, source in columns.items()])
    for target, value in (mapping.get("constants") or {}).items():
        out = out.with_columns(pl.lit(str(value)).alias(target))
    for target, codes in (mapping.get("codes") or {}).items():
        if target in out.columns:
            out = out.with_columns(pl.col(target).replace({str(k): str(v) for k, v in codes.items()}))
    if str(mapping.get("decimal", ".")) == ",":
        numeric = [c for c in ("value", "se", "ci_low", "ci_high") if c in out.columns]
        out = out.with_columns([pl.col(c).str.replace(",", ".", literal=True) for c in numeric])
    problems: list[Problem] = []
    style = mapping.get("area_codes", "iso3")
    if style == "name":
        out, problems = common.resolve_names(path, out.rename({"area": "area_name"}), "area_name")
    elif style == "m49":
        table = {}
        for code in out.get_column("area").drop_nulls().unique().to_list():
            number = int(code) if code.strip().isdigit() else -1
            table[code] = areas.m49_group(number) or areas.economy_from_m49(number) or code
        out = out.with_columns(pl.col("area").replace(table))
    result = canonical.read_frame(path, out.drop("area_name", strict=False))
    result.problems[:0] = problems
    result.reader = NAME
    return result
