"""Replicate-weight variance: the file's own replicate weights, or replicates built from a Taylor design.

File weights: one scan sums ``w_r*y`` and ``w_r*x`` for every replicate r and domain, so 80 replicates
cost one pass. Built replicates (R's ``as.svrepdesign``): each replicate multiplies a PSU's weights by
a factor, so the replicate estimates are a (replicates x PSU) factor matrix times the PSU totals of
the Taylor aggregation; no replicate-weight column is ever written.

The variance is ``scale * sum_r rscales_r (theta_r - centre)^2`` with the centre the mean of the
replicates (R's default ``mse=FALSE``) or the full-sample estimate (``mse=TRUE``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from wsis.engine.survey.aggregate import (
    SELF_REPRESENTING,
    TaylorTable,
    _sort_key,
    as_double,
    codes,
    estimand_sql,
    offending_rows,
    require,
)
from wsis.engine.survey.backend import Backend
from wsis.engine.survey.design import BuiltReplicates, ReplicateDesign
from wsis.engine.survey.errors import SurveyInputError
from wsis.engine.survey.estimands import Estimand
from wsis.engine.survey.hadamard import hadamard
from wsis.engine.survey.linearization import stratum_scale
from wsis.engine.survey.sql import in_domain_sql


def match_replicate_columns(columns: list[str], pattern: str) -> tuple[str, ...]:
    """Columns whose name matches ``pattern`` (R's ``grep``: anywhere in the name), in file order."""
    try:
        rx = re.compile(pattern)
    except re.error as exc:
        raise SurveyInputError(f"bad replicate-weight pattern {pattern!r}: {exc}") from exc
    found = tuple(c for c in columns if rx.search(c))
    if not found:
        raise SurveyInputError(f"no column matches the replicate-weight pattern {pattern!r}")
    return found


@dataclass
class ReplicateSums:
    """Per-domain weighted sums for the full sample and each replicate (arrays: domain x replicate)."""

    domains: list[tuple[Any, ...]]
    n: np.ndarray
    sw: np.ndarray
    swy: np.ndarray
    swx: np.ndarray
    swyy: np.ndarray
    rep_y: np.ndarray
    rep_x: np.ndarray
    scale: float
    rscales: np.ndarray
    mse: bool
    df: float


def default_scale(design: ReplicateDesign, replicates: int) -> tuple[float, np.ndarray]:
    """R's svrepdesign defaults for scale and rscales."""
    t = design.type
    if t == "BRR":
        scale = 1.0 / replicates
    elif t == "Fay":
        rho = design.rho or 0.0
        scale = 1.0 / (replicates * (1 - rho) ** 2)
    elif design.scale is not None:
        scale = design.scale
    elif t == "bootstrap":
        scale = 1.0 / (replicates - 1)
    elif t == "JK1":
        scale = (replicates - 1) / replicates
    elif t == "SDR":
        scale = 4.0 / replicates
    else:
        scale = 1.0
    if design.rscales is None:
        rscales = np.ones(replicates)
    elif isinstance(design.rscales, int | float):
        rscales = np.full(replicates, float(design.rscales))
    else:
        rscales = np.asarray(design.rscales, dtype=float)
        if len(rscales) != replicates:
            raise SurveyInputError(f"{len(rscales)} rscales for {replicates} replicate weights")
    return scale, rscales


def _type_violation(design: ReplicateDesign, rep: str, w: str) -> str | None:
    """SQL condition true on rows whose replicate weight cannot come from this replicate type."""
    tol = f"1e-6 * ABS({w})"
    if design.type == "BRR":
        return f"NOT ({rep} = 0 OR ABS({rep} - 2 * {w}) <= {tol})"
    if design.type == "Fay":
        rho = design.rho or 0.0
        return f"NOT (ABS({rep} - {rho!r} * {w}) <= {tol} OR ABS({rep} - {2 - rho!r} * {w}) <= {tol})"
    return None


def aggregate_file_replicates(
    backend: Backend, design: ReplicateDesign, estimand: Estimand, by: list[str], where: str | None
) -> ReplicateSums:
    q = backend.dialect.q
    for col in list(design.replicate_weights) + by + ([design.weight] if design.weight else []):
        require(backend, col)
    ana = estimand_sql(backend, estimand)
    indom = in_domain_sql(ana.valid, by, where, backend.dialect)
    w = "1.0" if design.weight is None else as_double(backend, design.weight)
    _validate_replicates(backend, design, w)
    y = ana.y
    x = ana.x
    keys = [f"CASE WHEN {indom} THEN {q(c)} END AS d{i}" for i, c in enumerate(by)] + [f"({indom}) AS indom"]
    # A 0/1 outcome becomes a group key: each replicate then needs one sum, not two (sum(w_r * y) is
    # the sum of w_r over the y = 1 groups), which halves the work of an 80-replicate pass.
    split_y = ana.y_is_indicator and x is None
    if split_y:
        keys.append(f"({y}) AS yv")
        aggs = ["COUNT(*) AS n", f"SUM({w}) AS sw"]
    else:
        aggs = [
            "COUNT(*) AS n",
            f"SUM({w}) AS sw",
            f"SUM({w} * {y}) AS swy",
            f"SUM({w} * {x}) AS swx" if x else f"SUM({w}) AS swx",
            f"SUM({w} * {y} * {y}) AS swyy",
        ]
    for i, col in enumerate(design.replicate_weights):
        r = as_double(backend, col)
        full = r if design.combined_weights else f"({r} * {w})"
        if split_y:
            aggs.append(f"SUM({full}) AS rx{i}")
        else:
            aggs += [
                f"SUM({full} * {y}) AS ry{i}",
                f"SUM({full} * {x}) AS rx{i}" if x else f"SUM({full}) AS rx{i}",
            ]
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    frame = backend.query(f"SELECT {', '.join(keys + aggs)} FROM {backend.relation} GROUP BY {group}")  # noqa: S608 - quoted identifiers, analyst's own expressions
    if split_y:
        one = pl.col("yv") == 1
        frame = frame.with_columns(
            pl.when(one).then(pl.col("sw")).otherwise(0.0).alias("swy"),
            pl.col("sw").alias("swx"),
            *[
                pl.when(one).then(pl.col(f"rx{i}")).otherwise(0.0).alias(f"ry{i}")
                for i in range(len(design.replicate_weights))
            ],
        ).with_columns(pl.col("swy").alias("swyy"))
    inside = frame.filter(pl.col("indom"))
    if inside.height == 0:
        raise SurveyInputError("no rows in the requested domain", source=backend.source)
    dcols = [f"d{i}" for i in range(len(by))]
    if by:
        ids = codes(inside, dcols)
        tuples = list(zip(*(inside[c].to_list() for c in dcols), strict=True))
        count = int(ids.max()) + 1
        first: dict[int, tuple[Any, ...]] = {}
        for i, t in zip(ids.tolist(), tuples, strict=True):
            first.setdefault(i, t)
        order = sorted(range(count), key=lambda i: tuple(_sort_key(v) for v in first[i]))
        remap = np.empty(count, dtype=np.int64)
        remap[order] = np.arange(count)
        ids = remap[ids]
        domains = [first[i] for i in order]
    else:
        ids = np.zeros(inside.height, dtype=np.int64)
        domains = [()]
    D = len(domains)

    def per_domain(name: str) -> np.ndarray:
        return np.bincount(ids, weights=inside[name].fill_null(0).to_numpy().astype(float), minlength=D)

    R = len(design.replicate_weights)
    rep_y = np.column_stack([per_domain(f"ry{i}") for i in range(R)])
    rep_x = np.column_stack([per_domain(f"rx{i}") for i in range(R)])
    scale, rscales = default_scale(design, R)
    return ReplicateSums(
        domains=domains,
        n=per_domain("n"),
        sw=per_domain("sw"),
        swy=per_domain("swy"),
        swx=per_domain("swx"),
        swyy=per_domain("swyy"),
        rep_y=rep_y,
        rep_x=rep_x,
        scale=scale,
        rscales=rscales,
        mse=design.mse,
        df=replicate_degrees_of_freedom(backend, [backend.dialect.q(c) for c in design.replicate_weights]),
    )


def _validate_replicates(backend: Backend, design: ReplicateDesign, w: str) -> None:
    """Missing, negative, never-zero (jackknife) or impossible (BRR, Fay) replicate weights, before any
    estimate. One ungrouped pass; on Parquet the minima come from the file's statistics."""
    q = backend.dialect.q
    parts = [f"MIN(COALESCE({q(col)}, -1)) AS rmin{i}" for i, col in enumerate(design.replicate_weights)]
    if design.weight:
        parts.append(f"MIN(COALESCE({q(design.weight)}, -1)) AS wmin")
    value_checks: list[tuple[str, str]] = []
    if design.combined_weights and design.type in ("BRR", "Fay"):
        for col in design.replicate_weights:
            bad = _type_violation(design, as_double(backend, col), w)
            assert bad is not None
            parts.append(f"SUM(CASE WHEN {bad} THEN 1 ELSE 0 END) AS bad{len(value_checks)}")
            value_checks.append((col, bad))
    row = backend.query(f"SELECT {', '.join(parts)} FROM {backend.relation}").row(0, named=True)  # noqa: S608 - quoted identifiers
    if design.weight and (row["wmin"] is None or row["wmin"] <= 0):
        wc = q(design.weight)
        rows = offending_rows(backend, f"{wc} IS NULL OR {wc} <= 0")
        raise SurveyInputError(
            "missing or non-positive weights", column=design.weight, rows=rows, source=backend.source
        )
    for i, col in enumerate(design.replicate_weights):
        low = row[f"rmin{i}"]
        if low is None or low < 0:
            rows = offending_rows(backend, f"{q(col)} IS NULL OR {q(col)} < 0")
            raise SurveyInputError(
                "missing or negative replicate weights", column=col, rows=rows, source=backend.source
            )
        if design.type in ("JK1", "JKn") and low != 0:
            raise SurveyInputError(
                f"a {design.type} replicate drops a PSU, so some of its weights must be 0; "
                "this column has none",
                column=col,
                source=backend.source,
            )
    for j, (col, cond) in enumerate(value_checks):
        if row[f"bad{j}"]:
            rows = offending_rows(backend, cond)
            raise SurveyInputError(
                f"not a {design.type} replicate weight", column=col, rows=rows, source=backend.source
            )


RANK_SAMPLE_ROWS = 5_000


def replicate_degrees_of_freedom(backend: Backend, reps: list[str]) -> float:
    """R's ``degf``: rank of the replicate weights minus one (JKn built per stratum, for instance, has
    fewer independent replicates than columns). Taken on the first rows of the file (all of a small
    file): a file sorted by stratum whose first rows miss whole strata gets a lower rank, so wider,
    conservative intervals; pass ``df=`` to override."""
    columns = ", ".join(f"{r} AS r{i}" for i, r in enumerate(reps))
    sql = f"SELECT {columns} FROM {backend.relation} LIMIT {RANK_SAMPLE_ROWS}"  # noqa: S608 - quoted identifiers
    matrix = backend.query(sql).to_numpy().astype(float)
    if matrix.size == 0:
        return float(len(reps) - 1)
    # R's qr(tol=1e-5): columns whose remaining norm falls below 1e-5 of the largest do not add rank.
    singular = np.linalg.svd(matrix, compute_uv=False)
    rank = int(np.sum(singular > 1e-5 * singular[0])) if singular[0] > 0 else 0
    return float(max(rank - 1, 1))


def replicate_variance(
    theta: np.ndarray, replicates: np.ndarray, scale: float, rscales: np.ndarray, mse: bool
) -> np.ndarray:
    """R's ``svrVar`` per domain; replicates giving no estimate (an emptied domain) are dropped as R does."""
    out = np.empty(len(theta))
    for d in range(len(theta)):
        reps = replicates[d]
        ok = np.isfinite(reps)
        rs = rscales[ok]
        r = reps[ok]
        if not ok.any():
            out[d] = np.nan
            continue
        centre = theta[d] if mse else r[rs > 0].mean()
        out[d] = scale * float(np.sum(rs * (r - centre) ** 2))
    return out


# --- replicates built from a Taylor design (as.svrepdesign) ------------------------------------------


@dataclass
class ReplicateFactors:
    factors: np.ndarray  # replicates x PSUs
    scale: float
    rscales: np.ndarray


def build_factors(table: TaylorTable, built: BuiltReplicates, psu_values: list[Any]) -> ReplicateFactors:
    """Replicate factors per first-stage PSU, following R's jk1weights, jknweights and brrweights."""
    psu_stratum = table.unit_parent[0]
    n_psu = len(psu_stratum)
    n_units = table.n_units[0]
    pop = table.popsize[0]
    f, _ = stratum_scale(n_units, pop)
    kind = built.type
    if kind == "JK1":
        n = n_psu
        a = np.full((n, n), n / (n - 1))
        np.fill_diagonal(a, 0.0)
        fpc = f[0] if built.base.fpc else 1.0
        return ReplicateFactors(a, fpc * (n - 1) / n, np.ones(n))
    if kind == "JKn":
        return _jkn(table, built, psu_stratum, n_units, f)
    if kind in ("BRR", "Fay"):
        return _brr(table, built, psu_stratum, psu_values)
    if kind == "SDR":
        return _sdr(n_psu, built.replicates)
    if kind == "bootstrap":
        return _bootstrap(psu_stratum, n_units, built)
    raise SurveyInputError(f"cannot build {kind} replicates")


def _jkn(
    table: TaylorTable, built: BuiltReplicates, psu_stratum: np.ndarray, n_units: np.ndarray, f: np.ndarray
) -> ReplicateFactors:
    rule = built.base.lonely_psu
    columns: list[np.ndarray] = []
    rscales: list[float] = []
    n_strata = len(n_units)
    fpc = f if built.base.fpc else np.ones(n_strata)
    for h in range(n_strata):
        members = np.flatnonzero(psu_stratum == h)
        nh = len(members)
        if nh == 1:
            # A one-PSU stratum that is fully enumerated (N = n = 1) has no sampling variance and no
            # replicate, as in R's jknweights; otherwise it is a lonely PSU.
            if fpc[h] < SELF_REPRESENTING:
                continue
            if rule == "fail":
                raise SurveyInputError(
                    f"stratum {table.stratum_values[h]!r} has only one PSU (lonely PSU); choose --lonely-psu",
                    column=built.base.strata,
                )
            if rule in ("adjust", "adjust-4.1"):  # jknweights has one rule for both
                col = np.where(psu_stratum == h, 0.0, n_strata / (n_strata - 1))
                columns.append(col)
                rscales.append((n_strata - 1) / n_strata)
            continue
        for m in members:
            col = np.ones(len(psu_stratum))
            col[members] = nh / (nh - 1)
            col[m] = 0.0
            columns.append(col)
            rscales.append(fpc[h] * (nh - 1) / nh)
    if not columns:
        raise SurveyInputError("all strata were exhaustively sampled: there is no sampling variance")
    scale = 1.0
    if rule == "average" and len(columns) < len(psu_stratum):
        scale = len(psu_stratum) / len(columns)
    return ReplicateFactors(np.array(columns), scale, np.array(rscales))


def _brr(
    table: TaylorTable, built: BuiltReplicates, psu_stratum: np.ndarray, psu_values: list[Any]
) -> ReplicateFactors:
    counts = np.bincount(psu_stratum, minlength=len(table.stratum_values))
    if np.any(counts != 2):
        bad = table.stratum_values[int(np.flatnonzero(counts != 2)[0])]
        raise SurveyInputError(
            f"BRR needs exactly two PSUs per stratum; stratum {bad!r} has {int(counts[counts != 2][0])}",
            column=built.base.strata,
        )
    # R orders strata as character strings and pairs PSUs in stratum order.
    order = sorted(range(len(table.stratum_values)), key=lambda h: str(table.stratum_values[h]))
    H = hadamard(len(order))
    rho = built.rho
    factors = np.empty((H.shape[1], len(psu_stratum)))
    for pos, h in enumerate(order):
        members = sorted(np.flatnonzero(psu_stratum == h).tolist(), key=lambda u: _sort_key(psu_values[u]))
        first, second = members
        row = H[pos + 1]
        # H = 0 keeps the second PSU of the pair (factor 2 - rho), H = 1 the first.
        factors[:, first] = np.where(row == 0, rho, 2 - rho)
        factors[:, second] = np.where(row == 0, 2 - rho, rho)
    R = H.shape[1]
    return ReplicateFactors(factors, 1.0 / (R * (1 - rho) ** 2), np.ones(R))


def _sdr(n_psu: int, replicates: int | None) -> ReplicateFactors:
    """Fay and Train's successive-difference replicates over PSUs in id order: unit i takes rows i and
    i+1 (cycling, skipping the all-ones row) of a Hadamard matrix, factor 1 + 2^-1.5 (h_i - h_i+1).
    The number of replicates is rounded up to an available Hadamard order (80 stays 80)."""
    H = hadamard((replicates or n_psu + 1) - 1)
    R = H.shape[0]
    signs = 2.0 * H - 1.0  # R's coding: 1 is +1
    cycle = R - 1
    c = 2 ** (-1.5)
    factors = np.empty((R, n_psu))
    for i in range(n_psu):
        factors[:, i] = 1 + c * signs[(i % cycle) + 1] - c * signs[((i + 1) % cycle) + 1]
    return ReplicateFactors(factors, 4.0 / R, np.ones(R))


def _bootstrap(psu_stratum: np.ndarray, n_units: np.ndarray, built: BuiltReplicates) -> ReplicateFactors:
    """Rao-Wu rescaled bootstrap: n_h - 1 PSUs drawn with replacement in each stratum."""
    R = built.replicates or 50
    rng = np.random.default_rng(built.seed)
    factors = np.zeros((R, len(psu_stratum)))
    for h in range(len(n_units)):
        members = np.flatnonzero(psu_stratum == h)
        nh = len(members)
        if nh < 2:
            factors[:, members] = 1.0
            continue
        for r in range(R):
            draws = np.bincount(rng.integers(0, nh, nh - 1), minlength=nh)
            factors[r, members] = draws * nh / (nh - 1)
    return ReplicateFactors(factors, 1.0 / (R - 1), np.ones(R))
