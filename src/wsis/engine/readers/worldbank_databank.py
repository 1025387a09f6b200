"""World Bank DataBank wide CSV exports (e.g. the Findex digital-payments extract beside the SDG files).

One column per series x year ("... [g20.t.2] - 2014 [YR2014]"), ".." for no data, blank rows and a
"Data from database: ... / Last Updated: ..." footer. Series whose names say ", female" / ", male" are
the sex breakdowns of the series without that word: they share its indicator code (the code of the
total series) with ``sex`` F / M. Source records are the filled value cells (".." included, each then
excluded with its reason) plus footer lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from wsis.engine.readers import common
from wsis.engine.readers.csvio import ROW, decode, header_line, read_text_table, require_columns
from wsis.engine.readers.observation import TOTAL, Exclusion, Problem, ReadError, ReadResult, conform

NAME = "worldbank-databank-csv"


DATABANK_COLUMN = re.compile(
    r"^(?P<name>.*?)\s*\[(?P<code>[^\]]+)\]\s*-\s*(?P<year>\d{4})\s*\[YR\d{4}\]$", re.S
)


def sniff(path: Path) -> bool:
    header = header_line(path)
    return (
        path.suffix.lower() == ".csv"
        and header.startswith(("Country Name,Country Code,", '"Country Name","Country Code",'))
        and "[YR" in _first_record(path)
    )


def _first_record(path: Path) -> str:
    with path.open("rb") as handle:
        return handle.read(1 << 16).decode("utf-8", errors="replace")


def read(path: Path) -> ReadResult:
    frame = read_text_table(path, decode(path))
    require_columns(path, frame, ("Country Name", "Country Code"))
    parsed = {
        c: DATABANK_COLUMN.match(c) for c in frame.columns if c not in {ROW, "Country Name", "Country Code"}
    }
    bad = [c for c, m in parsed.items() if m is None]
    if bad:
        raise ReadError(path, "column is not '<series> [<code>] - <year> [YR<year>]'", row=1, column=bad[0])
    series: dict[str, tuple[str, str, str]] = {}
    totals = {
        m["name"].strip(): m["code"]
        for m in parsed.values()
        if m and not re.search(r",\s*(fe)?male\b", m["name"])
    }
    problems: list[Problem] = []
    for column, m in parsed.items():
        assert m is not None
        name = " ".join(m["name"].split())
        sex_match = re.search(r",\s*(female|male)\b", name)
        if sex_match:
            base = (name[: sex_match.start()] + name[sex_match.end() :]).replace("  ", " ").strip()
            base = " ".join(base.split())
            code = next((c for n, c in totals.items() if " ".join(n.split()) == base), None)
            if code is None:
                problems.append(
                    Problem(
                        str(path),
                        1,
                        column,
                        "sex breakdown without its total series; kept under its own code",
                        "warning",
                    )
                )
                code = m["code"]
            series[column] = (code, "F" if sex_match[1] == "female" else "M", m["year"])
        else:
            series[column] = (m["code"], TOTAL, m["year"])

    footer = pl.col("Country Code").is_null() & pl.col("Country Name").is_not_null()
    blank = pl.all_horizontal(pl.exclude(ROW).is_null())
    exclusions = [
        Exclusion(str(path), r, "DataBank footer line (not data)")
        for r in frame.filter(footer).get_column(ROW).to_list()
    ]
    frame = frame.filter(~footer & ~blank)
    long = frame.unpivot(
        index=[ROW, "Country Code"], on=list(series), variable_name="column", value_name="Value"
    )
    long = long.filter(pl.col("Value").is_not_null() & (pl.col("Value").str.strip_chars() != ""))
    source_records = long.height + len(exclusions)
    dots = pl.col("Value").str.strip_chars() == ".."
    exclusions += [
        Exclusion(str(path), r, f"'..' (no data) in column {c[:60]!r}")
        for r, c in long.filter(dots).select(ROW, "column").rows()
    ]
    long = long.filter(~dots)
    mapping = {c: s for c, s in series.items()}
    long = long.with_columns(
        pl.col("column")
        .replace_strict({c: s[0] for c, s in mapping.items()}, return_dtype=pl.String)
        .alias("indicator"),
        pl.col("column")
        .replace_strict({c: s[1] for c, s in mapping.items()}, return_dtype=pl.String)
        .alias("sex"),
        pl.col("column")
        .replace_strict({c: s[2] for c, s in mapping.items()}, return_dtype=pl.String)
        .alias("period"),
    )
    long, found = common.numbers(path, long, "Value")
    problems += found
    long, found = common.resolve_codes(path, long, "Country Code", groups="WB")
    problems += found
    unit = pl.when(pl.col("column").str.contains("%")).then(pl.lit("percent")).otherwise(pl.lit("unknown"))
    long = long.with_columns(
        unit.alias("unit"),
        pl.lit("World Bank DataBank").alias("source"),
        pl.lit("reported").alias("nature"),
        pl.col(ROW).alias("source_row"),
    )
    return ReadResult(conform(long), problems, exclusions, [], source_records, NAME)
