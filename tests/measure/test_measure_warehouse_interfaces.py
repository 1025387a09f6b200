"""`wsis aggregate / divides / progress / index compute` without --values, and /api/v1/measure/...: the
warehouse's figures, every answer stored and printed with its provenance."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from django.test import Client

import wsis
from tests.measure.conftest import Loaded
from tests.measure.test_measure_warehouse_aggregates import CHAIN, world_bank
from wsis.apps.measure.domain import compute
from wsis.apps.measure.domain.store import save
from wsis.apps.measure.models import Computation
from wsis.apps.warehouse.models import Observation
from wsis.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.django_db
def test_cli_aggregate_from_the_warehouse_prints_provenance(loaded: Loaded) -> None:
    code, out, err = run(
        "aggregate", "--indicator", "i99H", "--group", "WLD", "--period", "2022", "--impute", CHAIN,
        "--format", "json",
    )  # fmt: skip
    assert code == 0, out + err
    payload = json.loads(out)
    result = payload["aggregates"][0]
    assert result["value"] == pytest.approx(world_bank("WLD", 2022), abs=1.0)
    assert 0 < result["imputed_share"] < 1
    provenance = payload["provenance"]
    assert provenance["inputs"] == sorted([loaded.itu, loaded.population])
    assert provenance["methodology"] == "aggregate/people" and provenance["methodology_version"] == "1"
    assert provenance["code_version"] == wsis.__version__
    stored = Computation.objects.get(id=provenance["computation"])
    assert stored.kind == "aggregate" and stored.result["aggregates"][0]["value"] == result["value"]
    assert {str(r) for r in stored.releases.all()} == {loaded.itu, loaded.population}
    # The table says the same in words.
    code, out, _ = run("aggregate", "--indicator", "i99H", "--group", "WLD", "--period", "2022")
    assert code == 0 and f"input releases: {loaded.itu}; {loaded.population}" in out
    assert f"code {wsis.__version__}" in out and "computation " in out


@pytest.mark.django_db
def test_cli_refused_aggregate_exits_non_zero_with_the_reason(loaded: Loaded) -> None:
    code, out, err = run(
        "aggregate", "--indicator", "i99H", "--group", "LIC", "--period", "2022", "--reported-only",
        "--format", "json",
    )  # fmt: skip
    assert code == 3
    assert "refused: i99H for LIC in 2022 refused" in err and "below the minimum coverage of 50%" in err
    assert json.loads(out)["aggregates"][0]["value"] is None
    assert Computation.objects.get(id=json.loads(out)["provenance"]["computation"]).status == "refused"


@pytest.mark.django_db
def test_cli_unknown_group_is_an_error_naming_it(loaded: Loaded) -> None:
    code, out, err = run("aggregate", "--indicator", "i99H", "--group", "XYZ", "--period", "2022")
    assert code == 1 and "no group 'XYZ' with members" in err
    code, _, err = run(
        "aggregate", "--values", "x.csv", "--indicator", "i99H", "--group", "WLD", "--period", "1"
    )
    assert code == 1 and "--memberships is required with --values" in err


@pytest.mark.django_db
def test_cli_divides_compare_and_progress(loaded: Loaded) -> None:
    code, out, err = run(
        "divides", "compare", "--indicator", "i99H", "--period", "2022", "--group", "LDC", "--format", "json"
    )
    assert code == 0, out + err
    payload = json.loads(out)
    rows = {r["group"]: r for r in payload["comparison"]}
    assert rows["LDC"]["reference"] == "WLD" and rows["LDC"]["gap_pp"] > 0
    assert rows["LDC"]["gap_pp"] == pytest.approx(rows["WLD"]["value"] - rows["LDC"]["value"])
    assert payload["provenance"]["inputs"] == sorted([loaded.itu, loaded.population])
    code, out, err = run("progress", "--target", "BBC2025-3.WLD", "--format", "json")
    assert code == 0, out + err
    payload = json.loads(out)
    assert [a["code"] for a in payload["assessments"]] == ["BBC2025-3.WLD"]
    assert payload["provenance"]["methodology"] == "progress/open-sdg"
    code, out, err = run("progress", "--target", "BBC2025-3.WLD", "--target", "UMC2030-GENDER-INTERNET")
    assert code == 0 and "┆ WLD " in out and "input releases: " in out
    # the warehouse holds no Internet-use figures by sex here
    assert "not assessed: UMC2030-GENDER-INTERNET: no observations of i99H for sex F, M" in err


@pytest.mark.django_db
def test_api_aggregate_and_stored_computation(client: Client, loaded: Loaded) -> None:
    got = client.get(
        f"/api/v1/measure/aggregate?indicator=i99H&group=WLD&group=LIC&period=2022&impute={CHAIN}"
    )
    assert got.status_code == 200, got.content
    body = got.json()
    values = {a["group"]: a["value"] for a in body["aggregates"]}
    assert values["WLD"] == pytest.approx(world_bank("WLD", 2022), abs=1.0)
    assert values["LIC"] == pytest.approx(world_bank("LIC", 2022), abs=1.0)
    assert body["provenance"]["inputs"] == sorted([loaded.itu, loaded.population])
    assert body["provenance"]["code_version"] == wsis.__version__
    # A GET computes without storing: no computation id, and nothing written.
    assert body["provenance"]["computation"] is None and not Computation.objects.exists()
    # Once the same question is stored (as a refresh or the command line does), the API answers with it.
    stored = save(compute.aggregate("i99H", ["WLD", "LIC"], [2022], impute=CHAIN))
    again = client.get(
        f"/api/v1/measure/aggregate?indicator=i99H&group=WLD&group=LIC&period=2022&impute={CHAIN}"
    ).json()
    assert again["provenance"]["computation"] == stored.pk
    assert again["aggregates"] == body["aggregates"]
    by_id = client.get(f"/api/v1/measure/computations/{stored.pk}").json()
    assert by_id == again


@pytest.mark.django_db
def test_api_refused_aggregate_is_an_answer(client: Client, loaded: Loaded) -> None:
    body = client.get(
        "/api/v1/measure/aggregate?indicator=i99H&group=LIC&period=2022&reported_only=true"
    ).json()
    assert body["status"] == "refused" and "below the minimum coverage" in body["aggregates"][0]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("aggregate?indicator=i99H&group=XYZ&period=2022", 404, "no group 'XYZ'"),
        ("aggregate?indicator=i999&group=WLD&period=2022", 404, "no observations of i999"),
        ("aggregate?indicator=i99H&group=WLD&period=2022&release=nope", 404, "no release 'nope'"),
        ("aggregate?indicator=i99H&group=WLD&period=2022&min_coverage=2", 422, "min_coverage 2.0"),
        ("aggregate?indicator=i99H&group=WLD&period=2022&impute=guess", 422, "unknown imputation"),
        ("aggregate?group=WLD&period=2022", 422, "indicator"),
        ("aggregate?indicator=i99H&group=WLD&period=last", 422, "period"),
        ("divides?indicator=i99H&period=2022&by=age", 422, "unknown breakdown 'age'"),
        ("divides?indicator=i99H&period=2022", 422, "give a breakdown"),
        ("progress?target=NOPE", 404, "no target NOPE"),
        ("progress?method=guess", 422, "unknown progress method"),
        ("index/idi-1999", 404, "no methodology 'idi-1999'"),
        ("computations/999999", 404, "no computation 999999"),
    ],
)
def test_api_bad_parameters(client: Client, loaded: Loaded, url: str, status: int, words: str) -> None:
    got = client.get(f"/api/v1/measure/{url}")
    assert got.status_code == status, got.content
    assert words in json.dumps(got.json())


def weighted_gini(x: np.ndarray, w: np.ndarray) -> float:
    """Gini as the weighted mean absolute difference over twice the weighted mean (the definition)."""
    mean = float((w * x).sum() / w.sum())
    return float(
        (w[:, None] * w[None, :] * np.abs(x[:, None] - x[None, :])).sum() / (2 * w.sum() ** 2 * mean)
    )


@pytest.mark.django_db
def test_inequality_between_economies_with_income_decomposition(client: Client, loaded: Loaded) -> None:
    incomes = ["LIC", "LMC", "UMC", "HIC"]
    url = "/api/v1/measure/divides/inequality?indicator=i99H&period=2022&" + "&".join(
        f"by={g}" for g in incomes
    )
    body = client.get(url).json()
    result = body["inequality"][0]
    # By hand from the stored observations: every economy with both a 2022 figure and a 2022 population.
    rates = dict(Observation.objects.filter(indicator="i99H", period="2022").values_list("area", "value"))
    people = dict(
        Observation.objects.filter(indicator="SP.POP.TOTL", period="2022", area_kind="economy").values_list(
            "area", "value"
        )
    )
    both = sorted(set(rates) & set(people))
    assert result["economies"] == len(both)
    x, w = np.array([rates[e] for e in both]), np.array([people[e] for e in both])
    assert result["gini"] == pytest.approx(weighted_gini(x, w))
    parts = result["theil_t_decomposition"]
    assert parts["within"] + parts["between"] == pytest.approx(parts["total"])
    assert 0 < parts["between"] < parts["total"]
    assert body["provenance"]["methodology"] == "divides/inequality"
    code, out, err = run(
        "divides", "inequality", "--indicator", "i99H", "--period", "2022", "--by", "LDC", "--by", "LIC"
    )
    assert code == 1 and "overlap" in err
