"""Helpers of the measurement tests: the published IDI 2024 example rows and test-only real-data reads.

A module with its own name (not ``conftest``) so that test files can import it unambiguously."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from wsis.engine.measure.memberships import check_memberships
from wsis.engine.measure.tidy import check_tidy

IDI_CODES = [
    "i99H",
    "xHH6_IDI",
    "i911mw_IDI",
    "i271G_IDI",
    "i271GA_IDI",
    "i136mwi_subs_IDI",
    "i135tfb_subs_IDI",
    "i271mb_high_ts_GNI_IDI",
    "i154_FBB_ts_GNI_IDI",
    "xHH18_IDI",
]

# Published raw 2022 values and published U, M, IDI 2024 (ITU, Measuring digital development - The ICT
# Development Index 2024), as listed in the project's domain notes.
PUBLISHED = {
    "FIN": ([93.0, 97.6, 160.5, 100.0, 100.0, 443.2, 2199.0, 0.7, 0.9, 98.2], (99.3, 97.0, 98.1)),
    "BRA": ([80.5, 80.2, 93.1, 92.4, 92.4, 48.2, 1674.1, 0.9, 3.1, 88.1], (77.1, 87.0, 82.0)),
    "KEN": ([40.8, 50.2, 59.0, 98.0, 97.0, 36.9, 1950.5, 6.0, 16.6, 63.2], (45.0, 72.0, 58.5)),
    "RWA": ([34.4, 21.9, 60.1, 98.8, 98.8, 15.5, 5429.8, 7.1, 41.6, 53.3], (33.2, 60.5, 46.8)),
}


# Rwanda's U and M miss the published value by 0.067 at the printed inputs; the printed inputs are rounded
# to one decimal and the interval of scores they allow contains both published values
# (test_measure_index.test_rwanda_gap_is_input_rounding). Every other published score is met within 0.06.
ROUNDING_EXPLAINED = {("RWA", "U"), ("RWA", "M")}


def assert_reproduces_published(scores: dict[str, dict[str, float]]) -> None:
    """Scores by economy and node against the published U, M and IDI 2024."""
    for economy, (_, published) in PUBLISHED.items():
        for node, value in zip(("U", "M", "IDI"), published, strict=True):
            tolerance = 0.07 if (economy, node) in ROUNDING_EXPLAINED else 0.06
            got = scores[economy][node]
            assert abs(got - value) <= tolerance, f"{economy} {node}: {got:.3f} vs published {value}"


def idi_frame() -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"economy": e, "indicator": c, "period": 2022, "value": v}
            for e, (raw, _) in PUBLISHED.items()
            for c, v in zip(IDI_CODES, raw, strict=True)
        ]
    )


# --- test-only reads of the shared real data (the warehouse readers are being written elsewhere) --------


def read_itu_datahub(path: Path) -> pl.DataFrame:
    """An ITU DataHub CSV export as a tidy frame; rows sourced "ITU estimate." get nature "estimate"."""
    raw = pl.read_csv(path, infer_schema_length=0)
    tidy = raw.select(
        pl.col("entityIso").alias("economy"),
        pl.col("seriesCode").alias("indicator"),
        pl.col("dataYear").alias("period"),
        pl.col("dataValue").alias("value"),
        pl.when(pl.col("dataSource").str.strip_chars() == "ITU estimate.")
        .then(pl.lit("estimate"))
        .otherwise(pl.lit("reported"))
        .alias("nature"),
    )
    return check_tidy(tidy, source=str(path))


def read_worldbank_long(path: Path) -> pl.DataFrame:
    """A World Bank long CSV (Country Name, Country Code, Year, Value) as ``economy, period, value``."""
    raw = pl.read_csv(path, infer_schema_length=0)
    return raw.select(
        pl.col("Country Code").alias("economy"),
        pl.col("Year").cast(pl.Int64).alias("period"),
        pl.col("Value").cast(pl.Float64).alias("value"),
    ).drop_nulls()


def worldbank_groups(metadata: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Memberships WLD / LIC and the World Bank regions from the bulk file's Metadata_Country.

    The World Bank's published aggregate series apply the current classification to every year, so the
    memberships are made valid over all years here, to compare like with like.
    """
    meta = pl.read_csv(metadata, infer_schema_length=0).filter(pl.col("Region").is_not_null())
    since = "1960-01-01"
    rows = [{"group": "WLD", "economy": e, "valid_from": since} for e in meta["Country Code"]]
    rows += [
        {"group": "LIC", "economy": e, "valid_from": since}
        for e, g in zip(meta["Country Code"], meta["IncomeGroup"], strict=True)
        if g == "Low income"
    ]
    regions = [
        {"group": r, "economy": e, "valid_from": since}
        for e, r in zip(meta["Country Code"], meta["Region"], strict=True)
    ]
    return check_memberships(pl.DataFrame(rows)), check_memberships(pl.DataFrame(regions))


def worldbank_published(path: Path, code: str, year: int) -> float:
    """A value of the World Bank bulk ``API_..._DS2`` wide CSV (metadata lines may precede the header)."""
    text = path.read_text(encoding="utf-8-sig").splitlines()
    start = next(i for i, line in enumerate(text) if line.lstrip('"').startswith("Country Name"))
    wide = pl.read_csv(io.StringIO("\n".join(text[start:])), infer_schema_length=0)
    return float(wide.filter(pl.col("Country Code") == code)[str(year)][0])
