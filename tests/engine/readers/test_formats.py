"""Shapes with no shared file (API JSON, SDMX, mapped CSV, tidy xlsx): small fixtures written here."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from wsis.engine import readers

SDMX_SERIES = """<?xml version="1.0" encoding="UTF-8"?>
<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
  xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
  xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
 <message:Header><message:ID>T1</message:ID><message:Test>true</message:Test>
  <message:Prepared>2026-01-01T00:00:00</message:Prepared><message:Sender id="TEST"/>
  <message:Structure structureID="S" dimensionAtObservation="TIME_PERIOD">
   <common:Structure><URN>urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=UN:SDG(1.0)</URN></common:Structure>
  </message:Structure></message:Header>
 <message:DataSet structureRef="S">
  <generic:Series>
   <generic:SeriesKey><generic:Value id="SERIES" value="IT_USE_ii99"/>
    <generic:Value id="REF_AREA" value="404"/>
    <generic:Value id="SEX" value="F"/></generic:SeriesKey>
   <generic:Attributes><generic:Value id="UNIT_MEASURE" value="percent"/></generic:Attributes>
   <generic:Obs><generic:ObsDimension value="2021"/><generic:ObsValue value="20.5"/>
    <generic:Attributes><generic:Value id="OBS_STATUS" value="E"/></generic:Attributes></generic:Obs>
   <generic:Obs><generic:ObsDimension value="2022"/><generic:ObsValue value="23"/></generic:Obs>
  </generic:Series>
  <generic:Series>
   <generic:SeriesKey><generic:Value id="SERIES" value="IT_USE_ii99"/><generic:Value id="REF_AREA" value="1"/>
    <generic:Value id="SEX" value="_T"/></generic:SeriesKey>
   <generic:Attributes><generic:Value id="UNIT_MEASURE" value="percent"/></generic:Attributes>
   <generic:Obs><generic:ObsDimension value="2022"/><generic:ObsValue value="66"/></generic:Obs>
  </generic:Series>
 </message:DataSet></message:GenericData>
"""


def test_worldbank_api_json(tmp_path: Path) -> None:
    records = [
        {
            "indicator": {
                "id": "IT.NET.USER.ZS",
                "value": "Individuals using the Internet (% of population)",
            },
            "country": {"id": "1W", "value": "World"},
            "countryiso3code": "WLD",
            "date": "2022",
            "value": 63.1,
            "unit": "",
            "obs_status": "",
            "decimal": 1,
        },
        {
            "indicator": {"id": "IT.NET.USER.ZS", "value": "x"},
            "country": {"id": "KE", "value": "Kenya"},
            "countryiso3code": "KEN",
            "date": "2022",
            "value": 40.8,
            "unit": "",
            "obs_status": "",
            "decimal": 1,
        },
        {
            "indicator": {"id": "IT.NET.USER.ZS", "value": "x"},
            "country": {"id": "KE", "value": "Kenya"},
            "countryiso3code": "KEN",
            "date": "2023",
            "value": None,
            "unit": "",
            "obs_status": "",
            "decimal": 1,
        },
    ]
    path = tmp_path / "wb.json"
    path.write_text(
        json.dumps([{"page": 1, "pages": 1, "per_page": 50, "total": 3, "sourceid": "2"}, records])
    )
    result = readers.read(path)
    assert result.reader == "worldbank-api-json" and result.ok
    assert result.frame.select("area", "area_kind", "value", "unit").rows() == [
        ("WB_WLD", "group", 63.1, "percent"),
        ("KEN", "economy", 40.8, "percent"),
    ]
    assert [(e.row, e.reason) for e in result.exclusions] == [(3, "no value published")]

    error = tmp_path / "wb-error.json"
    error.write_text(
        json.dumps(
            [
                {
                    "message": [
                        {
                            "id": "120",
                            "key": "Invalid value",
                            "value": "The provided parameter value is not valid",
                        }
                    ]
                }
            ]
        )
    )
    with pytest.raises(readers.ReadError, match="answered with an error: The provided parameter"):
        readers.read(error, format="worldbank-api-json")


def test_sdg_api_json(tmp_path: Path) -> None:
    def record(area: str, sex: str, value: str, nature: str) -> dict[str, object]:
        return {
            "goal": ["17"],
            "target": ["17.8"],
            "indicator": ["17.8.1"],
            "series": "IT_USE_ii99",
            "geoAreaCode": area,
            "geoAreaName": "x",
            "timePeriodStart": 2022.0,
            "value": value,
            "upperBound": None,
            "lowerBound": None,
            "source": "ITU",
            "footnotes": ["Age 15+"],
            "attributes": {"Nature": nature, "Units": "PERCENT"},
            "dimensions": {"Sex": sex, "Age": "15+", "Reporting Type": "G"},
        }

    payload = {
        "size": 3,
        "totalElements": 3,
        "data": [
            record("404", "FEMALE", "35.1", "E"),
            record("1", "BOTHSEX", "67", "M"),
            record("404", "MALE", "<5", "C"),
        ],
    }
    path = tmp_path / "sdg.json"
    path.write_text(json.dumps(payload))
    result = readers.read(path)
    assert result.reader == "sdg-api-json" and result.ok
    assert result.frame.select("area", "area_kind", "sex", "age", "nature", "note").rows() == [
        ("KEN", "economy", "F", "Y_GE15", "estimate", "Age 15+"),
        ("M49_001", "group", "_T", "Y_GE15", "modelled", "Age 15+"),
    ]
    assert "censored value '<5'" in result.exclusions[0].reason


def test_sdmx_ml_series_message(tmp_path: Path) -> None:
    path = tmp_path / "sdg.xml"
    path.write_text(SDMX_SERIES, encoding="utf-8")
    result = readers.read(path)
    assert result.reader == "sdmx-ml" and result.ok
    rows = sorted(result.frame.select("indicator", "area", "period", "sex", "value", "nature").rows())
    assert rows == [
        ("IT_USE_ii99", "KEN", "2021", "F", 20.5, "estimate"),
        ("IT_USE_ii99", "KEN", "2022", "F", 23.0, "reported"),
        ("IT_USE_ii99", "M49_001", "2022", "_T", 66.0, "reported"),
    ]


def test_sdmx_csv_from_a_publisher(tmp_path: Path) -> None:
    path = tmp_path / "flow.csv"
    path.write_text(
        "DATAFLOW,SERIES,REF_AREA,TIME_PERIOD,SEX,OBS_VALUE,UNIT_MEASURE,OBS_STATUS\n"
        "UN:DF_SDG(1.0),IT_USE_ii99,KEN,2022,F,35.1,percent,E\n"
        "UN:DF_SDG(1.0),IT_USE_ii99,KEN,2022,M,46.2,percent,A\n"
    )
    result = readers.read(path)
    assert result.reader == "sdmx-csv" and result.ok
    assert result.frame.select("sex", "value", "nature").rows() == [
        ("F", 35.1, "estimate"),
        ("M", 46.2, "reported"),
    ]


def test_generic_csv_with_mapping(tmp_path: Path) -> None:
    data = tmp_path / "survey.csv"
    data.write_text(
        "Land;Jahr;Anteil;Geschlecht\nTürkiye;2023;83,5;Frauen\nCôte d'Ivoire;2023;38.4;Männer\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "survey.yaml"
    mapping.write_text(
        "columns: {area: Land, period: Jahr, value: Anteil, sex: Geschlecht}\n"
        "constants: {indicator: i99H, unit: percent, source: Nationale Erhebung}\n"
        "area_codes: name\n"
        "codes: {sex: {Frauen: F, 'Männer': M}}\n"
        "delimiter: ';'\ndecimal: ','\n",
        encoding="utf-8",
    )
    result = readers.read(data, mapping=mapping)
    assert result.reader == "generic-csv" and result.ok, result.problems
    assert result.frame.select("area", "sex", "value", "source").rows() == [
        ("TUR", "F", 83.5, "Nationale Erhebung"),
        ("CIV", "M", 38.4, "Nationale Erhebung"),
    ]


def test_tidy_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "tidy.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Internet use, written by hand for this test"])
    sheet.append(["indicator", "area", "period", "sex", "value", "unit"])
    sheet.append(["i99H", "KEN", 2022, "F", 35.5, "percent"])
    sheet.append(["i99H", "KEN", 2022, "M", 46.0, "percent"])
    book.save(path)
    result = readers.read(path)
    assert result.ok and result.reader == "tidy-spreadsheet"
    assert result.frame.select("period", "sex", "value", "source_row").rows() == [
        ("2022", "F", 35.5, 3),
        ("2022", "M", 46.0, 4),
    ]


def test_format_can_be_forced_and_unknown_is_clear(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(readers.ReadError, match="unknown format: no reader recognises this file"):
        readers.read(path)
    with pytest.raises(readers.ReadError, match="unknown format 'stata'"):
        readers.read(path, format="stata")
    assert {f.name for f in readers.REGISTRY} >= {"itu-datahub-csv", "sdmx-ml", "sdmx-csv", "spreadsheet"}


def test_worldbank_bulk_with_preamble_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "API_IT.NET.USER.ZS_DS2_en_csv_v2_9.csv"
    path.write_text(
        '\ufeff"Data Source","World Development Indicators",\n\n"Last Updated Date","2024-06-28",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2021","2022",\n'
        '"Kenya","KEN","Internet users (%)","IT.NET.USER.ZS","29.5","40.8",\n'
        '"Somewhere special","XYZ","Internet users (%)","IT.NET.USER.ZS","","9",\n',
        encoding="utf-8",
    )
    meta = tmp_path / ("Metadata_Country_" + path.name)
    meta.write_text(
        "Country Code,Region,IncomeGroup,SpecialNotes,TableName\n"
        "KEN,Sub-Saharan Africa,Lower middle income,,Kenya\nXYZ,,,,Somewhere special\n",
        encoding="utf-8",
    )
    result = readers.read(path)
    assert result.reader == "worldbank-bulk-csv" and result.ok, result.problems
    assert result.frame.select("area", "area_kind", "period", "value", "source_row").rows() == [
        ("KEN", "economy", "2021", 29.5, 6),
        ("KEN", "economy", "2022", 40.8, 6),
        ("WB_XYZ", "group", "2022", 9.0, 7),
    ]
    with pytest.raises(readers.ReadError, match="metadata companion"):
        readers.read(meta)
