"""Where the measurement SQL runs: DuckDB by default, PySpark for data that outgrow one machine.

The same pattern as the survey engine (:mod:`wsis.engine.survey.backend`), and its dialects: the maths is
written once as plain SQL text (CTEs, joins, GROUP BY, window functions, CASE, LN, SQRT, NULLIF) that both
engines run unchanged. A backend only knows how to expose polars frames as tables under given names and
return a query's result as a polars frame, so callers keep polars in and polars out.

Spark runs with ANSI mode on by default (Spark 4): a division by zero is an error there and NULL in
DuckDB, so every division in the generated SQL goes through ``NULLIF(den, 0)``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Protocol

import polars as pl

from wsis.engine.measure.tidy import MeasureInputError
from wsis.engine.survey.sql import DUCKDB, SPARK, Dialect


class Backend(Protocol):
    dialect: Dialect

    def run(self, sql: str, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
        """Run ``sql`` with each frame of ``tables`` visible under its name; the result as a polars frame."""
        ...


class DuckDBBackend:
    """In-process DuckDB. One database per backend; each run uses its own cursor (DuckDB's unit of
    concurrency), so threads of a web server can share the default backend and their tables never meet.

    ``threads=1`` by default: with several threads a hash aggregate adds the same doubles in an order
    that varies from run to run, so a stored computation would not be found again bit for bit. The
    inputs are sorted before they arrive, so one thread gives the same bits for the same data; and
    these tables are small enough that one thread is as fast (see bench/README.md).
    """

    dialect = DUCKDB

    def __init__(self, threads: int | None = 1) -> None:
        import duckdb

        self._database = duckdb.connect(":memory:")
        if threads is not None:
            self._database.execute(f"SET threads = {int(threads)}")

    def run(self, sql: str, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
        import duckdb

        cursor = self._database.cursor()
        try:
            for name, frame in tables.items():
                cursor.register(name, frame.to_arrow())  # zero-copy: DuckDB scans the Arrow buffers
            return cursor.execute(sql).pl()
        except duckdb.Error as exc:
            raise MeasureInputError(f"measure query failed on DuckDB: {exc}") from exc
        finally:
            cursor.close()


class SparkBackend:
    """Runs the same SQL on a SparkSession (``pip install pyspark``; needs Java 17).

    Frames travel as Arrow tables both ways. Tables are session temporary views, so runs are serialised
    in this process: two concurrent runs would otherwise replace each other's views.
    """

    dialect = SPARK
    _lock = threading.Lock()

    def __init__(self, session: Any) -> None:
        self.session = session

    def run(self, sql: str, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
        with self._lock:
            for name, frame in tables.items():
                self.session.createDataFrame(frame.to_arrow()).createOrReplaceTempView(name)
            try:
                result = self.session.sql(sql)
                if hasattr(result, "toArrow"):  # Spark 4
                    return pl.from_arrow(result.toArrow())  # type: ignore[return-value]
                return pl.DataFrame(
                    [r.asDict() for r in result.collect()], schema=result.columns, orient="row"
                )
            finally:
                for name in tables:
                    self.session.catalog.dropTempView(name)


_default: DuckDBBackend | None = None
_default_lock = threading.Lock()


def resolve(backend: Backend | None) -> Backend:
    """``backend`` itself, or the process-wide DuckDB backend (created on first use)."""
    global _default
    if backend is not None:
        return backend
    with _default_lock:
        if _default is None:
            _default = DuckDBBackend()
        return _default


def number(value: float) -> str:
    """A finite float as a SQL DOUBLE literal that both dialects read the same way."""
    return f"CAST({float(value)!r} AS DOUBLE)"


def with_ctes(ctes: list[tuple[str, str]], final: str) -> str:
    """``WITH a AS (...), b AS (...) <final>``: the one shape every measure query takes."""
    if not ctes:
        return final
    return "WITH " + ",\n".join(f"{name} AS (\n{body}\n)" for name, body in ctes) + "\n" + final
