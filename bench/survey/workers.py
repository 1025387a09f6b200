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
from pathlib import Path


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

    return _samplics_by_domain(pl.read_parquet(path), "prop", "y")


def _samplics_by_domain(frame: object, param: str, y: str, weight: object = None) -> float:
    """samplics' Taylor estimate of ``param`` of ``y`` by domain; the SE of the first domain."""
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

    est = TaylorEstimator(PopParam[param])
    est.estimate(
        y=frame[y].to_numpy(),  # type: ignore[index]
        samp_weight=frame["weight"].to_numpy() if weight is None else weight,  # type: ignore[index]
        stratum=frame["stratum"].to_numpy(),  # type: ignore[index]
        psu=frame["psu"].to_numpy(),  # type: ignore[index]
        domain=frame["domain"].to_numpy(),  # type: ignore[index]
    )
    first = next(iter(est.stderror.values()))
    return float(first[1] if isinstance(first, dict) else first)


# --- second half: raking, median, logistic regression (files from synthetic.write_people) ----------------

COVARIATES = ("female", "age", "urban", "educ", "log_income", "hhsize")
MARGINS = ("sex", "agegroup", "urban")
TAYLOR = {"strata": "stratum", "clusters": ("psu",), "weight": "weight"}


def _margins(path: str) -> dict[str, dict[str, float]]:
    from synthetic import margins_path

    return json.loads(margins_path(Path(path)).read_text())  # type: ignore[no-any-return]


def ours_rake(path: str) -> float:
    from wsis.engine.survey import (
        CalibratedDesign,
        PopulationTable,
        Proportion,
        Rake,
        TaylorDesign,
        estimate,
        open_survey,
    )

    tables = tuple(PopulationTable.of(m, counts) for m, counts in _margins(path).items())
    design = CalibratedDesign(TaylorDesign(**TAYLOR), (Rake(tables),))  # type: ignore[arg-type]
    rows = estimate(open_survey(path), design, Proportion("y", 1), by=["domain"])
    return rows[0].se


def floor_rake(path: str) -> float:
    """What one raking cycle reads (the weighted cross-table of the margins) and the first half's
    floor: two grouped passes."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SELECT sex, agegroup, urban, SUM(weight) FROM read_parquet('{path}') GROUP BY ALL").pl()
    return floor(path)


def svy_rake(path: str) -> float:
    import polars as pl
    import svy

    columns = ["stratum", "psu", "weight", "domain", "y", *MARGINS]
    sample = svy.Sample(
        pl.read_parquet(path, columns=columns), svy.Design(stratum="stratum", psu="psu", wgt="weight")
    )
    controls = {m: {int(k): v for k, v in counts.items()} for m, counts in _margins(path).items()}
    sample = sample.weighting.rake(controls=controls)
    est = sample.estimation.prop("y", by="domain")
    return float(est.to_polars().filter(pl.col("y") == 1)["se"][0])


def ours_median(path: str) -> float:
    from wsis.engine.survey import TaylorDesign, open_survey, svyquantile

    rows = svyquantile(open_survey(path), TaylorDesign(**TAYLOR), "spend", [0.5], by=["domain"])  # type: ignore[arg-type]
    return rows[0].se


def floor_median(path: str) -> float:
    """The weighted median of each domain (a window over the sorted values) and the sums by (stratum,
    PSU, domain) that the variance of the estimated CDF at it needs: two passes."""
    import duckdb

    con = duckdb.connect()
    medians = con.execute(
        "SELECT domain, MIN(spend) FILTER (WHERE cw >= tw / 2) AS m FROM ("
        "SELECT domain, spend, SUM(weight) OVER (PARTITION BY domain ORDER BY spend "
        "ROWS UNBOUNDED PRECEDING) AS cw, SUM(weight) OVER (PARTITION BY domain) AS tw "
        f"FROM read_parquet('{path}')) GROUP BY domain"
    ).pl()
    con.register("medians", medians)
    con.execute(
        "SELECT stratum, psu, domain, COUNT(*), SUM(weight), SUM(weight * (spend <= m)::DOUBLE) "
        f"FROM read_parquet('{path}') JOIN medians USING (domain) GROUP BY ALL"
    ).pl()
    return float(medians.height)


def svy_median(path: str) -> float:
    import polars as pl
    import svy

    frame = pl.read_parquet(path, columns=["stratum", "psu", "weight", "domain", "spend"])
    sample = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    est = sample.estimation.median("spend", by="domain")
    return float(est.to_polars()["se"][0])


def ours_glm(path: str) -> float:
    from wsis.engine.survey import TaylorDesign, open_survey, svyglm

    formula = "online ~ " + " + ".join(COVARIATES)
    fit = svyglm(open_survey(path), TaylorDesign(**TAYLOR), formula, family="quasibinomial")  # type: ignore[arg-type]
    return fit.coefficients[1].se


def floor_glm(path: str) -> float:
    """One grouped pass with every weighted cross-product of (1, covariates, response) by PSU: all a
    Gaussian fit with design-based SEs needs. A logistic fit iterates, so it cannot be one pass: this
    floor is below what any logistic fit can reach."""
    import duckdb

    terms = ["1", *COVARIATES, "online"]
    sums = [
        f"SUM(weight * {a} * {b})"
        for i, a in enumerate(terms)
        for b in terms[i:]
        if (a, b) != ("online", "online")
    ]
    sql = f"SELECT stratum, psu, {', '.join(sums)} FROM read_parquet('{path}') GROUP BY ALL"
    return float(duckdb.connect().execute(sql).pl().height)


def svy_glm(path: str) -> float:
    import polars as pl
    import svy

    frame = pl.read_parquet(path, columns=["stratum", "psu", "weight", "online", *COVARIATES])
    sample = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    fit = sample.glm.fit("online", x=list(COVARIATES), family="binomial")
    return float(fit.to_polars()["std_err"][1])


PRELOAD = {
    "ours": ["wsis.engine.survey", "scipy.special", "pyarrow", "polars", "duckdb"],
    "ours_replicate": ["wsis.engine.survey", "scipy.special", "pyarrow", "polars", "duckdb"],
    "floor": ["duckdb", "polars", "pyarrow"],
    "svy_taylor": ["svy", "polars"],
    "svy_replicate": ["svy", "polars", "svy.core.repwgts"],
    "samplics_taylor": ["samplics.estimation", "samplics.utils.types", "polars"],
}


def samplics_rake(path: str) -> float:
    import polars as pl
    from samplics.weighting import SampleWeight

    frame = pl.read_parquet(path, columns=["stratum", "psu", "weight", "domain", "y", *MARGINS])
    control = {m: {int(k): v for k, v in counts.items()} for m, counts in _margins(path).items()}
    raked = SampleWeight().rake(
        samp_weight=frame["weight"].to_numpy(),
        margins={m: frame[m].to_numpy() for m in MARGINS},
        control=control,
    )
    return _samplics_by_domain(frame, "prop", "y", raked)


def samplics_median(path: str) -> float:
    import polars as pl

    frame = pl.read_parquet(path, columns=["stratum", "psu", "weight", "domain", "spend"])
    return _samplics_by_domain(frame, "median", "spend")


def samplics_glm(path: str) -> float:
    import polars as pl
    from samplics.regression import SurveyGLM
    from samplics.utils.types import ModelType

    frame = pl.read_parquet(path, columns=["stratum", "psu", "weight", "online", *COVARIATES])
    fit = SurveyGLM(ModelType.LOGISTIC)
    fit.estimate(
        y=frame["online"].to_numpy(),
        x=frame.select(COVARIATES).to_numpy().astype(float),
        samp_weight=frame["weight"].to_numpy(),
        stratum=frame["stratum"].to_numpy(),
        psu=frame["psu"].to_numpy(),
        add_intercept=True,
    )
    return float(fit.beta["stderror"][1])


OURS = ["wsis.engine.survey", "scipy.special", "pyarrow", "polars", "duckdb"]
PRELOAD |= {
    "ours_rake": OURS,
    "ours_median": OURS,
    "ours_glm": OURS,
    "floor_rake": ["duckdb", "polars", "pyarrow"],
    "floor_median": ["duckdb", "polars", "pyarrow"],
    "floor_glm": ["duckdb", "polars", "pyarrow"],
    "svy_rake": ["svy", "polars"],
    "svy_median": ["svy", "polars"],
    "svy_glm": ["svy", "polars"],
    "samplics_rake": ["samplics.estimation", "samplics.weighting", "polars"],
    "samplics_median": ["samplics.estimation", "samplics.utils.types", "polars"],
    "samplics_glm": ["samplics.regression", "samplics.utils.types", "polars"],
}

TASKS = {
    f.__name__: f
    for f in (
        ours,
        ours_replicate,
        floor,
        svy_taylor,
        svy_replicate,
        samplics_taylor,
        ours_rake,
        floor_rake,
        svy_rake,
        ours_median,
        floor_median,
        svy_median,
        ours_glm,
        floor_glm,
        svy_glm,
        samplics_rake,
        samplics_median,
        samplics_glm,
    )
}

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
