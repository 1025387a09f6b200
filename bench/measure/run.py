"""Benchmark: group aggregates of several ITU indicators for every group and every year, ours on DuckDB
(the default backend) against a straightforward pandas group-by doing the same work, and optionally the
same SQL on local PySpark.

    python bench/measure/run.py [--scale 1] [--repeat 3] [--spark]

Inputs are the shared real data (``WSIS_SHARED_DATA``): ITU DataHub CSVs (percentages of people), World
Bank population as weights, and the World Bank's groups from the metadata file: the world, four income
groups and seven regions, for every year an indicator has. ``--scale k`` repeats the economies k times
under new codes (same figures) to see how the work grows. The imputation chain is ``nearest:3`` then
``group`` (the member's region, else the whole aggregate): the pandas peer implements exactly that, and
the benchmark checks that both give the same values before it prints a ratio.

Timings are best of ``--repeat`` runs in this process, after one warm-up. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd  # installed with sdmx1, a dependency of the project
import polars as pl

from wsis.engine.measure.aggregates import aggregate_inputs, aggregate_many, aggregate_sql
from wsis.engine.measure.backend import Backend, SparkBackend, resolve
from wsis.engine.measure.imputation import GroupFallback, NearestYear
from wsis.engine.measure.memberships import check_memberships

# File -> the series of it that are aggregated (rates of people; households as a proxy for HH6).
INDICATORS = {
    "individuals_using_internet.csv": ["i99H"],
    "households_internet_access.csv": ["xHH6_IDI"],
    "mobile_phone_ownership.csv": ["xHH18_IDI"],
    "population_coverage_mobile_network.csv": ["i271G", "i271GA", "i271pop"],
}
META = "Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
WITHIN = 3


def shared() -> Path:
    root = Path(os.environ.get("WSIS_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
    if not (root / "itu-datahub").is_dir():
        sys.exit(f"no shared data at {root}: set WSIS_SHARED_DATA")
    return root


def load(root: Path, scale: int) -> dict[str, Any]:
    frames = []
    for name, codes in INDICATORS.items():
        raw = pl.read_csv(root / "itu-datahub" / name, infer_schema_length=0)
        raw = raw.filter(pl.col("seriesCode").is_in(codes))
        frames.append(
            raw.select(
                pl.col("entityIso").alias("economy"),
                pl.col("seriesCode").alias("indicator"),
                pl.col("dataYear").cast(pl.Int64).alias("period"),
                pl.col("dataValue").cast(pl.Float64).alias("value"),
                pl.when(pl.col("dataSource").str.strip_chars() == "ITU estimate.")
                .then(pl.lit("estimate"))
                .otherwise(pl.lit("reported"))
                .alias("nature"),
            ).drop_nulls(["economy", "period", "value"])
        )
    values = pl.concat(frames).unique(["economy", "indicator", "period"], keep="first")
    pop = (
        pl.read_csv(root / "worldbank" / "sp.pop.totl.csv", infer_schema_length=0)
        .select(
            pl.col("Country Code").alias("economy"),
            pl.col("Year").cast(pl.Int64).alias("period"),
            pl.col("Value").cast(pl.Float64).alias("value"),
        )
        .drop_nulls()
    )
    meta = pl.read_csv(root / "worldbank" / META, infer_schema_length=0).filter(
        pl.col("Region").is_not_null()
    )
    rows = [{"group": "WLD", "economy": e} for e in meta["Country Code"]]
    rows += [
        {"group": g, "economy": e}
        for e, g in zip(meta["Country Code"], meta["IncomeGroup"], strict=True)
        if g
    ]
    regions = pl.DataFrame(
        [{"group": r, "economy": e} for e, r in zip(meta["Country Code"], meta["Region"], strict=True)]
    )
    members = pl.concat([pl.DataFrame(rows), regions])  # the regions are aggregated too
    if scale > 1:  # the same economies again under new codes: k times the rows, the same answers

        def grow(frame: pl.DataFrame) -> pl.DataFrame:
            copies = [frame] + [frame.with_columns(pl.col("economy") + f"_{i}") for i in range(1, scale)]
            return pl.concat(copies)

        values, pop, members, regions = grow(values), grow(pop), grow(members), grow(regions)

    def dated(frame: pl.DataFrame) -> pl.DataFrame:
        return check_memberships(frame.with_columns(pl.lit("1960-01-01").alias("valid_from")))

    members, regions = dated(members), dated(regions)
    return {
        "values": values,
        "pop": pop,
        "members": members,
        "regions": regions,
        "groups": sorted(set(members["group"].to_list())),
        "periods": {
            code: sorted(set(values.filter(pl.col("indicator") == code)["period"].to_list()))
            for codes in INDICATORS.values()
            for code in codes
        },
    }


def ours(data: dict[str, Any], backend: Backend | None = None) -> dict[tuple[str, str, int], float | None]:
    out = {}
    for code, periods in data["periods"].items():
        results = aggregate_many(
            data["values"],
            indicator=code,
            groups=data["groups"],
            periods=periods,
            memberships=data["members"],
            weights=data["pop"],
            imputation=[NearestYear(within=WITHIN), GroupFallback(data["regions"])],
            min_coverage=0.0,
            backend=backend,
        )
        out.update({(code, a.group, a.period): a.value for a in results})
    return out


def ours_sql_only(data: dict[str, Any]) -> int:
    """The one query per indicator, without building the result objects (the floor of our own code)."""
    backend = resolve(None)
    sql, extra = aggregate_sql([NearestYear(within=WITHIN), GroupFallback(data["regions"])], weighted=True)
    rows = 0
    for code, periods in data["periods"].items():
        _, tables = aggregate_inputs(
            data["values"], code, data["groups"], periods, data["members"], data["pop"]
        )
        rows += backend.run(sql, {**tables, **extra}).height
    return rows


def pandas_peer(data: dict[str, Any]) -> dict[tuple[str, str, int], float | None]:
    """The same aggregates written the plain pandas way: merges and group-bys, one indicator at a time."""
    values = data["values"].to_pandas()
    pop = data["pop"].to_pandas().rename(columns={"value": "weight"})
    members = data["members"].to_pandas()[["group", "economy", "valid_from", "valid_to"]]
    for column in ("valid_from", "valid_to"):
        members[column] = pd.to_datetime(members[column])
    regions = data["regions"].to_pandas()[["group", "economy"]].rename(columns={"group": "region"})
    out: dict[tuple[str, str, int], float | None] = {}
    for code, periods in data["periods"].items():
        obs = values[values["indicator"] == code][["economy", "period", "value", "nature"]].copy()
        obs["est"] = obs["nature"] == "estimate"
        req = pd.DataFrame([(g, p) for g in data["groups"] for p in periods], columns=["group", "period"])
        req["on"] = pd.to_datetime(req["period"].astype(str) + "-07-01")
        m = req.merge(members, on="group")
        m = m[(m["valid_from"] <= m["on"]) & (m["valid_to"].isna() | (m["valid_to"] > m["on"]))]
        m = m[["group", "period", "economy"]].drop_duplicates()
        m = m.merge(obs[["economy", "period", "value", "est"]], on=["economy", "period"], how="left")
        # nearest year within N, ties to the earlier year
        gap = m[m["value"].isna()][["group", "period", "economy"]]
        near = gap.merge(obs[["economy", "period", "value"]].rename(columns={"period": "p2"}), on="economy")
        near["d"] = (near["p2"] - near["period"]).abs()
        near = near[near["d"] <= WITHIN].sort_values(["d", "p2"])
        near = near.drop_duplicates(["group", "period", "economy"])[["group", "period", "economy", "value"]]
        m = m.merge(near.rename(columns={"value": "nearest"}), on=["group", "period", "economy"], how="left")
        # group fallback: the region's weighted mean of reported figures, else the aggregate's
        rep = obs[~obs["est"]].merge(pop, on=["economy", "period"])
        rep = rep[rep["weight"] > 0]
        rep["vw"] = rep["value"] * rep["weight"]
        by_region = rep.merge(regions, on="economy").groupby(["region", "period"])[["vw", "weight"]].sum()
        by_region["regional"] = by_region["vw"] / by_region["weight"]
        m = m.merge(regions, on="economy", how="left").merge(
            by_region[["regional"]].reset_index(), on=["region", "period"], how="left"
        )
        in_group = m[["group", "period", "economy"]].merge(rep, on=["economy", "period"])
        whole = in_group.groupby(["group", "period"])[["vw", "weight"]].sum()
        whole["whole"] = whole["vw"] / whole["weight"]
        m = m.merge(whole[["whole"]].reset_index(), on=["group", "period"], how="left")
        m["value"] = m["value"].fillna(m["nearest"]).fillna(m["regional"]).fillna(m["whole"])
        m = m.merge(pop, on=["economy", "period"], how="left")
        m = m[m["weight"] > 0]
        m["vw"] = m["value"] * m["weight"]
        m["w_valued"] = m["weight"].where(m["value"].notna(), 0.0)
        agg = m.groupby(["group", "period"]).agg(vw=("vw", "sum"), w=("w_valued", "sum"))
        for (group, period), row in agg.iterrows():
            out[(code, str(group), int(period))] = float(row["vw"] / row["w"]) if row["w"] > 0 else None
    return out


def best_of(repeat: int, task: Callable[[], Any]) -> tuple[float, Any]:
    result = task()  # warm-up: imports, DuckDB's first query, Spark's code generation
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = task()
        times.append(time.perf_counter() - start)
    return min(times), result


def agree(a: dict[tuple[str, str, int], float | None], b: dict[tuple[str, str, int], float | None]) -> str:
    common = [k for k in a if a[k] is not None and b.get(k) is not None]
    worst = max((abs(a[k] - b[k]) for k in common), default=0.0)
    return f"{len(common)} aggregates, max |diff| {worst:.2e}" + (" OK" if worst < 1e-9 else " MISMATCH")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=1, help="repeat the economies k times")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spark", action="store_true", help="also run the same SQL on local PySpark")
    args = parser.parse_args()
    data = load(shared(), args.scale)
    n_aggregates = sum(len(p) for p in data["periods"].values()) * len(data["groups"])
    print(
        f"{len(data['periods'])} indicators, {len(data['groups'])} groups, {n_aggregates} aggregates, "
        f"{data['values'].height} figures, {data['members']['economy'].n_unique()} economies "
        f"(scale {args.scale})"
    )
    t_ours, r_ours = best_of(args.repeat, lambda: ours(data))
    t_sql, _ = best_of(args.repeat, lambda: ours_sql_only(data))
    t_pandas, r_pandas = best_of(args.repeat, lambda: pandas_peer(data))
    print(f"{'run':<28}{'seconds':>10}{'x ours':>9}  check")
    print(f"{'ours, DuckDB (Aggregate objects)':<28}{t_ours:>10.3f}{1.0:>9.2f}")
    print(f"{'ours, DuckDB, SQL only':<28}{t_sql:>10.3f}{t_sql / t_ours:>9.2f}")
    print(
        f"{'pandas group-by peer':<28}{t_pandas:>10.3f}{t_pandas / t_ours:>9.2f}  {agree(r_ours, r_pandas)}"
    )
    if args.spark:
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master("local[*]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        backend = SparkBackend(session)
        t_spark, r_spark = best_of(1, lambda: ours(data, backend))
        print(
            f"{'ours, Spark local[*]':<28}{t_spark:>10.3f}{t_spark / t_ours:>9.2f}  {agree(r_ours, r_spark)}"
        )
        session.stop()


if __name__ == "__main__":
    main()
