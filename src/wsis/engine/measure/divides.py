"""Digital divides within and across economies: parity scores, gaps and the people behind them.

A divide compares an *advantaged* rate (men, urban, the rest of the world) with a *disadvantaged* one
(women, rural, LDCs). Reported together, as ITU does: the ratio (disadvantaged / advantaged; for sex this
is the gender parity score, women / men), the percentage-point gap (advantaged - disadvantaged) and the
number of people behind it - how many more of the disadvantaged would have to be, say, online to close
the gap: ``gap / 100 x disadvantaged population``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from wsis.engine.measure.aggregates import Aggregate
from wsis.engine.measure.memberships import members_on
from wsis.engine.measure.tidy import MeasureInputError


@dataclass(frozen=True)
class ParityBands:
    """Where a parity score counts as parity, and (optionally) as almost parity below it."""

    name: str
    parity_low: float
    parity_high: float
    almost_low: float | None = None

    def classify(self, score: float | None) -> str | None:
        if score is None:
            return None
        if self.parity_low <= score <= self.parity_high:
            return "parity"
        if self.almost_low is not None and self.almost_low <= score < self.parity_low:
            return "almost parity"
        return "disparity (disadvantaged behind)" if score < self.parity_low else "disparity (reversed)"


#: ITU's bands for ICT indicators: parity 0.98-1.02, almost parity 0.95-0.98.
ITU_BANDS = ParityBands("itu", 0.98, 1.02, almost_low=0.95)
#: UNESCO's band for education (0.97-1.03). Kept apart and named: the two must not be mixed.
UNESCO_BANDS = ParityBands("unesco", 0.97, 1.03)
BANDS = {"itu": ITU_BANDS, "unesco": UNESCO_BANDS}


def parity_score(disadvantaged: float, advantaged: float) -> float:
    """Ratio of the disadvantaged rate to the advantaged one (women / men for the gender parity score)."""
    if advantaged <= 0:
        raise ValueError(f"parity score undefined: the reference rate is {advantaged}")
    return disadvantaged / advantaged


def divides(
    frame: pl.DataFrame,
    *,
    disadvantaged: str,
    advantaged: str,
    population: str | None = None,
    bands: ParityBands | str = ITU_BANDS,
) -> pl.DataFrame:
    """Add ``ratio``, ``band``, ``gap_pp`` and (with ``population``) ``people_behind`` to a wide frame.

    ``frame`` has one row per economy (and period) and a column per side, rates in percent; ``population``
    names the column with the size of the disadvantaged population (women, rural people).
    """
    band = BANDS[bands] if isinstance(bands, str) else bands
    for col in (disadvantaged, advantaged, *([population] if population else [])):
        if col not in frame.columns:
            raise MeasureInputError(f"divides: missing column '{col}'; have {frame.columns}")
    out = frame.with_columns(
        pl.when(pl.col(advantaged) > 0)
        .then(pl.col(disadvantaged) / pl.col(advantaged))
        .otherwise(None)
        .alias("ratio"),
        (pl.col(advantaged) - pl.col(disadvantaged)).alias("gap_pp"),
    )
    out = out.with_columns(
        pl.col("ratio").map_elements(band.classify, return_dtype=pl.Utf8).alias("band"),
    )
    if population:
        out = out.with_columns((pl.col("gap_pp") / 100 * pl.col(population)).alias("people_behind"))
    return out


def gender_parity(
    frame: pl.DataFrame, *, women: str = "women", men: str = "men", women_population: str | None = None
) -> pl.DataFrame:
    """Gender parity score (women / men) with ITU's bands, the gap and the women behind it."""
    return divides(frame, disadvantaged=women, advantaged=men, population=women_population)


def urban_rural(
    frame: pl.DataFrame, *, urban: str = "urban", rural: str = "rural", rural_population: str | None = None
) -> pl.DataFrame:
    """Rural / urban ratio, the gap and the rural people behind it."""
    return divides(frame, disadvantaged=rural, advantaged=urban, population=rural_population)


def compare_groups(aggregates: Sequence[Aggregate], reference: str) -> pl.DataFrame:
    """Compare group aggregates with a reference group's (e.g. LDC, LLDC, SIDS against the world).

    Refused aggregates stay in the table with no value, so a comparison never hides a group silently.
    """
    ref = next((a for a in aggregates if a.group == reference), None)
    if ref is None:
        raise MeasureInputError(f"compare_groups: no aggregate for the reference group {reference}")
    rows = []
    for agg in aggregates:
        ok = agg.value is not None and ref.value is not None
        rows.append(
            {
                "group": agg.group,
                "indicator": agg.indicator,
                "period": agg.period,
                "value": agg.value,
                "reference": reference,
                "reference_value": ref.value,
                "ratio": agg.value / ref.value if ok and ref.value else None,  # type: ignore[operator]
                "gap_pp": ref.value - agg.value if ok else None,  # type: ignore[operator]
                "imputed_share": agg.imputed_share,
                "status": agg.status,
            }
        )
    return pl.DataFrame(rows)


def complement_group(
    memberships: pl.DataFrame, group: str, universe: str, on: dt.date, name: str | None = None
) -> pl.DataFrame:
    """Memberships of "the rest": members of ``universe`` not in ``group`` on ``on`` (valid that day only).

    Appended to the memberships, it lets :func:`~wsis.engine.measure.aggregates.aggregate` compute, say,
    the world without the LDCs for the comparison "LDCs versus the rest".
    """
    inside = set(members_on(memberships, group, on))
    rest = [e for e in members_on(memberships, universe, on) if e not in inside]
    label = name or f"{universe}_NOT_{group}"
    extra = pl.DataFrame(
        {
            "group": [label] * len(rest),
            "economy": rest,
            "valid_from": [on] * len(rest),
            "valid_to": [on + dt.timedelta(days=1)] * len(rest),
        },
        schema={"group": pl.Utf8, "economy": pl.Utf8, "valid_from": pl.Date, "valid_to": pl.Date},
    )
    return pl.concat([memberships.select(extra.columns), extra])
