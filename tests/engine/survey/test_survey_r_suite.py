"""Cases from R survey's own test suite that disagreed with us (issue 18): a fully enumerated one-PSU
stratum under JKn, CSV columns whose names differ only in case, and survey >= 4.4's lonely-PSU rule."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from wsis.cli.survey import survey
from wsis.engine.survey import BuiltReplicates, Mean, TaylorDesign, Total, estimate, open_survey

# R's data(fpc): `nh` is the sample size of the stratum, `Nh` its population size; stratum 3 is one
# PSU drawn from a population of one (fully enumerated, N = n = 1).
FPC = """stratid,psuid,weight,nh,Nh,x
1,1,3,5,15,2.8
1,2,3,5,15,4.1
1,3,3,5,15,6.8
1,4,3,5,15,6.8
1,5,3,5,15,9.2
2,1,4,3,12,3.7
2,2,4,3,12,6.6
2,3,4,3,12,4.2
3,1,1,1,1,5.0
"""

# survey's tests/lonely.psu.R (added in 4.4-1): stratum 3 has a single PSU.
LONELY = """strata,psu,w,Age
1,1,10.5,30.5
1,2,10.5,40.5
2,3,20,35
2,4,20,52
3,5,15,44
"""


def write(tmp_path: Path, text: str, name: str = "survey.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def fpc_design(lonely: str = "fail") -> TaylorDesign:
    return TaylorDesign("stratid", ("psuid",), "weight", fpc=("Nh",), nest=True, lonely_psu=lonely)  # type: ignore[arg-type]


def test_jkn_with_a_fully_enumerated_one_psu_stratum(tmp_path: Path) -> None:
    data = open_survey(write(tmp_path, FPC))
    # For a total the stratified jackknife equals the linearisation variance exactly, so the built
    # replicates must reproduce the Taylor SE; the enumerated stratum adds no replicate and no variance.
    (taylor,) = estimate(data, fpc_design(), Total("x"))
    (jkn,) = estimate(data, BuiltReplicates(fpc_design(), "JKn"), Total("x"))
    assert math.isclose(jkn.estimate, taylor.estimate, rel_tol=1e-12)
    assert math.isclose(jkn.se, taylor.se, rel_tol=1e-12)
    assert taylor.se > 0


def test_jkn_average_rule_scales_by_psus_over_replicates(tmp_path: Path) -> None:
    """R's jknweights with lonely.psu="average" multiplies the scale by PSUs / replicates whenever a
    stratum has no replicate, the enumerated one included (9 PSUs, 8 replicates here)."""
    data = open_survey(write(tmp_path, FPC))
    (plain,) = estimate(data, BuiltReplicates(fpc_design(), "JKn"), Mean("x"))
    (average,) = estimate(data, BuiltReplicates(fpc_design("average"), "JKn"), Mean("x"))
    assert math.isclose(average.se**2, plain.se**2 * 9 / 8, rel_tol=1e-12)


def test_jkn_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, FPC)
    args = ["estimate", str(path), "--strata", "stratid", "--psu", "psuid", "--weight", "weight"]
    args += ["--fpc", "Nh", "--nest", "--type", "JKn", "--total", "x", "--format", "json"]
    result = CliRunner().invoke(survey, args)
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    (taylor,) = estimate(open_survey(path), fpc_design(), Total("x"))
    assert math.isclose(row["se"], taylor.se, rel_tol=1e-12)


def test_columns_differing_only_in_case_stay_addressable(tmp_path: Path) -> None:
    data = open_survey(write(tmp_path, FPC))
    assert {"nh", "Nh"} <= set(data.columns)
    (small,) = estimate(data, TaylorDesign(weight="weight"), Mean("nh"))
    (large,) = estimate(data, TaylorDesign(weight="weight"), Mean("Nh"))
    assert small.estimate < large.estimate
    # --fpc Nh is the population size: the same as the file with that column under another name.
    renamed = open_survey(write(tmp_path, FPC.replace(",Nh,", ",Npop,"), "renamed.csv"))
    (by_case,) = estimate(data, fpc_design(), Total("x"))
    (by_name,) = estimate(
        renamed, TaylorDesign("stratid", ("psuid",), "weight", fpc=("Npop",), nest=True), Total("x")
    )
    assert by_case.se == by_name.se


def test_case_differing_fpc_column_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, FPC)
    common = ["estimate", str(path), "--strata", "stratid", "--psu", "psuid", "--weight", "weight", "--nest"]
    big = CliRunner().invoke(survey, [*common, "--fpc", "Nh", "--total", "x"])
    assert big.exit_code == 0, big.output
    # nh as an fpc would be the sample itself: every stratum fully enumerated, so no variance.
    small = CliRunner().invoke(survey, [*common, "--fpc", "nh", "--total", "x"])
    assert small.exit_code == 0, small.output
    assert json.loads(small.output)[0]["se"] == 0
    assert json.loads(big.output)[0]["se"] > 0


@pytest.mark.parametrize(("rule", "variance"), [("adjust", 127579.81), ("adjust-4.1", 562225.0)])
def test_lonely_psu_adjust_follows_survey_4_4_with_4_1_as_an_option(
    tmp_path: Path, rule: str, variance: float
) -> None:
    data = open_survey(write(tmp_path, LONELY))
    design = TaylorDesign("strata", ("psu",), "w", lonely_psu=rule)  # type: ignore[arg-type]
    (total,) = estimate(data, design, Total("Age"))
    assert math.isclose(total.estimate, 3145.5, rel_tol=1e-12)
    assert math.isclose(total.se**2, variance, rel_tol=1e-12)
    # Element sampling (no PSU column) treats each row as its PSU: the same rule, the same number.
    (element,) = estimate(data, TaylorDesign("strata", (), "w", lonely_psu=rule), Total("Age"))  # type: ignore[arg-type]
    assert math.isclose(element.se**2, variance, rel_tol=1e-12)


def test_lonely_psu_rules_agree_on_means(tmp_path: Path) -> None:
    data = open_survey(write(tmp_path, LONELY))
    new, old = (
        estimate(data, TaylorDesign("strata", ("psu",), "w", lonely_psu=rule), Mean("Age"))[0]  # type: ignore[arg-type]
        for rule in ("adjust", "adjust-4.1")
    )
    assert math.isclose(new.se, old.se, rel_tol=1e-12)


def test_lonely_psu_adjust_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, LONELY)
    common = ["estimate", str(path), "--strata", "strata", "--psu", "psu", "--weight", "w", "--total", "Age"]
    for rule, variance in (("adjust", 127579.81), ("adjust-4.1", 562225.0)):
        result = CliRunner().invoke(survey, [*common, "--lonely-psu", rule])
        assert result.exit_code == 0, result.output
        assert math.isclose(json.loads(result.output)[0]["se"] ** 2, variance, rel_tol=1e-12)
