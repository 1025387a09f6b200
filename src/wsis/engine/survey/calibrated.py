"""Estimation on a calibrated design.

Calibration changes every respondent's weight, so unlike the other designs it cannot work on sums by
PSU alone: the columns it needs (design, calibration variables, the analysis variable) are read once
into memory, the steps of :mod:`wsis.engine.survey.calibration` produce the weights (and replicate
weights), and then

* replicate designs estimate each replicate with its recalibrated weights (R's ``svrVar``);
* Taylor designs take the estimator's influence values, residualise them through every step as R's
  ``svyrecvar`` does, and hand the result to the usual Taylor machinery as a total (so strata, stages,
  fpc and lonely-PSU rules are exactly those of an uncalibrated design).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from wsis.engine.survey.aggregate import (
    _sort_key,
    aggregate_taylor,
    check_weights,
    codes,
    estimand_sql,
    first_values,
    offending_rows,
    require,
)
from wsis.engine.survey.backend import Backend, as_backend
from wsis.engine.survey.calibration import (
    Calibrate,
    PostStratify,
    Rake,
    Residualise,
    Step,
    TrimWeights,
    calibration_factors,
    category,
    cell_index,
    greg_residuals,
    model_matrix,
    population_vector,
    post_stratify,
    post_stratify_residuals,
    rake,
    rake_residuals,
    trim,
)
from wsis.engine.survey.design import BuiltReplicates, CalibratedDesign, ReplicateDesign, TaylorDesign
from wsis.engine.survey.errors import SurveyInputError, with_source
from wsis.engine.survey.estimands import Estimand, Total
from wsis.engine.survey.readers import SurveyData
from wsis.engine.survey.replicate import (
    build_factors,
    default_scale,
    replicate_degrees_of_freedom,
    replicate_variance,
)
from wsis.engine.survey.sql import in_domain_sql
from wsis.engine.survey.sums import DomainSums

ONE = "wsis_unit_weight"
COLUMN, Z = "wsis_column", "wsis_z"
# Above this many unit x column rows the columns' variances are taken one at a time (bounded memory).
STACKED_ROWS = 20_000_000


@dataclass
class CalibratedWeights:
    """Calibrated weights in file order; replicate weights (rows x replicates) for replicate designs."""

    weights: np.ndarray
    replicate_weights: np.ndarray | None = None
    scale: float = 1.0
    rscales: np.ndarray | None = None
    mse: bool = False
    df: float = float("nan")
    residualise: list[Residualise] = field(default_factory=list)
    frame: pl.DataFrame = field(default_factory=pl.DataFrame)


AnyDesign = CalibratedDesign | TaylorDesign | ReplicateDesign | BuiltReplicates


def _parts(design: AnyDesign) -> tuple[TaylorDesign | ReplicateDesign | BuiltReplicates, tuple[Step, ...]]:
    """(base design, calibration steps): an uncalibrated design is its own base with no steps."""
    if isinstance(design, CalibratedDesign):
        return design.base, design.steps
    return design, ()


def _taylor_of(design: AnyDesign) -> TaylorDesign | None:
    base, _ = _parts(design)
    if isinstance(base, TaylorDesign):
        return base
    if isinstance(base, BuiltReplicates):
        return base.base
    return None


def _design_columns(design: AnyDesign) -> list[str]:
    base, steps = _parts(design)
    cols: list[str] = []
    taylor = _taylor_of(design)
    if taylor is not None:
        cols += [c for c in (taylor.strata, taylor.weight) if c] + list(taylor.clusters) + list(taylor.fpc)
    if isinstance(base, ReplicateDesign):
        cols += ([base.weight] if base.weight else []) + list(base.replicate_weights)
    for step in steps:
        cols += list(step.columns)
    return list(dict.fromkeys(cols))


def _fetch(backend: Backend, design: AnyDesign, extra: dict[str, str]) -> pl.DataFrame:
    """One read of the columns the calibration and the estimate need, in file order."""
    q = backend.dialect.q
    columns = _design_columns(design)
    for col in columns:
        require(backend, col)
    select = [f"{q(c)} AS {q('c' + str(i))}" for i, c in enumerate(columns)]
    select += [f"{expr} AS {q(name)}" for name, expr in extra.items()]
    frame = backend.query(f"SELECT {', '.join(select)} FROM {backend.relation}")  # noqa: S608 - quoted identifiers; expressions are the analyst's own
    if frame.height == 0:
        raise SurveyInputError("the data have no rows", source=backend.source)
    return frame.rename({f"c{i}": c for i, c in enumerate(columns)})


def _base_weights(backend: Backend, design: AnyDesign, frame: pl.DataFrame) -> np.ndarray:
    base, _ = _parts(design)
    weight = base.weight if isinstance(base, TaylorDesign | ReplicateDesign) else base.base.weight
    if weight is None:
        taylor = _taylor_of(design)
        if taylor is not None and taylor.fpc:
            raise SurveyInputError("calibrating a design whose weights come from the fpc: give --weight")
        return np.ones(frame.height)
    check_weights(backend, weight)
    return frame[weight].cast(pl.Float64).to_numpy().copy()


def _replicates(
    backend: Backend, design: AnyDesign, frame: pl.DataFrame, d: np.ndarray
) -> tuple[np.ndarray | None, float, np.ndarray | None, bool, float]:
    base, _ = _parts(design)
    if isinstance(base, ReplicateDesign):
        reps = np.column_stack([frame[c].cast(pl.Float64).to_numpy() for c in base.replicate_weights])
        if not base.combined_weights:
            reps = reps * d[:, None]
        scale, rscales = default_scale(base, reps.shape[1])
        df = replicate_degrees_of_freedom(backend, [backend.dialect.q(c) for c in base.replicate_weights])
        return reps, scale, rscales, base.mse, df
    if isinstance(base, BuiltReplicates):
        factors, scale, rscales, df = _built_factors(backend, base, frame)
        return d[:, None] * factors, scale, rscales, base.mse, df
    return None, 1.0, None, False, float("nan")


def _built_factors(
    backend: Backend, built: BuiltReplicates, frame: pl.DataFrame
) -> tuple[np.ndarray, float, np.ndarray, float]:
    """Each row's replicate factors (rows x replicates), built per first-stage PSU as estimate() does,
    with the replicate scale, rscales and degrees of freedom."""
    taylor = built.base
    if not taylor.clusters:
        raise SurveyInputError("replicates are built from PSUs: give --psu (a row id for element sampling)")
    if taylor.weight is None:
        raise SurveyInputError("calibrating built replicates needs --weight")
    first = TaylorDesign(
        strata=taylor.strata,
        clusters=taylor.clusters[:1],
        weight=taylor.weight,
        fpc=taylor.fpc[:1],
        nest=taylor.nest,
        lonely_psu=taylor.lonely_psu,
        ultimate_cluster=True,
    )
    table = aggregate_taylor(backend, first, Total(taylor.weight), [], None)
    factors = build_factors(table, built, table.psu_values)
    position = {
        (table.stratum_values[int(table.unit_parent[0][u])], psu): u for u, psu in enumerate(table.psu_values)
    }
    strata = frame[taylor.strata].to_list() if taylor.strata else [None] * frame.height
    psus = frame[taylor.clusters[0]].to_list()
    index = np.fromiter((position[(s, p)] for s, p in zip(strata, psus, strict=True)), dtype=np.int64)
    R = factors.factors.shape[0]
    df = float(R - 1) if built.type in ("bootstrap", "SDR") else float(table.degrees_of_freedom)
    rows = factors.factors.T[index]
    rscales = factors.rscales
    if built.type in ("JK1", "JKn"):
        # R numbers jackknife replicates by stratum, then PSU, in order of first appearance in the file.
        stratum_of = np.asarray(
            codes(frame, [taylor.strata]) if taylor.strata else np.zeros(frame.height, dtype=np.int64)
        )
        first_row = np.full(int(stratum_of.max()) + 1, frame.height)
        np.minimum.at(first_row, stratum_of, np.arange(frame.height))
        dropped = np.argmax(rows == 0, axis=0)
        order = np.lexsort((dropped, first_row[stratum_of[dropped]]))
        rows, rscales = rows[:, order], rscales[order]
    return rows, factors.scale, rscales, df


def _values(frame: pl.DataFrame, backend: Backend, columns: tuple[str, ...]) -> list[np.ndarray]:
    """Calibration variables as arrays; a missing value is an error naming the column and rows."""
    out = []
    q = backend.dialect.q
    for col in columns:
        series = frame[col]
        if series.null_count():
            rows = offending_rows(backend, f"{q(col)} IS NULL")
            raise SurveyInputError(
                "missing values in a calibration variable", column=col, rows=rows, source=backend.source
            )
        out.append(series.to_numpy())
    return out


def _is_numeric(backend: Backend, column: str) -> bool:
    return backend.is_numeric(column)


def apply_steps(backend: Backend, design: AnyDesign, frame: pl.DataFrame) -> CalibratedWeights:
    """The design's weights (and replicate weights) after its calibration steps, if any."""
    d = _base_weights(backend, design, frame)
    reps, scale, rscales, mse, df = _replicates(backend, design, frame, d)
    w = d
    residualise: list[Residualise] = []
    for step in _parts(design)[1]:
        try:
            if isinstance(step, PostStratify):
                index, totals = cell_index(_values(frame, backend, step.table.variables), step.table)
                new = post_stratify(w, index, totals)
                residualise.append(post_stratify_residuals(index, w, new))
                if reps is not None:
                    reps = np.column_stack(
                        [post_stratify(reps[:, r], index, totals) for r in range(reps.shape[1])]
                    )
                w = new
            elif isinstance(step, Rake):
                margins = [cell_index(_values(frame, backend, m.variables), m) for m in step.margins]
                names = ["+".join(m.variables) for m in step.margins]
                cross = codes(frame, list(step.columns))
                w, after, cycles = rake(w, margins, cross, step, names)
                residualise.append(
                    rake_residuals([(index, a) for (index, _), a in zip(margins, after, strict=True)])
                )
                if reps is not None:
                    for _ in range(cycles):
                        for index, totals in margins:
                            reps = np.column_stack(
                                [post_stratify(reps[:, r], index, totals) for r in range(reps.shape[1])]
                            )
            elif isinstance(step, Calibrate):
                cols = step.columns
                values = dict(zip(cols, _values(frame, backend, cols), strict=True))
                numeric = {c: _is_numeric(backend, c) for c in cols}
                x, names = model_matrix(values, step, numeric)
                population = population_vector(step, names)
                g = calibration_factors(x, w, population, step, names)
                residualise.append(greg_residuals(x, w, g))
                if reps is not None:
                    reps = np.column_stack(
                        [
                            reps[:, r] * calibration_factors(x, reps[:, r], population, step, names)
                            for r in range(reps.shape[1])
                        ]
                    )
                w = w * g
            elif isinstance(step, TrimWeights):
                w = trim(w, step)
                if reps is not None:
                    reps = trim(reps, step)
        except SurveyInputError as exc:
            raise with_source(exc, backend.source) from exc
    return CalibratedWeights(w, reps, scale, rscales, mse, df, residualise, frame)


def calibrated_weights(data: SurveyData | Backend, design: CalibratedDesign) -> CalibratedWeights:
    """The calibrated weights (and replicate weights) of ``design`` on ``data``, in file order."""
    backend = as_backend(data)
    return apply_steps(backend, design, _fetch(backend, design, {}))


def calibrated_sums(
    backend: Backend, design: CalibratedDesign, estimand: Estimand, by: list[str], where: str | None
) -> DomainSums:
    for col in by:
        require(backend, col)
    ana = estimand_sql(backend, estimand)
    indom = in_domain_sql(ana.valid, by, where, backend.dialect)
    q = backend.dialect.q
    extra = {"wsis_y": f"CASE WHEN {indom} THEN {ana.y} END", "wsis_in": f"({indom})"}
    if ana.x is not None:
        extra["wsis_x"] = f"CASE WHEN {indom} THEN {ana.x} END"
    for i, col in enumerate(by):
        extra[f"wsis_d{i}"] = f"CASE WHEN {indom} THEN {q(col)} END"
    frame = _fetch(backend, design, extra)
    cal = apply_steps(backend, design, frame)
    inside = frame["wsis_in"].fill_null(False).to_numpy().astype(bool)
    if not inside.any():
        raise SurveyInputError("no rows in the requested domain", source=backend.source)
    domain, domains = _domains(frame, by, inside)
    D = len(domains)
    y = frame["wsis_y"].fill_null(0.0).to_numpy().astype(float)
    x = frame["wsis_x"].fill_null(0.0).to_numpy().astype(float) if ana.x is not None else inside.astype(float)
    rows = np.flatnonzero(inside)
    dom = domain[rows]

    def totals(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Per-domain sums of weights x values (weights: one vector, or rows x replicates)."""
        if weights.ndim == 1:
            return np.bincount(dom, weights=(weights * values)[rows], minlength=D)
        out = np.zeros((D, weights.shape[1]))
        for d in range(D):
            mine = rows[dom == d]
            out[d] = values[mine] @ weights[mine]
        return out

    w = cal.weights
    Y, X = totals(y, w), totals(x, w)
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = Y if estimand.is_total else Y / X
    if cal.replicate_weights is not None:
        rep_y, rep_x = totals(y, cal.replicate_weights), totals(x, cal.replicate_weights)
        with np.errstate(divide="ignore", invalid="ignore"):
            reps = rep_y if estimand.is_total else rep_y / rep_x
        assert cal.rscales is not None
        variance = replicate_variance(theta, reps, cal.scale, cal.rscales, cal.mse)
        df = cal.df
    else:
        taylor = _taylor_of(design)
        assert taylor is not None
        # One domain at a time: residualised influence values are dense (every row of the sample),
        # so holding all domains at once would cost rows x domains doubles.
        units, index = unit_structure(frame, taylor)
        per_unit = np.empty((units.height, D))
        for d in range(D):
            z = np.zeros((frame.height, 1))
            mine = rows[dom == d]
            if estimand.is_total:
                z[mine, 0] = w[mine] * y[mine]
            else:
                z[mine, 0] = w[mine] * (y[mine] - theta[d] * x[mine]) / X[d]
            for step in cal.residualise:
                z = step(z)
            per_unit[:, d] = unit_totals(z, index, units.height)[:, 0]
        variance, df = unit_variance(backend.source, taylor, units, per_unit)
    n = np.bincount(dom, minlength=D).astype(float)
    ones = np.ones(frame.height)
    return DomainSums(domains, theta, variance, n, totals(ones, w), Y, totals(y * y, w), df)


def _domains(
    frame: pl.DataFrame, by: list[str], inside: np.ndarray
) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    domain = np.full(frame.height, -1, dtype=np.int64)
    if not by:
        domain[inside] = 0
        return domain, [()]
    sub = frame.filter(pl.Series(inside))
    dcols = [f"wsis_d{i}" for i in range(len(by))]
    ids = codes(sub, dcols)
    found = first_values(ids, sub, dcols, int(ids.max()) + 1)
    first = {i: (v if isinstance(v, tuple) else (v,)) for i, v in enumerate(found)}
    order = sorted(first, key=lambda i: tuple(_sort_key(v) for v in first[i]))
    remap = np.empty(len(order), dtype=np.int64)
    remap[order] = np.arange(len(order))
    domain[inside] = remap[ids]
    return domain, [first[i] for i in order]


def unit_structure(frame: pl.DataFrame, taylor: TaylorDesign) -> tuple[pl.DataFrame, np.ndarray | None]:
    """The design columns of each sampling unit the variance uses (one row per unit of the last stage
    it uses), and each row's unit; element sampling keeps the rows (index None). The Taylor variance
    sees influence values only through their totals per unit, so these are all it needs."""
    keep = list(dict.fromkeys(c for c in (taylor.strata, *taylor.clusters, *taylor.fpc) if c))
    if not taylor.clusters:
        return frame.select(keep), None
    stages = len(taylor.clusters) if taylor.stages > 1 else 1
    units = list(dict.fromkeys(c for c in (taylor.strata, *taylor.clusters[:stages]) if c))
    index = codes(frame, units)
    first = np.full(int(index.max()) + 1, frame.height, dtype=np.int64)
    np.minimum.at(first, index, np.arange(frame.height))
    return frame[first.tolist()].select(keep), index


def unit_totals(z: np.ndarray, index: np.ndarray | None, units: int) -> np.ndarray:
    if index is None:
        return z
    return np.column_stack([np.bincount(index, weights=z[:, k], minlength=units) for k in range(z.shape[1])])


def unit_variance(
    source: str, taylor: TaylorDesign, units: pl.DataFrame, totals: np.ndarray
) -> tuple[np.ndarray, float]:
    """Variance of the total of each column of ``totals`` (one row per unit of ``units``): the
    columns go through the ordinary aggregation as totals with unit weights, so strata, stages, fpc
    and lonely-PSU rules are those of every other estimate (R's ``svyrecvar``)."""
    from wsis.engine.survey.estimate import estimate
    from wsis.engine.survey.readers import survey_from_frame

    plain = TaylorDesign(
        strata=taylor.strata,
        clusters=taylor.clusters,
        weight=ONE,
        fpc=taylor.fpc,
        nest=taylor.nest,
        lonely_psu=taylor.lonely_psu,
        ultimate_cluster=taylor.ultimate_cluster,
    )
    K = totals.shape[1]
    if taylor.clusters and K > 1 and units.height * K <= STACKED_ROWS:
        # Every column at once: the units repeated once per column, the column index as the domain.
        # Each unit is in every domain, so each domain's variance is exactly that column's total's
        # variance (same PSU counts, strata and lonely-PSU rules), in one aggregation instead of K.
        stacked = pl.concat(
            [
                units.with_columns(
                    pl.lit(1.0).alias(ONE), pl.lit(k).alias(COLUMN), pl.Series(Z, totals[:, k])
                )
                for k in range(K)
            ]
        )
        per_column = estimate(survey_from_frame(stacked, source), plain, Total(Z), by=[COLUMN])
        return np.array([row.se**2 for row in per_column]), per_column[0].df
    data = units.with_columns(
        pl.lit(1.0).alias(ONE), *[pl.Series(f"wsis_z{k}", totals[:, k]) for k in range(K)]
    )
    rows = survey_from_frame(data, source)
    variance = np.empty(K)
    df = float("nan")
    for k in range(K):
        (row,) = estimate(rows, plain, Total(f"wsis_z{k}"))
        variance[k] = row.se**2
        df = row.df
    return variance, df


def influence_variance(
    source: str, taylor: TaylorDesign, frame: pl.DataFrame, z: np.ndarray
) -> tuple[np.ndarray, float]:
    """Taylor variance of the total of each column of ``z`` (per-row influence values, already
    weighted) under ``taylor``, whose design columns ``frame`` holds in the same row order: R's
    ``svyrecvar(z, design)``."""
    units, index = unit_structure(frame, taylor)
    return unit_variance(source, taylor, units, unit_totals(z, index, units.height))


def influence_covariance(source: str, taylor: TaylorDesign, frame: pl.DataFrame, z: np.ndarray) -> np.ndarray:
    """Full design covariance of the totals of the columns of ``z`` (per-row influence values)."""
    units, index = unit_structure(frame, taylor)
    return unit_covariance(source, taylor, units, unit_totals(z, index, units.height))


def unit_covariance(source: str, taylor: TaylorDesign, units: pl.DataFrame, totals: np.ndarray) -> np.ndarray:
    """Full design covariance of the totals of the columns of ``totals`` (one row per unit): variances
    of each column and of each pair's sum (cov(a, b) = (var(a + b) - var(a) - var(b)) / 2)."""
    K = totals.shape[1]
    pairs = [(a, b) for a in range(K) for b in range(a + 1, K)]
    columns = np.column_stack([totals] + [totals[:, a] + totals[:, b] for a, b in pairs]) if pairs else totals
    variance, _ = unit_variance(source, taylor, units, columns)
    V = np.diag(variance[:K])
    for k, (a, b) in enumerate(pairs):
        V[a, b] = V[b, a] = (variance[K + k] - variance[a] - variance[b]) / 2
    return V


__all__ = [
    "CalibratedWeights",
    "calibrated_sums",
    "calibrated_weights",
    "category",
    "influence_covariance",
    "influence_variance",
    "unit_covariance",
    "unit_structure",
    "unit_totals",
    "unit_variance",
]
