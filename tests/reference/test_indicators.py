"""The indicator catalogue (indicators.yaml) against the real data the platform reads.

Every series in the shared ITU DataHub exports, the IDI tree and the UN and World Bank extracts must be
catalogued with its true unit; where an export mislabels its unit, the catalogue says so.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from wsis.reference import loader
from wsis.reference.schema import Indicator, IndicatorsFile, SdgFile

#: ITU series seen in the shared data that the platform deliberately does not catalogue, with the reason.
OUT_OF_SCOPE: dict[str, str] = {
    "i112": "fixed-telephone subscriptions (count): voice telephony, outside the connectivity targets",
    "i91": "fixed-telephone subscriptions per 100: voice telephony, outside the connectivity targets",
}

#: How the ITU DataHub exports spell units, mapped to the catalogue's units.
EXPORT_UNITS = {
    "%": "percent",
    "per 100 people": "per_100",
    "count": "number",
    "% GNI per capita": "percent_gni",
}


@pytest.fixture(scope="module")
def catalogue(read_reference: Callable[..., Any]) -> dict[str, Indicator]:
    parsed: IndicatorsFile = read_reference("indicators.yaml", IndicatorsFile)
    return {i.code: i for i in parsed.indicators}


def _datahub_rows(shared: Path) -> Iterator[dict[str, str]]:
    files = sorted((shared / "itu-datahub").glob("*.csv"))
    assert files, "no ITU DataHub CSV in the shared data"
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as f:
            yield from csv.DictReader(f)


@pytest.fixture(scope="module")
def datahub(shared: Path) -> dict[str, dict[str, Any]]:
    """seriesCode -> {"unit": export's unit label, "values": [...], "by_key": {(iso, year): value}}."""
    series: dict[str, dict[str, Any]] = {}
    for row in _datahub_rows(shared):
        entry = series.setdefault(row["seriesCode"], {"unit": row["seriesUnits"], "values": [], "by_key": {}})
        value = float(row["dataValue"])
        entry["values"].append(value)
        entry["by_key"][(row["entityIso"], int(row["dataYear"]))] = value
    return series


def _read_json(shared: Path, name: str) -> Any:
    return json.loads((shared / "itu-datahub-api" / name).read_text(encoding="utf-8"))


def test_codes_are_unique(read_reference: Callable[..., Any]) -> None:
    codes = [i.code for i in read_reference("indicators.yaml", IndicatorsFile).indicators]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)


def test_every_itu_datahub_series_is_catalogued(
    datahub: dict[str, Any], catalogue: dict[str, Indicator]
) -> None:
    assert len(datahub) >= 15, f"expected the shared exports' series, read {sorted(datahub)}"
    missing = sorted(set(datahub) - set(catalogue) - set(OUT_OF_SCOPE))
    assert not missing, f"ITU DataHub series not in indicators.yaml: {missing}"


def test_catalogued_units_fit_the_values(datahub: dict[str, Any], catalogue: dict[str, Indicator]) -> None:
    """The unit the catalogue claims must fit the magnitude of the real values, whatever the label says."""
    wrong = []
    for code, series in datahub.items():
        unit, values = catalogue[code].unit, series["values"]
        median = statistics.median(values)
        fits = {
            "percent": all(0 <= v <= 100 for v in values),
            "per_100": 0 < median < 300 and max(values) < 1000,
            "number": median > 1000,
        }.get(unit, True)  # prices: see test_usd_prices_are_monthly_dollars
        if not fits:
            wrong.append(f"{code} ({unit}): median {median:g}, range {min(values):g}-{max(values):g}")
    assert not wrong, wrong


def test_usd_prices_are_monthly_dollars(
    shared: Path, datahub: dict[str, Any], catalogue: dict[str, Indicator]
) -> None:
    """A USD price times 12 over GNI per capita must give the % GNI series; a PPP price must not."""
    gni: dict[tuple[str, int], float] = {}
    with (shared / "worldbank" / "ny.gnp.pcap.cd.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            gni[(row["Country Code"], int(row["Year"]))] = float(row["Value"])
    priced = [c for c in datahub if catalogue[c].unit in ("usd", "ppp")]
    assert priced, "no USD or PPP price series in the shared exports"
    for code in priced:
        share_code = re.sub(r"(\$|_PPP)$", "_GNI", code)
        assert catalogue[share_code].unit == "percent_gni", share_code
        shares = datahub[share_code]["by_key"]
        ratios = [
            value * 12 / gni[key] * 100 / shares[key]
            for key, value in datahub[code]["by_key"].items()
            if key in gni and shares.get(key, 0) > 0
        ]
        assert len(ratios) > 100, f"{code}: too few economy-years to compare ({len(ratios)})"
        median = statistics.median(ratios)
        as_dollars = 0.8 <= median <= 1.25
        assert as_dollars == (catalogue[code].unit == "usd"), (
            f"{code} ({catalogue[code].unit}): median {median:.2f}"
        )


def test_mislabelled_export_units_are_remarked(
    datahub: dict[str, Any], catalogue: dict[str, Indicator]
) -> None:
    mislabelled = {code for code, s in datahub.items() if EXPORT_UNITS.get(s["unit"]) != catalogue[code].unit}
    # The shared data README documents these defects; the catalogue must not have silently copied them.
    assert {"i911mw", "i154_FBB5$", "i154_FBB5_PPP"} <= mislabelled
    silent = [c for c in sorted(mislabelled) if f'"{datahub[c]["unit"]}"' not in catalogue[c].definition]
    assert not silent, f"definitions must quote the export's wrong unit label: {silent}"


def test_idi_tree_is_catalogued(shared: Path, catalogue: dict[str, Indicator]) -> None:
    root = _read_json(shared, "itu-get-idi-structure.json")[0]
    leaves: list[dict[str, Any]] = []

    def walk(node: dict[str, Any]) -> None:
        children = node.get("children") or []
        if not children:
            leaves.append(node)
        for child in children:
            walk(child)

    walk(root)
    assert len(leaves) == 10, [leaf["code"] for leaf in leaves]
    assert catalogue[root["code"]].unit == "score"
    assert not [leaf["code"] for leaf in leaves if leaf["code"] not in catalogue]
    for leaf in leaves:
        is_price = "price" in leaf["codeDesc"].lower()
        assert catalogue[leaf["code"]].higher_is_better is not is_price, leaf["code"]


def test_api_dashboard_codes_are_catalogued(shared: Path, catalogue: dict[str, Indicator]) -> None:
    codes: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("code"), str):
                codes.add(node["code"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name in ("itu-list-dashboards.json", "itu-get-umc-dashboard.json", "itu-get-country-series.json"):
        walk(_read_json(shared, name))
    assert {"i271mw", "i911mw", "i992b", "i99H"} <= codes
    assert not sorted(codes - set(catalogue) - set(OUT_OF_SCOPE))
    assert set(OUT_OF_SCOPE) <= codes, "an out-of-scope entry no longer appears in the shared data: drop it"


def test_prices_are_lower_is_better(catalogue: dict[str, Indicator]) -> None:
    # GNI per capita is in US dollars but is an income, not a price.
    incomes = {"NY.GNP.PCAP.CD"}
    for code, indicator in catalogue.items():
        if indicator.unit in ("percent_gni", "ppp") or (indicator.unit == "usd" and code not in incomes):
            assert indicator.higher_is_better is False, code
    assert all(catalogue[code].higher_is_better for code in incomes)


def test_un_sdg_series_are_linked(shared: Path, catalogue: dict[str, Indicator]) -> None:
    """Each UN SDG extract's series is carried by a catalogued indicator linked to the same SDG indicator."""
    for path in sorted((shared / "sdg-database").glob("sdg-*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            pairs = {(row["SeriesCode"], row["Indicator"]) for row in csv.DictReader(f)}
        assert pairs, path.name
        for series, sdg in pairs:
            carriers = [
                i.code for i in catalogue.values() if series in i.un_series and i.sdg_indicator == sdg
            ]
            assert carriers, f"{path.name}: no indicator carries {series} for SDG {sdg}"


def test_world_bank_series_are_catalogued(shared: Path, catalogue: dict[str, Indicator]) -> None:
    wb = shared / "worldbank"
    codes = {
        path.stem.upper() for path in wb.glob("*.csv") if not path.name.startswith(("API_", "Metadata_"))
    }
    for path in wb.glob("API_*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            codes |= {row["Indicator Code"] for row in csv.DictReader(f)}
    assert {"SP.POP.TOTL", "IT.NET.USER.ZS"} <= codes
    assert not sorted(codes - set(catalogue))


def test_digital_payments_series_is_catalogued(shared: Path, catalogue: dict[str, Indicator]) -> None:
    with (shared / "sdg-database" / "digital-payments.csv").open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    # Columns look like "Made or received digital payments ... [g20.t.2] - 2014 [YR2014]".
    codes = {m.group(1) for col in header for m in [re.search(r"\[(g[0-9.a-z]+)\]", col)] if m}
    totals = {code for code in codes if code.count(".") == 1}  # g20.t; g20.t.1/.2 are its sex breakdown
    assert totals and totals <= set(catalogue), codes
    for code in totals:
        assert "sex" in catalogue[code].disaggregations


def test_sdg_links_exist_in_sdg_file(
    read_reference: Callable[..., Any], catalogue: dict[str, Indicator]
) -> None:
    sdg = {i.code: i for i in read_reference("sdg.yaml", SdgFile).indicators}
    for code, indicator in catalogue.items():
        if indicator.un_series:
            assert indicator.sdg_indicator, f"{code} names UN series but no SDG indicator"
        if indicator.sdg_indicator is None:
            continue
        assert indicator.sdg_indicator in sdg, (
            f"{code}: SDG indicator {indicator.sdg_indicator} not in sdg.yaml"
        )
        unknown = set(indicator.un_series) - set(sdg[indicator.sdg_indicator].series)
        assert not unknown, (
            f"{code}: series {sorted(unknown)} not listed under {indicator.sdg_indicator} in sdg.yaml"
        )


def test_core_sdg_indicators_have_a_series(catalogue: dict[str, Indicator]) -> None:
    linked = {i.sdg_indicator for i in catalogue.values()}
    assert {"4.4.1", "5.b.1", "9.c.1", "17.6.1", "17.8.1"} <= linked


def test_full_reference_load_holds_the_catalogue(catalogue: dict[str, Indicator]) -> None:
    knowledge = loader.load(loader.PACKAGE_DATA)
    assert set(knowledge.indicators) == set(catalogue)


def test_names_in_the_six_un_languages(catalogue: dict[str, Indicator]) -> None:
    # The site serves readers in all six languages (ECOSOC 2023/3 para 35): no silent English fallback.
    assert not [code for code, indicator in catalogue.items() if not indicator.name.complete()]
