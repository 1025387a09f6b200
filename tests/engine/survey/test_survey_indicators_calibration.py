"""``wsis survey indicators --spec`` with calibration targets: microdata plus census margins to
published indicators in one file, equal to the calibrated design-based estimates."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from wsis.cli.survey import survey
from wsis.engine.survey import Proportion, SurveyInputError, TaylorDesign, estimate, open_survey
from wsis.engine.survey.calibration import Calibrate, PopulationTable, Rake, TrimWeights
from wsis.engine.survey.design import CalibratedDesign
from wsis.engine.survey.itu_indicators import indicator_table, load_spec

SPEC = """
survey: API schools, one-stage cluster sample
design: {psu: dnum, weight: pw, fpc: fpc}
calibration:
  - rake: [schwide.csv, {stype: {E: 4421, H: 755, M: 1018}}]
  - calibrate: {stype: {E: 4421, H: 755, M: 1018}, api99: 3914069}
    calfun: raking
  - trim: [10, 80]
disaggregations: [[], [stype]]
ci: wald
indicators:
  - code: SW
    name: Share of schools meeting the school-wide target
    condition: "\\"sch.wide\\" = 'Yes'"
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    (tmp_path / "schwide.csv").write_text("sch.wide,Freq\nNo,1072\nYes,5122\n")
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC)
    return path


def expected_design() -> CalibratedDesign:
    types = PopulationTable.of("stype", {"E": 4421, "H": 755, "M": 1018})
    return CalibratedDesign(
        TaylorDesign(clusters=("dnum",), weight="pw", fpc=("fpc",)),
        (
            Rake((PopulationTable.of("sch.wide", {"No": 1072, "Yes": 5122}), types)),
            Calibrate.from_margins(
                {"stype": {"E": 4421, "H": 755, "M": 1018}, "api99": 3914069}, calfun="raking"
            ),
            TrimWeights(10, 80),
        ),
    )


def test_spec_calibration_equals_the_calibrated_design(shared: Path, spec: Path) -> None:
    data_path = shared / "surveys" / "apiclus1.csv"
    rows = indicator_table(open_survey(data_path), load_spec(spec))
    assert len(rows) == 4
    direct = estimate(
        open_survey(data_path), expected_design(), Proportion("sch.wide", "Yes"), by=["stype"], ci="wald"
    )
    by_type = {r["domain"]["stype"]: r for r in rows if r["disaggregation"] == ["stype"]}
    for d in direct:
        row = by_type[d.domain["stype"]]
        assert math.isclose(row["estimate"], 100 * d.estimate, rel_tol=1e-12)
        assert math.isclose(row["se"], 100 * d.se, rel_tol=1e-12)
    # Calibration moved the numbers: the uncalibrated design gives another SE.
    (plain,) = estimate(open_survey(data_path), expected_design().base, Proportion("sch.wide", "Yes"))
    (total,) = [r for r in rows if r["disaggregation"] == []]
    assert not math.isclose(total["se"], 100 * plain.se, rel_tol=1e-3)


def test_spec_calibration_on_the_command_line(shared: Path, spec: Path) -> None:
    result = CliRunner().invoke(
        survey,
        ["indicators", "--spec", str(spec), str(shared / "surveys" / "apiclus1.csv"), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    direct = indicator_table(open_survey(shared / "surveys" / "apiclus1.csv"), load_spec(spec))
    assert [r["estimate"] for r in rows] == [r["estimate"] for r in direct]


def test_spec_calibration_errors_name_the_step(tmp_path: Path) -> None:
    (tmp_path / "schwide.csv").write_text("sch.wide,Freq\nNo,1072\nYes,5122\n")
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.replace("  - trim: [10, 80]\n", "  - trim: [10, 80]\n    spread: evenly\n"))
    with pytest.raises(SurveyInputError, match=r"calibration\[2\].*spread"):
        load_spec(path)
    path.write_text(SPEC.replace("schwide.csv", "missing.csv"))
    with pytest.raises(SurveyInputError, match=r"calibration\[0\].rake\[0\].*missing.csv"):
        load_spec(path)


def test_spec_with_unmatched_category_stops_before_any_row(shared: Path, tmp_path: Path) -> None:
    (tmp_path / "schwide.csv").write_text("sch.wide,Freq\nNo,1072\nYes,5122\n")
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.replace("M: 1018}}]", "X: 1018}}]"))
    with pytest.raises(SurveyInputError, match="'M'"):
        indicator_table(open_survey(shared / "surveys" / "apiclus1.csv"), load_spec(path))
