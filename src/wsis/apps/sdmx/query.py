"""Parsing SDMX 2.1 REST data queries: ``data/{flowRef}/{key}/{providerRef}`` and their parameters.

Anything the standard allows but that names nothing here (another agency, flow or provider) is "no
results" (404); anything the standard's syntax does not allow is a syntax error (400), named in words.

Point in time: ``release={id}`` (a parameter of this service) answers the figures exactly as that
release published them, instead of the latest figure per key. ``includeHistory=true`` answers every
visible release's figures, one data set per release (the warehouse keeps each release's figures).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.dateparse import parse_datetime

from wsis.apps.sdmx import dsd
from wsis.apps.sdmx.errors import no_results, syntax

DETAILS = ("full", "dataonly", "serieskeysonly", "nodata")
_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])|S([12])|A1))?$")
KNOWN_PARAMETERS = {
    "startPeriod",
    "endPeriod",
    "lastNObservations",
    "firstNObservations",
    "updatedAfter",
    "dimensionAtObservation",
    "detail",
    "includeHistory",
    "format",
    "release",
}


@dataclass(frozen=True)
class DataQuery:
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # SDMX dimension id -> SDMX codes
    start: dt.date | None = None
    end: dt.date | None = None
    first_n: int | None = None
    last_n: int | None = None
    updated_after: dt.datetime | None = None
    dimension_at_observation: str = dsd.TIME.id
    detail: str = "full"
    release: int | None = None
    include_history: bool = False
    #: SDMX 3.0 ``attributes=``: the attribute ids to write (None: all those ``detail`` allows)
    attributes: tuple[str, ...] | None = None
    #: SDMX 3.0 ``c[ATTRIBUTE]=``: attribute id -> the values an observation must have one of
    attribute_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)


def parse_flow(flow_ref: str) -> None:
    """``ICT``, ``WSIS,ICT``, ``WSIS,ICT,1.0`` (``all``/``latest`` allowed): anything else names no flow."""
    parts = flow_ref.split(",")
    if len(parts) > 3 or not all(re.fullmatch(r"[A-Za-z0-9_@$\-.]+", p) for p in parts):
        raise syntax(f"flow reference {flow_ref[:60]!r} is not agency,id,version")
    if len(parts) == 1:
        agency, ident, version = dsd.AGENCY, parts[0], "latest"
    elif len(parts) == 2:
        agency, ident, version = parts[0], parts[1], "latest"
    else:
        agency, ident, version = parts
    if (
        agency not in (dsd.AGENCY, "all")
        or ident != dsd.FLOW
        or version not in (dsd.VERSION, "latest", "all")
    ):
        raise no_results(
            f"no dataflow {flow_ref[:60]!r}; this service publishes {dsd.AGENCY},{dsd.FLOW},{dsd.VERSION}"
        )


def parse_provider(provider_ref: str) -> None:
    parts = provider_ref.split(",")
    if len(parts) > 2 or not all(dsd.ID.fullmatch(p) for p in parts):
        raise syntax(f"provider reference {provider_ref[:60]!r} is not agency,id")
    if provider_ref not in ("all", dsd.PROVIDER, f"{dsd.AGENCY},{dsd.PROVIDER}", f"all,{dsd.PROVIDER}"):
        raise no_results(f"no data provider {provider_ref[:60]!r}; this service's provider is {dsd.PROVIDER}")


def parse_key(key: str) -> dict[str, tuple[str, ...]]:
    """``all`` or one position per dimension separated by dots, each empty (any) or codes joined by ``+``."""
    if key in ("all", "ALL", ""):
        return {}
    positions = key.split(".")
    if len(positions) != dsd.KEY_LENGTH:
        raise syntax(
            f"the key has {len(positions)} positions; this flow has {dsd.KEY_LENGTH} dimensions "
            f"({'.'.join(d.id for d in dsd.DIMENSIONS)})"
        )
    codes: dict[str, tuple[str, ...]] = {}
    for dimension, position in zip(dsd.DIMENSIONS, positions, strict=True):
        if not position:
            continue
        values = position.split("+")
        for value in values:
            if not dsd.ID.fullmatch(value):
                raise syntax(f"{value[:40]!r} is not a code (dimension {dimension.id})")
        codes[dimension.id] = tuple(values)
    return codes


def period_bounds(text: str, name: str) -> tuple[dt.date, dt.date]:
    """First and last day of an SDMX period (2020, 2020-03, 2020-03-15, 2020-Q1, 2020-S2)."""
    match = _PERIOD.fullmatch(text)
    if not match:
        raise syntax(f"{name} {text[:40]!r} is not a period (2020, 2020-03, 2020-03-15, 2020-Q1, 2020-S1)")
    year = int(match.group(1))
    try:
        if match.group(3):
            day = dt.date(year, int(match.group(2)), int(match.group(3)))
            return day, day
        if match.group(2):
            month = int(match.group(2))
            return dt.date(year, month, 1), _month_end(year, month)
        if match.group(4):
            quarter = int(match.group(4))
            return dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
        if match.group(5):
            half = int(match.group(5))
            return dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half)
    except ValueError:
        raise syntax(f"{name} {text[:40]!r} is not a calendar date") from None
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _month_end(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(month)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _positive(params: QueryDict, name: str) -> int | None:
    text = params.get(name)
    if text is None:
        return None
    if not text.isdigit() or int(text) < 1 or len(text) > 9:
        raise syntax(f"{name} must be a positive whole number, not {text[:20]!r}")
    return int(text)


def parse_parameters(params: QueryDict, codes: dict[str, tuple[str, ...]]) -> DataQuery:
    unknown = sorted(set(params) - KNOWN_PARAMETERS)
    if unknown:
        raise syntax(f"unknown parameter {unknown[0][:40]!r}; known: {', '.join(sorted(KNOWN_PARAMETERS))}")
    start = period_bounds(params["startPeriod"], "startPeriod")[0] if "startPeriod" in params else None
    end = period_bounds(params["endPeriod"], "endPeriod")[1] if "endPeriod" in params else None
    if start and end and start > end:
        raise syntax("startPeriod is after endPeriod")
    updated_after = None
    if "updatedAfter" in params:
        text = params["updatedAfter"]
        try:
            updated_after = parse_datetime(text)
        except ValueError:
            updated_after = None
        if updated_after is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                updated_after = dt.datetime.fromisoformat(text)
            except ValueError:
                updated_after = None
        if updated_after is None:
            raise syntax(f"updatedAfter {text[:40]!r} is not an ISO 8601 date-time (2025-06-01T00:00:00Z)")
        if updated_after.tzinfo is None:
            updated_after = updated_after.replace(tzinfo=dt.UTC)
    at_observation = params.get("dimensionAtObservation", dsd.TIME.id)
    known = {d.id for d in dsd.DIMENSIONS} | {dsd.TIME.id, "AllDimensions"}
    if at_observation not in known:
        raise syntax(f"dimensionAtObservation {at_observation[:40]!r} is not a dimension of this flow")
    detail = params.get("detail", "full")
    if detail not in DETAILS:
        raise syntax(f"detail {detail[:40]!r} is not one of {', '.join(DETAILS)}")
    include_history = params.get("includeHistory", "false")
    if include_history not in ("true", "false"):
        raise syntax("includeHistory must be true or false")
    if include_history == "true" and "release" in params:
        raise syntax("includeHistory=true gives every release's figures: it cannot be asked with release=")
    return DataQuery(
        codes=codes,
        start=start,
        end=end,
        first_n=_positive(params, "firstNObservations"),
        last_n=_positive(params, "lastNObservations"),
        updated_after=updated_after,
        dimension_at_observation=at_observation,
        detail=detail,
        release=_positive(params, "release"),
        include_history=include_history == "true",
    )
