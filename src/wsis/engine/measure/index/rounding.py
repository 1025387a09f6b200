"""How far published, rounded inputs leave a composite score open.

Publishers print raw values rounded (ITU's IDI tables: one decimal). A value printed as 34.4 is any
value in [34.35, 34.45]; re-scoring the printed values therefore gives one point of an interval, not
the publisher's score. With fixed goalposts every leaf score is monotone in its value (rising for
"higher is better", falling for "lower is better"), clipping and half-up rounding keep it monotone, and
weighted arithmetic and geometric means are monotone in every child. So each node's lowest possible
score is reached with every value at the unfavourable end of its rounding interval and the highest
with every value at the favourable end: two scoring runs give the exact interval.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from wsis.engine.measure.index.methodology import Methodology
from wsis.engine.measure.index.scoring import score
from wsis.engine.measure.tidy import MeasureInputError


def input_rounding_bounds(
    values: pl.DataFrame,
    methodology: Methodology,
    half_unit: float | Mapping[str, float] = 0.05,
    *,
    edition: int | None = None,
) -> pl.DataFrame:
    """``economy, node, score, low, high``: each node's score and the interval of scores the unrounded
    inputs could give, when every value is known only to +/- ``half_unit`` (one number, or one per
    indicator code; 0.05 for values printed to one decimal)."""
    leaves = methodology.root.leaves()
    not_fixed = [leaf.code for leaf in leaves if leaf.normalisation != "goalposts" or leaf.winsorise]
    if not_fixed:
        # min-max goalposts and winsorising depend on the other economies' values: not monotone
        raise MeasureInputError(
            f"input rounding bounds need fixed goalposts; not fixed at: {', '.join(not_fixed)}"
        )
    half = {
        leaf.indicator: (
            half_unit.get(leaf.indicator or "", 0.0) if isinstance(half_unit, Mapping) else half_unit
        )
        for leaf in leaves
    }
    if any(h < 0 for h in half.values()):
        raise MeasureInputError("half_unit must not be negative")
    # +1: moving this indicator's value up raises its score; -1: lowers it
    sign = {leaf.indicator: (1.0 if leaf.direction == "higher" else -1.0) for leaf in leaves}

    def shifted(towards: float) -> pl.DataFrame:
        step = pl.col("indicator").replace_strict(
            {k: towards * sign[k] * h for k, h in half.items()}, default=0.0, return_dtype=pl.Float64
        )
        return values.with_columns((pl.col("value") + step).alias("value"))

    point = score(values, methodology, edition=edition).long()
    low = score(shifted(-1.0), methodology, edition=edition).long().rename({"score": "low"})
    high = score(shifted(1.0), methodology, edition=edition).long().rename({"score": "high"})
    return (
        point.join(low, on=["economy", "node"], how="left")
        .join(high, on=["economy", "node"], how="left")
        .sort(["economy", "node"])
    )
