"""Which figure of each indicator an edition of an index uses, and which economies it can score.

For edition ``t`` with ``reference_offsets`` (2, 3): the official figure of year t-2, else of t-3, and
only then (``estimates_fallback``) an estimate of t-2, else of t-3. A figure is official unless its
``nature`` says it is an estimate (:data:`wsis.engine.measure.tidy.IMPUTED_NATURES`). An economy with
fewer than ``min_official`` official figures among the index's indicators is not scored.
"""

from __future__ import annotations

import polars as pl

from wsis.engine.measure.index.methodology import Methodology
from wsis.engine.measure.tidy import is_imputed_nature


def select_values(values: pl.DataFrame, methodology: Methodology, edition: int) -> pl.DataFrame:
    """One row per economy and indicator: ``economy, indicator, value, period, official``."""
    indicators = [leaf.indicator for leaf in methodology.root.leaves()]
    offsets = methodology.data.reference_offsets
    years = {edition - o: i for i, o in enumerate(offsets)}
    frame = values.filter(pl.col("indicator").is_in(indicators) & pl.col("period").is_in(list(years)))
    estimate = is_imputed_nature(pl.col("nature")) if "nature" in frame.columns else pl.lit(False)
    frame = frame.with_columns((~estimate).alias("official"))
    if not methodology.data.estimates_fallback:
        frame = frame.filter(pl.col("official"))
    ranked = frame.with_columns(
        (
            pl.when(pl.col("official")).then(0).otherwise(len(years))
            + pl.col("period").replace_strict(years, return_dtype=pl.Int64)
        ).alias("_order")
    )
    return (
        ranked.sort("_order")
        .unique(["economy", "indicator"], keep="first", maintain_order=True)
        .select("economy", "indicator", "value", "period", "official")
        .sort(["economy", "indicator"])
    )


def eligibility(
    selected: pl.DataFrame, methodology: Methodology, economies: list[str] | None = None
) -> pl.DataFrame:
    """Per economy: ``official`` count, ``eligible`` flag and the ``reason`` when not eligible.

    ``economies``: every economy of the input, so that one without any figure for the reference years is
    reported as not scored rather than silently absent.
    """
    need = methodology.data.min_official
    total = len(methodology.root.leaves())
    counts = selected.group_by("economy").agg(pl.col("official").sum().cast(pl.Int64).alias("official"))
    if economies:
        everyone = pl.DataFrame({"economy": sorted(set(economies))})
        counts = everyone.join(counts, on="economy", how="left").with_columns(pl.col("official").fill_null(0))
    return counts.with_columns(
        (pl.col("official") >= need).alias("eligible"),
        pl.when(pl.col("official") >= need)
        .then(pl.lit(""))
        .otherwise(
            pl.format(
                "official data for {} of {} indicators; at least {} needed",
                "official",
                pl.lit(total),
                pl.lit(need),
            )
        )
        .alias("reason"),
    ).sort("economy")
