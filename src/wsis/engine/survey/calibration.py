"""Calibration of survey weights to population totals, as R's ``postStratify``, ``rake``, ``calibrate``
and ``trimWeights`` do it (conventions: docs/survey-conventions.md).

A calibration is a list of steps applied in order to a design's weights. Each step returns the new
weights and, for the variance, a *residualisation*: a function that replaces the influence values of an
estimator by their residuals from the step's calibration model, exactly as R's ``svyrecvar`` does with
the ``postStrata`` the step leaves on the design. Replicate designs are calibrated replicate by
replicate with the same step (R's methods for ``svyrep.design``).

The numerical work runs on arrays already in memory (one row per respondent); the steps never see SQL.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from wsis.engine.survey.errors import SurveyInputError

Residualise = Callable[[np.ndarray], np.ndarray]
CalFun = Literal["linear", "raking", "logit"]
CALFUNS: tuple[str, ...] = ("linear", "raking", "logit")
INTERCEPT = "(Intercept)"


def category(value: Any) -> str:
    """A category as text, so that a total given as "1" in a file matches the code 1 or 1.0 in data."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class PopulationTable:
    """Population counts of the categories (cross-classified when several variables) of ``variables``:
    R's ``data.frame(stype=..., Freq=...)`` for ``postStratify`` and ``rake``."""

    variables: tuple[str, ...]
    cells: tuple[tuple[tuple[str, ...], float], ...]

    @classmethod
    def of(cls, variables: str | Sequence[str], counts: Mapping[Any, float]) -> PopulationTable:
        """``PopulationTable.of("stype", {"E": 4421, ...})`` or, cross-classified,
        ``PopulationTable.of(("stype", "sch.wide"), {("E", "No"): 472, ...})``."""
        names = (variables,) if isinstance(variables, str) else tuple(variables)
        cells = []
        for key, total in counts.items():
            values = key if isinstance(key, tuple) else (key,)
            if len(values) != len(names):
                raise SurveyInputError(
                    f"population cell {key!r} does not give one value per variable {names}"
                )
            cells.append((tuple(category(v) for v in values), float(total)))
        return cls(names, tuple(cells))

    def total(self) -> float:
        return sum(t for _, t in self.cells)


@dataclass(frozen=True)
class PostStratify:
    """R's ``postStratify(design, ~a+b, table)``: weights scaled to the population count of each cell."""

    table: PopulationTable

    @property
    def columns(self) -> tuple[str, ...]:
        return self.table.variables


@dataclass(frozen=True)
class Rake:
    """R's ``rake(design, margins, tables, control=list(maxit, epsilon))``. ``epsilon`` below 1 is a
    fraction of the sum of the weights, as in R; the default (1 unit of weight) is R's."""

    margins: tuple[PopulationTable, ...]
    maxit: int = 10
    epsilon: float = 1.0

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(v for m in self.margins for v in m.variables)


@dataclass(frozen=True)
class Calibrate:
    """R's ``calibrate(design, ~terms, population, calfun=, bounds=, maxit=, epsilon=)``.

    ``terms`` are columns: text columns (or ``factor(col)``) enter as factors with treatment contrasts,
    numeric columns as they are. ``population`` holds totals under R's model-matrix names
    (``(Intercept)``, ``stypeH``, ``api99``); :meth:`from_margins` builds them from per-variable tables.
    ``intercept=False`` is R's ``~ 0 + ...``.
    """

    terms: tuple[str, ...]
    population: tuple[tuple[str, float], ...]
    calfun: CalFun = "linear"
    bounds: tuple[float, float] = (-math.inf, math.inf)
    maxit: int = 50
    epsilon: float = 1e-7
    intercept: bool = True

    def __post_init__(self) -> None:
        if self.calfun not in CALFUNS:
            raise SurveyInputError(f"calfun must be one of {', '.join(CALFUNS)}")
        low, high = self.bounds
        if self.calfun == "logit" and not (math.isfinite(low) and math.isfinite(high) and low < 1 < high):
            raise SurveyInputError("logit calibration needs finite bounds with lower < 1 < upper")

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(_term_column(t)[0] for t in self.terms)

    @classmethod
    def from_margins(cls, margins: Mapping[str, Mapping[Any, float] | float], **options: Any) -> Calibrate:
        """Totals as tables: ``{"stype": {"E": 4421, "H": 755, "M": 1018}, "api99": 3914069}``.

        Every factor's table must sum to the same population size (the intercept); an error names the
        margins that do not.
        """
        sums = {
            name: sum(float(v) for v in t.values()) for name, t in margins.items() if isinstance(t, Mapping)
        }
        given = margins.get(INTERCEPT)
        if sums and isinstance(given, int | float):
            sums[INTERCEPT] = float(given)
        if sums and max(sums.values()) - min(sums.values()) > 1e-9 * max(abs(v) for v in sums.values()):
            shown = ", ".join(f"{k} sums to {v:g}" for k, v in sums.items())
            first = next(iter(sums.values()))
            # The first margin that disagrees with the first one is named as the column at fault.
            odd = next(k for k, v in sums.items() if abs(v - first) > 1e-9 * max(abs(v), abs(first)))
            raise SurveyInputError(f"population margins do not sum to the same total: {shown}", column=odd)
        return cls._build(margins, options)

    @classmethod
    def _build(cls, margins: Mapping[str, Mapping[Any, float] | float], options: dict[str, Any]) -> Calibrate:
        population: dict[str, float] = {}
        intercept = options.get("intercept", True)
        first_factor = True
        if isinstance(margins.get(INTERCEPT), int | float):
            population[INTERCEPT] = float(margins[INTERCEPT])  # type: ignore[arg-type]
        for name, table in margins.items():
            if name == INTERCEPT:
                continue
            if isinstance(table, Mapping):
                levels = sorted(table, key=category)
                if intercept and first_factor and INTERCEPT not in population:
                    population[INTERCEPT] = float(sum(float(table[k]) for k in levels))
                keep = levels[1:] if intercept or not first_factor else levels
                for level in keep:
                    population[f"{name}{category(level)}"] = float(table[level])
                first_factor = False
            else:
                population[name] = float(table)
        if intercept and INTERCEPT not in population:
            raise SurveyInputError(
                "calibration with an intercept needs the population size: give a factor table or (Intercept)"
            )
        terms = tuple(k for k in margins if k != INTERCEPT)
        return cls(terms, tuple(population.items()), **options)


@dataclass(frozen=True)
class TrimWeights:
    """R's ``trimWeights(design, lower=, upper=, strict=)``: weights clipped to [lower, upper], the
    amount trimmed spread equally over the weights inside; ``strict`` repeats until none is outside."""

    lower: float = -math.inf
    upper: float = math.inf
    strict: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return ()

    def __post_init__(self) -> None:
        if self.lower > self.upper:
            raise SurveyInputError(f"trimming bounds reversed: lower {self.lower} > upper {self.upper}")


Step = PostStratify | Rake | Calibrate | TrimWeights


def _term_column(term: str) -> tuple[str, bool]:
    """(column, forced factor) of a term: ``factor(x)`` forces a factor."""
    t = term.strip()
    if t.startswith("factor(") and t.endswith(")"):
        return t[len("factor(") : -1].strip(), True
    return t, False


# --- post-stratification -------------------------------------------------------------------------------


def _categories(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """(code of each row, text of each code), without a Python loop over rows."""
    series = pl.Series(values)
    if series.dtype == pl.Object:
        series = series.cast(pl.String)
    # Dense ranks are codes in sorted order (a hash-free sort in Polars, far faster than on objects).
    codes = (series.rank("dense") - 1).cast(pl.Int64).to_numpy()
    return codes, [category(u) for u in series.unique().sort().to_list()]


def cell_index(values: Sequence[np.ndarray], table: PopulationTable) -> tuple[np.ndarray, np.ndarray]:
    """Index of each row's population cell, and the cell totals. Sample categories without a total, and
    totals without sample rows, are errors naming the category."""
    parts = [_categories(col) for col in values]
    # One integer per combination (mixed radix), so that a 1-D unique replaces a slow row-wise one.
    combined = np.zeros(len(parts[0][0]), dtype=np.int64)
    for codes, texts in parts:
        combined = combined * len(texts) + codes
    keys, inverse = np.unique(combined, return_inverse=True)
    inverse = inverse.reshape(-1)
    combos = np.empty((len(keys), len(parts)), dtype=np.int64)
    rest = keys.copy()
    for k in range(len(parts) - 1, -1, -1):
        rest, combos[:, k] = np.divmod(rest, len(parts[k][1]))
    position = {cell: i for i, (cell, _) in enumerate(table.cells)}
    names = "+".join(table.variables)
    column = table.variables[0] if len(table.variables) == 1 else names
    of_combo = np.empty(len(combos), dtype=np.int64)
    for c, combo in enumerate(combos):
        cell = tuple(parts[k][1][int(code)] for k, code in enumerate(combo))
        found = position.get(cell)
        if found is None:
            rows = (np.flatnonzero(inverse == c)[:11] + 1).tolist()
            raise SurveyInputError(
                f"category {'/'.join(cell)!r} of {names} is in the sample but has no population total",
                column=column,
                rows=rows,
            )
        of_combo[c] = found
    index = of_combo[inverse]
    counts = np.bincount(index, minlength=len(table.cells))
    empty = [cell for (cell, _), c in zip(table.cells, counts, strict=True) if c == 0]
    if empty:
        raise SurveyInputError(
            f"population category {'/'.join(empty[0])!r} of {names} has no rows in the sample "
            "(R: postStratify(partial=TRUE) would ignore it; merge it with a neighbour instead)",
            column=column,
        )
    totals = np.array([t for _, t in table.cells])
    if np.any(totals <= 0):
        bad = table.cells[int(np.flatnonzero(totals <= 0)[0])][0]
        raise SurveyInputError(
            f"population total of {'/'.join(bad)!r} of {names} is not positive", column=column
        )
    return index, totals


def post_stratify(weights: np.ndarray, index: np.ndarray, totals: np.ndarray) -> np.ndarray:
    cell_sum = np.bincount(index, weights=weights, minlength=len(totals))
    with np.errstate(divide="ignore", invalid="ignore"):
        return weights * (totals / cell_sum)[index]


def post_stratify_residuals(index: np.ndarray, old: np.ndarray, new: np.ndarray) -> Residualise:
    """R's svyrecvar for a post-stratum: z - w * sum_h(z d / w) / sum_h(d) within each cell h."""
    cells = int(index.max()) + 1
    old_sum = np.bincount(index, weights=old, minlength=cells)

    def residualise(z: np.ndarray) -> np.ndarray:
        out = np.empty_like(z)
        for k in range(z.shape[1]):
            means = np.bincount(index, weights=z[:, k] * old / new, minlength=cells) / old_sum
            out[:, k] = z[:, k] - means[index] * new
        return out

    return residualise


def rake_residuals(margins: list[tuple[np.ndarray, np.ndarray]]) -> Residualise:
    """R's svyrecvar for raking: ten sweeps over the margins, each removing the unweighted category mean
    of z / w (w: the weights right after that margin's step in the last cycle).

    The sweeps are linear, so they run on the categories, not the rows: after any number of them
    z = z0 - sum_m w_m a_m[category], and the category mean of z / w_m is
    (sum_h z0 / w_m - sum_m' S_mm' a_m') / n_h with S_mm'[h, h'] = sum over rows in h and h' of
    w_m' / w_m, fixed once. Algebraically R's loop, at two passes over the rows per margin instead of
    thirty."""
    counts = [np.bincount(index).astype(float) for index, _ in margins]
    cross = [
        [
            np.bincount(
                index * len(counts[b]) + other, weights=w_other / w, minlength=len(counts[a]) * len(counts[b])
            ).reshape(len(counts[a]), len(counts[b]))
            for b, (other, w_other) in enumerate(margins)
        ]
        for a, (index, w) in enumerate(margins)
    ]

    def residualise(z: np.ndarray) -> np.ndarray:
        out = z.copy()
        for k in range(z.shape[1]):
            base = [
                np.bincount(index, weights=z[:, k] / w, minlength=len(c))
                for (index, w), c in zip(margins, counts, strict=True)
            ]
            shift = [np.zeros(len(c)) for c in counts]
            for _ in range(10):
                for a in range(len(margins)):
                    removed = sum(cross[a][b] @ shift[b] for b in range(len(margins)))
                    shift[a] = shift[a] + (base[a] - removed) / counts[a]
            for (index, w), a_m in zip(margins, shift, strict=True):
                out[:, k] -= w * a_m[index]
        return out

    return residualise


def rake(
    weights: np.ndarray,
    margins: list[tuple[np.ndarray, np.ndarray]],
    cross: np.ndarray,
    step: Rake,
    names: list[str],
) -> tuple[np.ndarray, list[np.ndarray], int]:
    """Iterative proportional fitting with R's stopping rule: after each cycle the weighted cross-table
    of all margin variables (``cross``: each row's cell) is compared with the previous cycle's and the
    cycle stops when no cell moved by ``epsilon`` or more. Returns the weights, the weights after each
    margin's step in the last cycle, and the cycles run."""
    epsilon = step.epsilon * float(weights.sum()) if step.epsilon < 1 else step.epsilon
    cells = int(cross.max()) + 1
    old_table = np.bincount(cross, weights=weights, minlength=cells)
    w = weights
    after: list[np.ndarray] = []
    for cycle in range(1, step.maxit + 1):
        after = []
        for index, totals in margins:
            w = post_stratify(w, index, totals)
            after.append(w)
        table = np.bincount(cross, weights=w, minlength=cells)
        if np.max(np.abs(table - old_table)) < epsilon:
            return w, after, cycle
        old_table = table
    # Not converged: name the margin furthest from its population totals after the last cycle.
    worst, gap = 0, -1.0
    for m, (index, totals) in enumerate(margins):
        off = float(np.max(np.abs(np.bincount(index, weights=w, minlength=len(totals)) - totals)))
        if off > gap:
            worst, gap = m, off
    raise SurveyInputError(
        f"raking did not converge in {step.maxit} cycles (tolerance {epsilon:g}): margin "
        f"{names[worst]!r} is still {gap:g} from its population totals; raise maxit or check that the "
        "margins describe the same population",
        column=names[worst],
    )


# --- calibrate (GREG, raking, logit) ------------------------------------------------------------------------


def model_matrix(
    columns: Mapping[str, np.ndarray], step: Calibrate, numeric: Mapping[str, bool]
) -> tuple[np.ndarray, list[str]]:
    """The calibration model's matrix (see :func:`design_matrix`)."""
    return design_matrix(columns, step.terms, step.intercept, numeric)


def _level_order(texts: list[str], numeric: bool) -> list[int]:
    order: Any = [float(t) for t in texts] if numeric else texts
    return sorted(range(len(texts)), key=order.__getitem__)


def factor_levels(values: np.ndarray, numeric: bool) -> list[str]:
    """A factor's levels in R's order (C order for text, numeric order for ``factor()`` of codes)."""
    _, texts = _categories(values)
    return [texts[i] for i in _level_order(texts, numeric)]


@dataclass(frozen=True)
class ModelMatrix:
    """R's ``model.matrix(~terms)`` built on demand, a block of rows at a time, so that a model on
    millions of rows never holds the whole matrix: each column is a numeric variable as it is, a
    constant, or a treatment dummy (codes == level) of a factor whose codes span every row."""

    names: list[str]
    rows: int
    # Per column: ("one", None, 0), ("value", array, 0) or ("dummy", codes, level).
    columns: list[tuple[str, np.ndarray | None, int]]

    def block(self, start: int = 0, stop: int | None = None, spare: int = 0) -> np.ndarray:
        """Rows ``start:stop`` (column-major, for the matrix products), with ``spare`` columns left
        for the caller to fill."""
        stop = self.rows if stop is None else stop
        out = np.empty((stop - start, len(self.columns) + spare), order="F")
        for j, (kind, values, level) in enumerate(self.columns):
            if kind == "one":
                out[:, j] = 1.0
            elif kind == "value":
                assert values is not None
                out[:, j] = values[start:stop]
            else:
                assert values is not None
                out[:, j] = values[start:stop] == level
        return out


def model_columns(
    columns: Mapping[str, np.ndarray], terms: Sequence[str], intercept: bool, numeric: Mapping[str, bool]
) -> ModelMatrix:
    """R's ``model.matrix(~terms)``: an intercept, treatment-coded factors (the first level dropped when
    there is an intercept or an earlier factor), numeric columns as they are. Text levels sort in C
    order (R's factor() under LC_COLLATE=C); ``factor(x)`` of a numeric column sorts its codes as
    numbers, as R does."""
    n = len(next(iter(columns.values()))) if columns else 0
    built: list[tuple[str, np.ndarray | None, int]] = []
    names: list[str] = []
    if intercept:
        built.append(("one", None, 0))
        names.append(INTERCEPT)
    full_rank_done = intercept
    for term in terms:
        col, forced = _term_column(term)
        values = columns[col]
        if numeric[col] and not forced:
            built.append(("value", np.asarray(values), 0))
            names.append(term)
            continue
        codes, texts = _categories(values)
        levels = _level_order(texts, numeric[col])
        prefix = term if forced else col
        for level in levels[1:] if full_rank_done else levels:
            built.append(("dummy", codes, level))
            names.append(f"{prefix}{texts[level]}")
        full_rank_done = True
    return ModelMatrix(names, n, built)


def design_matrix(
    columns: Mapping[str, np.ndarray], terms: Sequence[str], intercept: bool, numeric: Mapping[str, bool]
) -> tuple[np.ndarray, list[str]]:
    """The whole of :func:`model_columns`' matrix, and its column names."""
    matrix = model_columns(columns, terms, intercept, numeric)
    return matrix.block(), matrix.names


def population_vector(step: Calibrate, names: list[str]) -> np.ndarray:
    given = dict(step.population)
    missing = [n for n in names if n not in given]
    if missing:
        raise SurveyInputError(
            f"the sample has category/term {missing[0]!r} but the population totals do not "
            f"(totals given: {', '.join(given)})",
            column=missing[0],
        )
    extra = [n for n in given if n not in names]
    if extra:
        raise SurveyInputError(
            f"population total {extra[0]!r} matches no category or term of the sample "
            f"(the model has {', '.join(names)})",
            column=extra[0],
        )
    return np.array([given[n] for n in names])


def _logit_parts(u: np.ndarray, bounds: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    low, high = bounds
    a = (high - low) / ((1 - low) * (high - 1))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a * u)
        num = low * (high - 1) + high * (1 - low) * e
        den = high - 1 + (1 - low) * e
        g = num / den
        dg = (high * (1 - low) * a * e * den - num * (1 - low) * a * e) / den**2
    return g, dg


def _calfun(kind: CalFun, u: np.ndarray, bounds: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    if kind == "raking":
        with np.errstate(over="ignore"):
            g = np.exp(u)
        return g, g
    if kind == "logit":
        return _logit_parts(u, bounds)
    return 1 + u, np.ones_like(u)


def calibration_factors(
    x: np.ndarray, d: np.ndarray, population: np.ndarray, step: Calibrate, names: list[str]
) -> np.ndarray:
    """The g-weights (new weight = d * g)."""
    sample = x.T @ d
    if step.calfun == "linear" and not any(math.isfinite(b) for b in step.bounds):
        # R's regcalibrate: closed form g = 1 + x' (X'DX)^-1 (T - X'd).
        t = x.T @ (x * d[:, None])
        try:
            return 1 + x @ np.linalg.solve(t, population - sample)
        except np.linalg.LinAlgError as exc:
            raise SurveyInputError(
                f"calibration model is singular (terms {', '.join(names)}): a term is constant or "
                "a combination of others in the sample"
            ) from exc
    return _grake(x, d, population, step, names)


def _grake(
    x: np.ndarray, d: np.ndarray, population: np.ndarray, step: Calibrate, names: list[str]
) -> np.ndarray:
    """R's ``grake``: Newton steps from eta = 0 with a Moore-Penrose inverse (MASS::ginv, tolerance
    256 machine epsilons), step halving when g leaves its domain, stopping when every
    |misfit| / (1 + |total|) is below ``epsilon`` after a step."""
    eta = np.zeros(x.shape[1])
    g, dg = _calfun(step.calfun, x @ eta, step.bounds)
    iteration = 1
    tol = 256 * np.finfo(float).eps
    while True:
        tmat = (x * (d * dg)[:, None]).T @ x
        misfit = population - x.T @ (g * d)
        delta = np.linalg.pinv(tmat, rcond=tol) @ misfit
        eta = eta + delta
        g, dg = _calfun(step.calfun, x @ eta, step.bounds)
        while iteration < step.maxit and not (np.all(np.isfinite(g)) and np.all(np.isfinite(dg))):
            iteration += 1
            delta = delta / 2
            eta = eta - delta
            g, dg = _calfun(step.calfun, x @ eta, step.bounds)
        misfit = population - x.T @ (g * d)
        relative = np.abs(misfit) / (1 + np.abs(population))
        relative = np.where(np.isfinite(relative), relative, np.inf)  # g left its domain: not converged
        if np.all(relative < step.epsilon):
            return g
        iteration += 1
        if iteration > step.maxit:
            worst = int(np.argmax(relative))
            raise SurveyInputError(
                f"{step.calfun} calibration did not converge in {step.maxit} iterations: total "
                f"{names[worst]!r} is still off by {float(relative[worst]):.3g} (relative); "
                "widen the bounds or raise maxit",
                column=names[worst],
            )


def greg_residuals(x: np.ndarray, d: np.ndarray, g: np.ndarray) -> Residualise:
    """R's svyrecvar for a g-calibration: qr.resid(qr(X sqrt(d)), z / (g sqrt(d))) * g sqrt(d)."""
    root = np.sqrt(d)
    q, r = np.linalg.qr(x * root[:, None])
    # Columns R's pivoting QR would drop (rank deficiency) do not add to the projection.
    keep = np.abs(np.diag(r)) > 1e-7 * max(float(np.max(np.abs(np.diag(r)))), 1e-300)
    q = q[:, keep]
    gw = g * root

    def residualise(z: np.ndarray) -> np.ndarray:
        scaled = z / gw[:, None]
        return (scaled - q @ (q.T @ scaled)) * gw[:, None]

    return residualise


# --- trimming --------------------------------------------------------------------------------------------


def trim(weights: np.ndarray, step: TrimWeights) -> np.ndarray:
    """R's trimWeights on one weight vector (or each column of a matrix of replicate weights)."""
    if weights.ndim == 2:
        return np.column_stack([trim(weights[:, r], step) for r in range(weights.shape[1])])
    w = weights
    for _ in range(1000):
        outside = (w < step.lower) | (w > step.upper)
        if not outside.any():
            return w
        clipped = np.clip(w, step.lower, step.upper)
        inside = ~outside
        if not inside.any():
            raise SurveyInputError(
                f"every weight lies outside [{step.lower:g}, {step.upper:g}]: nothing to spread the trimmed "
                "weight over"
            )
        clipped[inside] += float((w - clipped).sum()) / int(inside.sum())
        w = clipped
        if not step.strict:
            return w
    raise SurveyInputError(f"strict trimming to [{step.lower:g}, {step.upper:g}] did not settle")
