"""Open survey microdata as a DuckDB view without loading it into Python.

CSV and Parquet are scanned by DuckDB in place, so memory stays bounded by what a query aggregates.
SPSS ``.sav``, Stata ``.dta`` and SAS (``.sas7bdat``, ``.xpt``) go through pyreadstat, which reads the
whole file; their value labels are kept beside the data (codes stay in the columns, labels name the
domains in the output and may be used as levels).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from wsis.engine.survey.errors import SurveyInputError

_view_counter = itertools.count()

# R writes missing values as NA in CSV; an empty field is missing too.
CSV_NULLS = ["NA", ""]

CSV_TABLE_BYTES = 64 * 1024 * 1024

# Yes/No columns stay text (R reads them as factors); DuckDB would otherwise guess BOOLEAN.
TYPE_CANDIDATES = "['BIGINT', 'DOUBLE', 'VARCHAR']"

STATISTICAL_SUFFIXES = {
    ".sav": "sav",
    ".zsav": "sav",
    ".dta": "dta",
    ".sas7bdat": "sas7bdat",
    ".xpt": "xport",
}


@dataclass
class SurveyData:
    """Microdata reachable from a DuckDB connection under ``view`` (a view or a registered Arrow table)."""

    connection: duckdb.DuckDBPyConnection
    view: str
    source: str
    columns: dict[str, str]
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    # File column name -> name inside DuckDB, only where they differ (names equal but for case).
    renames: dict[str, str] = field(default_factory=dict)

    def require(self, column: str) -> None:
        if column not in self.columns:
            raise SurveyInputError(
                f"no such column; the file has {', '.join(sorted(self.columns))}",
                column=column,
                source=self.source,
            )

    def is_numeric(self, column: str) -> bool:
        kind = self.columns[column].upper()
        return any(t in kind for t in ("INT", "DOUBLE", "FLOAT", "DECIMAL", "REAL", "NUMERIC"))

    def label(self, column: str, value: Any) -> Any:
        """The value label of a code, or the code itself when the column has no label for it."""
        labels = self.value_labels.get(column)
        if labels is None or value is None:
            return value
        return labels.get(value, labels.get(_as_float(value), value))


def _as_float(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _describe(connection: duckdb.DuckDBPyConnection, view: str) -> dict[str, str]:
    rows = connection.execute(f'DESCRIBE SELECT * FROM "{view}"').fetchall()  # noqa: S608 - identifiers are quoted; expressions are the analyst's own
    return {str(r[0]): str(r[1]) for r in rows}


def _new_view_name() -> str:
    return f"survey_data_{next(_view_counter)}"


def open_survey(path: str | Path, connection: duckdb.DuckDBPyConnection | None = None) -> SurveyData:
    """Open CSV, Parquet, SPSS, Stata or SAS microdata as a DuckDB view."""
    path = Path(path)
    if not path.is_file():
        raise SurveyInputError("file not found", source=str(path))
    con = connection or duckdb.connect()
    view = _new_view_name()
    suffix = path.suffix.lower()
    literal = str(path).replace("'", "''")
    labels: dict[str, dict[Any, str]] = {}
    try:
        if suffix in (".csv", ".txt", ".gz"):
            nulls = ", ".join(f"'{n}'" for n in CSV_NULLS)
            # A small CSV is parsed once into DuckDB (each estimate runs a few queries); a large one
            # stays a view that every query streams, so memory never holds the file.
            kind = "TABLE" if path.stat().st_size <= CSV_TABLE_BYTES else "VIEW"
            con.execute(
                f"CREATE {kind} \"{view}\" AS SELECT * FROM read_csv('{literal}', header=true, "  # noqa: S608 - identifiers are quoted; expressions are the analyst's own
                f"nullstr=[{nulls}], sample_size=-1, auto_type_candidates={TYPE_CANDIDATES})"
            )
        elif suffix == ".parquet":
            con.execute(f"CREATE VIEW \"{view}\" AS SELECT * FROM read_parquet('{literal}')")  # noqa: S608 - identifiers are quoted; expressions are the analyst's own
        elif suffix in STATISTICAL_SUFFIXES:
            labels = _register_statistical(con, view, path, STATISTICAL_SUFFIXES[suffix])
        else:
            raise SurveyInputError(
                f"unknown format {suffix!r}; use .csv, .parquet, .sav, .dta, .sas7bdat or .xpt",
                source=str(path),
            )
    except duckdb.Error as exc:
        raise SurveyInputError(f"cannot read: {exc}", source=str(path)) from exc
    columns = _describe(con, view)
    renames: dict[str, str] = {}
    if suffix in (".csv", ".txt", ".gz"):
        columns, renames = _file_names(path, columns)
    return SurveyData(con, view, str(path), columns, labels, renames)


def _file_names(path: Path, columns: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The CSV header's own names. DuckDB renames a column whose name equals another's but for case
    (R's fpc data has `nh` and `Nh`; DuckDB makes the second `Nh_1`); the analyst still addresses it
    by the name in the file, so the columns are listed under the file's names with the DuckDB name kept
    for the SQL."""
    import csv
    import gzip

    opener: Any = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8-sig", errors="replace") as handle:
        header = next(csv.reader(handle), [])
    engine = list(columns)
    if len(header) != len(engine) or header == engine:
        return columns, {}
    lowered = [f.lower() for f in header]
    clash = {f for f in header if lowered.count(f.lower()) > 1}
    renames = {f: e for f, e in zip(header, engine, strict=True) if f != e and f in clash}
    if not renames:
        return columns, {}
    names = [f if f in renames else e for f, e in zip(header, engine, strict=True)]
    return {n: columns[e] for n, e in zip(names, engine, strict=True)}, renames


def _register_statistical(
    con: duckdb.DuckDBPyConnection, view: str, path: Path, kind: str
) -> dict[str, dict[Any, str]]:
    import pyarrow as pa
    import pyreadstat

    reader: Any = {
        "sav": pyreadstat.read_sav,
        "dta": pyreadstat.read_dta,
        "sas7bdat": pyreadstat.read_sas7bdat,
        "xport": pyreadstat.read_xport,
    }[kind]
    try:
        data, meta = reader(str(path), output_format="dict")
    except Exception as exc:  # pyreadstat raises its own ReadstatError and plain exceptions
        raise SurveyInputError(f"cannot read {kind} file: {exc}", source=str(path)) from exc
    table = pa.table({name: pa.array(values) for name, values in data.items()})
    con.register(view, table)
    labels: dict[str, dict[Any, str]] = {}
    for column, label_set in (meta.variable_to_label or {}).items():
        mapping = (meta.value_labels or {}).get(label_set)
        if mapping:
            labels[column] = {k: str(v) for k, v in mapping.items()}
    # SPSS files carry their labels per variable directly.
    for column, mapping in (getattr(meta, "variable_value_labels", None) or {}).items():
        if mapping and column not in labels:
            labels[column] = {k: str(v) for k, v in mapping.items()}
    return labels


def survey_from_frame(frame: Any, source: str = "<frame>") -> SurveyData:
    """Wrap an in-memory Polars/Arrow/pandas frame; DuckDB scans it without copying where it can."""
    con = duckdb.connect()
    view = _new_view_name()
    if hasattr(frame, "read_all"):  # an Arrow stream can be read once; estimates query several times
        frame = frame.read_all()
    con.register(view, frame)
    return SurveyData(con, view, source, _describe(con, view))


def derive_columns(data: SurveyData, columns: list[tuple[str, str]]) -> SurveyData:
    """The data with columns computed per row by SQL expressions (R's ``update(design, x = ...)``),
    as a DuckDB view: nothing is written and the file is still scanned in place."""
    q = '"{}"'.format
    view = _new_view_name()
    renames = data.renames
    parts = []
    for name, expr in columns:
        if not name or name in data.columns:
            raise SurveyInputError(
                f"derived column {name!r} is empty or already in the file", column=name, source=data.source
            )
        parts.append(f"({expr}) AS {q(name.replace(chr(34), chr(34) * 2))}")
    try:
        data.connection.execute(
            f'CREATE VIEW "{view}" AS SELECT *, {", ".join(parts)} FROM "{data.view}"'  # noqa: S608 - identifiers are quoted; expressions are the analyst's own
        )
        data.connection.execute(f'SELECT * FROM "{view}" LIMIT 1').fetchall()  # noqa: S608 - identifiers are quoted
    except duckdb.Error as exc:
        raise SurveyInputError(f"bad derived column: {exc}", source=data.source) from exc
    described = _describe(data.connection, view)
    engine_to_file = {v: k for k, v in renames.items()}
    columns_out = {engine_to_file.get(k, k): v for k, v in described.items()}
    return SurveyData(data.connection, view, data.source, columns_out, data.value_labels, dict(renames))
