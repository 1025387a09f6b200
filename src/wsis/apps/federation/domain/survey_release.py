"""A national statistics office publishes the indicators it estimates from its household survey as one
warehouse release (``wsis survey publish``), which its SDMX service then serves to the international
instance.

The estimates are those of ``wsis survey indicators`` (same spec, same engine, same numbers), turned into
canonical observations: the spec's ``warehouse`` key gives the warehouse indicator codes and the dimension
and code of each disaggregation value (see :mod:`wsis.engine.survey.itu_indicators`). Each estimate keeps
its standard error and confidence interval; its nature is ``reported`` (the office's own figure, which it
reports to ITU), the spec's survey name is its source, and its reference period, universe and reliability
flags its note.

The observations are written to one file in the warehouse's own Parquet format and imported by
``warehouse.domain.importing`` - every check of a file import, the embargo and the single transaction
apply, so there is one release-writing path. Everything the spec and the data can get wrong is found
before that, and a refused import leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from wsis.apps.warehouse.domain.importing import ImportReport, import_release
from wsis.engine.readers.observation import DISAGGREGATIONS, TOTAL, conform
from wsis.engine.readers.writers import write
from wsis.engine.survey import SurveyInputError, open_survey
from wsis.engine.survey.itu_indicators import IndicatorsSpec, indicator_table, load_spec

NATURE = "reported"


@dataclass(frozen=True)
class Published:
    report: ImportReport
    estimates: list[dict[str, Any]]


def _unmapped_columns(spec: IndicatorsSpec) -> None:
    """Every disaggregation column must fill a warehouse dimension: refused before any estimation."""
    for i, dims in enumerate(spec.disaggregations):
        for column in dims:
            if column not in spec.warehouse.dimensions:
                raise SurveyInputError(
                    f"disaggregations[{i}]: column {column!r} has no entry in warehouse.dimensions "
                    "(the warehouse dimension and codes it is stored under)",
                    source=spec.source,
                )


def observations(rows: list[dict[str, Any]], spec: IndicatorsSpec, *, economy: str, period: str):
    """The estimates of :func:`indicator_table` as canonical observations of ``economy`` and ``period``."""
    records = []
    for number, row in enumerate(rows, start=1):
        record: dict[str, Any] = dict.fromkeys(DISAGGREGATIONS, TOTAL)
        for column, value in row["domain"].items():
            mapping = spec.warehouse.dimensions[column]
            code = mapping.codes.get(str(value).strip())
            if code is None:
                raise SurveyInputError(
                    f"warehouse.dimensions.{column}.codes: no code for the value {value!r} of column "
                    f"{column!r} (known: {', '.join(sorted(mapping.codes))})",
                    source=spec.source,
                )
            record[mapping.dimension] = code
        if not all(math.isfinite(row[k]) for k in ("estimate", "se", "ci_low", "ci_high")):
            domain = ", ".join(f"{k}={v}" for k, v in row["domain"].items()) or "total"
            raise SurveyInputError(
                f"indicator {row['indicator']} ({domain}): no finite estimate (an empty domain?)",
                source=spec.source,
            )
        note = []
        if row["reference_period"]:
            note.append(f"reference period: {row['reference_period']}")
        if row["universe"]:
            note.append(f"universe: {row['universe']}")
        if row["flags"]:
            note.append(f"flags: {row['flags']}")
        records.append(
            {
                **record,
                "indicator": spec.warehouse.indicator(row["indicator"]),
                "area": economy,
                "area_kind": "economy",
                "period": period,
                "value": row["estimate"],
                "unit": row["unit"],
                "source": spec.survey or None,
                "note": "; ".join(note) or None,
                "nature": NATURE,
                "se": row["se"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "source_row": number,
            }
        )
    return conform(pl.DataFrame(records, infer_schema_length=None))


def publish_survey(
    data: Path,
    spec_path: Path,
    *,
    economy: str,
    period: str,
    publisher: str,
    name: str | None = None,
    publish_at: dt.datetime | None = None,
    on_wait=None,
) -> Published:
    """Estimate the spec's indicators from ``data`` and import them as one release of ``publisher``.

    Raises :class:`SurveyInputError` (spec, data, mapping) or ``ImportRefused`` (the warehouse's checks)
    with nothing stored."""
    spec = load_spec(spec_path)
    _unmapped_columns(spec)
    rows = indicator_table(open_survey(data), spec)
    frame = observations(rows, spec, economy=economy.upper(), period=period)
    release = name or f"{spec.survey or spec_path.stem} {period}"
    with tempfile.TemporaryDirectory(prefix="wsis-survey-") as folder:
        # Named after the microdata: the release's file summary and any problem then point at it.
        path = write(frame, Path(folder) / f"{data.stem}-estimates.parquet", "parquet")
        report = import_release(
            [path],
            name=release,
            publisher=publisher,
            origin=f"{data.name} estimated with {spec_path.name}",
            publish_at=publish_at,
            on_wait=on_wait,
        )
    return Published(report, rows)
