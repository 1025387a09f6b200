"""The developing-economies group of the Broadband Commission 2025 targets: defined by rule, checked against
what ITU's recorded DataHub response says, and used by the targets that name it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from wsis.reference.loader import knowledge

DAY = dt.date(2024, 7, 1)


def test_developing_group_is_flagged_unverified_with_its_rule() -> None:
    k = knowledge()
    group = k.groups["DEVELOPING"]
    assert group.verified is False and group.kind == "development"
    assert "UN M49" in group.list_source and "Unverified" in group.list_source
    targets = [t for t in k.connectivity_targets.values() if t.group == "DEVELOPING"]
    assert {"BBC2025-2", "BBC2025-3.DEVELOPING"} <= {t.code for t in targets}


def test_developing_members_follow_the_m49_rule() -> None:
    k = knowledge()
    members = set(k.members("DEVELOPING", DAY))
    developed = {
        code
        for code, e in k.economies.items()
        if e.region == "150" or e.subregion == "021" or code in {"JPN", "AUS", "NZL"}
    }
    with_region = {code for code, e in k.economies.items() if e.region}
    assert members == with_region - developed
    assert {"BRA", "KEN", "RWA", "CHN", "IND", "ISR", "KOR"} <= members
    assert not {"FIN", "USA", "CAN", "JPN", "AUS", "NZL", "DEU", "RUS"} & members
    # Every least developed country and small island developing State is a developing economy
    assert set(k.members("LDC", DAY)) <= members
    assert set(k.members("SIDS", DAY)) <= members


def test_agrees_with_itus_recorded_classification(shared: Path) -> None:
    # ITU's DataHub names the classification it aggregates with: class "UN M49 Developed-developing"
    recorded = json.loads(
        (shared / "itu-datahub-api" / "itu-list-countries.json").read_text(encoding="utf-8")
    )
    members = set(knowledge().members("DEVELOPING", DAY))
    checked = 0
    for country in recorded:
        classes = {r["class"]: r["region"] for r in country["Regions"]}
        status = classes.get("UN M49 Developed-developing")
        if status is None:
            continue
        checked += 1
        assert (country["IsoCode"] in members) == (status == "Developing"), country["IsoCode"]
    assert checked == len(recorded) == 3
