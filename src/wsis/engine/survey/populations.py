"""Population totals for calibration, read from small CSV files (census tables an office already has).

* A post-stratification table or a raking margin: one column per variable and a count column named
  ``Freq`` (R's name), ``total``, ``count`` or ``N``; one row per category (per cell when
  cross-classified).
* Calibration totals, either as tables (``variable,level,total``: a factor's categories on several rows,
  a numeric variable on one row with an empty level) or under R's model-matrix names (``term,total``:
  ``(Intercept)``, ``stypeH``, ``api99``), which then need the model's terms.

Errors name the file, the row and the column; nothing is estimated from a table that does not parse.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wsis.engine.survey.calibration import Calibrate, PopulationTable, category
from wsis.engine.survey.errors import SurveyInputError

COUNT_COLUMNS = ("Freq", "total", "count", "N")


def _rows(path: str | Path) -> tuple[list[str], list[list[str]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = list(csv.reader(handle))
    except OSError as exc:
        raise SurveyInputError(f"cannot read population totals: {exc}", source=str(path)) from exc
    if not reader or len(reader) < 2:
        raise SurveyInputError("population totals need a header and at least one row", source=str(path))
    header = [h.strip() for h in reader[0]]
    return header, [r for r in reader[1:] if any(c.strip() for c in r)]


def _number(text: str, path: str | Path, row: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SurveyInputError(
            f"not a number: {text!r}", column=column, rows=[row], source=str(path)
        ) from None
    if value != value:
        raise SurveyInputError("missing total", column=column, rows=[row], source=str(path))
    return value


def read_table(path: str | Path) -> PopulationTable:
    """A post-stratification table or one raking margin."""
    header, rows = _rows(path)
    counts = [h for h in header if h in COUNT_COLUMNS]
    if len(counts) != 1 or len(header) < 2:
        raise SurveyInputError(
            f"expected the variable columns and one count column named one of {', '.join(COUNT_COLUMNS)}; "
            f"the header is {', '.join(header)}",
            source=str(path),
        )
    at = header.index(counts[0])
    variables = tuple(h for i, h in enumerate(header) if i != at)
    cells: dict[tuple[str, ...], float] = {}
    for number, row in enumerate(rows, start=2):  # file lines: the header is line 1
        if len(row) != len(header):
            raise SurveyInputError(
                f"{len(row)} fields, the header has {len(header)}", rows=[number], source=str(path)
            )
        key = tuple(category(row[i].strip()) for i in range(len(header)) if i != at)
        if key in cells:
            raise SurveyInputError(f"category {'/'.join(key)!r} given twice", rows=[number], source=str(path))
        cells[key] = _number(row[at].strip(), path, number, counts[0])
    return PopulationTable(variables, tuple(cells.items()))


def read_calibration(path: str | Path, terms: Sequence[str] = (), **options: Any) -> Calibrate:
    """Calibration totals from a file: tables (``variable,level,total``) or R's names (``term,total``)."""
    header, rows = _rows(path)
    if header[:3] == ["variable", "level", "total"]:
        margins: dict[str, dict[str, float] | float] = {}
        lines: dict[str, list[int]] = {}
        for number, row in enumerate(rows, start=2):
            variable, level, total = (c.strip() for c in row[:3])
            lines.setdefault(variable, []).append(number)
            value = _number(total, path, number, "total")
            if level == "":
                margins[variable] = value
                continue
            table = margins.setdefault(variable, {})
            if not isinstance(table, dict):
                raise SurveyInputError(
                    f"variable {variable!r} has both a total and categories", rows=[number], source=str(path)
                )
            if level in table:
                raise SurveyInputError(f"{variable}={level} given twice", rows=[number], source=str(path))
            table[level] = value
        try:
            step = Calibrate.from_margins(margins, **options)
        except SurveyInputError as exc:
            # The file's lines of the margin at fault, so that the office can find it in the table.
            rows_of = lines.get(exc.column or "", [])
            raise SurveyInputError(exc.message, column=exc.column, rows=rows_of, source=str(path)) from exc
        if terms and tuple(terms) != step.terms:
            step = Calibrate(tuple(terms), step.population, **options)
        return step
    if header[:2] == ["term", "total"]:
        if not terms:
            raise SurveyInputError(
                "totals under model-matrix names (term,total) need the model's terms (--calibrate-terms)",
                source=str(path),
            )
        population = []
        seen: set[str] = set()
        for number, row in enumerate(rows, start=2):
            name = row[0].strip()
            if name in seen:
                raise SurveyInputError(f"term {name!r} given twice", rows=[number], source=str(path))
            seen.add(name)
            population.append((name, _number(row[1].strip(), path, number, "total")))
        return Calibrate(tuple(terms), tuple(population), **options)
    raise SurveyInputError(
        f"expected a header variable,level,total or term,total; got {', '.join(header)}", source=str(path)
    )
