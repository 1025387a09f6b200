"""`wsis reference income` stores World Bank income groups for a fiscal year, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from wsis.apps.reference.models import Membership
from wsis.cli import main

METADATA = "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"


@pytest.mark.django_db
def test_metadata_file_loads_fiscal_year(shared: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["reference", "income", str(shared / METADATA), "--fiscal-year", "2025"])
    assert result.exit_code == 0, result.output
    assert "FY2025" in result.output
    rows = Membership.objects.filter(group__kind="income", valid_from=dt.date(2024, 7, 1))
    assert rows.filter(economy_id="RWA", group_id="LIC").exists()
    assert rows.filter(economy_id="FIN", group_id="HIC").exists()
    assert not rows.filter(economy_id="WLD").exists()
    count = rows.count()
    # Loading the same year again replaces, never duplicates.
    again = runner.invoke(main, ["reference", "income", str(shared / METADATA), "--fiscal-year", "2025"])
    assert again.exit_code == 0 and rows.count() == count
    # A second vintage lives beside the first, with its own validity period.
    odw = shared / "classifications/odw-country-region-codes-2021.csv"
    assert runner.invoke(main, ["reference", "income", str(odw)]).exit_code == 0
    assert Membership.objects.filter(group__kind="income", valid_from=dt.date(2020, 7, 1)).count() > 150
    assert rows.count() == count


@pytest.mark.django_db
def test_faulty_file_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "Metadata_Country_bad.csv"
    bad.write_text('"Country Code","Region","IncomeGroup"\n"RWA","Sub-Saharan Africa","Very rich"\n')
    before = Membership.objects.count()
    result = CliRunner().invoke(main, ["reference", "income", str(bad), "--fiscal-year", "2025"])
    assert result.exit_code != 0
    assert "row 2" in result.output and "nothing was stored" in result.output
    assert Membership.objects.count() == before


def test_file_without_vintage_needs_fiscal_year(shared: Path) -> None:
    result = CliRunner().invoke(main, ["reference", "income", str(shared / METADATA)])
    assert result.exit_code != 0 and "--fiscal-year" in result.output


def test_sdg_diff_against_iati(shared: Path) -> None:
    result = CliRunner().invoke(main, ["reference", "sdg-diff", "--iati", str(shared / "iati/codelists")])
    assert result.exit_code == 0, result.output
    assert "agrees" in result.output
