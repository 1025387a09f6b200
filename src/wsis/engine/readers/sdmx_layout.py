"""Which SDMX component is which: the reference area, the indicator, the period, the disaggregations.

Publishers name their dimensions as they like (Eurostat ``geo``/``COUNTRY``, the IMF ``COUNTRY``, the
World Bank ``REPORTER``, the ECB ``AME_REF_AREA``). :func:`decide` settles the layout in this order:

1. what the user said (:class:`SdmxOptions`, from ``wsis import --sdmx-area/--sdmx-indicator/...``);
2. the data structure when it is at hand: a dimension with the ``REF_AREA`` concept role, a known area
   id, or one coded by a code list of areas (``CL_AREA``, ``CL_COUNTRY``, ``CL_GEO``...); the indicator
   is then every dimension left over (not the area, period, frequency or a disaggregation), joined with
   ``.`` in the structure's order, so that no dimension is lost;
3. common ids (``INDICATOR``, ``SERIES``...) when there is no structure, or the one dimension left
   over in a generic message (whose series keys tell dimensions from attributes).

When it cannot decide, :class:`ReadError` lists the dimensions found and the options that settle it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wsis.engine.readers.observation import DISAGGREGATIONS, ReadError

#: Dimension (or attribute) ids that name the reference area in publishers' structures.
AREA_IDS = ("REF_AREA", "GEO", "COUNTRY", "REPORTER", "LOCATION", "AREA", "REF_AREA_CODE", "GEO_AREA")
INDICATOR_IDS = ("INDICATOR", "SERIES", "INDIC", "SERIES_CODE", "MEASURE_ID")
PERIOD_IDS = ("TIME_PERIOD", "TIME", "PERIOD")
FREQUENCY_IDS = ("FREQ", "FREQUENCY")
#: Publisher dimension ids that are one of our disaggregations (besides the disaggregation names).
DISAGGREGATION_IDS: dict[str, str] = {
    **{d.upper(): d for d in DISAGGREGATIONS},
    "URBANISATION": "urbanisation",
    "URBANIZATION": "urbanisation",
    "SEXE": "sex",
    "GENDER": "sex",
}
FIXED_PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|0[1-9]|1[0-2]|S[12]))?$")
AREA_CODELIST = re.compile(r"(AREA|COUNTRY|GEO|REGION|ITTER)", re.IGNORECASE)


@dataclass(frozen=True)
class SdmxOptions:
    """What the user says about a publisher's SDMX message (all optional)."""

    structure: Path | None = None  # a structure message (DSD, code lists) for the data message
    area: str | None = None  # the component holding the reference area
    indicator: tuple[str, ...] = ()  # the component(s) whose codes, joined with ".", are the indicator
    disaggregations: Mapping[str, str] = field(default_factory=dict)  # component id -> our column
    area_prefix: str | None = None  # prefix of areas that are not economies (default: the agency)
    period: str | None = None  # the time component, or the period of a message that has none ("2016")

    def __post_init__(self) -> None:
        bad = {c for c in self.disaggregations.values() if c not in DISAGGREGATIONS}
        if bad:
            raise ValueError(
                f"unknown disaggregation(s) {', '.join(sorted(bad))}; "
                f"the warehouse holds {', '.join(DISAGGREGATIONS)}"
            )


MAPPING_KEYS = {"structure", "area", "indicator", "period", "dimensions", "area_prefix"}


def options_from_file(path: Path, **overrides: object) -> SdmxOptions:
    """Options from a YAML mapping file, e.g. ``{area: geo, indicator: [indic_is, unit], dimensions:
    {sex: sex}}`` (``structure`` relative to the file); non-empty ``overrides`` win over the file."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ReadError(path, f"unreadable SDMX mapping file: {type(exc).__name__}") from None
    data = data.get("sdmx", data) if isinstance(data, dict) else data
    if not isinstance(data, dict) or set(data) - MAPPING_KEYS:
        unknown = sorted(set(data) - MAPPING_KEYS) if isinstance(data, dict) else ["(not a mapping)"]
        raise ReadError(
            path, f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(MAPPING_KEYS))}"
        )
    indicator = data.get("indicator") or ()
    values: dict[str, object] = {
        "structure": (path.parent / str(data["structure"])) if data.get("structure") else None,
        "area": data.get("area"),
        "indicator": tuple([indicator] if isinstance(indicator, str) else indicator),
        "period": str(data["period"]) if data.get("period") is not None else None,
        "disaggregations": dict(data.get("dimensions") or {}),
        "area_prefix": data.get("area_prefix"),
    }
    values.update({k: v for k, v in overrides.items() if v})
    return SdmxOptions(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Components:
    """What a message (and its structure, if given) says about its components."""

    dimensions: tuple[str, ...]  # in the structure's order, the observation dimension included
    attributes: tuple[str, ...]
    from_structure: bool  # True when a data structure definition describes the dimensions
    dimensions_known: bool = False  # dimensions told apart from attributes (a DSD, or a generic message)
    area_role: str | None = None  # the dimension carrying the REF_AREA concept role, if any
    area_codelists: frozenset[str] = frozenset()  # components coded by an area code list


@dataclass(frozen=True)
class Layout:
    area: str
    indicator: tuple[str, ...]
    period: str | None  # the time component; None when the user gave the period itself
    fixed_period: str | None
    disaggregations: dict[str, str]  # component id -> our column
    left_over: tuple[str, ...]  # dimensions with no place: refused if they vary, else ignored


def _find(ids: Iterable[str], wanted: Sequence[str]) -> str | None:
    by_upper = {i.upper(): i for i in ids}
    return next((by_upper[w] for w in wanted if w in by_upper), None)


def _listing(components: Components) -> str:
    text = "dimensions found: " + ", ".join(components.dimensions)
    if components.attributes:
        text += "; attributes: " + ", ".join(components.attributes)
    return text


def decide(path: Path, components: Components, options: SdmxOptions) -> Layout:
    """The layout of one data message; a :class:`ReadError` naming the dimensions when undecidable."""
    known = set(components.dimensions) | set(components.attributes)
    named = [options.area or "", *options.indicator, *options.disaggregations]
    missing = [n for n in named if n and n not in known]
    if missing:
        raise ReadError(path, f"no component {', '.join(missing)} in this message ({_listing(components)})")
    fixed_period = None
    if options.period and options.period not in known:
        if not FIXED_PERIOD.match(options.period):
            raise ReadError(
                path, f"--sdmx-period {options.period!r} is neither a component nor a period like 2016"
            )
        period, fixed_period = None, options.period
    else:
        period = options.period or _find(components.dimensions, PERIOD_IDS)
        if period is None:
            raise ReadError(
                path,
                f"no time dimension (TIME_PERIOD) ({_listing(components)}); "
                "name it, or give the period itself, with --sdmx-period",
            )
    area = options.area or _guess_area(components)
    if area is None:
        raise ReadError(
            path,
            f"cannot tell which component is the reference area ({_listing(components)}); "
            "name it with --sdmx-area",
        )
    disaggregations = dict(options.disaggregations)
    for dim in components.dimensions:
        column = DISAGGREGATION_IDS.get(dim.upper())
        if column and dim not in disaggregations and dim not in options.indicator and dim != area:
            disaggregations[dim] = column
    placed = {area, *disaggregations} | ({period} if period else set())
    frequency = _find(components.dimensions, FREQUENCY_IDS)
    rest = [d for d in components.dimensions if d not in placed and d != frequency]
    indicator = options.indicator
    if not indicator:
        found = _find(rest, INDICATOR_IDS)
        if found is not None:
            indicator = (found,)
        elif (components.from_structure and rest) or (components.dimensions_known and len(rest) == 1):
            indicator = tuple(rest)
        else:
            raise ReadError(
                path,
                f"cannot tell which dimension(s) make the indicator ({_listing(components)}); "
                "name them with --sdmx-indicator DIM[,DIM...] or give the structure with --sdmx-structure",
            )
    left_over = tuple(d for d in rest if d not in indicator)
    return Layout(area, tuple(indicator), period, fixed_period, disaggregations, left_over)


def _guess_area(components: Components) -> str | None:
    if components.area_role:
        return components.area_role
    ids = [*components.dimensions, *components.attributes]
    found = _find(ids, AREA_IDS)
    if found is not None:
        return found
    suffixed = [i for i in components.dimensions if i.upper().endswith("_REF_AREA")]
    if len(suffixed) == 1:
        return suffixed[0]
    coded = [i for i in components.dimensions if i in components.area_codelists]
    return coded[0] if len(coded) == 1 else None


def is_area_codelist(codelist_id: str) -> bool:
    return bool(AREA_CODELIST.search(codelist_id))
