"""Export -> re-read gives identical observations, in every format that carries the full key."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from wsis.engine import readers
from wsis.engine.readers import writers
from wsis.engine.readers.observation import KEY, conform

SUFFIX = {"csv": ".csv", "json": ".json", "parquet": ".parquet", "sdmx-csv": ".csv", "sdmx-ml": ".xml"}


def _handmade() -> pl.DataFrame:
    """Observations written here, with every column filled and text that looks like formulas."""
    rows = [
        {
            "indicator": "HH_TEST",
            "area": "KEN",
            "area_kind": "economy",
            "period": "2023",
            "sex": "F",
            "age": "Y15T24",
            "urbanisation": "R",
            "income_quintile": "Q1",
            "education": "ISCED_1",
            "disability": "PD",
            "skill_type": "COPA",
            "technology": "4G",
            "speed_tier": "10MBPS",
            "value": 41.25,
            "unit": "percent",
            "source": '=HYPERLINK("x")',
            "note": "+cmd|' /C calc'!A0",
            "nature": "survey",
            "se": 1.5,
            "ci_low": 38.3,
            "ci_high": 44.2,
            "source_row": 2,
        },
        {
            "indicator": "HH_TEST",
            "area": "M49_001",
            "area_kind": "group",
            "period": "2023-Q2",
            "value": -0.0001,
            "unit": "score",
            "source": "@SUM(A1)",
            "note": "-2+3",
            "nature": "modelled",
            "source_row": 3,
        },
        {
            "indicator": "HH_TEST",
            "area": "WB_LIC",
            "area_kind": "group",
            "period": "2022",
            "value": 1e-12,
            "unit": "per_100",
            "source": 'Ünïcødé, "quoted"\nline',
            "note": None,
            "nature": "estimate",
            "source_row": 4,
        },
    ]
    return conform(pl.DataFrame(rows, infer_schema_length=None))


@pytest.fixture(scope="module")
def published(shared: Path) -> pl.DataFrame:
    parts = [
        readers.read(shared / "itu-datahub" / "households_internet_access.csv").frame,
        readers.read(shared / "itu-wti" / "individuals-using-internet-by-gender-urban-rural.xls").frame,
        readers.read(shared / "sdg-database" / "sdg-4.4.1-ict-skills.csv").frame.head(500),
        readers.read(shared / "worldbank" / "it.net.bbnd.p2.csv").frame.head(500),
        _handmade(),
    ]
    return pl.concat(parts)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop("source_row").sort(list(KEY))


@pytest.mark.parametrize("fmt", writers.FORMATS)
def test_export_then_read_is_identical(fmt: str, published: pl.DataFrame, tmp_path: Path) -> None:
    path = writers.write(published, tmp_path / f"export{SUFFIX[fmt]}", fmt)
    result = readers.read(path)
    assert result.ok, [str(p) for p in result.errors[:5]]
    assert_frame_equal(_sorted(result.frame), _sorted(published))


def test_csv_export_neutralises_formula_cells(tmp_path: Path) -> None:
    path = writers.write(_handmade(), tmp_path / "out.csv", "csv")
    text = path.read_text(encoding="utf-8")
    for dangerous in ("=HYPERLINK", "+cmd|", "@SUM(A1)", "-2+3"):
        assert f"'{dangerous}" in text or f"\"'{dangerous}" in text
        assert f",{dangerous}" not in text
    assert ",-0.0001," in text  # numbers are numbers, never prefixed


def test_sdmx_csv_neutralises_too(tmp_path: Path) -> None:
    text = writers.write(_handmade(), tmp_path / "out.csv", "sdmx-csv").read_text(encoding="utf-8")
    assert text.startswith("DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD")
    assert "'@SUM(A1)" in text and ",@SUM" not in text


def test_unknown_export_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        writers.write(_handmade(), tmp_path / "x.xlsx", "xlsx")


def test_sdmx_structure_describes_the_data_export(tmp_path: Path) -> None:
    import sdmx as sdmx1

    path = writers.write_sdmx_structure(tmp_path / "structure.xml")
    message = sdmx1.read_sdmx(path)
    dsd = message.structure["ICT_OBS"]
    assert [d.id for d in dsd.dimensions.components] == list(writers.SDMX_DIMENSIONS)
    assert {a.id for a in dsd.attributes.components} == set(writers.SDMX_ATTRIBUTES)
    assert dsd.maintainer.id == "WSIS" and dsd.version == "1.0"
    data = writers.write(_handmade(), tmp_path / "data.xml", "sdmx-ml").read_text(encoding="utf-8")
    assert "DataStructure=WSIS:ICT_OBS(1.0)" in data
