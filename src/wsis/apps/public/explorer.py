"""What the indicator page shows, read from the warehouse: which year and breakdown, the ranking of that
year, the series of chosen economies, and the releases and revisions of the indicator.

The page and its downloads take their rows from the same querysets (:func:`ranking_queryset`,
:func:`series_queryset`, both built on the warehouse's own ``select``), so a download holds exactly what
the page shows. Every function runs a bounded number of queries whatever the size of the warehouse: the page
is benchmarked under load.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wsis.apps.public.figures import Figure, Releases
from wsis.apps.reference.models import Economy, Indicator, localized
from wsis.apps.warehouse.domain.query import revisions, select
from wsis.apps.warehouse.models import ImportedFile, Observation, Release
from wsis.engine.readers.observation import DISAGGREGATIONS, TOTAL

YEAR = re.compile(r"^\d{4}$")
ISO3 = re.compile(r"^[A-Z]{3}$")
#: A year has good coverage when it holds at least this share of the best-covered year's economies:
#: the newest year is often still filling in (a handful of early reporters).
GOOD_COVERAGE = 0.5
#: Economies drawn on the time-series chart at most; more would make it unreadable and heavy.
MAX_ECONOMIES = 8
#: Revised values listed per pair of releases on the page (the API's revisions endpoint has them all).
REVISIONS_SHOWN = 10


class BadSelection(ValueError):
    """A query parameter the page cannot answer; the message names the parameter and the value."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class UnknownIndicator(LookupError):
    pass


@dataclass(frozen=True)
class Series:
    """The indicator as the page names it: the catalogue entry if there is one, else the warehouse code."""

    code: str
    entry: Indicator | None
    unit: str

    @property
    def name(self) -> str:
        return self.entry.name if self.entry else self.code

    @property
    def higher_is_better(self) -> bool:
        return self.entry.higher_is_better if self.entry else True


@dataclass(frozen=True)
class Breakdown:
    """One combination of disaggregation codes (``{}`` is the total); the page shows one at a time."""

    codes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, row: dict[str, str]) -> Breakdown:
        return cls(tuple((d, row[d]) for d in DISAGGREGATIONS if row[d] != TOTAL))

    @property
    def param(self) -> str:
        return ",".join(f"{d}:{c}" for d, c in self.codes)

    @property
    def filters(self) -> dict[str, str]:
        """Every disaggregation fixed, totals included, so no other breakdown slips into a ranking."""
        chosen = dict(self.codes)
        return {d: chosen.get(d, TOTAL) for d in DISAGGREGATIONS}

    def __str__(self) -> str:
        return ", ".join(_code_label(d, c) for d, c in self.codes) or _("total")


#: Words for the disaggregations and the codes the shared publishers use most; other codes are shown as
#: the publisher wrote them (skill codes such as EPRS are defined in the SDG metadata).
DIMENSION_LABELS = {
    "sex": gettext_lazy("sex"),
    "age": gettext_lazy("age"),
    "urbanisation": gettext_lazy("area"),
    "income_quintile": gettext_lazy("income quintile"),
    "education": gettext_lazy("education"),
    "disability": gettext_lazy("disability"),
    "skill_type": gettext_lazy("skill"),
    "technology": gettext_lazy("technology"),
    "speed_tier": gettext_lazy("speed"),
}
CODE_LABELS = {
    ("sex", "F"): gettext_lazy("women"),
    ("sex", "M"): gettext_lazy("men"),
    ("urbanisation", "U"): gettext_lazy("urban"),
    ("urbanisation", "R"): gettext_lazy("rural"),
}


def _code_label(dimension: str, code: str) -> str:
    return f"{DIMENSION_LABELS.get(dimension, dimension)}: {CODE_LABELS.get((dimension, code), code)}"


@dataclass(frozen=True)
class Coverage:
    """Per breakdown, how many economies each annual period holds (one grouped query)."""

    counts: dict[Breakdown, dict[str, int]]

    @property
    def breakdowns(self) -> list[Breakdown]:
        # The total first, then the breakdowns with the most data.
        return sorted(self.counts, key=lambda b: (b.codes != (), -sum(self.counts[b].values()), b.codes))

    def years(self, breakdown: Breakdown) -> list[str]:
        return sorted(self.counts.get(breakdown, {}), reverse=True)

    def default_year(self, breakdown: Breakdown) -> str | None:
        counts = self.counts.get(breakdown, {})
        if not counts:
            return None
        best = max(counts.values())
        return max(year for year, n in counts.items() if n >= GOOD_COVERAGE * best)


@dataclass(frozen=True)
class Row:
    """One figure (with its provenance) as a line of the ranking or of the series table."""

    figure: Figure
    name: str
    rank: int | None = None
    #: The publisher's note on this data point (ITU's ``dataNote``: "Population age 5+."), or "".
    note: str = ""


@dataclass
class ReleaseNote:
    release: Release
    observations: int
    corrections: list[str] = field(default_factory=list)
    flags: int = 0
    against: Release | None = None  # the previous release holding this indicator
    revised: int = 0
    added: int = 0
    dropped: int = 0
    examples: list[dict] = field(default_factory=list)


def find_series(code: str) -> Series:
    entry = Indicator.objects.filter(code=code).first()
    first = Observation.objects.filter(indicator=code, is_latest=True).values_list("unit", flat=True).first()
    if entry is None and first is None:
        raise UnknownIndicator(code)
    return Series(code=code, entry=entry, unit=first or (entry.unit if entry else ""))


def coverage(code: str) -> Coverage:
    rows = (
        Observation.objects.filter(indicator=code, is_latest=True, area_kind="economy")
        .values("period", *DISAGGREGATIONS)
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[Breakdown, dict[str, int]] = {}
    for row in rows:
        if YEAR.match(row["period"]):  # the page is annual; quarterly figures stay in the API
            counts.setdefault(Breakdown.of(row), {})[row["period"]] = row["n"]
    return Coverage(counts)


def parse_breakdown(raw: str | None, cover: Coverage) -> Breakdown:
    if not raw:
        ordered = cover.breakdowns
        return ordered[0] if ordered else Breakdown()
    wanted = []
    for part in raw.split(","):
        dimension, _sep, code = part.partition(":")
        if dimension not in DISAGGREGATIONS or not code:
            raise BadSelection(
                "breakdown",
                _("Breakdown %(value)s is not written as dimension:code (dimensions: %(dims)s).")
                % {"value": part, "dims": ", ".join(DISAGGREGATIONS)},
            )
        wanted.append((dimension, code))
    chosen = Breakdown(tuple(sorted(wanted, key=lambda dc: DISAGGREGATIONS.index(dc[0]))))
    if chosen not in cover.counts:
        raise BadSelection(
            "breakdown", _("This indicator has no figures for the breakdown %(value)s.") % {"value": raw}
        )
    return chosen


def parse_year(raw: str | None, cover: Coverage, breakdown: Breakdown) -> str:
    if not raw:
        year = cover.default_year(breakdown)
        if year is None:
            raise BadSelection("year", _("This indicator has no annual figures for economies."))
        return year
    if not YEAR.match(raw):
        raise BadSelection(
            "year", _("The year must be written with four digits, not %(value)s.") % {"value": raw}
        )
    years = cover.years(breakdown)
    if raw not in years:
        raise BadSelection(
            "year",
            _("This indicator has no figures for %(year)s; years with figures: %(first)s to %(last)s.")
            % {"year": raw, "first": years[-1], "last": years[0]},
        )
    return raw


def parse_economies(raw: str | None) -> list[str] | None:
    """ISO 3166 alpha-3 codes, comma-separated; None when the parameter is absent (the page chooses)."""
    if raw is None or not raw.strip():
        return None
    codes = list(dict.fromkeys(c.strip().upper() for c in raw.split(",") if c.strip()))
    malformed = [c for c in codes if not ISO3.match(c)]
    if malformed:
        raise BadSelection(
            "economies",
            _("%(codes)s: economies are written as ISO 3166 alpha-3 codes, such as KEN.")
            % {"codes": ", ".join(malformed)},
        )
    if len(codes) > MAX_ECONOMIES:
        raise BadSelection(
            "economies", _("At most %(n)d economies can be drawn at once.") % {"n": MAX_ECONOMIES}
        )
    known = set(Economy.objects.filter(iso3__in=codes).values_list("iso3", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise BadSelection(
            "economies", _("No economy has the code %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return codes


def ranking_queryset(code: str, year: str, breakdown: Breakdown) -> QuerySet[Observation]:
    """The rows of the map and the ranking: every economy's latest figure for ``year``."""
    return select(indicators=[code], periods=[year], disaggregations=breakdown.filters).filter(
        area_kind="economy"
    )


def series_queryset(code: str, economies: Sequence[str], breakdown: Breakdown) -> QuerySet[Observation]:
    """The rows of the time-series chart: every annual figure of the chosen economies."""
    return select(indicators=[code], areas=economies, disaggregations=breakdown.filters).filter(
        period__regex=r"^[0-9]{4}$"
    )


def _names(areas: Iterable[str]) -> dict[str, str]:
    return {
        iso3: localized(names) or iso3
        for iso3, names in Economy.objects.filter(iso3__in=list(areas)).values_list("iso3", "names")
    }


_ROW_FIELDS = ("indicator", "area", "period", "value", "unit", "source", "nature", "release_id", "note")


def _rows(qs: QuerySet[Observation], releases: Releases) -> list[Row]:
    raw = list(qs.values_list(*_ROW_FIELDS))
    names = _names({r[1] for r in raw})
    return [
        Row(
            figure=Figure(
                indicator=indicator,
                area=area,
                period=period,
                value=value,
                unit=unit,
                source=source,
                nature=nature,
                release=releases[release_id],
            ),
            name=names.get(area, area),
            note=(note or "").strip(),
        )
        for indicator, area, period, value, unit, source, nature, release_id, note in raw
    ]


def ranking_rows(series: Series, year: str, breakdown: Breakdown, releases: Releases) -> list[Row]:
    """Best first (highest, or lowest where lower is better); ties share a rank (1, 2, 2, 4)."""
    rows = _rows(ranking_queryset(series.code, year, breakdown), releases)
    sign = -1 if series.higher_is_better else 1
    rows.sort(key=lambda r: (sign * r.figure.value, r.name))
    ranked: list[Row] = []
    for position, row in enumerate(rows, start=1):
        tied = ranked and ranked[-1].figure.value == row.figure.value
        ranked.append(replace(row, rank=ranked[-1].rank if tied else position))
    return ranked


def default_economies(ranked: Sequence[Row]) -> list[str]:
    """The best, the median and the last economy of the ranking: the spread of the year at a glance."""
    if not ranked:
        return []
    picks = [ranked[0].figure.area, ranked[len(ranked) // 2].figure.area, ranked[-1].figure.area]
    return list(dict.fromkeys(picks))


def series_rows(code: str, economies: Sequence[str], breakdown: Breakdown, releases: Releases) -> list[Row]:
    rows = _rows(series_queryset(code, economies, breakdown), releases)
    order = {iso3: i for i, iso3 in enumerate(economies)}
    return sorted(rows, key=lambda r: (order.get(r.figure.area, 0), r.figure.period))


def release_notes(code: str) -> list[ReleaseNote]:
    """Every release holding the indicator, newest first, with what the import noted (corrections applied
    to it, the release's quality flags) and what it revised in the indicator against the release before."""
    counts = dict(
        Observation.objects.visible()
        .filter(indicator=code)
        .values_list("release_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    releases = list(Release.objects.filter(id__in=counts).order_by("date", "id"))
    files = list(ImportedFile.objects.filter(release__in=releases).values_list("release_id", "corrections"))
    flags = dict(
        Release.objects.filter(id__in=counts).annotate(n=Count("flags")).values_list("id", "n").order_by()
    )
    notes = []
    for position, release in enumerate(releases):
        note = ReleaseNote(release=release, observations=counts[release.id], flags=flags.get(release.id, 0))
        for release_id, corrections in files:
            if release_id == release.id:
                # Files do not record which indicators they held: keep the corrections that name this one.
                texts = [_correction_text(c) for c in corrections or []]
                note.corrections += [t for t in texts if _names_code(t, code) and t not in note.corrections]
        if position:
            _compare(note, releases[position - 1], code)
        notes.append(note)
    return notes[::-1]


def _names_code(text: str, code: str) -> bool:
    return re.search(rf"(?<![\w.$]){re.escape(code)}(?![\w.$])", text) is not None


def _correction_text(correction: object) -> str:
    if isinstance(correction, dict):
        return str(correction.get("description") or correction.get("rule") or correction)
    return str(correction)


def _compare(note: ReleaseNote, before: Release, code: str) -> None:
    changes = revisions(before.id, note.release.id, indicators=[code])
    tally = Counter(changes["change"].to_list())
    note.against = before
    note.revised, note.added, note.dropped = tally["revised"], tally["added"], tally["dropped"]
    note.examples = changes.filter(changes["change"] == "revised").head(REVISIONS_SHOWN).to_dicts()
