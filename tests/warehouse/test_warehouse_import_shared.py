"""Every shared publisher file imports: observations = source records - documented exclusions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.warehouse.conftest import counts
from wsis.apps.warehouse.domain.importing import ImportRefused, import_release
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.readers import read


def _expected(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        result = read(path)
        assert result.frame.height == result.source_records - len(result.exclusions)
        total += result.frame.height
    return total


@pytest.mark.django_db
def test_all_itu_datahub_files_as_one_release_idempotently(itu: Path) -> None:
    paths = sorted(itu.glob("*.csv"))
    assert len(paths) == 10
    report = import_release(paths, name="DataHub 2025", date=dt.date(2025, 6, 1))
    assert report.created and report.release.publisher == "ITU"
    assert report.written == _expected(paths) == Observation.objects.count()
    assert {f.name for f in report.release.files.all()} == {p.name for p in paths}
    # Unit defects of the export are corrected by named, logged rules.
    rules = {c["rule"] for f in report.files for c in f.corrections}
    assert {"itu-i911mw-per100", "itu-price-usd", "itu-price-ppp"} <= rules
    assert Observation.objects.filter(indicator="i911mw").exclude(unit="per_100").count() == 0
    # "ITU estimate." rows keep their nature.
    assert Observation.objects.filter(indicator="i99H", nature="estimate").exists()
    before = counts()
    again = import_release(paths, name="DataHub 2025", date=dt.date(2025, 6, 1))
    assert not again.created and again.written == 0 and again.unchanged == report.written
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "relative",
    [
        "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv",
        "worldbank/it.cel.sets.p2.csv",
        "worldbank/it.net.bbnd.p2.csv",
        "worldbank/ny.gnp.pcap.cd.csv",
        "worldbank/sp.pop.totl.csv",
        "sdg-database/digital-payments.csv",
        "sdg-database/sdg-4.4.1-ict-skills.csv",
        "itu-wti/individuals-using-internet-by-gender-urban-rural.xls",
    ],
)
def test_publisher_file_imports(shared: Path, relative: str) -> None:
    path = shared / relative
    report = import_release([path])
    assert report.written == _expected([path])
    assert report.release.observation_count == report.written
    if relative.startswith("worldbank/"):
        assert report.release.publisher == "World Bank"
        # Aggregates stay published group figures, never economies.
        assert not Observation.objects.filter(area__in=["WLD", "LIC", "AFE"]).exists()
        if "sp.pop" in relative or "API_" in relative:
            assert Observation.objects.filter(area="WB_WLD", area_kind="group").exists()


@pytest.mark.django_db
def test_wti_table_flags_brazil_urban_below_rural(shared: Path) -> None:
    report = import_release([shared / "itu-wti/individuals-using-internet-by-gender-urban-rural.xls"])
    flags = report.release.flags.all()
    assert any("BRA" in f.message for f in flags)


@pytest.mark.django_db
def test_sdg_file_with_published_errors_is_refused_then_imported_with_skip(
    shared: Path, tmp_path: Path
) -> None:
    path = shared / "sdg-database/sdg-5.b.1-mobile-ownership.csv"
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        import_release([path])
    errors = [p for p in refused.value.problems if p.severity == "error"]
    assert len(errors) == 4 and all(p.row and p.column == "value" for p in errors)
    assert counts() == before
    rejected = tmp_path / "rejected.csv"
    report = import_release([path], skip_invalid=True, rejected_path=rejected)
    assert report.rejected == 4
    assert len(rejected.read_text().strip().splitlines()) == 5  # header + four rows
    assert report.written == _expected_minus(path, 4)


def _expected_minus(path: Path, rejected: int) -> int:
    result = read(path)
    return result.frame.height - rejected


@pytest.mark.django_db
def test_metadata_companion_file_is_refused_clearly(shared: Path) -> None:
    path = shared / "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
    with pytest.raises(ImportRefused) as refused:
        import_release([path])
    assert "API_" in str(refused.value.problems[0])
    assert Release.objects.count() == 0
