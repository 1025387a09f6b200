"""Taylor-linearisation variance on the aggregated table, stage by stage as R's ``svyrecvar`` does.

For a ratio ``R = Y/X`` in domain d the linearised value of a unit is ``(Y_u - R X_u) / X`` (for a total,
``Y_u``); it is linear in the unit's weighted sums, so the (stratum, PSU, domain) sums are enough. Within
each stratum (or, at later stages, within each sampled unit) the variance is
``(1 - n/N) n/(n-1) sum_i (z_i - zbar)^2`` with PSUs outside the domain counting as zeros, so a domain
keeps the design's PSU counts instead of shrinking to a subset. Later stages are added, scaled by the
sampling fraction of the stages above, when the fpc is given at every stage.
"""

from __future__ import annotations

import numpy as np

from wsis.engine.survey.aggregate import SELF_REPRESENTING, TaylorTable
from wsis.engine.survey.design import TaylorDesign
from wsis.engine.survey.errors import SurveyInputError

DENSE_LIMIT = 50_000_000


def _group(keys: np.ndarray, size: int) -> tuple[np.ndarray, int, np.ndarray | None]:
    """Map keys to dense group ids: the keys themselves when the key space is small, else unique ids."""
    if size <= DENSE_LIMIT:
        return keys, size, None
    uniq, inverse = np.unique(keys, return_inverse=True)
    return inverse, len(uniq), uniq


def stratum_scale(n_par: np.ndarray, popsize: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``onestrat`` factor: (1 - n/N) n/(n-1), (1 - n/N) for a single unit, 0 when fully enumerated."""
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(np.isinf(popsize), 1.0, (popsize - n_par) / popsize)
        scale = np.where(n_par > 1, f * n_par / np.maximum(n_par - 1, 1), f)
    scale = np.where(f < SELF_REPRESENTING, 0.0, scale)
    return f, scale


def linearized_variance(
    table: TaylorTable,
    design: TaylorDesign,
    z: np.ndarray,
    z2: np.ndarray | None,
    n_domains: int,
    stratum_label: str,
) -> np.ndarray:
    """Variance per domain of the estimator whose linearised unit totals are ``z`` (per table row).

    For element designs each table row already sums a (stratum, domain) cell: ``z`` is the sum of the
    row-level linearised values and ``z2`` their centred sum of squares within the cell.
    """
    D = max(n_domains, 1)
    inside = table.domain >= 0
    dom = table.domain[inside]
    total = np.zeros(D)
    if table.element:
        parent = table.stratum[inside]
        assert z2 is not None
        return _stage(
            parent,
            dom,
            z[inside],
            z2[inside],
            table.n[inside],
            table.n_units[0],
            table.popsize[0],
            np.ones(len(table.n_units[0])),
            design,
            D,
            1,
            table,
            stratum_label,
        )
    stages = len(table.units) if design.stages > 1 else 1
    mult = np.ones(len(table.n_units[0]))
    for k in range(stages):
        unit = table.units[k][inside]
        n_par = table.n_units[k]
        pop = table.popsize[k] if k < len(table.popsize) else np.full(len(n_par), np.inf)
        # Totals per (unit, domain): rows of the table are finer than units above the last stage.
        n_units = int(table.units[k].max()) + 1
        keys, size, uniq = _group(unit * D + dom, n_units * D)
        zu = np.bincount(keys, weights=z[inside], minlength=size)
        present = np.bincount(keys, minlength=size) > 0
        if uniq is None:
            idx = np.flatnonzero(present)
            unit_of, dom_of, z_of = idx // D, idx % D, zu[idx]
        else:
            unit_of, dom_of, z_of = uniq // D, uniq % D, zu
        parent_of = table.unit_parent[k][unit_of]
        total += _stage(
            parent_of,
            dom_of,
            z_of,
            None,
            np.ones(len(z_of)),
            n_par,
            pop,
            mult,
            design,
            D,
            k + 1,
            table,
            stratum_label if k == 0 else design.clusters[k - 1],
        )
        if k + 1 < stages:
            frac = np.where(np.isinf(pop), 0.0, n_par / pop)
            mult = (mult * frac)[table.unit_parent[k]]
    return total


def _stage(
    parent: np.ndarray,
    dom: np.ndarray,
    z: np.ndarray,
    z2: np.ndarray | None,
    rows: np.ndarray,
    n_par: np.ndarray,
    popsize: np.ndarray,
    mult: np.ndarray,
    design: TaylorDesign,
    D: int,
    stage: int,
    table: TaylorTable,
    label: str,
) -> np.ndarray:
    P = len(n_par)
    f, scale = stratum_scale(n_par, popsize)
    keys, size, uniq = _group(parent * D + dom, P * D)
    s1 = np.bincount(keys, weights=z, minlength=size)
    cell_parent = (np.arange(size) // D) if uniq is None else uniq // D
    cell_dom = (np.arange(size) % D) if uniq is None else uniq % D
    has_rows = np.bincount(keys, weights=rows, minlength=size) > 0
    npp = n_par[cell_parent]
    mean = np.where(npp > 0, s1 / np.where(npp > 0, npp, 1), 0.0)
    if z2 is None:
        present = np.bincount(keys, minlength=size)
        ss = np.bincount(keys, weights=(z - mean[keys]) ** 2, minlength=size) + (npp - present) * mean**2
        raw = np.bincount(keys, weights=z**2, minlength=size)
    else:
        # One cell per (stratum, domain): centred within the cell, plus the between-part of the cell mean
        # against the stratum mean (rows outside the domain are zeros): m_c^2 n_c (n_h - n_c) / n_h.
        cells = np.bincount(keys, weights=rows, minlength=size)
        within = np.bincount(keys, weights=z2, minlength=size)
        with np.errstate(divide="ignore", invalid="ignore"):
            cell_mean = np.where(cells > 0, s1 / np.where(cells > 0, cells, 1), 0.0)
            between = np.where(npp > 0, cell_mean**2 * cells * (npp - cells) / np.where(npp > 0, npp, 1), 0.0)
        ss = within + between
        raw = within + cells * cell_mean**2
    single = (npp == 1) & (scale[cell_parent] > 0)
    lonely = single & has_rows
    rule = design.lonely_psu
    if rule == "adjust" and single.any():
        # survey >= 4.4: the lonely PSU's total deviates from the mean PSU total of the stage (all PSUs
        # of the design at stage 1; within a unit above at later stages, where that mean is the PSU
        # itself). Cells of the stratum outside the domain count too: their zero total deviates as well.
        if stage == 1:
            centre = np.bincount(cell_dom, weights=s1, minlength=D) / float(n_par.sum())
            ss = np.where(single, (s1 - centre[cell_dom]) ** 2, ss)
        else:
            ss = np.where(single, 0.0, ss)
    if lonely.any():
        if rule == "fail":
            where = cell_parent[np.flatnonzero(lonely)[0]]
            value = table.stratum_values[where] if stage == 1 else f"unit #{where}"
            raise SurveyInputError(
                f"stratum {value!r} has only one PSU at stage {stage} (lonely PSU); choose a rule with "
                "--lonely-psu remove|adjust|adjust-4.1|average|certainty",
                column=label,
            )
        if rule == "adjust-4.1":  # survey 4.1-1: deviation of the lonely PSU's total from zero
            ss = np.where(lonely, raw, ss)
        elif rule == "average":
            ss = np.where(lonely, np.nan, ss)
    contrib = mult[cell_parent] * scale[cell_parent] * ss
    contrib = np.where(has_rows | ~np.isnan(contrib), contrib, 0.0)
    out = np.zeros(D)
    ok = ~np.isnan(contrib)
    np.add.at(out, cell_dom[ok], contrib[ok])
    if rule == "average" and stage == 1:
        # R scales the sum over the other strata by (strata with data) / (strata with a variance).
        strata_d = np.bincount(cell_dom[has_rows], minlength=D)
        ok_d = np.bincount(cell_dom[has_rows & ok], minlength=D)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = out * np.where(ok_d > 0, strata_d / np.maximum(ok_d, 1), np.nan)
    return out
