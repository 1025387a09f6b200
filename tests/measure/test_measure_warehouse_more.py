"""Divides, affordability and the ICT Development Index computed from the warehouse.

Besides the module's shared imports, each test imports the releases it needs inside its own transaction,
so that they are gone when it ends.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.test import Client

import wsis
from tests.engine.measure.measure_fixtures import IDI_CODES, PUBLISHED, assert_reproduces_published
from tests.measure.conftest import Loaded
from tests.measure.test_measure_warehouse_interfaces import run
from wsis.apps.measure.domain import compute
from wsis.apps.measure.domain.results import answer, input_releases
from wsis.apps.measure.domain.store import save
from wsis.apps.warehouse.domain.importing import import_release
from wsis.apps.warehouse.models import Observation
from wsis.engine.measure.divides import ITU_BANDS
from wsis.engine.readers.observation import DISAGGREGATIONS

WTI = "itu-wti/individuals-using-internet-by-gender-urban-rural.xls"


def figure(indicator: str, area: str, period: int, **breakdown: str) -> float:
    key = {d: "_T" for d in DISAGGREGATIONS} | breakdown
    return Observation.objects.get(
        indicator=indicator, area=area, period=str(period), is_latest=True, **key
    ).value


@pytest.mark.django_db
def test_gender_parity_score_per_economy(shared: Path, loaded: Loaded) -> None:
    # An older release than the DataHub's: its totals must not replace the latest i99H figures.
    wti = import_release([shared / WTI], name="WTI 2020", date=dt.date(2020, 12, 1)).release
    women = Observation.objects.filter(indicator="i99H", sex="F", release=wti, urbanisation="_T")
    period = int(max(women.values_list("period", flat=True)))
    computation = save(compute.divides("i99H", period, by="sex"))
    rows = computation.result["divides"]
    assert rows, "no economy with both women and men figures"
    for row in rows[:5]:
        f = figure("i99H", row["economy"], period, sex="F")
        m = figure("i99H", row["economy"], period, sex="M")
        assert row["ratio"] == pytest.approx(f / m) and row["gap_pp"] == pytest.approx(m - f)
        assert row["band"] == ITU_BANDS.classify(f / m)
    assert [str(r) for r in computation.releases.all()] == [str(wti)]
    payload = answer(computation)
    assert payload["by"] == {"dimension": "sex", "disadvantaged": "F", "advantaged": "M"}
    assert payload["provenance"]["methodology"] == "divides"
    code, out, err = run("divides", "gap", "--indicator", "i99H", "--period", str(period), "--format", "json")
    assert code == 0, out + err
    assert json.loads(out)["divides"] == rows
    code, _, err = run("divides", "gap", "--indicator", "i99H")
    assert code == 2 and "give --indicator and --period" in err


@pytest.mark.django_db
def test_affordability_of_fixed_broadband_by_group(shared: Path, loaded: Loaded, client: Client) -> None:
    prices = import_release([shared / "itu-datahub/fixed_broadband_price_5gb.csv"], name="prices").release
    gni = import_release([shared / "worldbank/ny.gnp.pcap.cd.csv"], name="WDI GNI").release
    # 2022: the year whose income classification the module loaded.
    computation = save(compute.affordability("i154_FBB5$", [2022], groups=["LDC", "HIC"]))
    shares = {r["economy"]: r for r in computation.result["shares"]}
    kenya = shares["KEN"]
    price = figure("i154_FBB5$", "KEN", 2022)
    assert kenya["price"] == price and kenya["gni"] == figure("NY.GNP.PCAP.CD", "KEN", kenya["gni_period"])
    assert kenya["share"] == pytest.approx(100 * price * 12 / kenya["gni"])
    assert kenya["meets"] == (kenya["share"] < 2.0)
    for row in computation.result["by_group"]:
        assert 0 <= row["meeting"] <= row["with_data"] <= row["members"]
    by_group = {r["group"]: r for r in computation.result["by_group"]}
    assert by_group["HIC"]["share_meeting"] > by_group["LDC"]["share_meeting"]
    assert {str(r) for r in computation.releases.all()} == {str(prices), str(gni)}
    api = client.get("/api/v1/measure/affordability?basket=i154_FBB5$&period=2022&group=LDC&group=HIC").json()
    assert api["provenance"]["computation"] == computation.pk
    code, out, err = run(
        "affordability", "--basket", "i154_FBB5$", "--period", "2022", "--group", "LDC", "--group", "HIC",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0, out + err
    header, *rows = out.splitlines()
    # The row's own columns come in any order (PostgreSQL's jsonb keeps no key order), provenance last.
    columns = header.split(",")
    assert {"group", "indicator", "period", "members", "with_data", "meeting"} <= set(columns[:-5])
    assert (
        header.endswith("computation,methodology,methodology_version,code_version,inputs") and len(rows) == 2
    )
    assert rows[0].endswith(
        f"{computation.pk},affordability,1,{wsis.__version__},ITU: prices;World Bank: WDI GNI"
    )


@pytest.fixture()
def idi_release(tmp_path: Path) -> str:
    """The published raw 2022 values of four economies (domain notes), imported as their own release."""
    units = {"i911mw_IDI": "per_100", "i136mwi_subs_IDI": "gb", "i135tfb_subs_IDI": "gb"}
    lines = ["indicator,area,period,value,unit"]
    for economy, (raw, _) in PUBLISHED.items():
        for code, value in zip(IDI_CODES, raw, strict=True):
            lines.append(f"{code},{economy},2022,{value},{units.get(code, 'percent')}")
    path = tmp_path / "idi-2024-inputs.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Dated before the DataHub release: its i99H figures are not the latest, so only a pinned release
    # reproduces ITU's published scores.
    return str(
        import_release([path], name="IDI 2024 inputs", publisher="ITU", date=dt.date(2024, 6, 1)).release
    )


@pytest.mark.django_db
def test_idi_2024_from_a_release_reproduces_published_scores(
    idi_release: str, loaded: Loaded, client: Client
) -> None:
    computation = save(compute.index("idi-2024", release="IDI 2024 inputs", groups=["LDC"]))
    scores = {e["economy"]: e["scores"] for e in computation.result["economies"]}
    assert sorted(scores) == sorted(PUBLISHED)
    assert_reproduces_published(scores)
    # Group mean = mean of the scored members (Rwanda is the only LDC among the four).
    ldc = computation.result["groups"][0]
    assert ldc["group"] == "LDC" and ldc["economies"] == 1 and ldc["IDI"] == scores["RWA"]["IDI"]
    provenance = answer(computation)["provenance"]
    assert provenance["inputs"] == ["ITU: IDI 2024 inputs"] == [idi_release]
    assert provenance["methodology"] == "idi-2024" and provenance["methodology_version"]
    api = client.get("/api/v1/measure/index/idi-2024?edition=2024&release=IDI 2024 inputs&group=LDC")
    assert api.status_code == 200 and api.json()["provenance"]["computation"] == computation.pk
    code, out, err = run(
        "index", "compute", "--methodology", "idi-2024", "--from-release", "IDI 2024 inputs", "--group", "LDC"
    )
    assert code == 0, out + err
    assert "IDI" in out and "RWA" in out
    assert f"computation {computation.pk}: idi-2024 {computation.methodology_version}" in out
    assert "input releases: ITU: IDI 2024 inputs" in out


@pytest.mark.django_db
def test_idi_2024_on_the_latest_figures_lists_who_is_not_scored(loaded: Loaded) -> None:
    # The warehouse holds only i99H of the ten indicators: nobody has the 5 official figures needed.
    computation = compute.index("idi-2024")
    assert computation.result["economies"] == []
    # Edition 2024 reads 2022 (else 2021) figures; ITU's estimates are not official figures.
    reported = Observation.objects.filter(indicator="i99H", period="2022", nature="reported").first()
    assert reported is not None
    one = next(e for e in computation.result["excluded"] if e["economy"] == reported.area)
    assert one["reason"] == "official data for 1 of 10 indicators; at least 5 needed"
    assert answer(computation)["provenance"]["inputs"] == [loaded.itu]
    # The command line does not print an empty table as if all were well: it says what is missing.
    code, out, err = run("index", "compute", "--methodology", "idi-2024", "--format", "json")
    assert code != 0 and "idi-2024 edition 2024 scored no economy" in out + err
    considered = len(computation.result["excluded"])
    assert re.search(rf"i99H \(Individuals using the Internet\): \d+ of {considered} economies lack it", err)
    assert "xHH6_IDI (Households with Internet access at home (IDI series)): not in the warehouse" in err


@pytest.mark.django_db
def test_progress_towards_internet_targets_on_group_series(loaded: Loaded) -> None:
    computation = compute.progress(
        targets=["BBC2025-3.WLD", "BBC2025-3.LDC", "BBC2025-3.DEVELOPING", "UMC2030-GENDER-INTERNET"]
    )
    result = computation.result
    skipped = {s["code"]: s["reason"] for s in result["skipped"]}
    assert skipped == {"UMC2030-GENDER-INTERNET": "no observations of i99H for sex F, M"}
    assessed = {a["code"]: a for a in result["assessments"]}
    assert sorted(assessed) == ["BBC2025-3.DEVELOPING", "BBC2025-3.LDC", "BBC2025-3.WLD"]
    # The developing economies' series is their own aggregate, below the world's and above the LDCs'.
    developing = assessed["BBC2025-3.DEVELOPING"]
    assert developing["economy"] == "DEVELOPING" and developing["target"] == 65
    dev_2018 = compute.aggregate("i99H", ["DEVELOPING"], [2018]).result["aggregates"][0]
    assert dev_2018["status"] == "ok" and developing["base_value"] == pytest.approx(dev_2018["value"])
    assert assessed["BBC2025-3.LDC"]["base_value"] < developing["base_value"]
    assert developing["base_value"] < assessed["BBC2025-3.WLD"]["base_value"]
    world = assessed["BBC2025-3.WLD"]
    # The series assessed is the group's yearly aggregate: base 2018, current = the last year not refused.
    series = {s["period"]: s for s in result["series"] if s["code"] == "BBC2025-3.WLD"}
    assert world["base_year"] == 2018 and world["base_value"] == series[2018]["value"]
    assert world["current_value"] == series[world["current_year"]]["value"]
    assert all(s["status"] != "ok" for p, s in series.items() if p > world["current_year"])
    again = compute.aggregate("i99H", ["WLD"], [2018]).result["aggregates"][0]["value"]
    assert world["base_value"] == pytest.approx(again)
    # Open SDG with a target: the ratio of the actual to the required growth rate.
    years = world["current_year"] - 2018
    actual = (world["current_value"] / world["base_value"]) ** (1 / years) - 1
    required = (75.0 / world["base_value"]) ** (1 / (2025 - 2018)) - 1
    assert world["progress_value"] == pytest.approx(actual / required)
    assert computation.methodology == "progress/open-sdg"
    assert [str(r) for r in input_releases(computation)] == [loaded.itu, loaded.population]


@pytest.mark.django_db
def test_progress_for_one_economy_uses_its_own_figures(loaded: Loaded) -> None:
    result = compute.progress(targets=["BBC2025-3.WLD"], economy="ken").result
    kenya = result["assessments"][0]
    assert kenya["economy"] == "KEN" and kenya["base_value"] == figure("i99H", "KEN", 2018)
    assert kenya["current_value"] == figure("i99H", "KEN", kenya["current_year"])


@pytest.mark.django_db
def test_parity_target_on_the_women_men_figures(tmp_path: Path, loaded: Loaded) -> None:
    # Figures by sex written here (the shared files hold one year by sex per economy, too few for a trend)
    path = tmp_path / "by-sex.csv"
    rows = [("F", 2022, 40.0), ("M", 2022, 50.0), ("F", 2024, 41.0), ("M", 2024, 50.0)]
    path.write_text(
        "indicator,area,period,sex,value,unit\n"
        + "".join(f"i99H,KEN,{y},{s},{v},percent\n" for s, y, v in rows)
    )
    import_release([path], name="Kenya by sex", publisher="test", date=dt.date(2025, 8, 1))
    computation = compute.progress(targets=["UMC2030-GENDER-INTERNET"], economy="KEN")
    (kenya,) = computation.result["assessments"]
    # women/men 0.80 -> 0.82; max(y, 1/y) 1.25 -> 1.2195; required: 1.25 -> 1 from 2022 to 2030
    observed = (1 / 0.82 / 1.25) ** (1 / 2) - 1
    required = (1 / 1.25) ** (1 / 8) - 1
    assert kenya["base_value"] == pytest.approx(1.25) and kenya["current_value"] == pytest.approx(1 / 0.82)
    assert kenya["progress_value"] == pytest.approx(-observed / abs(required))
    assert kenya["status"] == "limited progress"
    assert "women/men ratio" in computation.parameters["parity"]
    assert "test: Kenya by sex" in [str(r) for r in input_releases(computation)]


@pytest.mark.django_db
def test_household_rates_say_population_stands_in_for_households(shared: Path, loaded: Loaded) -> None:
    import_release(
        [shared / "itu-datahub/households_internet_access.csv"],
        name="DataHub xHH6_IDI",
        date=dt.date(2025, 6, 1),
    )
    computation = compute.aggregate("xHH6_IDI", ["WLD"], [2022])
    params = answer(computation)["provenance"]["parameters"]
    assert params["kind"] == "households"
    # no household counts in the warehouse: the fallback is named wherever the result goes
    assert params["weights"] == "SP.POP.TOTL (population as a proxy: the warehouse holds no household counts)"
    code, out, err = run(
        "aggregate", "--indicator", "xHH6_IDI", "--group", "WLD", "--period", "2022", "--format", "json"
    )
    assert code in (0, 3), out + err
    assert "population as a proxy" in json.loads(out)["provenance"]["parameters"]["weights"]
