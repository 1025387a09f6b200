"""Spreadsheets: the ITU World Telecommunication/ICT Indicators table (.xls) and tidy .xlsx/.xls sheets.

Before anything opens a workbook the file must be what it claims: an ``.xlsx`` is a zip holding
``xl/workbook.xml`` whose entries uncompress to at most :data:`MAX_UNCOMPRESSED` bytes (and at most
:data:`MAX_RATIO` times their compressed size): a zip bomb is refused from its directory, without
inflating a byte. An ``.xls`` must start with the OLE2 signature. ``.xlsx`` opens read-only with
openpyxl (formulas are not evaluated: a formula cell is an error, since its value is not data we can
trust); ``.xls`` opens with xlrd.

Layouts:
- the ITU WTI table ("Individuals using the Internet ... by gender and urban/rural location"): a title row,
  two header rows (group: All / Gender / Urban / Rural, then Individuals / Male / Female / Total), one
  economy per row by name, "..." for no data, a "Source:" line and footnotes below;
- a tidy sheet whose header names the canonical columns (see :mod:`canonical`).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import polars as pl

from wsis.engine.readers import canonical, common
from wsis.engine.readers.csvio import ROW
from wsis.engine.readers.observation import TOTAL, Exclusion, Problem, ReadError, ReadResult, conform

NAME_WTI = "itu-wti-xls"
NAME_TIDY = "tidy-spreadsheet"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # real xlsx parts compress 5-20x; thousands-fold is a bomb

# (group header, column header) in the WTI table -> (urbanisation, sex)
WTI_COLUMNS = {
    ("all", "individuals"): (TOTAL, TOTAL),
    ("gender", "male"): (TOTAL, "M"),
    ("gender", "female"): (TOTAL, "F"),
    ("urban", "total"): ("U", TOTAL),
    ("urban", "male"): ("U", "M"),
    ("urban", "female"): ("U", "F"),
    ("rural", "total"): ("R", TOTAL),
    ("rural", "male"): ("R", "M"),
    ("rural", "female"): ("R", "F"),
}
WTI_INDICATOR = "i99H"  # "Individuals using the Internet": the ITU code of the same series


def sniff(path: Path) -> bool:
    return path.suffix.lower() in {".xlsx", ".xls", ".xlsm"}


def check_container(path: Path) -> None:
    """Refuse files that are not what their extension says, and zip bombs, before any parser runs."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        if magic.startswith(ZIP):
            raise ReadError(path, "this .xls is really a zip (.xlsx) file: rename it to .xlsx")
        if not magic.startswith(OLE2):
            raise ReadError(path, "not an Excel 97-2003 workbook (no OLE2 signature)")
        return
    if not magic.startswith(ZIP):
        raise ReadError(path, f"not an Excel {suffix} workbook (not a zip file)")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(path, f"damaged or truncated workbook: {exc}") from None
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        raise ReadError(path, "a zip file but not an Excel workbook (no xl/workbook.xml)")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED:
        raise ReadError(
            path, f"refused: uncompresses to {total:,} bytes (limit {MAX_UNCOMPRESSED:,}); zip bomb?"
        )
    for entry in entries:
        if entry.file_size > 1_000_000 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise ReadError(
                path,
                f"refused: {entry.filename} expands {entry.file_size // max(entry.compress_size, 1)}x "
                f"({entry.file_size:,} bytes); zip bomb?",
            )


def rows(path: Path) -> list[list[Any]]:
    """All cells of the first sheet as Python values (text, float, None), after :func:`check_container`."""
    check_container(path)
    if path.suffix.lower() == ".xls":
        import xlrd
        import xlrd.compdoc

        log = io.StringIO()  # xlrd prints its complaints; they become the error message instead
        try:
            book = xlrd.open_workbook(str(path), on_demand=True, logfile=log)
        except xlrd.biffh.XLRDError as exc:
            raise ReadError(path, f"unreadable .xls: {exc}") from None
        except (xlrd.compdoc.CompDocError, AssertionError, IndexError, ValueError, EOFError) as exc:
            detail = " ".join(log.getvalue().split())[:160] or type(exc).__name__
            raise ReadError(path, f"damaged or truncated .xls: {detail}") from None
        try:
            sheet = book.sheet_by_index(0)
            return [[None if v == "" else v for v in sheet.row_values(r)] for r in range(sheet.nrows)]
        finally:
            book.release_resources()
    import openpyxl

    try:
        book = openpyxl.load_workbook(str(path), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged parts; all mean "unreadable"
        raise ReadError(path, f"damaged workbook: {type(exc).__name__}: {exc}") from None
    try:
        sheet = book.worksheets[0]
        out: list[list[Any]] = []
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(row)
            for c, value in enumerate(values, start=1):
                if isinstance(value, str) and value.startswith("="):
                    raise ReadError(
                        path,
                        f"formula cell {value[:40]!r}: only values can be imported",
                        row=r,
                        column=_col(c),
                    )
            out.append(values)
        return out
    finally:
        book.close()


def _col(index: int) -> str:
    name = ""
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def read(path: Path) -> ReadResult:
    table = rows(path)
    if _is_wti(table):
        return _read_wti(path, table)
    header_index = next((i for i, r in enumerate(table[:20]) if _is_canonical_header(r)), None)
    if header_index is None:
        raise ReadError(
            path,
            "unknown spreadsheet layout: neither the ITU WTI table nor a tidy sheet with "
            "indicator/area/period/value columns",
        )
    header = [str(c).strip() if c is not None else "" for c in table[header_index]]
    body = table[header_index + 1 :]
    records = [
        {
            ROW: header_index + 2 + i,
            **{h: (None if v is None else _text(v)) for h, v in zip(header, r, strict=False) if h},
        }
        for i, r in enumerate(body)
        if any(v not in (None, "") for v in r)
    ]
    schema = {ROW: pl.Int64, **{h: pl.String for h in header if h}}
    frame = pl.DataFrame(records, schema=schema)
    result = canonical.read_frame(path, frame)
    result.reader = NAME_TIDY
    return result


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _is_canonical_header(row: list[Any]) -> bool:
    names = {str(c).strip() for c in row if c is not None}
    return {"indicator", "area", "period", "value"} <= names


def _is_wti(table: list[list[Any]]) -> bool:
    head = " ".join(str(c) for r in table[:3] for c in r if c)
    return "Economy name" in head and "Individuals using the Internet" in head


def _read_wti(path: Path, table: list[list[Any]]) -> ReadResult:
    header_row = next(
        i for i, r in enumerate(table[:6]) if any(str(c).strip() == "Economy name" for c in r if c)
    )
    groups_row, labels_row = table[header_row - 1], table[header_row]
    name_col = next(i for i, c in enumerate(labels_row) if c and str(c).strip() == "Economy name")
    year_col = next(i for i, c in enumerate(labels_row) if c and str(c).strip().lower() == "year")
    columns: dict[int, tuple[str, str]] = {}
    group = ""
    for i in range(len(labels_row)):
        if i < len(groups_row) and groups_row[i] and str(groups_row[i]).strip():
            group = str(groups_row[i]).strip().lower()
        label = str(labels_row[i]).strip().lower() if labels_row[i] else ""
        if (group, label) in WTI_COLUMNS:
            columns[i] = WTI_COLUMNS[(group, label)]
    if len(columns) != len(WTI_COLUMNS):
        raise ReadError(
            path,
            f"ITU WTI table: expected {len(WTI_COLUMNS)} value columns, found {len(columns)}",
            row=header_row + 1,
        )

    source, notes = None, []
    records: list[dict[str, Any]] = []
    exclusions: list[Exclusion] = []
    problems: list[Problem] = []
    source_records = 0
    body_end = False
    for r in range(header_row + 1, len(table)):
        row = table[r] + [None] * (len(labels_row) - len(table[r]))
        name = str(row[name_col]).strip() if row[name_col] else ""
        if not name:
            body_end = body_end or any(row)
            continue
        if name.lower().startswith("source"):
            source = " ".join(str(c).strip() for c in row[name_col + 1 :] if c) or None
            body_end = True
            continue
        if body_end or row[year_col] in (None, ""):
            notes.append(name)
            body_end = True
            continue
        for c, (urbanisation, sex) in columns.items():
            cell = row[c]
            if cell in (None, ""):
                continue
            source_records += 1
            text = str(cell).strip()
            if text in {"...", "..", "-"}:
                exclusions.append(Exclusion(str(path), r + 1, f"no data ({text!r}) in column {_col(c + 1)}"))
                continue
            records.append(
                {
                    ROW: r + 1,
                    "name": name,
                    "year": _text(row[year_col]),
                    "raw": text,
                    "column": _col(c + 1),
                    "urbanisation": urbanisation,
                    "sex": sex,
                }
            )
    schema = {
        ROW: pl.Int64,
        "name": pl.String,
        "year": pl.String,
        "raw": pl.String,
        "column": pl.String,
        "urbanisation": pl.String,
        "sex": pl.String,
    }
    frame = pl.DataFrame(records, schema=schema)
    frame, found = common.numbers(path, frame, "raw")
    problems += found
    frame, found = common.year_period(path, frame, "year")
    problems += found
    frame, found = common.resolve_names(path, frame, "name")
    problems += found
    frame = frame.with_columns(
        pl.lit(WTI_INDICATOR).alias("indicator"),
        pl.lit("percent").alias("unit"),
        pl.lit(source).alias("source"),
        pl.lit(" ".join(notes) or None, pl.String).alias("note"),
        pl.lit("reported").alias("nature"),
        pl.col(ROW).alias("source_row"),
    )
    return ReadResult(conform(frame), problems, exclusions, [], source_records, NAME_WTI)
