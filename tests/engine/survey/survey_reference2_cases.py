"""How each calibration entry of survey-reference/reference-values-2.json maps to our API and CLI.

The population totals are the literal numbers of each entry's R ``design`` string (inputs, not results);
every expected value comes from the JSON file at test time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wsis.engine.survey import BuiltReplicates, TaylorDesign
from wsis.engine.survey.calibration import Calibrate, PopulationTable, PostStratify, Rake, TrimWeights
from wsis.engine.survey.design import CalibratedDesign

CLUS1 = TaylorDesign(clusters=("dnum",), weight="pw", fpc=("fpc",))
STRAT = TaylorDesign(strata="stype", weight="pw", fpc=("fpc",))
AGSTRAT = TaylorDesign(strata="region", weight="strwt", fpc=("N",))

CLUS1_ARGS = ("--psu", "dnum", "--weight", "pw", "--fpc", "fpc")
STRAT_ARGS = ("--strata", "stype", "--weight", "pw", "--fpc", "fpc")
AGSTRAT_ARGS = ("--strata", "region", "--weight", "strwt", "--fpc", "N")

# R: agstrat$N <- c(NC=1054, NE=220, S=1382, W=422)[region]; I(acres92 < 200000) as two indicators.
AG_DERIVED = (
    ("N", "CASE region WHEN 'NC' THEN 1054 WHEN 'NE' THEN 220 WHEN 'S' THEN 1382 WHEN 'W' THEN 422 END"),
    ("acres92_small", "CASE WHEN acres92 < 200000 THEN 1 ELSE 0 END"),
    ("acres92_large", "CASE WHEN acres92 < 200000 THEN 0 ELSE 1 END"),
)

TYPES = PopulationTable.of("stype", {"E": 4421, "H": 755, "M": 1018})
SCHWIDE = PopulationTable.of("sch.wide", {"No": 1072, "Yes": 5122})
COMPIMP = PopulationTable.of("comp.imp", {"No": 1712, "Yes": 4482})
STYPE_SCHWIDE = PopulationTable.of(
    ("stype", "sch.wide"),
    {
        ("E", "No"): 472,
        ("E", "Yes"): 3949,
        ("H", "No"): 334,
        ("H", "Yes"): 421,
        ("M", "No"): 266,
        ("M", "Yes"): 752,
    },
)
GREG_TOTALS = (("(Intercept)", 6194.0), ("stypeH", 755.0), ("stypeM", 1018.0), ("api99", 3914069.0))


def greg(**options: object) -> Calibrate:
    return Calibrate(("stype", "api99"), GREG_TOTALS, **options)  # type: ignore[arg-type]


# Population files the command line reads (written into a temporary folder by the tests).
POPULATION_FILES = {
    "types.csv": "stype,Freq\nE,4421\nH,755\nM,1018\n",
    "schwide.csv": "sch.wide,Freq\nNo,1072\nYes,5122\n",
    "compimp.csv": "comp.imp,Freq\nNo,1712\nYes,4482\n",
    "stype_schwide.csv": (
        "stype,sch.wide,Freq\nE,No,472\nE,Yes,3949\nH,No,334\nH,Yes,421\nM,No,266\nM,Yes,752\n"
    ),
    # R's names (term,total), as calibrate() takes them ...
    "greg_terms.csv": "term,total\n(Intercept),6194\nstypeH,755\nstypeM,1018\napi99,3914069\n",
    # ... and the same kind of totals as tables (variable,level,total).
    "schwide_api99.csv": (
        "variable,level,total\n(Intercept),,6194\napi99,,3914069\nsch.wide,No,1072\nsch.wide,Yes,5122\n"
    ),
    "acres87.csv": "variable,level,total\n(Intercept),,3078\nacres87,,964470625\n",
}

GREG_ARGS = ("--calibrate", "{dir}/greg_terms.csv", "--calibrate-terms", "stype,api99")


@dataclass(frozen=True)
class CalibrationCase:
    file: str
    design: CalibratedDesign
    cli: tuple[str, ...]
    derived: tuple[tuple[str, str], ...] = ()
    # R label of a variable -> our column (I(acres92 < 2e+05)TRUE is a derived indicator)
    variables: tuple[tuple[str, str], ...] = ()

    def column(self, label: str) -> str:
        return dict(self.variables).get(label, label)

    def cli_args(self, folder: Path) -> list[str]:
        args = [a.replace("{dir}", str(folder)) for a in self.cli]
        for name, expr in self.derived:
            args += ["--derive", f"{name}={expr}"]
        return args


CASES: dict[str, CalibrationCase] = {
    "PS-C1": CalibrationCase(
        "apiclus1.csv",
        CalibratedDesign(CLUS1, (PostStratify(TYPES),)),
        (*CLUS1_ARGS, "--poststratify", "{dir}/types.csv"),
    ),
    "PS-S1": CalibrationCase(
        "apistrat.csv",
        CalibratedDesign(STRAT, (PostStratify(STYPE_SCHWIDE),)),
        (*STRAT_ARGS, "--poststratify", "{dir}/stype_schwide.csv"),
    ),
    "RK-C1": CalibrationCase(
        "apiclus1.csv",
        CalibratedDesign(CLUS1, (Rake((TYPES, SCHWIDE)),)),
        (*CLUS1_ARGS, "--rake", "{dir}/types.csv", "--rake", "{dir}/schwide.csv"),
    ),
    "RK-S1": CalibrationCase(
        "apistrat.csv",
        CalibratedDesign(STRAT, (Rake((TYPES, SCHWIDE, COMPIMP)),)),
        (
            *STRAT_ARGS,
            "--rake",
            "{dir}/types.csv",
            "--rake",
            "{dir}/schwide.csv",
            "--rake",
            "{dir}/compimp.csv",
        ),
    ),
    "RK-S2": CalibrationCase(
        "apistrat.csv",
        CalibratedDesign(STRAT, (Rake((TYPES, SCHWIDE, COMPIMP), maxit=100, epsilon=1e-13),)),
        (
            *STRAT_ARGS,
            "--rake",
            "{dir}/types.csv",
            "--rake",
            "{dir}/schwide.csv",
            "--rake",
            "{dir}/compimp.csv",
            "--rake-maxit",
            "100",
            "--rake-epsilon",
            "1e-13",
        ),
    ),
    "CAL-C1": CalibrationCase("apiclus1.csv", CalibratedDesign(CLUS1, (greg(),)), (*CLUS1_ARGS, *GREG_ARGS)),
    "CAL-S1": CalibrationCase(
        "apistrat.csv",
        CalibratedDesign(
            STRAT,
            (
                Calibrate(
                    ("api99", "sch.wide"), (("(Intercept)", 6194), ("api99", 3914069), ("sch.wideYes", 5122))
                ),
            ),
        ),
        (*STRAT_ARGS, "--calibrate", "{dir}/schwide_api99.csv"),
    ),
    "CAL-C2": CalibrationCase(
        "apiclus1.csv",
        CalibratedDesign(CLUS1, (greg(calfun="raking"),)),
        (*CLUS1_ARGS, *GREG_ARGS, "--calfun", "raking"),
    ),
    "CAL-C3": CalibrationCase(
        "apiclus1.csv",
        CalibratedDesign(CLUS1, (greg(calfun="raking", epsilon=1e-13, maxit=100),)),
        (
            *CLUS1_ARGS,
            *GREG_ARGS,
            "--calfun",
            "raking",
            "--calibrate-epsilon",
            "1e-13",
            "--calibrate-maxit",
            "100",
        ),
    ),
    "CAL-C4": CalibrationCase(
        "apiclus1.csv",
        CalibratedDesign(CLUS1, (greg(calfun="logit", bounds=(0.7, 1.7)),)),
        (*CLUS1_ARGS, *GREG_ARGS, "--calfun", "logit", "--bounds", "0.7,1.7"),
    ),
    "CAL-A1": CalibrationCase(
        "agstrat.csv",
        CalibratedDesign(
            AGSTRAT, (Calibrate(("acres87",), (("(Intercept)", 3078), ("acres87", 964470625))),)
        ),
        (*AGSTRAT_ARGS, "--calibrate", "{dir}/acres87.csv"),
        derived=AG_DERIVED,
        variables=(("I(acres92 < 2e+05)TRUE", "acres92_small"), ("I(acres92 < 2e+05)FALSE", "acres92_large")),
    ),
    "TR-C1": CalibrationCase(
        "apiclus1.csv",
        CalibratedDesign(CLUS1, (greg(), TrimWeights(20, 45))),
        (*CLUS1_ARGS, *GREG_ARGS, "--trim", "20,45"),
    ),
    "TR-C2": CalibrationCase(
        "apiclus1.csv",
        CalibratedDesign(CLUS1, (greg(), TrimWeights(20, 45, strict=True))),
        (*CLUS1_ARGS, *GREG_ARGS, "--trim", "20,45", "--trim-strict"),
    ),
    # as.svrepdesign(dclus1) is JK1 (type "auto" on an unstratified design).
    "REP-C1": CalibrationCase(
        "apiclus1.csv",
        CalibratedDesign(BuiltReplicates(CLUS1, "JK1"), (greg(),)),
        (*CLUS1_ARGS, "--type", "JK1", *GREG_ARGS),
    ),
    "REP-C2": CalibrationCase(
        "apiclus1.csv",
        CalibratedDesign(BuiltReplicates(CLUS1, "JK1"), (PostStratify(TYPES),)),
        (*CLUS1_ARGS, "--type", "JK1", "--poststratify", "{dir}/types.csv"),
    ),
}
