"""A corpus of broken files, generated here: each must give a clear error naming file, row and column.

``expect`` is (message fragment, row, column); row/column ``None`` means the problem concerns the whole
file. Either the reader raises :class:`ReadError` or the result carries the error: both block an import.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from wsis.engine import readers
from wsis.engine.readers.observation import Problem

ITU_HEADER = (
    '"seriesID","seriesCode","seriesName","seriesParent","seriesUnits","entityID","entityIso","entityName",'
    '"dataValue","dataYear","dataNote","dataSource","seriesDescription"\n'
)


def itu_row(
    iso: str = "KEN", value: str = "40.8", year: str = "2022", code: str = "i99H", unit: str = "%"
) -> str:
    return (
        f'11624,"{code}","Individuals using the Internet",,"{unit}",1,"{iso}","Kenya","{value}",{year},'
        '"","ITU estimate.",""\n'
    )


def itu(rows: str) -> bytes:
    return ("\ufeff" + ITU_HEADER + rows).encode("utf-8")


WB_LONG = "Country Name,Country Code,Year,Value\n"
SDG_HEADER = (
    "Goal,Target,Indicator,SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value,Sex,Units,Hazard type\n"
)
CANONICAL = "indicator,area,area_kind,period,sex,value,unit,nature,se\n"
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    '<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">&x;'
    "</message:GenericData>\n"
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>\n'
    '<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">&lol2;'
    "</message:GenericData>\n"
)
SDMX_OK_HEAD = (
    '<?xml version="1.0"?>\n<message:GenericData '
    'xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
    'xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"><message:DataSet>'
    '<generic:Obs><generic:ObsKey><generic:Value id="INDICATOR" value="i99H"/>'
)


def _xlsx(path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                entry.write(chunk)


def _truncated_xlsx(path: Path) -> None:
    _xlsx(path, [["indicator", "area", "period", "value", "unit"], ["i99H", "KEN", 2022, 40.8, "percent"]])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _zip_without_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")


Case = tuple[str, str, Callable[[Path], None], str, int | None, str | None]


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _text(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


CASES: list[Case] = [
    ("itu-truncated-quote", "itu.csv", _bytes(itu(itu_row())[:-40]), "unbalanced quotes", None, None),
    (
        "itu-truncated-row",
        "itu.csv",
        _bytes(itu(itu_row() + '11624,"i99H","Individuals",,"%",1,"UGA"\n')),
        "required value is empty",
        3,
        "dataYear",
    ),
    (
        "itu-latin1",
        "itu.csv",
        _bytes(
            (
                "\n".join(
                    [
                        ITU_HEADER.strip(),
                        itu_row().strip(),
                        itu_row("CIV").replace("Kenya", "Côte d'Ivoire").strip(),
                    ]
                )
                + "\n"
            ).encode("latin-1")
        ),
        "not valid UTF-8",
        3,
        None,
    ),
    ("itu-utf16", "itu.csv", _bytes((ITU_HEADER + itu_row()).encode("utf-16")), "UTF-16", None, None),
    (
        "itu-unknown-code",
        "itu.csv",
        _bytes(itu(itu_row() + itu_row(iso="XYZ"))),
        "unknown area code XYZ",
        3,
        "entityIso",
    ),
    (
        "itu-duplicate-key",
        "itu.csv",
        _bytes(itu(itu_row() + itu_row("UGA") + itu_row(value="41"))),
        "same key as row 2",
        4,
        "key",
    ),
    (
        "itu-text-value",
        "itu.csv",
        _bytes(itu(itu_row(value="about 40"))),
        "not a number: about 40",
        2,
        "dataValue",
    ),
    (
        "itu-percent-250",
        "itu.csv",
        _bytes(itu(itu_row(value="250"))),
        "percentage 250.0 outside 0-100",
        2,
        "value",
    ),
    (
        "itu-negative-per100",
        "itu.csv",
        _bytes(itu(itu_row(code="i992b", unit="per 100 people", value="-3"))),
        "negative per_100 value",
        2,
        "value",
    ),
    (
        "itu-absurd-per100",
        "itu.csv",
        _bytes(itu(itu_row(code="i911mw", unit="count", value="5000"))),
        "per 100 inhabitants is implausible",
        2,
        "value",
    ),
    ("itu-bad-year", "itu.csv", _bytes(itu(itu_row(year="20x9"))), "not a year: 20x9", 2, "dataYear"),
    ("itu-year-1850", "itu.csv", _bytes(itu(itu_row(year="1850"))), "implausible period 1850", 2, "period"),
    ("itu-nan", "itu.csv", _bytes(itu(itu_row(value="NaN"))), "not a finite number", 2, "dataValue"),
    (
        "itu-missing-column",
        "itu.csv",
        _text(ITU_HEADER.replace(',"dataValue"', "") + itu_row().replace(',"40.8"', "")),
        "missing column(s) dataValue",
        None,
        None,
    ),
    (
        "itu-extra-field",
        "itu.csv",
        _bytes(itu(itu_row() + itu_row().replace("\n", ',"surplus"\n'))),
        "14 fields where the header has 13",
        3,
        None,
    ),
    ("empty-csv", "empty.csv", _text(""), "unknown format", None, None),
    (
        "wb-unknown-code",
        "it.net.user.zs.csv",
        _text(WB_LONG + "Kenya,KEN,2022,40.8\nNowhere,ZZZ,2022,1\n"),
        "unknown area code ZZZ",
        3,
        "Country Code",
    ),
    (
        "wb-bulk-text",
        "API_IT.NET.USER.ZS_DS2_en_csv_v2_1.csv",
        _text(
            '"Data Source","World Development Indicators",\n\n"Last Updated Date","2024-06-28",\n\n'
            '"Country Name","Country Code","Indicator Name","Indicator Code","2021","2022",\n'
            '"Kenya","KEN","Internet","IT.NET.USER.ZS","29.5","n/a",\n'
        ),
        "not a number: n/a",
        6,
        "Value",
    ),
    (
        "wb-json-truncated",
        "wb.json",
        _text('[{"page": 1, "pages": 1, "per_page": 50}, [{"countryiso3code": "KEN", "date": "20'),
        "invalid JSON",
        1,
        None,
    ),
    (
        "wb-json-text-value",
        "wb.json",
        _text(
            json.dumps(
                [
                    {"page": 1, "per_page": 50},
                    [
                        {
                            "indicator": {"id": "IT.NET.USER.ZS"},
                            "countryiso3code": "KEN",
                            "date": "2022",
                            "value": "forty",
                        }
                    ],
                ]
            )
        ),
        "not a number: forty",
        1,
        "Value",
    ),
    (
        "sdg-unknown-m49",
        "sdg.csv",
        _text(SDG_HEADER + "17,17.8,17.8.1,IT_USE_ii99,999,Atlantis,2022,50,BOTHSEX,PERCENT,\n"),
        "unknown M49 area code 999",
        2,
        "GeoAreaCode",
    ),
    (
        "sdg-unsupported-dimension",
        "sdg.csv",
        _text(SDG_HEADER + "17,17.8,17.8.1,IT_USE_ii99,404,Kenya,2022,50,BOTHSEX,PERCENT,FLOOD\n"),
        "dimension not supported",
        2,
        "Hazard type",
    ),
    ("xlsx-zip-bomb", "bomb.xlsx", _zip_bomb, "zip bomb", None, None),
    ("xlsx-not-zip", "fake.xlsx", _text("indicator,area\n"), "not a zip file", None, None),
    ("xls-really-xlsx", "renamed.xls", lambda p: _xlsx(p, [["indicator"]]), "really a zip", None, None),
    (
        "xls-not-ole2",
        "fake.xls",
        _text("<html>an HTML table saved as .xls</html>"),
        "no OLE2 signature",
        None,
        None,
    ),
    (
        "xlsx-formula",
        "formula.xlsx",
        lambda p: _xlsx(
            p, [["indicator", "area", "period", "value", "unit"], ["i99H", "KEN", 2022, "=1+1", "percent"]]
        ),
        "formula cell",
        2,
        "D",
    ),
    ("xlsx-truncated", "cut.xlsx", _truncated_xlsx, "damaged or truncated workbook", None, None),
    ("xlsx-no-workbook", "other.xlsx", _zip_without_workbook, "not an Excel workbook", None, None),
    (
        "xlsx-unknown-layout",
        "layout.xlsx",
        lambda p: _xlsx(p, [["a", "b"], [1, 2]]),
        "unknown spreadsheet layout",
        None,
        None,
    ),
    (
        "xml-xxe",
        "xxe.xml",
        _text(XXE),
        "refused",
        None,
        None,
    ),
    ("xml-billion-laughs", "laughs.xml", _text(LAUGHS), "refused", None, None),
    ("xml-truncated", "cut.xml", _text(SDMX_OK_HEAD), "malformed XML", None, None),
    (
        "sdmx-csv-text",
        "flow.csv",
        _text(
            "DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\nX,i99H,KEN,2022,high,percent\n"
        ),
        "not a number: high",
        2,
        "value",
    ),
    (
        "canonical-bad-kind",
        "obs.csv",
        _text(CANONICAL + "i99H,KEN,country,2022,_T,40,percent,reported,\n"),
        "area_kind must be economy or group",
        2,
        "area_kind",
    ),
    (
        "canonical-bad-nature",
        "obs.csv",
        _text(CANONICAL + "i99H,KEN,economy,2022,_T,40,percent,guess,\n"),
        "nature must be one of",
        2,
        "nature",
    ),
    (
        "canonical-unknown-economy",
        "obs.csv",
        _text(CANONICAL + "i99H,ABC,economy,2022,_T,40,percent,reported,\n"),
        "unknown economy code ABC",
        2,
        "area",
    ),
    (
        "canonical-bad-period",
        "obs.csv",
        _text(CANONICAL + "i99H,KEN,economy,22/2023,_T,40,percent,reported,\n"),
        "period must be YYYY",
        2,
        "period",
    ),
    (
        "canonical-negative-se",
        "obs.csv",
        _text(CANONICAL + "i99H,KEN,economy,2022,F,40,percent,survey,-1\n"),
        "negative standard error",
        2,
        "se",
    ),
    (
        "canonical-json-truncated",
        "obs.json",
        _text('{"format": "wsis-observations", "observations": [{"indicator": "i9'),
        "invalid JSON",
        1,
        None,
    ),
    (
        "itu-api-text-value",
        "api.json",
        _text(
            json.dumps(
                [
                    {
                        "code": "i99H",
                        "isoCode": "KEN",
                        "dataYear": 2022,
                        "answer": [{"value": "n/a"}],
                        "dataSource": "",
                        "dataNote": "",
                    }
                ]
            )
        ),
        "not a number: n/a",
        1,
        "raw",
    ),
    (
        "databank-bad-column",
        "databank.csv",
        _text("Country Name,Country Code,Payments [g20.t] - 2017 [YR2017],Payments 2018\nKenya,KEN,1,2\n"),
        "column is not",
        1,
        "Payments 2018",
    ),
    ("unknown-format", "notes.txt", _text("just some notes"), "unknown format", None, None),
]


def _problem(path: Path) -> Problem:
    try:
        result = readers.read(path)
    except readers.ReadError as exc:
        return exc.problem
    assert result.errors, f"{path.name}: no error reported; warnings: {result.warnings}"
    return result.errors[0]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    ("name", "filename", "make", "fragment", "row", "column"), CASES, ids=[c[0] for c in CASES]
)
def test_malformed_file_gives_a_clear_error(
    name: str,
    filename: str,
    make: Callable[[Path], None],
    fragment: str,
    row: int | None,
    column: str | None,
    tmp_path: Path,
) -> None:
    path = tmp_path / filename
    make(path)
    problem = _problem(path)
    assert problem.severity == "error"
    assert problem.file == str(path)
    assert fragment in problem.message, str(problem)
    if row is not None:
        assert problem.row == row, str(problem)
    if column is not None:
        assert problem.column == column, str(problem)


def test_generic_csv_mapping_errors(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text('Country,Year,Share\nKEN,2022,"83,5"\n', encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    missing.write_text(
        "columns: {area: Land, period: Year, value: Share}\nconstants: {indicator: x, unit: percent}\n"
    )
    with pytest.raises(readers.ReadError, match="not in the file: Land"):
        readers.read(data, mapping=missing)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("columns: {area: Country}\nsheet: 2\n")
    with pytest.raises(readers.ReadError, match="unknown mapping key"):
        readers.read(data, mapping=unknown)
    comma = tmp_path / "comma.yaml"
    comma.write_text(
        "columns: {area: Country, period: Year, value: Share}\nconstants: {indicator: x, unit: percent}\n"
    )
    problem = readers.read(data, mapping=comma).errors[0]
    assert (problem.row, problem.column, problem.message) == (2, "value", "not a number: 83,5")


def test_truncated_real_xls(shared: Path, tmp_path: Path) -> None:
    source = (shared / "itu-wti" / "individuals-using-internet-by-gender-urban-rural.xls").read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(source[: len(source) // 2])
    problem = _problem(path)
    assert "damaged or truncated .xls" in problem.message and "truncated" in problem.message
