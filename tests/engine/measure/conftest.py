"""Fixtures of the measurement tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from measure_fixtures import idi_frame

from wsis.engine.measure.backend import Backend, SparkBackend


@pytest.fixture
def idi_values() -> pl.DataFrame:
    """The published raw 2022 values of Finland, Brazil, Kenya and Rwanda as a tidy frame."""
    return idi_frame()


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local Spark for the whole run (starting one costs seconds): the portability checks only."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("wsis-measure-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        # Tiny tables: one job per query and no code generation beat Spark's big-data defaults here.
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", "spark"])
def backend(request: pytest.FixtureRequest) -> Backend | None:
    """The engine's default backend (DuckDB: ``None``), then the same SQL on local PySpark.

    PySpark is a test dependency (it needs Java 17): a missing PySpark fails here rather than skipping."""
    if request.param == "duckdb":
        return None
    return SparkBackend(request.getfixturevalue("spark_session"))
