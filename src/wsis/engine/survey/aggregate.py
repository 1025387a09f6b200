"""The one pass over the microdata: weighted sums by (stratum, cluster..., domain).

Everything the Taylor variance needs is a sum within a sampling unit, so the data are read once and
reduced to a table with one row per (stratum, PSU[, later-stage units], domain); out-of-domain rows
form their own group so that every PSU keeps its place in the design. For element sampling (R's
``id=~1``) the rows are reduced to (stratum, domain) with second moments, since the unit totals are the
rows themselves. Memory is bounded by that table, never by the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from wsis.engine.survey.backend import Backend
from wsis.engine.survey.design import TaylorDesign
from wsis.engine.survey.errors import SurveyInputError
from wsis.engine.survey.estimands import Estimand, Proportion
from wsis.engine.survey.sql import AnalysisSql, analysis_sql, in_domain_sql, literal

# Sampling fractions below this count as a fully enumerated stratum (R's self-representing test).
SELF_REPRESENTING = 1e-7


@dataclass
class TaylorTable:
    element: bool
    stratum: np.ndarray
    stratum_values: list[Any]
    units: list[np.ndarray]
    unit_parent: list[np.ndarray]
    n_units: list[np.ndarray]
    popsize: list[np.ndarray]
    domain: np.ndarray
    domains: list[tuple[Any, ...]]
    n: np.ndarray
    sw: np.ndarray
    swy: np.ndarray
    swx: np.ndarray
    swyy: np.ndarray
    moments: dict[str, np.ndarray] = field(default_factory=dict)
    rows_total: int = 0
    psu_values: list[Any] = field(default_factory=list)  # first-stage PSU id of each PSU code

    @property
    def degrees_of_freedom(self) -> int:
        """R's ``degf``: first-stage PSUs minus strata (rows minus strata for element sampling)."""
        psus = int(self.n_units[0].sum())
        return psus - len(self.stratum_values)


def level_sql(backend: Backend, estimand: Proportion) -> str:
    """The level as a literal, translating a value label back to its code when the column has labels."""
    level = estimand.level
    for code, label in backend.labels(estimand.variable).items():
        if str(label) == str(level):
            level = code
            break
    return literal(level, backend.is_numeric(estimand.variable))


def estimand_sql(backend: Backend, estimand: Estimand) -> AnalysisSql:
    for column in estimand.columns:
        require(backend, column)
    lev = level_sql(backend, estimand) if isinstance(estimand, Proportion) else None
    return analysis_sql(estimand, backend.dialect, lev)


def require(backend: Backend, column: str) -> None:
    cols = backend.columns()
    if column not in cols:
        raise SurveyInputError(
            f"no such column; the file has {', '.join(sorted(cols))}", column=column, source=backend.source
        )


def as_double(backend: Backend, column: str) -> str:
    """The column as a double in SQL, without a cast when it already is one."""
    quoted = backend.dialect.q(column)
    return quoted if backend.columns().get(column, "").upper() == "DOUBLE" else f"CAST({quoted} AS DOUBLE)"


def check_weights(backend: Backend, weight: str) -> None:
    """Missing or non-positive weights, before any estimate: one ungrouped pass (Parquet statistics
    answer it without reading the column)."""
    q = backend.dialect.q
    wc = q(weight)
    low = backend.query(f"SELECT MIN(COALESCE({wc}, -1)) AS low FROM {backend.relation}")["low"][0]  # noqa: S608 - quoted identifiers
    if low is None or low <= 0:
        rows = offending_rows(backend, f"{wc} IS NULL OR {wc} <= 0")
        raise SurveyInputError(
            "missing or non-positive weights", column=weight, rows=rows, source=backend.source
        )


def offending_rows(backend: Backend, condition: str, limit: int = 11) -> list[int]:
    """1-based data rows where ``condition`` holds (error path only: it scans again)."""
    rel = backend.relation
    sql = (
        f"SELECT wsis_row FROM (SELECT {backend.dialect.row_number} AS wsis_row, * FROM {rel}) AS t "  # noqa: S608 - identifiers are quoted; expressions are the analyst's own
        f"WHERE {condition} ORDER BY wsis_row LIMIT {limit}"
    )
    frame = backend.query(sql)
    return [int(v) for v in frame["wsis_row"].to_list()]


RANGE_LIMIT = 50_000_000


def _compact(values: np.ndarray) -> np.ndarray:
    """Dense ids 0..k-1 of non-negative-able integers: a lookup table when the range is small, else unique."""
    if len(values) == 0:
        return values.astype(np.int64)
    low, high = int(values.min()), int(values.max())
    # A lookup table pays off only while the value range is not much larger than the data.
    if high - low <= min(RANGE_LIMIT, 4 * len(values) + 1024):
        present = np.zeros(high - low + 1, dtype=np.int64)
        present[values - low] = 1
        lookup = np.cumsum(present) - 1
        return lookup[values - low]
    return np.unique(values, return_inverse=True)[1].astype(np.int64)


def _column_codes(series: pl.Series) -> np.ndarray:
    if series.dtype.is_integer():
        return _compact(series.to_numpy().astype(np.int64))
    if series.dtype.is_float():
        return np.unique(series.to_numpy(), return_inverse=True)[1].astype(np.int64)
    physical = series.cast(pl.String).cast(pl.Categorical).to_physical().to_numpy().astype(np.int64)
    return _compact(physical)


def codes(frame: pl.DataFrame, columns: list[str]) -> np.ndarray:
    """Dense integer ids (0..k-1, in no particular order) of the distinct combinations of ``columns``."""
    if not columns:
        return np.zeros(frame.height, dtype=np.int64)
    combined = _column_codes(frame[columns[0]])
    for col in columns[1:]:
        nxt = _column_codes(frame[col])
        combined = _compact(combined * (int(nxt.max()) + 1) + nxt)
    return combined


def first_values(ids: np.ndarray, frame: pl.DataFrame, columns: list[str], count: int) -> list[Any]:
    """The value (or tuple of values, for several columns) of each id, without listing every row."""
    first = np.full(count, -1, dtype=np.int64)
    positions = np.arange(len(ids))[::-1]
    first[ids[positions]] = positions
    picked = frame[first.tolist()].select(columns)
    if len(columns) == 1:
        return picked[columns[0]].to_list()
    return list(zip(*(picked[c].to_list() for c in columns), strict=True))


def aggregate_taylor(
    backend: Backend, design: TaylorDesign, estimand: Estimand, by: list[str], where: str | None
) -> TaylorTable:
    q = backend.dialect.q
    for col in (
        [c for c in (design.strata, design.weight) if c] + list(design.clusters) + list(design.fpc) + by
    ):
        require(backend, col)
    ana = estimand_sql(backend, estimand)
    indom = in_domain_sql(ana.valid, by, where, backend.dialect)
    derive_weights = design.weight is None and bool(design.fpc)
    if derive_weights and design.clusters and len(design.fpc) != len(design.clusters):
        raise SurveyInputError(
            "no weights given and the fpc does not cover every stage, so weights cannot be computed",
            column=design.fpc[0],
            source=backend.source,
        )
    element = not design.clusters
    key_stages = 0 if element else (len(design.clusters) if (design.stages > 1 or derive_weights) else 1)
    if design.weight:
        check_weights(backend, design.weight)
    w = "1.0" if design.weight is None else as_double(backend, design.weight)

    keys: list[str] = []
    names: list[str] = []
    if design.strata:
        keys.append(q(design.strata))
        names.append("s")
    for k in range(key_stages):
        keys.append(q(design.clusters[k]))
        names.append(f"c{k}")
    for i, col in enumerate(by):
        keys.append(f"CASE WHEN {indom} THEN {q(col)} END")
        names.append(f"d{i}")
    keys.append(f"({indom})")
    names.append("indom")

    y, x = ana.y, ana.x
    aggs = ["COUNT(*) AS n", f"SUM({w}) AS sw", f"SUM({w} * {y}) AS swy"]
    if x is not None:
        aggs.append(f"SUM({w} * {x}) AS swx")
    if not ana.y_is_indicator:  # for a 0/1 y the second moment is the first
        aggs.append(f"SUM({w} * {y} * {y}) AS swyy")
    if element:
        # Unit totals are the rows themselves. Centred co-moments per cell (DuckDB's streaming
        # covar_pop) keep the within-stratum sum of squares exact where raw moments would cancel.
        a = f"({w} * {y})"
        b = f"({w} * {x if x is not None else '1.0'})"
        aggs += [
            f"COALESCE(COVAR_POP({a}, {a}), 0) * COUNT(*) AS m2aa",
            f"COALESCE(COVAR_POP({a}, {b}), 0) * COUNT(*) AS m2ab",
            f"COALESCE(COVAR_POP({b}, {b}), 0) * COUNT(*) AS m2bb",
        ]
    fpc_stages = 1 if element else key_stages
    for k, col in enumerate(design.fpc[:fpc_stages]):
        fc = f"CAST({q(col)} AS DOUBLE)"
        aggs += [f"MIN({fc}) AS fmin{k}", f"MAX({fc}) AS fmax{k}", f"COUNT({q(col)}) AS fcount{k}"]

    select = ", ".join([f"{k} AS {n}" for k, n in zip(keys, names, strict=True)] + aggs)
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    frame = backend.query(f"SELECT {select} FROM {backend.relation} GROUP BY {group}")  # noqa: S608 - identifiers are quoted; expressions are the analyst's own
    if frame.height == 0:
        raise SurveyInputError("the data have no rows", source=backend.source)
    return _structure(backend, design, frame, by, key_stages, element, derive_weights, x is not None)


def _check_design_columns(
    backend: Backend, design: TaylorDesign, frame: pl.DataFrame, key_stages: int
) -> None:
    q = backend.dialect.q
    checks = ([("s", design.strata)] if design.strata else []) + [
        (f"c{k}", design.clusters[k]) for k in range(key_stages)
    ]
    for name, col in checks:
        if frame[name].null_count():
            rows = offending_rows(backend, f"{q(col)} IS NULL")
            raise SurveyInputError("missing design values", column=col, rows=rows, source=backend.source)


def _structure(
    backend: Backend,
    design: TaylorDesign,
    frame: pl.DataFrame,
    by: list[str],
    key_stages: int,
    element: bool,
    derive_weights: bool,
    has_x: bool,
) -> TaylorTable:
    _check_design_columns(backend, design, frame, key_stages)
    stratum = codes(frame, ["s"]) if design.strata else np.zeros(frame.height, dtype=np.int64)
    n_strata = int(stratum.max()) + 1
    stratum_values = first_values(stratum, frame, ["s"], n_strata) if design.strata else [None]
    n = frame["n"].to_numpy().astype(np.float64)

    units: list[np.ndarray] = []
    unit_parent: list[np.ndarray] = []
    n_units: list[np.ndarray] = []
    parent = stratum
    n_parent = n_strata
    if element:
        n_units.append(np.bincount(stratum, weights=n, minlength=n_strata))
    for k in range(key_stages):
        unit = _unit_codes(frame, f"c{k}", parent)
        count = int(unit.max()) + 1
        up = np.empty(count, dtype=np.int64)
        up[unit] = parent
        if k == 0 and design.strata and not design.nest:
            _check_nesting(backend, design, frame, unit, stratum)
        units.append(unit)
        unit_parent.append(up)
        n_units.append(np.bincount(up, minlength=n_parent).astype(np.float64))
        parent, n_parent = unit, count

    popsize = _popsizes(backend, design, frame, stratum, units, unit_parent, n_units, element)

    domain = np.full(frame.height, -1, dtype=np.int64)
    indom = frame["indom"].to_numpy().astype(bool)
    inside = frame.filter(pl.col("indom"))
    domains: list[tuple[Any, ...]] = [()]
    if by and inside.height:
        dcols = [f"d{i}" for i in range(len(by))]
        ids = codes(inside, dcols)
        domain[indom] = ids
        domains = first_values(ids, inside, dcols, int(ids.max()) + 1)
        domains = [d if isinstance(d, tuple) else (d,) for d in domains]
        order = sorted(range(len(domains)), key=lambda i: tuple(_sort_key(v) for v in domains[i]))
        remap = np.empty(len(domains), dtype=np.int64)
        remap[order] = np.arange(len(domains))
        domain[indom] = remap[ids]
        domains = [domains[i] for i in order]
    elif not by:
        domain[indom] = 0

    def col(name: str) -> np.ndarray:
        return frame[name].fill_null(0.0).to_numpy().astype(np.float64, copy=False)

    sw, swy = col("sw"), col("swy")
    # Shared arrays where a sum stands for another (one copy fewer of each at census scale); they are
    # never changed in place.
    swyy = col("swyy") if "swyy" in frame.columns else swy
    swx = col("swx") if has_x else sw
    moments: dict[str, np.ndarray] = {}
    if element:
        moments = {name: col(name) for name in ("m2aa", "m2ab", "m2bb")}
    if derive_weights:
        unit_weight = _derived_weights(stratum, units, unit_parent, n_units, popsize, element)
        sw, swy, swx, swyy = (arr * unit_weight for arr in (sw, swy, swx, swyy))
        moments = {name: arr * unit_weight**2 for name, arr in moments.items()}

    return TaylorTable(
        element=element,
        stratum=stratum,
        stratum_values=stratum_values,
        units=units,
        unit_parent=unit_parent,
        n_units=n_units,
        popsize=popsize,
        domain=domain,
        domains=domains,
        n=n,
        sw=sw,
        swy=swy,
        swx=swx,
        swyy=swyy,
        moments=moments,
        rows_total=int(n.sum()),
        psu_values=first_values(units[0], frame, ["c0"], len(unit_parent[0])) if units else [],
    )


def _unit_codes(frame: pl.DataFrame, column: str, parent: np.ndarray) -> np.ndarray:
    """Ids of (parent, unit) pairs. When unit ids never repeat across parents (the usual case) they are
    the unit's own codes; otherwise the pairs are numbered, which is what nesting means."""
    own = codes(frame, [column])
    owner = np.full(int(own.max()) + 1, -1, dtype=np.int64)
    owner[own] = parent
    if np.array_equal(owner[own], parent):
        return own
    pairs = own * (int(parent.max()) + 1) + parent
    return np.unique(pairs, return_inverse=True)[1].astype(np.int64)


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


def _check_nesting(
    backend: Backend, design: TaylorDesign, frame: pl.DataFrame, unit: np.ndarray, stratum: np.ndarray
) -> None:
    psu = codes(frame, ["c0"])
    if int(psu.max()) == int(unit.max()):
        return  # as many PSU ids as (stratum, PSU) pairs: every PSU lies in one stratum
    pairs = np.unique(psu * (int(stratum.max()) + 1) + stratum)
    per_psu = np.bincount(pairs // (int(stratum.max()) + 1))
    bad = np.flatnonzero(per_psu > 1)
    values = first_values(psu, frame, ["c0"], int(psu.max()) + 1)
    shown = [values[i] for i in bad[:5]]
    q = backend.dialect.q
    cond = " OR ".join(f"{q(design.clusters[0])} = {literal(v, isinstance(v, int | float))}" for v in shown)
    rows = offending_rows(backend, cond)
    raise SurveyInputError(
        f"PSUs {shown} appear in more than one stratum of {design.strata!r}; "
        "give --nest if PSU ids restart within each stratum",
        column=design.clusters[0],
        rows=rows,
        source=backend.source,
    )


def _popsizes(
    backend: Backend,
    design: TaylorDesign,
    frame: pl.DataFrame,
    stratum: np.ndarray,
    units: list[np.ndarray],
    unit_parent: list[np.ndarray],
    n_units: list[np.ndarray],
    element: bool,
) -> list[np.ndarray]:
    """Population size per parent and stage (inf without fpc), checked constant within each parent."""
    stages = 1 if element else max(len(units), 1)
    q = backend.dialect.q
    bounds: list[tuple[str, np.ndarray, np.ndarray] | None] = []
    for k in range(stages):
        n_par = n_units[k]
        if k >= len(design.fpc):
            bounds.append(None)
            continue
        col = design.fpc[k]
        if int(frame[f"fcount{k}"].sum()) != int(frame["n"].sum()):
            rows = offending_rows(backend, f"{q(col)} IS NULL")
            raise SurveyInputError("missing fpc values", column=col, rows=rows, source=backend.source)
        parent = stratum if k == 0 else units[k - 1]
        lo = np.full(len(n_par), np.inf)
        hi = np.full(len(n_par), -np.inf)
        np.minimum.at(lo, parent, frame[f"fmin{k}"].to_numpy().astype(np.float64))
        np.maximum.at(hi, parent, frame[f"fmax{k}"].to_numpy().astype(np.float64))
        varies = np.flatnonzero(lo != hi)
        if len(varies):
            cond = f"{q(col)} <> {float(lo[varies[0]])!r}"
            if k == 0 and design.strata:
                value = first_values(stratum, frame, ["s"], len(n_par))[varies[0]]
                cond += f" AND {q(design.strata)} = {literal(value, isinstance(value, int | float))}"
            rows = offending_rows(backend, cond)
            raise SurveyInputError(
                f"fpc varies within a {'stratum' if k == 0 else 'stage-' + str(k) + ' unit'} "
                f"(values {float(lo[varies[0]])!r} and {float(hi[varies[0]])!r})",
                column=col,
                rows=rows,
                source=backend.source,
            )
        if np.any(lo <= 0):
            rows = offending_rows(backend, f"{q(col)} <= 0")
            raise SurveyInputError("fpc must be positive", column=col, rows=rows, source=backend.source)
        bounds.append((col, lo, hi))
    given = [b for b in bounds if b is not None]
    # As R's as.fpc, over all stages together: population sizes if any value exceeds 1 (then none may be
    # below 1), otherwise sampling fractions.
    is_pop = any(bool(np.any(b[1] > 1)) for b in given)
    if is_pop and any(bool(np.any(b[1] < 1)) for b in given):
        col = next(b[0] for b in given if np.any(b[1] < 1))
        raise SurveyInputError(
            "fpc mixes population sizes (> 1) and sampling fractions (< 1)", column=col, source=backend.source
        )
    out: list[np.ndarray] = []
    for k, b in enumerate(bounds):
        n_par = n_units[k]
        if b is None:
            out.append(np.full(len(n_par), np.inf))
            continue
        col, lo, _ = b
        pop = lo if is_pop else n_par / lo
        short = np.flatnonzero(pop < n_par - 1e-9)
        if len(short):
            raise SurveyInputError(
                f"fpc implies more than 100% sampling: population {pop[short[0]]:g} "
                f"but {int(n_par[short[0]])} units sampled",
                column=col,
                source=backend.source,
            )
        out.append(pop)
    return out


def _derived_weights(
    stratum: np.ndarray,
    units: list[np.ndarray],
    unit_parent: list[np.ndarray],
    n_units: list[np.ndarray],
    popsize: list[np.ndarray],
    element: bool,
) -> np.ndarray:
    """R's weights from fpc alone: the product over stages of population size / sample size."""
    if element:
        return (popsize[0] / n_units[0])[stratum]
    weight = np.ones(len(stratum))
    for k, unit in enumerate(units):
        parent = unit_parent[k][unit]
        weight *= (popsize[k] / n_units[k])[parent]
    return weight
