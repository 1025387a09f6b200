"""The registry as a table: the CSV dump and the CSV/XLSX import share these columns, so a dump can be
edited in a spreadsheet and imported again. Lists are ';'-separated codes; structured lists (targets with
evidence, partners, links, results) are JSON in their cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

import polars as pl

from wsis.apps.registry.domain.fields import CODE_LISTS as RELATION_LISTS
from wsis.apps.registry.domain.fields import PLEDGE_SCALARS, PUBLIC_SCALARS, TEXTS
from wsis.apps.registry.domain.snapshots import snapshot
from wsis.apps.registry.enums import TEXT_LANGUAGES, ActivityStatus, Kind, Scope
from wsis.engine.readers.canonical import NEUTRALISED
from wsis.engine.readers.excel import check_container
from wsis.engine.readers.writers import neutralise

UNDO = re.compile(NEUTRALISED, re.DOTALL)

TEXT_COLUMNS = [f"{name}_{lang}" for name in TEXTS for lang in TEXT_LANGUAGES]
CODE_LISTS = [*RELATION_LISTS, "beneficiaries"]
JSON_LISTS = ["targets", "partners", "links", "results", "pledge_targets"]
# Contact fields are private: never in a dump, and not imported from one.
SCALAR_COLUMNS = [*PUBLIC_SCALARS, *PLEDGE_SCALARS]
DATA_COLUMNS = [
    "iati_identifier",
    *SCALAR_COLUMNS[:2],
    *TEXT_COLUMNS,
    *CODE_LISTS,
    *JSON_LISTS,
    *SCALAR_COLUMNS[2:],
]
DUMP_ONLY = ["ref", "url", "organization", "stakeholder_type", "state", "light", "is_demo", "updated_at"]
REQUIRED = ["original_language", "action_lines", "start_date"]


def row_of(initiative, *, url: str, light: str | None) -> dict:
    snap = snapshot(initiative=initiative)
    row = {
        "ref": initiative.ref,
        "url": url,
        "organization": initiative.organization.name,
        "stakeholder_type": initiative.organization.stakeholder_type,
        "state": initiative.state,
        "light": light or "",
        "is_demo": "yes" if initiative.is_demo else "no",
        "updated_at": initiative.updated_at.isoformat(),
        "iati_identifier": initiative.iati_identifier or "",
    }
    for name in SCALAR_COLUMNS:
        row[name] = "" if snap[name] is None else snap[name]
    for col in TEXT_COLUMNS:
        name, lang = col.rsplit("_", 1)
        row[col] = snap[name].get(lang, "")
    for name in CODE_LISTS:
        row[name] = ";".join(snap[name])
    for name in JSON_LISTS:
        row[name] = json.dumps(snap[name], ensure_ascii=False) if snap[name] else ""
    return row


def write_csv(rows: list[dict]) -> bytes:
    """Every cell as text; cells a spreadsheet would run as a formula (``= + - @``, tab, carriage return
    first) get a leading ``'``, by the warehouse exports' own rule, and ``read_csv`` takes it off again."""
    columns = DUMP_ONLY + DATA_COLUMNS
    frame = pl.DataFrame(
        {c: [str(row.get(c, "")) for row in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String)
    )
    return neutralise(frame, columns).write_csv(line_terminator="\n").encode("utf-8")


class RowError(Exception):
    pass


def _choice(value: str, choices, column: str) -> str:
    if value not in choices:
        raise RowError(f"{column}: {value!r} is not one of {', '.join(choices)}")
    return value


def _number(cell, column: str) -> Decimal | None:
    text = "" if cell is None else str(cell).strip()
    try:
        return Decimal(text) if text else None
    except InvalidOperation as exc:
        raise RowError(f"{column}: {cell!r} is not a number") from exc


def data_of(row: dict) -> dict:
    """Entry data from one table row; raises RowError naming the column."""
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise RowError(f"{', '.join(missing)}: required")
    data: dict = {
        "original_language": _choice(row["original_language"].strip(), TEXT_LANGUAGES, "original_language")
    }
    for name in TEXTS:
        data[name] = {lang: (row.get(f"{name}_{lang}") or "").strip() for lang in TEXT_LANGUAGES}
    for name in CODE_LISTS:
        data[name] = [c.strip() for c in (row.get(name) or "").split(";") if c.strip()]
    for name in JSON_LISTS:
        cell = (row.get(name) or "").strip()
        try:
            data[name] = json.loads(cell) if cell else []
        except json.JSONDecodeError as exc:
            raise RowError(f"{name}: not valid JSON ({exc.msg} at character {exc.pos})") from exc
        if not isinstance(data[name], list):
            raise RowError(f"{name}: must be a JSON list")
    data["kind"] = _choice((row.get("kind") or "initiative").strip(), Kind.values, "kind")
    data["scope"] = _choice((row.get("scope") or "national").strip(), Scope.values, "scope")
    data["activity_status"] = _choice(
        (row.get("activity_status") or "ongoing").strip(), ActivityStatus.values, "activity_status"
    )
    for name in ("start_date", "end_date"):
        cell = row.get(name)
        if isinstance(cell, dt.datetime):
            cell = cell.date()
        if isinstance(cell, dt.date):
            data[name] = cell
            continue
        try:
            data[name] = dt.date.fromisoformat(str(cell).strip()) if cell and str(cell).strip() else None
        except ValueError as exc:
            raise RowError(f"{name}: {cell!r} is not a date written YYYY-MM-DD") from exc
    data["budget_value"] = _number(row.get("budget_value"), "budget_value")
    data["budget_currency"] = (row.get("budget_currency") or "USD").strip().upper()
    for name in ("focus_area", "pillar", "pledge_type"):
        data[name] = str(row.get(name) or "").strip()
    data["pledge_value_usd"] = _number(row.get("pledge_value_usd"), "pledge_value_usd")
    if (row.get("iati_identifier") or "").strip():
        data["iati_identifier"] = row["iati_identifier"].strip()
    return data


def read_csv(content: bytes) -> list[dict]:
    text = content.decode("utf-8-sig")
    return [
        {k: _unneutralised(v) if isinstance(v, str) else v for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def _unneutralised(cell: str) -> str:
    """A cell as written before ``write_csv`` protected it (the pattern the warehouse readers undo)."""
    match = UNDO.match(cell)
    return match.group(1) if match else cell


def read_xlsx(content: bytes) -> list[dict]:
    """The first sheet's rows. The warehouse's container check runs first: a file that is not a workbook,
    or a zip bomb (issue 14: 640 KB that inflate past 300 MB), is refused from the zip directory
    (``ReadError``) before openpyxl inflates anything."""
    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.xlsx"
        path.write_bytes(content)
        check_container(path)
        return _sheet_rows(load_workbook(path, read_only=True, data_only=True))


def _sheet_rows(book) -> list[dict]:
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    return [
        {
            h: ("" if v is None else v if isinstance(v, dt.date | dt.datetime) else _unneutralised(str(v)))
            for h, v in zip(header, r, strict=False)
        }
        for r in rows
        if any(v not in (None, "") for v in r)
    ]
