"""The measurement commands, run through the ``wsis`` command on files written by the tests."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from measure_fixtures import IDI_CODES, PUBLISHED, assert_reproduces_published

from wsis.cli import main


@pytest.fixture
def whatif(tmp_path: Path) -> Path:
    path = tmp_path / "values.csv"
    lines = ["economy,indicator,value"]
    lines += [
        f"{e},{c},{v}" for e, (raw, _) in PUBLISHED.items() for c, v in zip(IDI_CODES, raw, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_index_compute_values_reproduces_published_scores(whatif: Path) -> None:
    result = run(
        "index",
        "compute",
        "--methodology",
        "idi-2024",
        "--values",
        str(whatif),
        "--format",
        "json",
        "--release",
        "whatif-1",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    scores = {e["economy"]: e["scores"] for e in data["economies"]}
    assert_reproduces_published(scores)
    prov = data["provenance"]
    assert prov["method"] == "idi-2024" and prov["method_version"] == "3.1" and prov["inputs"] == ["whatif-1"]
    assert prov["code_version"]


def test_what_if_a_cheaper_fixed_broadband_basket_raises_the_score(whatif: Path, tmp_path: Path) -> None:
    cheaper = tmp_path / "cheaper.csv"
    text = whatif.read_text().replace("KEN,i154_FBB_ts_GNI_IDI,16.6", "KEN,i154_FBB_ts_GNI_IDI,5.0")
    cheaper.write_text(text)
    before = json.loads(run("index", "compute", "--values", str(whatif), "--format", "json").stdout)
    after = json.loads(run("index", "compute", "--values", str(cheaper), "--format", "json").stdout)
    idi = {d["economy"]: d["scores"]["IDI"] for d in before["economies"]}
    idi2 = {d["economy"]: d["scores"]["IDI"] for d in after["economies"]}
    # the basket score goes from 100 x 16.7/32.3 = 51.7 to 100 x 28.3/32.3 = 87.6 (one decimal, as ITU
    # stores scores): M rises by a sixth of that, IDI by half
    assert idi2["KEN"] - idi["KEN"] == pytest.approx((87.6 - 51.7) / 12)
    assert idi2["FIN"] == idi["FIN"]


def test_index_csv_and_table_carry_provenance(whatif: Path, tmp_path: Path) -> None:
    csv = run("index", "compute", "--values", str(whatif), "--format", "csv")
    assert csv.exit_code == 0
    frame = pl.read_csv(csv.stdout.encode())
    assert {"method", "method_version", "code_version", "IDI", "rank"} <= set(frame.columns)
    members = tmp_path / "groups.csv"
    members.write_text("group,economy,valid_from\nAFR,KEN,2000-01-01\nAFR,RWA,2000-01-01\n")
    table = run("index", "compute", "--values", str(whatif), "--memberships", str(members), "--group", "AFR")
    assert table.exit_code == 0 and "provenance:" in table.stdout and "AFR" in table.stdout


def test_index_bad_values_file_names_row_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("economy,indicator,value\nKEN,i99H,40.8\nKEN,xHH6_IDI,lots\n")
    result = run("index", "compute", "--values", str(bad))
    assert result.exit_code != 0
    assert "bad.csv: row 2, field 'value': 'lots' is not a number" in result.output


def test_index_sensitivity_and_structure(whatif: Path) -> None:
    result = run("index", "sensitivity", "--values", str(whatif), "--runs", "40")
    assert result.exit_code == 0, result.output
    assert (
        "5%-95% rank interval" in result.stdout and "RWA" in result.stdout and "provenance:" in result.stdout
    )
    tree = run("index", "structure", "--methodology", "idi-2024")
    assert "Coverage w=1" in tree.stdout and "i271GA_IDI w=0.6" in tree.stdout


def _aggregate_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    values = tmp_path / "v.csv"
    values.write_text(
        "economy,indicator,period,value\nAAA,i99H,2022,50\nBBB,i99H,2022,10\nCCC,i99H,2021,30\n"
    )
    members = tmp_path / "m.csv"
    members.write_text(
        "group,economy,valid_from,valid_to\n"
        + "".join(f"G,{e},2000-01-01,\n" for e in ("AAA", "BBB", "CCC", "DDD"))
    )
    pop = tmp_path / "p.csv"
    pop.write_text("economy,period,value\nAAA,2022,100\nBBB,2022,300\nCCC,2022,100\nDDD,2022,50\n")
    return values, members, pop


def test_aggregate_command_and_refusal(tmp_path: Path) -> None:
    values, members, pop = _aggregate_files(tmp_path)
    base = [
        "aggregate",
        "--values",
        str(values),
        "--indicator",
        "i99H",
        "--group",
        "G",
        "--period",
        "2022",
        "--memberships",
        str(members),
        "--weights",
        str(pop),
    ]
    ok = run(*base, "--impute", "nearest:1", "--format", "json", "--detail")
    assert ok.exit_code == 0, ok.output
    agg = json.loads(ok.stdout)["aggregates"][0]
    # (5000 + 3000 + 3000) / 500; DDD (50 people) missing
    assert agg["value"] == pytest.approx(22.0) and agg["imputed_share"] == pytest.approx(100 / 550)
    assert agg["provenance"]["method"] == "aggregate/people"
    sources = {m["economy"]: m["source"] for m in agg["members_detail"]}
    assert sources == {"AAA": "reported", "BBB": "reported", "CCC": "imputed:nearest", "DDD": "missing"}
    refused = run(*base, "--min-coverage", "0.9", "--format", "json")
    assert refused.exit_code == 3
    assert "refused" in refused.stderr and "minimum coverage of 90%" in refused.stderr


def test_divides_and_progress_and_affordability_commands(tmp_path: Path) -> None:
    wide = tmp_path / "sex.csv"
    wide.write_text("economy,women,men,women_pop\nAAA,46,50,1000000\n")
    gap = run(
        "divides",
        "gap",
        "--values",
        str(wide),
        "--disadvantaged",
        "women",
        "--advantaged",
        "men",
        "--population",
        "women_pop",
        "--format",
        "json",
    )
    assert gap.exit_code == 0, gap.output
    row = json.loads(gap.stdout)["divides"][0]
    assert row["ratio"] == pytest.approx(0.92) and row["people_behind"] == pytest.approx(40000)

    values = tmp_path / "v.csv"
    values.write_text(
        "economy,indicator,period,value\nAAA,i99H,2015,1\nBBB,i99H,2015,3\nAAA,i99H,2020,2\nBBB,i99H,2020,3\n"
    )
    ineq = run(
        "divides",
        "inequality",
        "--values",
        str(values),
        "--indicator",
        "i99H",
        "--period",
        "2015",
        "--format",
        "json",
    )
    assert ineq.exit_code == 0, ineq.output
    assert json.loads(ineq.stdout)["gini"] == pytest.approx(0.25)
    conv = run(
        "divides",
        "convergence",
        "--values",
        str(values),
        "--indicator",
        "i99H",
        "--start",
        "2015",
        "--end",
        "2020",
        "--format",
        "json",
    )
    assert conv.exit_code != 0 and "at least 3 economies" in conv.output

    specs = tmp_path / "specs.csv"
    specs.write_text(
        "code,indicator,economy,direction,target,target_year\nT1,i99H,AAA,increase,10,2030\n"
        "T2,i99H,BBB,increase,,\n"
    )
    prog = run("progress", "--values", str(values), "--specs", str(specs), "--format", "json")
    assert prog.exit_code == 0, prog.output
    data = json.loads(prog.stdout)
    status = {a["code"]: a["status"] for a in data["assessments"]}
    # AAA doubled in five years (14.9% a year) against 16.6% a year needed for 10 by 2030: R = 0.90
    assert status == {"T1": "progress but acceleration needed", "T2": "limited progress"}
    assert (
        data["needing_improvement"][0]["code"] == "T2" and data["provenance"]["method"] == "progress/open-sdg"
    )
    bad_specs = tmp_path / "bad_specs.csv"
    bad_specs.write_text("code,indicator,economy,direction\nT1,i99H,AAA,upwards\n")
    bad = run("progress", "--values", str(values), "--specs", str(bad_specs))
    assert bad.exit_code != 0 and "line 2, field 'direction'" in bad.output

    prices = tmp_path / "prices.csv"
    prices.write_text("economy,indicator,period,value\nAAA,fbb5,2023,10\nBBB,fbb5,2023,5\n")
    gni = tmp_path / "gni.csv"
    gni.write_text("economy,period,value\nAAA,2023,6000\nBBB,2023,12000\n")
    members = tmp_path / "m.csv"
    members.write_text("group,economy,valid_from\nDEV,AAA,2000-01-01\nDEV,BBB,2000-01-01\n")
    aff = run(
        "affordability",
        "--prices",
        str(prices),
        "--gni",
        str(gni),
        "--memberships",
        str(members),
        "--group",
        "DEV",
        "--format",
        "json",
    )
    assert aff.exit_code == 0, aff.output
    counts = json.loads(aff.stdout)["by_group"][0]
    assert (counts["with_data"], counts["meeting"]) == (2, 1)


def test_values_outside_the_reference_years_are_reported_not_scored(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("economy,indicator,period,value\nKEN,i99H,2019,20\n")
    result = run("index", "compute", "--values", str(old), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["economies"] == []
    assert data["excluded"] == [
        {"economy": "KEN", "official": 0, "reason": "official data for 0 of 10 indicators; at least 5 needed"}
    ]


def test_trend_imputation_of_counts_is_not_clipped_at_100(tmp_path: Path) -> None:
    """Counts grow past 100: the 0-100 bounds of rates must not apply to them."""
    values = tmp_path / "subs.csv"
    values.write_text(
        "economy,indicator,period,value\nAAA,subs,2020,1000\nAAA,subs,2021,2000\nBBB,subs,2022,500\n"
    )
    members = tmp_path / "members.csv"
    members.write_text("group,economy,valid_from,valid_to\nG,AAA,2000-01-01,\nG,BBB,2000-01-01,\n")
    result = run(
        "aggregate", "--values", str(values), "--indicator", "subs", "--group", "G", "--period", "2022",
        "--memberships", str(members), "--kind", "count", "--impute", "trend:5", "--min-coverage", "0",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    aggregate = json.loads(result.stdout)["aggregates"][0]
    # AAA's trend gives 3000 for 2022 (unclipped), plus BBB's reported 500.
    assert aggregate["value"] == pytest.approx(3500.0)
