"""ITU DataHub API (v2) JSON answers that carry observations.

Of the recorded answers only two shapes hold numbers:
- country/indicator series (``getCountrySeries``, ``getIndicatorSeries``): records with ``code``,
  ``isoCode``, ``dataYear``, ``answer: [{"value": "..."}]``, ``dataSource``, ``dataNote``;
- regional aggregates (``getRegionalAggregate``): records with ``code``, ``regionName``, ``dataYear``,
  ``answer: [{"value": ...}]``; the region becomes an ``ITU_<code>`` group.
The rest (IDI tree, dashboards, targets, region and country lists, metadata) describe data and are
refused with a clear message naming what they are. IDI scores by region carry only numeric node ids
(``codeID``), not indicator codes, so they are refused too rather than guessed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from wsis.engine.readers import common
from wsis.engine.readers.csvio import ROW, decode
from wsis.engine.readers.itu_datahub_csv import ESTIMATE
from wsis.engine.readers.observation import Problem, ReadError, ReadResult, conform

NAME = "itu-datahub-api-json"
# Unit of the series this reader meets; other codes keep the unit "unknown" and get a warning.
UNITS = {
    "i99H": "percent",
    "xHH6_IDI": "percent",
    "xHH18_IDI": "percent",
    "i911mw": "per_100",
    "i992b": "per_100",
}


def sniff(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    with path.open("rb") as handle:
        head = handle.read(1 << 14).decode("utf-8", errors="replace")
    return '"answer"' in head and '"dataYear"' in head and ('"isoCode"' in head or '"regionName"' in head)


def read(path: Path) -> ReadResult:
    try:
        payload = json.loads(decode(path))
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"invalid JSON ({exc.msg}; truncated file?)", row=exc.lineno) from None
    if not isinstance(payload, list):
        raise ReadError(path, "not an ITU DataHub series answer: expected a list of records")
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for index, record in enumerate(payload, start=1):
        if not isinstance(record, dict) or "answer" not in record or "dataYear" not in record:
            raise ReadError(path, "record without 'answer'/'dataYear': not an observation answer", row=index)
        answers = record.get("answer") or []
        if len(answers) != 1 or not isinstance(answers[0], dict):
            problems.append(
                Problem(str(path), index, "answer", f"expected exactly one answer, found {len(answers)}")
            )
            continue
        value = answers[0].get("value")
        rows.append(
            {
                ROW: index,
                "code": _s(record.get("code")),
                "iso": _s(record.get("isoCode")),
                "region": _s(record.get("regionName")),
                "year": _s(record.get("dataYear")),
                "raw": _s(value),
                "source": _s(record.get("dataSource")) or None,
                "note": _s(record.get("dataNote")) or None,
            }
        )
    schema = {
        ROW: pl.Int64,
        **{c: pl.String for c in ("code", "iso", "region", "year", "raw", "source", "note")},
    }
    frame = pl.DataFrame(rows, schema=schema)
    source_records = len(payload)
    problems += common.required(path, frame, ("code", "year", "raw"))
    frame, found = common.numbers(path, frame, "raw")
    problems += found
    frame, found = common.year_period(path, frame, "year")
    problems += found
    regions = frame.get_column("region").drop_nulls().unique().to_list()
    group = {r: common.areas.itu_group(r) for r in regions}
    isos = frame.get_column("iso").drop_nulls().unique().to_list()
    economy = {i: common.areas.economy_code(i) for i in isos}
    frame = frame.with_columns(
        pl.when(pl.col("region").is_not_null())
        .then(pl.col("region").replace_strict(group, default=None, return_dtype=pl.String))
        .otherwise(pl.col("iso").replace_strict(economy, default=None, return_dtype=pl.String))
        .alias("area"),
        pl.when(pl.col("region").is_not_null())
        .then(pl.lit("group"))
        .otherwise(pl.lit("economy"))
        .alias("area_kind"),
    )
    problems += common.problems_where(
        path,
        frame,
        pl.col("area").is_null(),
        "isoCode/regionName",
        pl.format("unknown area {}", pl.coalesce("region", "iso", pl.lit("(empty)"))),
    )
    estimate = pl.col("source").fill_null("").str.contains(ESTIMATE) | pl.col("note").fill_null(
        ""
    ).str.contains(ESTIMATE)
    frame = frame.with_columns(
        pl.col("code").alias("indicator"),
        pl.col("code").replace_strict(UNITS, default="unknown", return_dtype=pl.String).alias("unit"),
        pl.when(estimate).then(pl.lit("estimate")).otherwise(pl.lit("reported")).alias("nature"),
        pl.col(ROW).alias("source_row"),
    )
    return ReadResult(conform(frame), problems, [], [], source_records, NAME)


def _s(value: Any) -> str | None:
    return None if value is None else str(value)
