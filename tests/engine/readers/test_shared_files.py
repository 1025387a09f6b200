"""Every shared publisher file reads completely: counts match the source, only expected problems."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from wsis.engine import readers
from wsis.engine.readers import itu_datahub_csv
from wsis.engine.readers.observation import COLUMNS, SCHEMA

# Every warning a shared file may raise comes from one of the documented quality checks.
QUALITY = re.compile(
    r"^(year-on-year jump|\S+ total .* lies outside its (sex|urbanisation) breakdown|.* urban .* below rural"
    r"|i271\S+ .* exceeds i271)"
)


def _files(shared: Path, folder: str, pattern: str = "*") -> list[Path]:
    return sorted(p for p in (shared / folder).glob(pattern) if not p.name.startswith("Metadata_"))


def _assert_complete(result: readers.ReadResult) -> None:
    assert result.frame.schema == pl.Schema(SCHEMA)
    assert tuple(result.frame.columns) == COLUMNS
    assert result.frame.height == result.source_records - len(result.exclusions)
    for warning in result.warnings:
        assert QUALITY.match(warning.message), str(warning)


def _sql(query: str) -> int:
    return int(duckdb.sql(query).fetchone()[0])  # type: ignore[index]


def test_itu_datahub_csv_all_rows(shared: Path) -> None:
    files = _files(shared, "itu-datahub", "*.csv")
    assert len(files) == 10
    for path in files:
        result = readers.read(path)
        assert result.reader == itu_datahub_csv.NAME
        assert result.ok, result.errors[:3]
        _assert_complete(result)
        rows = _sql(f"select count(*) from read_csv('{path}', all_varchar=true)")
        assert result.source_records == rows and not result.exclusions
        estimates = _sql(
            f"select count(*) from read_csv('{path}', all_varchar=true) where "
            "regexp_matches(coalesce(dataSource,'') || ' ' || coalesce(dataNote,''), "
            "'(?i)\\b(itu|iut)\\s+estimat')"
        )
        assert result.frame.filter(pl.col("nature") == "estimate").height == estimates


def test_itu_unit_defects_fixed_by_logged_rules(shared: Path) -> None:
    subscriptions = readers.read(shared / "itu-datahub" / "active_mobile_broadband_subscriptions.csv")
    per100 = subscriptions.frame.filter(pl.col("indicator") == "i911mw")
    assert per100.height > 3000 and per100.get_column("unit").unique().to_list() == ["per_100"]
    assert [(c.rule, c.rows) for c in subscriptions.corrections] == [("itu-i911mw-per100", per100.height)]
    counts = subscriptions.frame.filter(pl.col("indicator") == "i271mw")
    assert counts.get_column("unit").unique().to_list() == ["count"]

    prices = readers.read(shared / "itu-datahub" / "fixed_broadband_price_5gb.csv").frame
    units = dict(prices.group_by("indicator").agg(pl.col("unit").unique()).rows())
    assert units == {"i154_FBB5$": ["usd"], "i154_FBB5_PPP": ["ppp_usd"], "i154_FBB5_GNI": ["percent_gni_pc"]}


def test_itu_estimates_and_code_aliases(shared: Path) -> None:
    frame = readers.read(shared / "itu-datahub" / "individuals_using_internet.csv").frame
    aruba_2001 = frame.filter((pl.col("area") == "ABW") & (pl.col("period") == "2001")).row(0, named=True)
    assert aruba_2001["nature"] == "estimate" and aruba_2001["source"] == "ITU estimate."
    aruba_2000 = frame.filter((pl.col("area") == "ABW") & (pl.col("period") == "2000")).row(0, named=True)
    assert aruba_2000["nature"] == "reported" and aruba_2000["value"] == pytest.approx(15.4428)
    population = readers.read(shared / "itu-datahub" / "population_coverage_mobile_network.csv").frame
    assert not population.filter(pl.col("area").is_in(["KSO", "AAA", "GBJ"])).height
    assert population.filter(pl.col("area") == "XKX").height > 0


def test_worldbank_long_and_bulk(shared: Path) -> None:
    for path in _files(shared, "worldbank", "*.csv"):
        result = readers.read(path)
        assert result.ok, result.errors[:3]
        _assert_complete(result)
        if path.name.startswith("API_"):
            years = [str(y) for y in range(1960, 2024)]
            cells = " + ".join(f'(case when "{y}" is null then 0 else 1 end)' for y in years)
            expected = _sql(f"select sum({cells}) from read_csv('{path}', all_varchar=true)")
        else:
            expected = _sql(f"select count(*) from read_csv('{path}', all_varchar=true)")
        assert result.source_records == expected
        frame = result.frame
        assert frame.filter(pl.col("area") == "WB_WLD").get_column("area_kind").unique().to_list() == [
            "group"
        ]
        assert frame.filter(pl.col("area").is_in(["WLD", "LIC", "AFE"])).is_empty()


def test_worldbank_aggregates_are_the_metadata_groups(shared: Path) -> None:
    bulk = shared / "worldbank" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
    meta = bulk.with_name("Metadata_Country_" + bulk.name)
    no_region = {
        r[0]
        for r in duckdb.sql(
            f"select \"Country Code\" from read_csv('{meta}', all_varchar=true) where Region is null"
        ).fetchall()
    }
    frame = readers.read(bulk).frame
    groups = {
        a.removeprefix("WB_")
        for a in frame.filter(pl.col("area_kind") == "group").get_column("area").unique()
    }
    assert groups and groups <= no_region
    economies = set(frame.filter(pl.col("area_kind") == "economy").get_column("area").unique())
    assert not economies & no_region and {"XKX", "CHI"} & economies


def test_sdg_database_files(shared: Path) -> None:
    skills = readers.read(shared / "sdg-database" / "sdg-4.4.1-ict-skills.csv")
    assert skills.ok
    _assert_complete(skills)
    assert skills.source_records == _sql(
        f"select count(*) from read_csv('{shared}/sdg-database/sdg-4.4.1-ict-skills.csv')"
    )
    assert set(skills.frame.get_column("sex").unique()) == {"_T", "F", "M"}
    assert skills.frame.get_column("skill_type").n_unique() == 9
    algeria = skills.frame.filter(pl.col("area") == "DZA")
    assert algeria.height > 0  # GeoAreaCode 12 (M49) -> DZA

    mobile_path = shared / "sdg-database" / "sdg-5.b.1-mobile-ownership.csv"
    mobile = readers.read(mobile_path)
    _assert_complete(mobile)
    # The extract publishes percentages above 100 (Costa Rica 2016, South Africa 2015): real errors.
    over = _sql(f"select count(*) from read_csv('{mobile_path}') where Value > 100")
    assert over > 0 and len(mobile.errors) == over
    assert all("outside 0-100" in e.message and e.column == "value" for e in mobile.errors)

    payments = readers.read(shared / "sdg-database" / "digital-payments.csv")
    assert payments.ok
    _assert_complete(payments)
    assert set(payments.frame.get_column("sex").unique()) == {"_T", "F", "M"}
    assert payments.frame.get_column("indicator").unique().to_list() == ["g20.t"]
    dots = sum(1 for e in payments.exclusions if "'..'" in e.reason)
    path = shared / "sdg-database" / "digital-payments.csv"
    raw = path.read_text(encoding="utf-8-sig")
    assert dots == sum(line.count(",..") for line in raw.splitlines())


def test_itu_wti_table_and_brazil_flag(shared: Path) -> None:
    result = readers.read(shared / "itu-wti" / "individuals-using-internet-by-gender-urban-rural.xls")
    assert result.ok
    _assert_complete(result)
    assert result.frame.get_column("area").n_unique() == 112
    assert result.source_records == 112 * 9
    brazil = result.frame.filter((pl.col("area") == "BRA") & (pl.col("sex") == "_T"))
    values = dict(zip(brazil.get_column("urbanisation"), brazil.get_column("value"), strict=True))
    assert values == {"_T": 70.4, "U": 70.3, "R": 71.6}
    flagged = [w for w in result.warnings if "BRA" in w.message and "urban" in w.message]
    assert flagged and flagged[0].row == brazil.get_column("source_row")[0]
    for warning in result.warnings:  # each flag is a real urban < rural gap in the frame
        area = re.search(r"for (\w{3}) ", warning.message)[1]  # type: ignore[index]
        u, r = (float(x) for x in re.findall(r"(?:urban|rural) ([\d.]+)", warning.message))
        assert r - u > 1.0 and area in set(result.frame.get_column("area"))


def test_itu_datahub_api_recordings(shared: Path) -> None:
    folder = shared / "itu-datahub-api"
    read = {}
    for path in sorted(folder.glob("*.json")):
        try:
            read[path.name] = readers.read(path)
        except readers.ReadError as exc:
            assert "unknown format" in str(exc)
    assert set(read) == {
        "itu-get-country-series.json",
        "itu-get-indicator-series.json",
        "itu-get-regional-aggregate.json",
    }
    aggregate = read["itu-get-regional-aggregate.json"].frame
    assert aggregate.get_column("area").unique().to_list() == ["ITU_ARB"]
    assert aggregate.get_column("area_kind").unique().to_list() == ["group"]
    series = read["itu-get-indicator-series.json"].frame
    csv = readers.read(shared / "itu-datahub" / "individuals_using_internet.csv").frame
    joined = series.join(csv, on=["indicator", "area", "period"], suffix="_csv")
    assert joined.height == series.height
    assert (joined.get_column("nature") == joined.get_column("nature_csv")).all()
    assert ((joined.get_column("value") - joined.get_column("value_csv")).abs() < 1e-3).all()


def test_summary_lists_exclusions_and_corrections(shared: Path) -> None:
    wti = readers.read(shared / "itu-wti" / "individuals-using-internet-by-gender-urban-rural.xls")
    first, *rest = wti.summary()
    assert first.startswith(f"itu-wti-xls: {wti.frame.height} observations from {wti.source_records}")
    assert rest == [f"  excluded {len(wti.exclusions)} x no data ('...')"]
    path = shared / "itu-datahub" / "fixed_broadband_price_5gb.csv"
    usd = _sql(f"select count(*) from read_csv('{path}') where seriesCode like '%$'")
    ppp = _sql(f"select count(*) from read_csv('{path}') where seriesCode like '%_PPP'")
    assert [line.split(":")[0] for line in readers.read(path).summary()[1:]] == [
        f"  corrected {usd} rows by rule itu-price-usd",
        f"  corrected {ppp} rows by rule itu-price-ppp",
    ]
