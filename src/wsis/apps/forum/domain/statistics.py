"""What a report needs of a Forum edition: its accepted sessions and their speakers counted by
stakeholder type, by M49 region (of the organization's country) and, for speakers, by gender where they
declared it. A session with organizers of several types (or regions) counts once in each."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.forum.enums import Gender, SessionState
from wsis.apps.forum.models import Edition, Speaker
from wsis.apps.reference.models import Region

NOT_STATED = ""


@dataclass(frozen=True)
class Row:
    measure: str  # "sessions" or "speakers"
    dimension: str  # "stakeholder_type", "region" or "gender"
    key: str  # the code ("civil_society", an M49 code, "woman"), "" when not stated
    label: str
    count: int


@dataclass(frozen=True)
class Statistics:
    edition: Edition
    sessions: int
    speakers: int
    rows: list[Row]

    def table(self, measure: str, dimension: str) -> list[Row]:
        return [r for r in self.rows if r.measure == measure and r.dimension == dimension]


def _rows(measure: str, dimension: str, counts: Counter, labels: dict[str, str]) -> list[Row]:
    made = [
        Row(measure, dimension, key, labels.get(key, key) if key else _("Not stated"), n)
        for key, n in counts.items()
    ]
    # Largest first; "not stated" last whatever its size.
    return sorted(made, key=lambda r: (r.key == NOT_STATED, -r.count, r.label))


def edition_statistics(*, edition: Edition) -> Statistics:
    sessions = list(
        edition.sessions.filter(state=SessionState.ACCEPTED).prefetch_related("organizers__country")
    )
    speakers = list(Speaker.objects.filter(session__in=[s.pk for s in sessions]).select_related("country"))
    regions = {r.m49: r.name for r in Region.objects.filter(level="region")}
    types = {k: str(v) for k, v in StakeholderType.choices}
    genders = {k: str(v) for k, v in Gender.choices}
    by_type, by_region = Counter(), Counter()
    for session in sessions:
        organizers = list(session.organizers.all())
        by_type.update({o.stakeholder_type for o in organizers})
        by_region.update(
            {(o.country.region_id or NOT_STATED) if o.country else NOT_STATED for o in organizers}
        )
    rows = _rows("sessions", "stakeholder_type", by_type, types) + _rows(
        "sessions", "region", by_region, regions
    )
    rows += _rows("speakers", "stakeholder_type", Counter(s.stakeholder_type for s in speakers), types)
    rows += _rows(
        "speakers",
        "region",
        Counter((s.country.region_id or NOT_STATED) if s.country else NOT_STATED for s in speakers),
        regions,
    )
    rows += _rows("speakers", "gender", Counter(s.gender for s in speakers), genders)
    return Statistics(edition=edition, sessions=len(sessions), speakers=len(speakers), rows=rows)
