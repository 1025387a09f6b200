"""Where the aggregation SQL runs: DuckDB by default, Polars' SQL engine on an in-memory or lazy Polars
frame, and PySpark for data that outgrow one machine. All three run the same SQL text."""

from __future__ import annotations

from typing import Any, Protocol

import polars as pl

from wsis.engine.survey.errors import SurveyInputError
from wsis.engine.survey.readers import SurveyData
from wsis.engine.survey.sql import DUCKDB, SPARK, Dialect


class Backend(Protocol):
    dialect: Dialect
    source: str
    relation: str

    def query(self, sql: str) -> pl.DataFrame: ...

    def columns(self) -> dict[str, str]: ...

    def is_numeric(self, column: str) -> bool: ...

    def label(self, column: str, value: Any) -> Any: ...

    def labels(self, column: str) -> dict[Any, str]: ...


class DuckDBBackend:
    dialect = DUCKDB

    def __init__(self, data: SurveyData) -> None:
        self.data = data
        self.source = data.source
        self.relation = DUCKDB.q(data.view)
        if data.renames:
            self.dialect = Dialect('"', renames=dict(data.renames))

    def query(self, sql: str) -> pl.DataFrame:
        import duckdb

        try:
            return self.data.connection.execute(sql).pl()
        except duckdb.Error as exc:
            raise SurveyInputError(f"query failed: {exc}", source=self.source) from exc

    def columns(self) -> dict[str, str]:
        return self.data.columns

    def is_numeric(self, column: str) -> bool:
        return self.data.is_numeric(column)

    def label(self, column: str, value: Any) -> Any:
        return self.data.label(column, value)

    def labels(self, column: str) -> dict[Any, str]:
        return self.data.value_labels.get(column, {})


class PolarsBackend:
    """Runs the aggregation SQL on a Polars (lazy) frame through Polars' SQL engine, no DuckDB involved."""

    dialect = DUCKDB

    def __init__(self, frame: pl.DataFrame | pl.LazyFrame, source: str = "<polars>") -> None:
        self.frame = frame.lazy()
        self.source = source
        self.relation = DUCKDB.q("survey")
        self._context = pl.SQLContext(survey=self.frame)
        self._schema = self.frame.collect_schema()

    def query(self, sql: str) -> pl.DataFrame:
        try:
            return self._context.execute(sql).collect()
        except pl.exceptions.PolarsError as exc:
            raise SurveyInputError(f"query failed: {exc}", source=self.source) from exc

    def columns(self) -> dict[str, str]:
        return {
            name: ("DOUBLE" if dtype == pl.Float64 else str(dtype)) for name, dtype in self._schema.items()
        }

    def is_numeric(self, column: str) -> bool:
        return self._schema[column].is_numeric()

    def label(self, column: str, value: Any) -> Any:
        return value

    def labels(self, column: str) -> dict[Any, str]:
        return {}


class SparkBackend:
    """Runs the same aggregation SQL on a Spark DataFrame (``pip install pyspark``; needs Java 17)."""

    dialect = SPARK

    def __init__(self, frame: Any, source: str = "<spark>", view: str = "wsis_survey_data") -> None:
        self.frame = frame
        self.source = source
        self.relation = SPARK.q(view)
        frame.createOrReplaceTempView(view)
        self._types = {f.name: f.dataType.simpleString() for f in frame.schema.fields}

    def query(self, sql: str) -> pl.DataFrame:
        result = self.frame.sparkSession.sql(sql)
        if hasattr(result, "toArrow"):
            return pl.from_arrow(result.toArrow())  # type: ignore[return-value]
        rows = result.collect()
        return pl.DataFrame([r.asDict() for r in rows], schema=result.columns, orient="row")

    def columns(self) -> dict[str, str]:
        return self._types

    def is_numeric(self, column: str) -> bool:
        kind = self._types[column]
        return any(t in kind for t in ("int", "double", "float", "decimal", "long", "short", "byte"))

    def label(self, column: str, value: Any) -> Any:
        return value

    def labels(self, column: str) -> dict[Any, str]:
        return {}


def as_backend(data: SurveyData | Backend) -> Backend:
    if isinstance(data, SurveyData):
        return DuckDBBackend(data)
    return data
