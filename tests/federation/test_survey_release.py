"""A national statistics office publishes the indicators it estimates from its household survey as a
warehouse release (`wsis survey publish`): real microdata (Pakistan's PSLM 2014-15 ICT module), the very
numbers `wsis survey indicators` prints, with their SEs and CIs; a bad spec or file stores nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.warehouse.conftest import counts
from wsis.cli import main

PUBLISHER = "Pakistan Bureau of Statistics"

SPEC = """\
survey: PSLM 2014-15 ICT module
design: {strata: Province, psu: PSU}
disaggregations: [[], [Region]]
indicators:
  - code: INET
    name: Individuals using the Internet
    condition: "trim(sictq04) = 'YES'"
    reference_period: last three months
warehouse:
  indicators: {INET: i99H}
  dimensions:
    Region: {dimension: urbanisation, codes: {Urban: U, Rural: R}}
"""


def pslm_spec(folder: Path, text: str = SPEC) -> Path:
    """The spec the tests use, written by the test (never a copy of shared data)."""
    path = folder / "pslm.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def pslm(shared: Path) -> Path:
    return shared / "surveys/pslm2015_ict.parquet"


def _publish(spec: Path, data: Path, *extra: str):
    args = ["survey", "publish", "--spec", str(spec), "--economy", "PAK", "--period", "2015"]
    return CliRunner().invoke(main, [*args, "--publisher", PUBLISHER, "--no-refresh", *extra, str(data)])


@pytest.mark.django_db
def test_published_release_holds_what_survey_indicators_prints(tmp_path: Path, pslm: Path) -> None:
    from wsis.apps.warehouse.models import Observation, Release

    spec = pslm_spec(tmp_path)
    printed = CliRunner().invoke(main, ["survey", "indicators", "--spec", str(spec), str(pslm)])
    assert printed.exit_code == 0, printed.output
    expected = {
        {"": "_T", "Urban": "U", "Rural": "R"}[r["domain"].get("Region", "")]: r
        for r in json.loads(printed.output)
    }
    assert set(expected) == {"_T", "U", "R"}

    done = _publish(spec, pslm)
    assert done.exit_code == 0, done.output
    assert "3 observations written" in done.output
    release = Release.objects.get(publisher=PUBLISHER)
    assert release.name == "PSLM 2014-15 ICT module 2015" and not release.synthetic
    assert release.files.get().name == "pslm2015_ict-estimates.parquet"
    stored = {o.urbanisation: o for o in Observation.objects.filter(release=release)}
    assert set(stored) == set(expected)
    for code, row in expected.items():
        o = stored[code]
        assert (o.indicator, o.area, o.period, o.sex, o.unit, o.nature) == (
            "i99H",
            "PAK",
            "2015",
            "_T",
            "percent",
            "reported",
        )
        # The engine's sums may differ in the last bit between two runs (parallel aggregation order).
        assert [o.value, o.se, o.ci_low, o.ci_high] == pytest.approx(
            [row["estimate"], row["se"], row["ci_low"], row["ci_high"]], rel=1e-12
        )
        assert o.source == "PSLM 2014-15 ICT module" and "reference period: last three months" in o.note
    assert 13 < stored["_T"].value < 15 and stored["R"].value < stored["_T"].value < stored["U"].value

    again = _publish(spec, pslm)  # the same release again: nothing new, nothing changed
    assert again.exit_code == 0 and "0 observations written, 3 already stored" in again.output


@pytest.mark.django_db
def test_an_embargoed_survey_release_is_invisible_until_its_time(tmp_path: Path, pslm: Path) -> None:
    from wsis.apps.warehouse.models import Observation, Release

    spec = pslm_spec(tmp_path, SPEC.replace("[[], [Region]]", "[[]]"))
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)
    done = _publish(spec, pslm, "--publish-at", at.isoformat())
    assert done.exit_code == 0 and "under embargo until" in done.output, done.output
    release = Release.objects.get(publisher=PUBLISHER)
    assert release.publish_at == at and release.embargoed()
    assert not Observation.objects.visible().filter(release=release).exists()


BAD = {
    "unknown dimension": (
        SPEC.replace("dimension: urbanisation", "dimension: province"),
        "warehouse.dimensions.Region.dimension: must be one of sex, age, urbanisation",
    ),
    "dimension filled twice": (
        SPEC.replace(
            "    Region: {", "    Province: {dimension: urbanisation, codes: {KP: U}}\n    Region: {"
        ),
        "warehouse.dimensions.Region.dimension: urbanisation is already filled by Province",
    ),
    "unmapped disaggregation": (
        SPEC.replace("[[], [Region]]", "[[], [Region], [Province]]"),
        "disaggregations[2]: column 'Province' has no entry in warehouse.dimensions",
    ),
    "unknown spec indicator": (
        SPEC.replace("{INET: i99H}", "{NET: i99H}"),
        "warehouse.indicators.NET: no indicator 'NET' in the spec (INET)",
    ),
    "value without a code": (
        SPEC.replace("{Urban: U, Rural: R}", "{Urban: U}"),
        "warehouse.dimensions.Region.codes: no code for the value 'Rural' of column 'Region'",
    ),
    "hostile code": (
        SPEC.replace("Rural: R", 'Rural: "<script>alert(1)</script>"'),
        "warehouse.dimensions.Region.codes.Rural: expected a warehouse code",
    ),
    "total code": (SPEC.replace("Rural: R", "Rural: _T"), "warehouse.dimensions.Region.codes.Rural"),
    "not a mapping": (
        SPEC.replace("  indicators: {INET: i99H}", "  indicators: [i99H]"),
        "warehouse.indicators",
    ),
    "bad condition": (SPEC.replace("trim(sictq04)", "trim(no_such_column)"), "bad derived column"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_spec_is_refused_naming_where_with_nothing_stored(
    case: str, tmp_path: Path, pslm: Path
) -> None:
    text, message = BAD[case]
    spec = pslm_spec(tmp_path, text)
    before = counts()
    done = _publish(spec, pslm)
    assert done.exit_code == 1, done.output
    assert str(spec) in done.output and message in done.output and "nothing was stored" in done.output
    assert counts() == before


@pytest.mark.django_db
def test_bad_arguments_and_files_are_refused_with_nothing_stored(tmp_path: Path, pslm: Path) -> None:
    spec = pslm_spec(tmp_path)
    before = counts()
    runner = CliRunner()
    common = ["survey", "publish", "--spec", str(spec), "--publisher", PUBLISHER]
    unknown = runner.invoke(main, [*common, "--economy", "ZZZ", "--period", "2015", str(pslm)])
    assert unknown.exit_code == 2 and "unknown economy code 'ZZZ'" in unknown.output
    period = runner.invoke(main, [*common, "--economy", "PAK", "--period", "2015/16", str(pslm)])
    assert period.exit_code == 2 and "'2015/16' is not YYYY" in period.output
    when = runner.invoke(
        main, [*common, "--economy", "PAK", "--period", "2015", "--publish-at", "soon", str(pslm)]
    )
    assert when.exit_code == 2 and "'soon' is not an ISO 8601 time" in when.output
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"PAR1 not really")
    broken = runner.invoke(main, [*common, "--economy", "PAK", "--period", "2015", str(garbage)])
    assert broken.exit_code == 1 and "garbage.parquet" in broken.output, broken.output
    yaml_error = pslm_spec(tmp_path, "survey: [unclosed\n")
    bad_yaml = _publish(yaml_error, pslm)
    assert bad_yaml.exit_code == 1 and "cannot read spec" in bad_yaml.output
    assert counts() == before


@pytest.mark.django_db
def test_a_release_the_warehouse_refuses_stores_nothing(tmp_path: Path, pslm: Path) -> None:
    """The warehouse's own checks apply: the same release published again with other figures conflicts."""
    totals = SPEC.replace("[[], [Region]]", "[[]]")
    assert _publish(pslm_spec(tmp_path, totals), pslm).exit_code == 0
    before = counts()
    other = pslm_spec(tmp_path, totals.replace("trim(sictq04) = 'YES'", "trim(sictq03) = 'YES'"))
    done = _publish(other, pslm)
    assert done.exit_code == 1 and "import refused" in done.output, done.output
    assert (
        "pslm2015_ict-estimates.parquet, row 1, column 'value': conflicts with the same release"
        in done.output
    )
    assert counts() == before
