"""Group aggregates computed from the warehouse and the reference groups, checked against the World Bank.

The ITU's i99H and the World Bank's population come from the shared files, imported as releases; the
World Bank's own WLD and LIC aggregates of Internet use (``IT.NET.USER.ZS``) are imported too and read
back as the yardstick. The World Bank's figure aggregates (partly different) country figures over its
own list of economies, so agreement within one percentage point - the issue's criterion - is the test.
"""

from __future__ import annotations

import pytest

from tests.measure.conftest import Loaded
from wsis.apps.measure.domain import compute, inputs
from wsis.apps.measure.domain.results import answer
from wsis.apps.measure.domain.store import save
from wsis.apps.warehouse.models import Observation
from wsis.engine.readers.observation import DISAGGREGATIONS

#: A member's own trend (5 years), then its nearest year (3 years), then its ITU region's weighted mean.
CHAIN = "trend:5,nearest:3,group"


def world_bank(group: str, period: int) -> float:
    """The World Bank's published aggregate, as imported into the warehouse (area ``WB_<code>``)."""
    return Observation.objects.get(
        indicator="IT.NET.USER.ZS",
        area=f"WB_{group}",
        period=str(period),
        **{d: "_T" for d in DISAGGREGATIONS},
    ).value


@pytest.mark.django_db
@pytest.mark.parametrize("group", ["WLD", "LIC"])
def test_internet_use_2022_within_one_point_of_the_world_bank(loaded: Loaded, group: str) -> None:
    computation = save(compute.aggregate("i99H", [group], [2022], impute=CHAIN))
    result = computation.result["aggregates"][0]
    published = world_bank(group, 2022)
    print(f"{group} 2022: warehouse {result['value']:.2f}, World Bank {published:.2f}; {result['message']}")
    assert computation.status == result["status"] == "ok"
    assert result["value"] == pytest.approx(published, abs=1.0)
    # The shares are reported and add up; ITU's own estimates are a large part of the figure.
    shares = ("reported_share", "estimate_share", "imputed_here_share", "missing_share")
    assert sum(result[s] for s in shares) == pytest.approx(1.0)
    assert 0 < result["imputed_share"] < 1
    assert result["imputed_share"] == pytest.approx(result["estimate_share"] + result["imputed_here_share"])
    assert "imputed" in result["message"]
    # The stored computation names the releases of its inputs: ITU's figures and the population.
    assert sorted(str(r) for r in computation.releases.all()) == sorted([loaded.itu, loaded.population])
    provenance = answer(computation)["provenance"]
    assert provenance["inputs"] == sorted([loaded.itu, loaded.population])
    assert provenance["methodology"] == "aggregate/people" and provenance["code_version"]


@pytest.mark.django_db
def test_world_is_every_economy_of_the_reference_knowledge(loaded: Loaded) -> None:
    from wsis.apps.reference.models import Economy

    result = compute.aggregate("i99H", ["wld"], [2022]).result["aggregates"][0]
    assert result["group"] == "WLD" and result["members"] == Economy.objects.count()
    # Territories without a World Bank population are left out of the weights, and named.
    assert "ATA" in result["unweighted"] and "KEN" not in result["unweighted"]


@pytest.mark.django_db
def test_income_group_follows_the_classification_of_the_period(loaded: Loaded) -> None:
    # Only the classification valid on 1 July 2022 is loaded: a 2024 LIC aggregate has no members.
    now = compute.aggregate("i99H", ["LIC"], [2022], detail=True).result["aggregates"][0]
    assert sorted(m["economy"] for m in now["members_detail"]) == sorted(loaded.low_income)
    later = compute.aggregate("i99H", ["LIC"], [2024]).result["aggregates"][0]
    assert later["status"] == "empty" and later["value"] is None


@pytest.mark.django_db
def test_low_income_refused_on_reported_figures_only(loaded: Loaded) -> None:
    # Almost every 2022 figure of a low-income economy is an ITU estimate.
    computation = compute.aggregate("i99H", ["LIC"], [2022], reported_only=True, impute=CHAIN)
    result = computation.result["aggregates"][0]
    assert computation.status == result["status"] == "refused" and result["value"] is None
    assert "below the minimum coverage of 50%" in result["message"]
    assert result["reported_share"] < 0.1


@pytest.mark.django_db
def test_same_question_same_data_returns_the_stored_computation(loaded: Loaded) -> None:
    first = save(compute.aggregate("i99H", ["WLD"], [2021, 2022]))
    assert save(compute.aggregate("i99H", ["WLD"], [2021, 2022])).pk == first.pk
    other = save(compute.aggregate("i99H", ["WLD"], [2022]))
    assert other.pk != first.pk
    # The latest figures are those of the only release: asking for that release gives the same values.
    pinned = save(compute.aggregate("i99H", ["WLD"], [2022], release="DataHub i99H"))
    assert pinned.pk != other.pk and pinned.parameters["release"] == "DataHub i99H"
    assert pinned.result["aggregates"][0]["value"] == other.result["aggregates"][0]["value"]


@pytest.mark.django_db
def test_unknown_group_indicator_or_release_is_named(loaded: Loaded) -> None:
    from wsis.apps.warehouse.domain.query import QueryError

    with pytest.raises(inputs.UnknownInput, match="no group 'ATLANTIS'"):
        compute.aggregate("i99H", ["ATLANTIS"], [2022])
    with pytest.raises(inputs.UnknownInput, match="no observations of i999"):
        compute.aggregate("i999", ["WLD"], [2022])
    with pytest.raises(QueryError, match="no release 'nope'"):
        compute.aggregate("i99H", ["WLD"], [2022], release="nope")
    with pytest.raises(ValueError, match="unknown imputation method 'guess'"):
        compute.aggregate("i99H", ["WLD"], [2022], impute="guess")
