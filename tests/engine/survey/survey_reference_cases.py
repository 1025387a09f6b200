"""How each entry of survey-reference/reference-values.json maps to our API and CLI.

Every R call in the reference file is written here as our design + estimand + domains; the values come
only from the JSON file at test time (nothing is copied into the repository).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wsis.engine.survey import (
    BuiltReplicates,
    Mean,
    Proportion,
    Ratio,
    ReplicateDesign,
    TaylorDesign,
    Total,
)

STRAT = TaylorDesign(strata="stype", weight="pw", fpc=("fpc",))
STRAT_NOFPC = TaylorDesign(strata="stype", weight="pw")
CLUS1 = TaylorDesign(clusters=("dnum",), weight="pw", fpc=("fpc",))
CLUS1_NOFPC = TaylorDesign(clusters=("dnum",), weight="pw")
CLUS2 = TaylorDesign(clusters=("dnum", "snum"), fpc=("fpc1", "fpc2"))
CLUS2_WR = TaylorDesign(clusters=("dnum", "snum"), weight="pw")
SRS = TaylorDesign(fpc=("fpc",))
NHANES = TaylorDesign(strata="SDMVSTRA", clusters=("SDMVPSU",), weight="WTMEC2YR", nest=True)
NHANES2 = TaylorDesign(strata="stratid", clusters=("psuid",), weight="finalwgt", nest=True)

FILES = {
    "S": "apistrat.csv",
    "C": "apiclus1.csv",
    "T": "apiclus2.csv",
    "R": "apisrs.csv",
    "N": "nhanes.csv",
    "H": "nhanes2.csv",
    "B": "nhanes2brr_subset.csv",
    "J": "nhanes2jk_subset.csv",
    "BS": "nmihs_subset.csv",
}


@dataclass(frozen=True)
class Case:
    """One reference entry: ``estimand(level)`` on ``design`` by ``by``; ``parse`` maps an R label to
    (domain values as strings, factor level or None)."""

    file: str
    design: Any
    make: Callable[[Any], Any]
    by: tuple[str, ...] = ()
    parse: Callable[[str], tuple[tuple[str, ...], Any]] = lambda label: ((), None)
    where: str | None = None
    kind: str = "estimate"  # estimate | deff | deff_replace | df | nrow | ci:<method> | replicates
    cli: list[str] = field(default_factory=list)


def mean(var: str) -> Callable[[Any], Any]:
    return lambda level: Mean(var)


def total(var: str) -> Callable[[Any], Any]:
    return lambda level: Total(var)


def prop(var: str) -> Callable[[Any], Any]:
    return lambda level: Proportion(var, level)


def level_after(prefix: str) -> Callable[[str], tuple[tuple[str, ...], Any]]:
    return lambda label: ((), label[len(prefix) :])


def domain(sep: str | None = None) -> Callable[[str], tuple[tuple[str, ...], Any]]:
    return lambda label: (tuple(label.split(sep)) if sep else (label,), None)


def domain_level(prefix: str) -> Callable[[str], tuple[tuple[str, ...], Any]]:
    def parse(label: str) -> tuple[tuple[str, ...], Any]:
        dom, rest = label.split(":", 1)
        return (dom,), rest[len(prefix) :]

    return parse


def brr(mse: bool = False) -> ReplicateDesign:
    return ReplicateDesign("finalwgt", tuple(f"brr_{i}" for i in range(1, 33)), "BRR", mse=mse)


def jkn(mse: bool) -> ReplicateDesign:
    return ReplicateDesign(
        "finalwgt", tuple(f"jkw_{i}" for i in range(1, 63)), "JKn", scale=1.0, rscales=0.5, mse=mse
    )


BOOT = tuple(f"bsrw{i}" for i in range(1, 51))

# Keys are (id, occurrence) because the reference file repeats H0 and H9 for two statistics.
CASES: dict[tuple[str, int], Case] = {
    ("S1", 0): Case("S", STRAT, mean("api00"), cli=["--mean", "api00"]),
    ("S2", 0): Case("S", STRAT, total("enroll"), cli=["--total", "enroll"]),
    ("S3", 0): Case("S", STRAT, prop("stype"), parse=level_after("stype")),
    ("S4", 0): Case("S", STRAT, prop("sch.wide"), parse=level_after("sch.wide")),
    ("S5", 0): Case("S", STRAT, lambda _: Ratio("api.stu", "enroll"), cli=["--ratio", "api.stu/enroll"]),
    ("S6", 0): Case("S", STRAT, mean("api00"), by=("awards",), parse=domain(), cli=["--mean", "api00"]),
    ("S7", 0): Case("S", STRAT, prop("sch.wide"), by=("awards",), parse=domain_level("sch.wide")),
    ("S8", 0): Case("S", STRAT, mean("api00"), kind="deff", cli=["--mean", "api00"]),
    ("S9", 0): Case("S", STRAT, mean("api00"), kind="deff_replace", cli=["--mean", "api00"]),
    ("S10", 0): Case("S", STRAT, mean("api00"), kind="df", cli=["--mean", "api00"]),
    ("S11", 0): Case("S", STRAT_NOFPC, mean("api00"), cli=["--mean", "api00"]),
    ("S12", 0): Case("S", STRAT_NOFPC, prop("sch.wide"), parse=level_after("sch.wide")),
    ("S13", 0): Case("S", STRAT, total("api00"), by=("stype",), parse=domain(), cli=["--total", "api00"]),
    ("S14logit", 0): Case("S", STRAT, lambda _: Proportion("sch.wide", "Yes"), kind="ci:logit"),
    # R interpolates a spline through a profiled grid for these bounds; ours are the exact roots, so
    # the bounds are checked to 1e-5 (they differ by about 1e-6) and the estimate to 1e-9.
    ("S14likelihood", 0): Case("S", STRAT, lambda _: Proportion("sch.wide", "Yes"), kind="ci:likelihood"),
    ("S14asin", 0): Case("S", STRAT, lambda _: Proportion("sch.wide", "Yes"), kind="ci:asin"),
    ("S14beta", 0): Case("S", STRAT, lambda _: Proportion("sch.wide", "Yes"), kind="ci:clopper-pearson"),
    ("S14mean", 0): Case("S", STRAT, lambda _: Proportion("sch.wide", "Yes"), kind="ci:wald"),
    ("S14xlogit", 0): Case("S", STRAT, lambda _: Proportion("sch.wide", "Yes"), kind="ci:logit"),
    ("S15", 0): Case("S", STRAT, mean("api00"), kind="ci:wald", cli=["--mean", "api00"]),
    ("C1", 0): Case("C", CLUS1, mean("api00"), cli=["--mean", "api00"]),
    ("C2", 0): Case("C", CLUS1, total("enroll"), cli=["--total", "enroll"]),
    ("C3", 0): Case("C", CLUS1, prop("stype"), parse=level_after("stype")),
    ("C4", 0): Case("C", CLUS1, mean("api00"), by=("stype",), parse=domain(), cli=["--mean", "api00"]),
    ("C5", 0): Case("C", CLUS1, prop("sch.wide"), by=("stype",), parse=domain_level("sch.wide")),
    ("C6", 0): Case("C", CLUS1, lambda _: Ratio("api.stu", "enroll"), cli=["--ratio", "api.stu/enroll"]),
    ("C7", 0): Case("C", CLUS1, mean("api00"), kind="deff", cli=["--mean", "api00"]),
    ("C8", 0): Case("C", CLUS1, mean("api00"), where="stype = 'E'", cli=["--mean", "api00"]),
    ("C9", 0): Case("C", CLUS1_NOFPC, mean("api00"), cli=["--mean", "api00"]),
    ("C10", 0): Case("C", BuiltReplicates(CLUS1_NOFPC, "JK1"), mean("api00")),
    ("C11", 0): Case("C", BuiltReplicates(CLUS1_NOFPC, "JK1"), mean("api00"), by=("stype",), parse=domain()),
    ("C12", 0): Case(
        "C", BuiltReplicates(CLUS1_NOFPC, "JK1"), prop("sch.wide"), parse=level_after("sch.wide")
    ),
    ("C13", 0): Case("C", BuiltReplicates(CLUS1, "JK1"), mean("api00")),
    ("T1", 0): Case("T", CLUS2, mean("api00"), cli=["--mean", "api00"]),
    ("T2", 0): Case("T", CLUS2, total("enroll"), cli=["--total", "enroll"]),
    ("T3", 0): Case("T", CLUS2, mean("api00"), by=("stype",), parse=domain(), cli=["--mean", "api00"]),
    ("T4", 0): Case("T", CLUS2_WR, mean("api00"), cli=["--mean", "api00"]),
    ("R1", 0): Case("R", SRS, mean("api00"), cli=["--mean", "api00"]),
    ("R2", 0): Case("R", SRS, total("enroll"), cli=["--total", "enroll"]),
    ("N1", 0): Case("N", NHANES, mean("HI_CHOL"), cli=["--mean", "HI_CHOL"]),
    ("N2", 0): Case("N", NHANES, mean("HI_CHOL"), by=("race",), parse=domain(), cli=["--mean", "HI_CHOL"]),
    ("N3", 0): Case(
        "N", NHANES, mean("HI_CHOL"), by=("RIAGENDR",), parse=domain(), cli=["--mean", "HI_CHOL"]
    ),
    ("N4", 0): Case("N", NHANES, mean("HI_CHOL"), by=("agecat",), parse=domain(), cli=["--mean", "HI_CHOL"]),
    ("N5", 0): Case(
        "N",
        NHANES,
        mean("HI_CHOL"),
        by=("RIAGENDR", "agecat"),
        parse=lambda s: (tuple(s.split(".", 1)), None),
        cli=["--mean", "HI_CHOL"],
    ),
    ("N6", 0): Case("N", NHANES, total("HI_CHOL"), cli=["--total", "HI_CHOL"]),
    ("N7", 0): Case("N", NHANES, mean("HI_CHOL"), kind="deff", cli=["--mean", "HI_CHOL"]),
    ("N8", 0): Case("N", NHANES, mean("HI_CHOL"), kind="df", cli=["--mean", "HI_CHOL"]),
    ("N12", 0): Case("N", BuiltReplicates(NHANES, "JKn"), mean("HI_CHOL")),
    ("N13", 0): Case("N", BuiltReplicates(NHANES, "JKn"), mean("HI_CHOL"), by=("agecat",), parse=domain()),
    ("N14", 0): Case(
        "N", NHANES, lambda _: Proportion("HI_CHOL", 1), kind="ci:logit", cli=["--proportion", "HI_CHOL=1"]
    ),
    ("H0", 0): Case("H", NHANES2, mean("highbp"), kind="nrow", cli=["--mean", "highbp"]),
    ("H0", 1): Case("H", NHANES2, mean("highbp"), kind="df", cli=["--mean", "highbp"]),
    ("H1", 0): Case("H", NHANES2, mean("zinc"), cli=["--mean", "zinc"]),
    ("H2", 0): Case("H", NHANES2, mean("highbp"), cli=["--mean", "highbp"]),
    ("H3", 0): Case("H", NHANES2, mean("diabetes"), cli=["--mean", "diabetes"]),
    ("H4", 0): Case("H", NHANES2, mean("highbp"), by=("race",), parse=domain(), cli=["--mean", "highbp"]),
    ("H5", 0): Case("H", NHANES2, mean("highbp"), by=("region",), parse=domain(), cli=["--mean", "highbp"]),
    ("H6", 0): Case("H", NHANES2, total("highbp"), cli=["--total", "highbp"]),
    ("H7", 0): Case("H", NHANES2, prop("race"), parse=level_after("factor(race)")),
    ("H9", 0): Case("H", NHANES2, mean("highbp"), kind="deff", cli=["--mean", "highbp"]),
    ("H9", 1): Case("H", NHANES2, mean("highbp"), kind="deff_replace", cli=["--mean", "highbp"]),
    ("H10", 0): Case("H", BuiltReplicates(NHANES2, "BRR"), mean("highbp")),
    ("H11", 0): Case("H", BuiltReplicates(NHANES2, "BRR"), mean("highbp"), by=("race",), parse=domain()),
    ("H12", 0): Case("H", BuiltReplicates(NHANES2, "Fay", rho=0.5), mean("highbp")),
    ("H13", 0): Case("H", BuiltReplicates(NHANES2, "JKn"), mean("highbp")),
    ("H14", 0): Case("H", BuiltReplicates(NHANES2, "JKn"), mean("zinc")),
    ("B1", 0): Case("B", brr(), lambda v: Mean(v), parse=lambda s: ((), s)),
    ("B2", 0): Case("B", brr(), lambda _: Ratio("weight", "height"), cli=["--ratio", "weight/height"]),
    ("B3", 0): Case("B", brr(mse=True), lambda v: Mean(v), parse=lambda s: ((), s)),
    ("J0", 0): Case("J", jkn(True), mean("height"), kind="replicates"),
    ("J1", 0): Case("J", jkn(True), lambda v: Mean(v), parse=lambda s: ((), s)),
    ("J2", 0): Case("J", jkn(True), lambda _: Ratio("weight", "height"), cli=["--ratio", "weight/height"]),
    ("J3", 0): Case("J", jkn(False), lambda v: Mean(v), parse=lambda s: ((), s)),
    ("BS1", 0): Case(
        "BS",
        ReplicateDesign("finalwgt", BOOT, "bootstrap"),
        mean("birth_weight"),
        cli=["--mean", "birth_weight"],
    ),
    ("BS2", 0): Case(
        "BS",
        ReplicateDesign("finalwgt", BOOT, "other", scale=1 / 50, rscales=1.0, mse=True),
        mean("birth_weight"),
        cli=["--mean", "birth_weight"],
    ),
}
