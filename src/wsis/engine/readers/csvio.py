"""Reading delimited text safely: strict UTF-8 (BOM tolerated), every field as text, clear errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from wsis.engine.readers.observation import ReadError

BOM = b"\xef\xbb\xbf"
ROW = "__row"  # the record number column every helper adds (header = 1)


def decode(path: Path, data: bytes | None = None) -> str:
    """The file as text. Publishers write UTF-8, often with a BOM; anything else is refused with its row."""
    raw = path.read_bytes() if data is None else data
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    refuse_binary(path, raw[:4096])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReadError(
            path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8", row=line
        ) from None


def refuse_binary(path: Path, head: bytes) -> None:
    """UTF-16 (Excel's "Unicode text") and binary files cannot be sniffed or parsed as UTF-8 text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(path, "encoded as UTF-16; re-save the file as UTF-8")
    if b"\x00" in head:
        raise ReadError(
            path, "binary content (NUL bytes): not a text file, or UTF-16 without a BOM; save it as UTF-8"
        )


def read_text_table(path: Path, text: str, *, skip_lines: int = 0) -> pl.DataFrame:
    """Parse CSV text into an all-string frame with a record-number column (header counted as 1)."""
    if not text.strip():
        raise ReadError(path, "the file is empty")
    if text.count('"') % 2:
        # An odd number of quotes means a quoted field never closes: typically a truncated download.
        raise ReadError(path, "unbalanced quotes: a quoted field never closes (truncated file?)")
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            infer_schema=False,
            skip_lines=skip_lines,
            raise_if_empty=True,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, pl.exceptions.ShapeError) as exc:
        row, count, expected = _ragged_row(text, skip_lines)
        if row is not None:
            raise ReadError(
                path, f"malformed CSV: {count} fields where the header has {expected}", row=row
            ) from None
        raise ReadError(path, f"malformed CSV: {str(exc).splitlines()[0]}") from None
    frame = frame.rename({c: c.strip() for c in frame.columns})
    return frame.with_row_index(ROW, offset=2 + skip_lines).with_columns(pl.col(ROW).cast(pl.Int64))


def _ragged_row(text: str, skip_lines: int) -> tuple[int | None, int, int]:
    """The first record (header = 1) whose field count differs from the header's, to name it in errors."""
    records = csv.reader(io.StringIO(text))
    for _ in range(skip_lines):
        next(records, None)
    header = next(records, [])
    for number, record in enumerate(records, start=2 + skip_lines):
        if record and len(record) != len(header):
            return number, len(record), len(header)
    return None, 0, len(header)


def header_line(path: Path, max_bytes: int = 65536) -> str:
    """The first non-empty line (BOM stripped) for sniffing; empty string for unreadable files."""
    try:
        with path.open("rb") as handle:
            head = handle.read(max_bytes)
    except OSError:
        return ""
    if head.startswith(BOM):
        head = head[len(BOM) :]
    for line in head.decode("utf-8", errors="replace").splitlines():
        if line.strip():
            return line
    return ""


def require_columns(path: Path, frame: pl.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReadError(path, f"missing column(s) {', '.join(missing)}; found {', '.join(frame.columns)}")
