"""Scoring economies with a methodology: leaf normalisation, aggregation up the tree, ranks, group means.

Leaf score, with goalposts (transform ``f``: identity or ln(x+1), applied to the value and both goalposts):

* higher is better: ``100 x (f(v) - f(threshold)) / (f(goalpost) - f(threshold))``
* lower is better:  ``100 x (f(threshold) - f(v)) / (f(threshold) - f(goalpost))``

clipped to [0, 100] when the leaf is capped, then rounded half up to the methodology's
``score_decimals`` if it has any (ITU stores IDI indicator scores to one decimal). ``minmax`` uses the
lowest and highest (transformed) values among the scored economies as threshold and goalpost. A node's
score is the weighted arithmetic mean (or weighted geometric mean) of its children's scores. A missing
child is handled by the node's rule: ``reweight`` (mean of the children present, weights rescaled) or
``require_all`` (no score); the ``missing`` option of :func:`score` can instead fill missing leaves with
the indicator's mean score or 0, which the uncertainty analysis uses as alternative imputation choices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from wsis.engine.measure.index.methodology import Methodology, Node
from wsis.engine.measure.index.selection import eligibility, select_values
from wsis.engine.measure.memberships import PeriodDay, groups_of_on
from wsis.engine.measure.provenance import Provenance
from wsis.engine.measure.tidy import MeasureInputError

MissingRule = Literal["node", "indicator_mean", "zero"]


@dataclass(frozen=True)
class Overrides:
    """Perturbations of a methodology for sensitivity runs: goalposts and weights by node code."""

    goalposts: Mapping[str, tuple[float, float]] = field(
        default_factory=dict
    )  # code -> (threshold, goalpost)
    weights: Mapping[str, float] = field(default_factory=dict)  # code -> weight


def leaf_scores(values: np.ndarray, leaf: Node, overrides: Overrides | None = None) -> np.ndarray:
    """Scores of one indicator's values (NaN stays NaN)."""
    v = np.asarray(values, dtype=float).copy()
    present = ~np.isnan(v)
    if leaf.winsorise is not None and present.any():
        lo, hi = np.percentile(v[present], [leaf.winsorise.lower, leaf.winsorise.upper])
        v = np.where(present, np.clip(v, lo, hi), np.nan)
    f = np.log1p if leaf.transform == "log1p" else (lambda x: x)
    if leaf.transform == "log1p" and (v[present] <= -1).any():
        raise MeasureInputError(f"{leaf.code}: ln(x+1) needs values above -1")
    fv = f(v)
    if leaf.normalisation == "minmax":
        if not present.any():
            return v
        lo, hi = float(np.nanmin(fv)), float(np.nanmax(fv))
        if hi == lo:
            return np.where(present, 100.0, np.nan)
        ft, fg = (lo, hi) if leaf.direction == "higher" else (hi, lo)
    else:
        threshold, goalpost = (overrides.goalposts.get(leaf.code) if overrides else None) or (
            leaf.threshold,
            leaf.goalpost,
        )
        ft, fg = float(f(np.float64(threshold))), float(f(np.float64(goalpost)))
    s = 100 * (fv - ft) / (fg - ft)  # one formula for both directions: goalposts carry the direction
    return np.clip(s, 0, 100) if leaf.cap else s


def round_half_up(scores: np.ndarray, decimals: int | None) -> np.ndarray:
    """Scores rounded half up (as spreadsheets and ITU's tables do, not numpy's half-to-even).

    The tiny offset absorbs binary representation error (98.15 is stored as 98.149999...)."""
    if decimals is None:
        return scores
    factor = 10.0**decimals
    return np.floor(scores * factor + 0.5 + 1e-9) / factor


def aggregate_node(children: list[np.ndarray], weights: list[float], node: Node) -> np.ndarray:
    """Weighted mean of children's score columns, row by row, under the node's missing-data rule."""
    m = np.vstack(children)  # children x economies
    w = np.asarray(weights, dtype=float)[:, None] * np.ones_like(m)
    present = ~np.isnan(m)
    w = np.where(present, w, 0.0)
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if node.aggregation == "geometric":
            logs = np.where(present, np.log(np.where(present & (m > 0), m, 1.0)), 0.0)
            out = np.exp((w * logs).sum(axis=0) / total)
            out = np.where((present & (m <= 0)).any(axis=0), 0.0, out)
        else:
            out = (w * np.where(present, m, 0.0)).sum(axis=0) / total
    out = np.where(total > 0, out, np.nan)
    if node.missing == "require_all":
        out = np.where(present.all(axis=0), out, np.nan)
    return out


@dataclass(frozen=True)
class IndexResult:
    methodology: Methodology
    edition: int | None
    scores: pl.DataFrame  # economy + one column per node code (the root first)
    inputs: pl.DataFrame  # economy, indicator, value, period, official, score
    excluded: pl.DataFrame  # economy, official, reason
    provenance: Provenance

    @property
    def root(self) -> str:
        return self.methodology.root.code

    def ranks(self) -> pl.DataFrame:
        """Rank by the root score (1 = highest; ties share the best rank). ITU does not rank the IDI."""
        return self.scores.select(
            "economy", self.root, pl.col(self.root).rank("min", descending=True).cast(pl.Int64).alias("rank")
        ).sort("rank")

    def long(self) -> pl.DataFrame:
        """``economy, node, score`` - one row per economy and node."""
        return self.scores.unpivot(index="economy", variable_name="node", value_name="score")

    def group_means(
        self,
        memberships: pl.DataFrame,
        groups: Sequence[str],
        on: dt.date | None = None,
        day: PeriodDay = "mid",
    ) -> pl.DataFrame:
        """Simple mean of member scores at every node, per group (as ITU publishes group scores)."""
        if on is None:
            if self.edition is None:
                raise MeasureInputError("group means need a membership date or an edition")
            from wsis.engine.measure.memberships import period_date

            on = period_date(self.edition - self.methodology.data.reference_offsets[0], day)
        pairs = groups_of_on(memberships, groups, on)
        joined = pairs.join(self.scores, on="economy", how="inner")
        nodes = [c for c in self.scores.columns if c != "economy"]
        return (
            joined.group_by("group")
            .agg(pl.len().alias("economies"), *[pl.col(n).mean() for n in nodes])
            .sort("group")
        )

    def to_dict(self) -> dict[str, Any]:
        ranks = dict(self.ranks().select("economy", "rank").iter_rows())
        economies = []
        for row in self.scores.iter_rows(named=True):
            econ = row.pop("economy")
            economies.append({"economy": econ, "rank": ranks.get(econ), "scores": row})
        return {
            "methodology": self.methodology.name,
            "methodology_version": self.methodology.version,
            "edition": self.edition,
            "ranked_by_publisher": self.methodology.ranked_by_publisher,
            "economies": economies,
            "inputs": self.inputs.to_dicts(),
            "excluded": self.excluded.to_dicts(),
            "provenance": self.provenance.to_dict(),
        }


def score(
    values: pl.DataFrame,
    methodology: Methodology,
    *,
    edition: int | None = None,
    overrides: Overrides | None = None,
    missing: MissingRule = "node",
    releases: Sequence[str] = (),
) -> IndexResult:
    """Score every eligible economy at every node of the methodology's tree.

    ``values``: tidy frame (``economy, indicator, period, value`` and optional ``nature``). The edition
    (default: the methodology's) decides the reference years; see :mod:`.selection`.
    """
    edition = edition if edition is not None else methodology.edition
    if edition is None:
        raise MeasureInputError(f"methodology {methodology.name} has no edition; pass one")
    selected = select_values(values, methodology, edition)
    indicators = [leaf.indicator for leaf in methodology.root.leaves()]
    present = values.filter(pl.col("indicator").is_in(indicators))["economy"].unique().to_list()
    elig = eligibility(selected, methodology, present)
    economies = sorted(elig.filter(pl.col("eligible"))["economy"].to_list())
    chosen = selected.filter(pl.col("economy").is_in(economies))
    leaf_columns: dict[str, np.ndarray] = {}
    scored_inputs = []
    for leaf in methodology.root.leaves():
        part = chosen.filter(pl.col("indicator") == leaf.indicator)
        lookup = dict(zip(part["economy"], part["value"], strict=True))
        raw = np.array([lookup.get(e, np.nan) for e in economies], dtype=float)
        col = round_half_up(leaf_scores(raw, leaf, overrides), methodology.score_decimals)
        if missing != "node":
            fill = float(np.nanmean(col)) if missing == "indicator_mean" and (~np.isnan(col)).any() else 0.0
            col = np.where(np.isnan(col), fill, col)
        leaf_columns[leaf.code] = col
        scored_inputs.append(
            part.join(
                pl.DataFrame(
                    {"economy": economies, "score": col}, schema={"economy": pl.Utf8, "score": pl.Float64}
                ),
                on="economy",
                how="left",
            )
        )
    node_scores: dict[str, np.ndarray] = {}

    def visit(node: Node) -> np.ndarray:
        if node.is_leaf:
            node_scores[node.code] = leaf_columns[node.code]
            return node_scores[node.code]
        kids = [visit(child) for child in node.children]
        weights = [
            (overrides.weights.get(c.code, c.weight) if overrides else c.weight) for c in node.children
        ]
        node_scores[node.code] = aggregate_node(kids, weights, node) if economies else np.array([])
        return node_scores[node.code]

    visit(methodology.root)
    order = [n.code for n in methodology.root.walk()]
    scores = pl.DataFrame(
        {"economy": economies, **{code: node_scores[code] for code in order}},
        schema={"economy": pl.Utf8, **dict.fromkeys(order, pl.Float64)},
    )
    scores = scores.with_columns(pl.col(c).fill_nan(None) for c in order)
    inputs = (
        pl.concat(scored_inputs)
        if scored_inputs
        else pl.DataFrame(schema={"economy": pl.Utf8, "indicator": pl.Utf8, "score": pl.Float64})
    )
    provenance = Provenance(
        method=methodology.name,
        method_version=methodology.version,
        inputs=tuple(releases),
        parameters={
            "edition": edition,
            "missing": missing,
            "overrides": bool(overrides and (overrides.goalposts or overrides.weights)),
        },
    )
    return IndexResult(
        methodology=methodology,
        edition=edition,
        scores=scores,
        inputs=inputs.sort(["economy", "indicator"]),
        excluded=elig.filter(~pl.col("eligible")).select("economy", "official", "reason"),
        provenance=provenance,
    )
