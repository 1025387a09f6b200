"""One timed task per process, so that peak memory is the task's own. Run by run.py as
``python workers.py TASK PARQUET`` with the Python of the tool's environment; prints one JSON line.

Each task starts from the Parquet file and ends with the domain proportions and their SEs, so reading
the data counts for every tool. Library imports happen before the clock starts (``PRELOAD``): they are
paid once per session, not per estimate, and would otherwise dominate at 1M rows.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def ours(path: str) -> float:
    from wsis.engine.survey import Proportion, TaylorDesign, estimate, open_survey

    design = TaylorDesign(strata="stratum", clusters=("psu",), weight="weight")
    rows = estimate(open_survey(path), design, Proportion("y", 1), by=["domain"])
    return rows[0].se


def ours_replicate(path: str) -> float:
    from wsis.engine.survey import Proportion, ReplicateDesign, estimate, open_survey

    design = ReplicateDesign("weight", tuple(f"repw{i}" for i in range(1, 81)), "SDR")
    rows = estimate(open_survey(path), design, Proportion("y", 1), by=["domain"])
    return rows[0].se


def floor(path: str) -> float:
    """The same weighted sums by (stratum, PSU, domain), with nothing else: the lower bound."""
    import duckdb

    sql = (
        "SELECT stratum, psu, domain, COUNT(*), SUM(weight), SUM(weight * (y = 1)::DOUBLE) "
        f"FROM read_parquet('{path}') GROUP BY ALL"
    )
    frame = duckdb.connect().execute(sql).pl()
    return float(frame.height)


def svy_taylor(path: str) -> float:
    import polars as pl
    import svy

    sample = svy.Sample(pl.read_parquet(path), svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    est = sample.estimation.prop("y", by="domain")
    return float(est.to_polars().filter(pl.col("y") == 1)["se"][0])


def svy_replicate(path: str) -> float:
    import polars as pl
    import svy
    from svy.core.repwgts import SdrWgts

    design = svy.Design(wgt="weight", rep_wgts=SdrWgts(prefix="repw", n_reps=80))
    sample = svy.Sample(pl.read_parquet(path), design)
    est = sample.estimation.prop("y", by="domain", method="replication")
    return float(est.to_polars().filter(pl.col("y") == 1)["se"][0])


def samplics_taylor(path: str) -> float:
    import polars as pl
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

    frame = pl.read_parquet(path)
    est = TaylorEstimator(PopParam.prop)
    est.estimate(
        y=frame["y"].to_numpy(),
        samp_weight=frame["weight"].to_numpy(),
        stratum=frame["stratum"].to_numpy(),
        psu=frame["psu"].to_numpy(),
        domain=frame["domain"].to_numpy(),
    )
    first = next(iter(est.stderror.values()))
    return float(first[1] if isinstance(first, dict) else first)


PRELOAD = {
    "ours": ["wsis.engine.survey", "scipy.special", "pyarrow", "polars", "duckdb"],
    "ours_replicate": ["wsis.engine.survey", "scipy.special", "pyarrow", "polars", "duckdb"],
    "floor": ["duckdb", "polars", "pyarrow"],
    "svy_taylor": ["svy", "polars"],
    "svy_replicate": ["svy", "polars", "svy.core.repwgts"],
    "samplics_taylor": ["samplics.estimation", "samplics.utils.types", "polars"],
}

TASKS = {f.__name__: f for f in (ours, ours_replicate, floor, svy_taylor, svy_replicate, samplics_taylor)}

if __name__ == "__main__":
    task, path = sys.argv[1], sys.argv[2]
    import importlib
    import warnings

    warnings.simplefilter("ignore", FutureWarning)  # samplics announces its archival on import
    for module in PRELOAD[task]:
        importlib.import_module(module)
    start = time.perf_counter()
    check = TASKS[task](path)
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"task": task, "seconds": seconds, "peak_mib": peak_mib, "check": check}))
