"""Uncertainty and sensitivity of a composite index, in the manner of the JRC audits: Monte Carlo runs
that perturb the methodology's choices, and each economy's resulting rank interval.

Each run draws, independently:

* goalposts - every leaf's goalpost moves uniformly within +/- ``goalpost_jitter`` of its span
  (goalpost - threshold); a threshold moves likewise unless it is 0, the natural zero of a rate or a
  volume, which is not a modelling choice (the price thresholds are);
* weights - every node weight is multiplied by a uniform factor in 1 +/- ``weight_jitter``;
* imputation - one of ``imputation_choices`` for missing indicators (the node's rule, i.e. reweighting
  the indicators present; the indicator's mean score; zero).

The result gives, per economy, the baseline score and rank, the median rank and the 5th-95th percentile
rank interval, and the score interval. The sensitivity part repeats the runs with one factor varied at a
time and reports the mean absolute rank shift each factor causes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from wsis.engine.measure.index.methodology import Methodology
from wsis.engine.measure.index.scoring import MissingRule, Overrides, score

FACTORS: tuple[str, ...] = ("goalposts", "weights", "imputation")


@dataclass(frozen=True)
class MonteCarlo:
    runs: int = 500
    goalpost_jitter: float = 0.10
    weight_jitter: float = 0.20
    imputation_choices: tuple[MissingRule, ...] = ("node", "indicator_mean", "zero")
    seed: int = 2024


@dataclass(frozen=True)
class Uncertainty:
    intervals: pl.DataFrame  # economy, score, rank, rank_median, rank_p05, rank_p95, score_p05, score_p95
    sensitivity: pl.DataFrame  # factor, mean_abs_rank_shift
    settings: MonteCarlo

    def table(self) -> str:
        """Plain-text table of the rank intervals (for the CLI and for printing in tests)."""
        lines = [f"{'economy':8} {'score':>7} {'rank':>5} {'median':>7} {'5%-95% rank interval':>22}"]
        for r in self.intervals.iter_rows(named=True):
            interval = f"[{r['rank_p05']:.0f}, {r['rank_p95']:.0f}]"
            lines.append(
                f"{r['economy']:8} {r['score']:7.2f} {r['rank']:5d} {r['rank_median']:7.1f} {interval:>22}"
            )
        return "\n".join(lines)


def _draw(
    methodology: Methodology, rng: np.random.Generator, settings: MonteCarlo, factors: Sequence[str]
) -> tuple[Overrides, MissingRule]:
    goalposts: dict[str, tuple[float, float]] = {}
    weights: dict[str, float] = {}
    if "goalposts" in factors:
        for leaf in methodology.root.leaves():
            if leaf.normalisation != "goalposts" or leaf.threshold is None or leaf.goalpost is None:
                continue
            span = leaf.goalpost - leaf.threshold
            goalpost = leaf.goalpost + rng.uniform(-1, 1) * settings.goalpost_jitter * abs(span)
            threshold = leaf.threshold
            if threshold != 0:
                threshold += rng.uniform(-1, 1) * settings.goalpost_jitter * abs(span)
            goalposts[leaf.code] = (threshold, goalpost)
    if "weights" in factors:
        for node in methodology.root.walk():
            if node is not methodology.root:
                weights[node.code] = node.weight * rng.uniform(
                    1 - settings.weight_jitter, 1 + settings.weight_jitter
                )
    missing: MissingRule = "node"
    if "imputation" in factors:
        missing = settings.imputation_choices[int(rng.integers(len(settings.imputation_choices)))]
    return Overrides(goalposts=goalposts, weights=weights), missing


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; ties share the best rank; missing scores rank last."""
    s = np.where(np.isnan(scores), -np.inf, scores)
    return np.array([1 + np.sum(s > v) for v in s], dtype=float)


def _simulate(
    values: pl.DataFrame,
    methodology: Methodology,
    edition: int | None,
    settings: MonteCarlo,
    factors: Sequence[str],
    economies: list[str],
    seed_offset: int,
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(settings.seed + seed_offset)
    root = methodology.root.code
    ranks = np.empty((settings.runs, len(economies)))
    scores = np.empty_like(ranks)
    for i in range(settings.runs):
        overrides, missing = _draw(methodology, rng, settings, factors)
        result = score(values, methodology, edition=edition, overrides=overrides, missing=missing)
        lookup = dict(zip(result.scores["economy"], result.scores[root], strict=True))
        run = np.array(
            [lookup.get(e) if lookup.get(e) is not None else np.nan for e in economies], dtype=float
        )
        scores[i] = run
        ranks[i] = _ranks(run)
    return scores, ranks


def uncertainty(
    values: pl.DataFrame,
    methodology: Methodology,
    *,
    edition: int | None = None,
    settings: MonteCarlo | None = None,
    sensitivity: bool = True,
) -> Uncertainty:
    """Monte Carlo rank intervals for every scored economy, and (optionally) a one-factor sensitivity."""
    settings = settings or MonteCarlo()
    base = score(values, methodology, edition=edition)
    root = methodology.root.code
    economies = base.scores["economy"].to_list()
    base_scores = base.scores[root].to_numpy().astype(float)
    base_ranks = _ranks(base_scores)
    scores, ranks = _simulate(values, methodology, edition, settings, FACTORS, economies, 0)
    intervals = pl.DataFrame(
        {
            "economy": economies,
            "score": base_scores,
            "rank": base_ranks.astype(int),
            "rank_median": np.median(ranks, axis=0),
            "rank_p05": np.percentile(ranks, 5, axis=0),
            "rank_p95": np.percentile(ranks, 95, axis=0),
            "score_p05": np.nanpercentile(scores, 5, axis=0),
            "score_p95": np.nanpercentile(scores, 95, axis=0),
        }
    ).sort("rank")
    rows = []
    if sensitivity:
        for k, factor in enumerate(FACTORS, start=1):
            _, factor_ranks = _simulate(values, methodology, edition, settings, [factor], economies, k)
            rows.append(
                {"factor": factor, "mean_abs_rank_shift": float(np.mean(np.abs(factor_ranks - base_ranks)))}
            )
    table = pl.DataFrame(rows, schema={"factor": pl.Utf8, "mean_abs_rank_shift": pl.Float64})
    return Uncertainty(intervals, table, settings)
