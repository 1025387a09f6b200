"""The connectivity targets (targets.yaml): coherent with the catalogue, flagged as the domain notes
support them, and consistent with what ITU's DataHub shows for the UMC 2030 targets."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from wsis.reference import bands, loader
from wsis.reference.schema import GroupsFile, Indicator, IndicatorsFile, Target, TargetsFile

#: Targets that docs/domain.md states (section "Targets"); every other entry must say verified: false.
VERIFIED_BY_DOMAIN_NOTES = {
    # "Broadband Commission 2025: (1) ... (7)", with target 3 for world, developing and LDCs.
    "BBC2025-1",
    "BBC2025-2",
    "BBC2025-3.WLD",
    "BBC2025-3.DEVELOPING",
    "BBC2025-3.LDC",
    "BBC2025-4",
    "BBC2025-5",
    "BBC2025-6",
    "BBC2025-7",
    # "SDG 9.c: universal affordable Internet in LDCs by 2020."
    "SDG-9.c",
    # "100% of individuals 15+ using the Internet and owning a mobile phone; 100% of households, businesses
    # and schools connected; all fixed broadband >= 10 Mbit/s; 70% ... basic and 50% ... intermediate
    # digital skills; gender parity (the rest (verify))."
    "UMC2030-INTERNET",
    "UMC2030-MOBILE-OWNERSHIP",
    "UMC2030-HOUSEHOLDS",
    "UMC2030-BUSINESSES",
    "UMC2030-SCHOOLS",
    "UMC2030-FBB-SPEED",
    "UMC2030-SKILLS-BASIC",
    "UMC2030-SKILLS-INTERMEDIATE",
    "UMC2030-GENDER-INTERNET",
    # "later 5 GB <= 2% by 2026" (A4AI); "1 for 2" has no year in the notes.
    "A4AI-5GB-2026",
    # "Connect 2030 ... 2023 targets, e.g. 60% of households in the developing world online (others verify)."
    "CONNECT2030-2.1.A",
}

#: Group codes that are not groups.yaml groups: the world, and the developing economies.
AGGREGATE_CODES = {"WLD", "DEVELOPING"}


@pytest.fixture(scope="module")
def targets(read_reference: Callable[..., Any]) -> dict[str, Target]:
    parsed: TargetsFile = read_reference("targets.yaml", TargetsFile)
    codes = [t.code for t in parsed.targets]
    assert len(codes) == len(set(codes)), "duplicate target codes"
    return {t.code: t for t in parsed.targets}


@pytest.fixture(scope="module")
def catalogue(read_reference: Callable[..., Any]) -> dict[str, Indicator]:
    return {i.code: i for i in read_reference("indicators.yaml", IndicatorsFile).indicators}


def test_every_target_indicator_is_catalogued(
    targets: dict[str, Target], catalogue: dict[str, Indicator]
) -> None:
    unknown = {
        code: t.indicator for code, t in targets.items() if t.indicator and t.indicator not in catalogue
    }
    assert not unknown


def test_direction_follows_the_indicator(targets: dict[str, Target], catalogue: dict[str, Indicator]) -> None:
    """An at-most target (a price ceiling) needs a lower-is-better indicator, and the reverse."""
    for code, target in targets.items():
        if target.indicator is None or target.direction == "parity":
            continue
        wants_higher = target.direction == "at_least"
        assert catalogue[target.indicator].higher_is_better is wants_higher, code


def test_thresholds_fit_their_units(targets: dict[str, Target], catalogue: dict[str, Indicator]) -> None:
    for code, target in targets.items():
        if target.direction == "parity":
            assert target.threshold == 1, f"{code}: parity means a female/male ratio of 1"
        elif target.indicator is not None:
            assert target.threshold is not None, code
            if catalogue[target.indicator].unit in ("percent", "percent_gni"):
                assert 0 < target.threshold <= 100, code


def test_verified_flags_follow_the_domain_notes(targets: dict[str, Target]) -> None:
    verified = {code for code, t in targets.items() if t.verified}
    assert verified == VERIFIED_BY_DOMAIN_NOTES
    for code, target in targets.items():
        if not target.verified:
            assert "check" in target.source, f"{code}: an unverified target must say what to check"


def test_broadband_commission_internet_use_targets(targets: dict[str, Target]) -> None:
    internet = {
        t.group: t.threshold for t in targets.values() if t.framework == "BBC2025" and t.indicator == "i99H"
    }
    assert internet == {"WLD": 75, "DEVELOPING": 65, "LDC": 35}
    numbered = {re.match(r"BBC2025-(\d)", code).group(1) for code in targets if code.startswith("BBC2025-")}
    assert numbered == {str(n) for n in range(1, 8)}
    assert all(t.target_year == 2025 for t in targets.values() if t.framework == "BBC2025")


def test_affordability_ceilings_are_two_percent(
    targets: dict[str, Target], catalogue: dict[str, Indicator]
) -> None:
    ceilings = {
        code: t.threshold
        for code, t in targets.items()
        if t.indicator and catalogue[t.indicator].unit == "percent_gni" and t.framework != "CONNECT2030"
    }
    assert ceilings and set(ceilings.values()) == {2}, ceilings
    assert targets["BBC2025-2"].group == "DEVELOPING" and targets["BBC2025-2"].direction == "at_most"


def test_umc_targets(targets: dict[str, Target]) -> None:
    umc = [t for t in targets.values() if t.framework == "UMC2030"]
    assert len(umc) <= 15, "ITU and the Envoy set 15 UMC targets"
    assert all(t.target_year == 2030 for t in umc)
    universal = {t.indicator for t in umc if t.verified and t.threshold == 100 and t.indicator}
    assert {"i99H", "xHH18", "xHH6_IDI"} <= universal


def test_umc_targets_match_the_itu_datahub_recording(shared: Path, targets: dict[str, Target]) -> None:
    """Each UMC target ITU's dashboard shows is held here on the same series, threshold and 'met' rule."""
    met_at = bands.load_bands().met_at
    recorded: dict[str, dict[str, Any]] = {}
    for name in ("itu-get-umc-dashboard.json", "itu-get-umc-by-country.json"):
        for item in json.loads((shared / "itu-datahub-api" / name).read_text(encoding="utf-8")):
            recorded[item["targetName"]] = item
    assert recorded, "no UMC target in the recording"
    umc = {t.indicator: t for t in targets.values() if t.framework == "UMC2030" and t.direction != "parity"}
    for name, item in recorded.items():
        ours = umc.get(item["code"])
        assert ours is not None, f"recorded UMC target {name!r} ({item['code']}) is not in targets.yaml"
        assert ours.threshold == item["targetMaxValue"], name
        assert ours.verified, name
        rule = re.search(r"at least (\d+(?:\.\d+)?)\s*%", item["targetDesc"])
        assert rule and float(rule.group(1)) == met_at, item["targetDesc"]


def test_group_codes_exist(read_reference: Callable[..., Any], targets: dict[str, Target]) -> None:
    groups = {g.code for g in read_reference("groups.yaml", GroupsFile).groups}
    unknown = {code: t.group for code, t in targets.items() if t.group not in groups | AGGREGATE_CODES}
    assert not unknown
    assert {t.group for t in targets.values()} == {"WLD", "DEVELOPING", "LDC"}


def _target(code: str, **changes: Any) -> dict[str, Any]:
    entry = {
        "code": code,
        "framework": "BBC2025",
        "title": {"en": "A target"},
        "indicator": "i99H",
        "threshold": 75,
        "direction": "at_least",
        "target_year": 2025,
        "group": "WLD",
        "source": "test",
        "verified": True,
    }
    entry.update(changes)
    return entry


def test_malformed_targets_file_names_file_entry_and_field(tmp_path: Path) -> None:
    content = {
        "title": "t",
        "version": "0",
        "source": "test",
        "targets": [
            _target("GOOD-1"),
            _target("BAD-1", direction="above", target_year=1999, treshold=3),
        ],
    }
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    problems: list[loader.Problem] = []
    assert loader._read(path, TargetsFile, problems) is None
    where = {(p.file, p.entry, p.field) for p in problems}
    assert where == {
        ("targets.yaml", "targets[1] (BAD-1)", "direction"),
        ("targets.yaml", "targets[1] (BAD-1)", "target_year"),
        ("targets.yaml", "targets[1] (BAD-1)", "treshold"),
    }
    assert any("1999" in p.message for p in problems)


def test_unknown_indicator_is_a_cross_file_error(tmp_path: Path) -> None:
    directory = tmp_path / "reference"
    shutil.copytree(loader.PACKAGE_DATA, directory)
    path = directory / "targets.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["targets"][2]["indicator"] = "i99X"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(loader.ReferenceDataError) as err:
        loader.load(directory)
    code = data["targets"][2]["code"]
    assert [(p.file, p.entry, p.field) for p in err.value.problems] == [
        ("targets.yaml", f"targets ({code})", "indicator")
    ]


def test_full_reference_load_holds_the_targets(targets: dict[str, Target]) -> None:
    knowledge = loader.load(loader.PACKAGE_DATA)
    assert set(knowledge.connectivity_targets) == set(targets)


def test_titles_in_the_six_un_languages(targets: dict[str, Target]) -> None:
    assert not [code for code, target in targets.items() if not target.title.complete()]
