"""The SDMX 3.0 REST paths (SDMX REST API 2.0.0) at ``/sdmx/rest/v2/``, where they are cheap: each 3.0
query is translated into the 2.1 one the service already answers, so both read and write the same way.

- ``structure/{type}/{agencyID}/{resourceID}/{version}``: ``*`` for all, ``+``/``~`` for the latest,
  commas for several; answered by the 2.1 structure query (SDMX-ML 2.1 structure messages).
- ``data/{context}/{agencyID}/{resourceID}/{version}/{key}``: the key uses ``*`` as wildcard, missing
  trailing positions are wildcards, commas separate several keys; ``c[COMPONENT]=`` filters dimensions
  and attributes by equality (``,`` is OR) and TIME_PERIOD by ``ge``/``gt``/``le``/``lt``/``eq``;
  ``attributes=`` and ``measures=``; the 2.1 parameters shared by both standards keep their meaning.
  SDMX-CSV 2.0 by default; the 2.1 formats where the Accept header names them.

Errors are the standard's: 400 syntax, 404 no results, 406 format, 501 what is not implemented here
(other operators, item queries, ``asOf``...).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.http import require_safe

from wsis.apps.sdmx import dsd, views
from wsis.apps.sdmx.errors import SdmxError, no_results, response, syntax
from wsis.apps.sdmx.query import DataQuery, parse_key, parse_parameters, period_bounds

#: 3.0 parameters passed to the 2.1 parser as they are (same name, same meaning).
SHARED = ("updatedAfter", "firstNObservations", "lastNObservations", "dimensionAtObservation")
SHARED += ("includeHistory", "format", "release")
KNOWN = {*SHARED, "attributes", "measures"}
#: Parameters of later REST versions (2.1.0, 2.2.0): named, not implemented.
LATER = {"offset", "limit", "sort", "asOf", "reportingYearStartDay"}
_FILTER = re.compile(r"^c\[([A-Za-z0-9_]+)\]$")
_TERM = re.compile(r"^(?:(eq|ne|lt|le|gt|ge|co|nc|sw|ew):)?(.*)$")
ATTRIBUTES = {a.id for a in dsd.ATTRIBUTES}
DIMENSIONS = {d.id for d in dsd.DIMENSIONS}


def _versions(version: str) -> str:
    """3.0 version wildcards as the 2.1 query names them: ``*`` all, ``+``/``~`` the latest."""
    if version == "*":
        return "all"
    if version in ("+", "~", "latest"):
        return "latest"
    # Semantic versioning: 1.0.0 is this service's 1.0.
    return dsd.VERSION if version in (dsd.VERSION, f"{dsd.VERSION}.0") else version


def _ids(text: str) -> str:
    return "all" if text == "*" else text.replace(",", "+")


@require_safe
def structure_query(
    request: HttpRequest,
    resource: str,
    agency: str = "*",
    ident: str = "*",
    version: str = "~",
    item: str = "*",
) -> HttpResponse:
    if resource == "*" or item != "*":
        what = "item queries" if item != "*" else "structure queries of every type"
        return response(SdmxError(501, f"{what} are not implemented; ask for one type without an item"))
    versions = {_versions(v) for v in version.split(",")}
    chosen = "all" if "all" in versions or len(versions) > 1 else versions.pop()
    return views.structure_query(request, resource, _ids(agency), _ids(ident), chosen)


def _context(context: str, agency: str, ident: str, version: str) -> None:
    """``dataflow/WSIS/ICT/1.0`` or ``datastructure/WSIS/ICT_OBS/1.0`` (``*`` allowed anywhere)."""
    wanted = {"dataflow": dsd.FLOW, "datastructure": dsd.DSD}
    for part, name in ((agency, "agency"), (ident, "resource id"), (version, "version")):
        if not all(re.fullmatch(r"[A-Za-z0-9_@$\-.*+~]+", p) for p in part.split(",")):
            raise syntax(f"{name} {part[:40]!r} is not an SDMX identifier")
    contexts = [c for c in context.split(",") if c == "*" or c in wanted]
    if not contexts:
        raise no_results(
            f"no data for context {context[:40]!r}; this service answers dataflow, datastructure"
        )
    idents = {wanted[c] for c in wanted} if "*" in contexts else {wanted[c] for c in contexts}
    agencies, names = set(agency.split(",")), set(ident.split(","))
    versions = {_versions(v) for v in version.split(",")}
    if (
        not agencies & {"*", dsd.AGENCY}
        or not names & ({"*"} | idents)
        or not versions & {"all", "latest", dsd.VERSION}
    ):
        raise no_results(
            f"no {context[:20]} {agency[:20]},{ident[:40]},{version[:20]}; this service publishes "
            f"dataflow {dsd.AGENCY},{dsd.FLOW},{dsd.VERSION} (structure {dsd.DSD})"
        )


def _key(key: str) -> dict[str, tuple[str, ...]]:
    """A 3.0 key (``*`` wildcards, trailing positions optional) read by the 2.1 key parser."""
    if key in ("*", ""):
        return {}
    positions = ["" if p == "*" else p for p in key.split(".")]
    if len(positions) > dsd.KEY_LENGTH:
        return parse_key(".".join(positions))  # the 2.1 parser names the mistake
    return parse_key(".".join(positions + [""] * (dsd.KEY_LENGTH - len(positions))))


def _equal_codes(component: str, text: str) -> tuple[str, ...]:
    codes = []
    for alternative in text.split(","):
        operator, value = _TERM.fullmatch(alternative).groups()  # type: ignore[union-attr]
        if "+" in alternative or operator not in (None, "eq"):
            raise SdmxError(501, f"c[{component}]: only equality (values separated by commas) is implemented")
        if component in DIMENSIONS and not dsd.ID.fullmatch(value):
            raise syntax(f"{value[:40]!r} is not a code (c[{component}])")
        codes.append(value)
    return tuple(codes)


def _time_bounds(text: str, into: dict[str, str]) -> None:
    """``c[TIME_PERIOD]=ge:2015+le:2020`` as startPeriod/endPeriod (one range: no commas)."""
    if "," in text:
        raise SdmxError(501, "c[TIME_PERIOD]: one range is implemented (terms joined by +, no commas)")
    for term in text.split("+"):
        operator, value = _TERM.fullmatch(term).groups()  # type: ignore[union-attr]
        first, last = period_bounds(value, "c[TIME_PERIOD]")
        if operator in (None, "eq", "ge"):
            into["startPeriod"] = max(into.get("startPeriod", ""), first.isoformat())
        if operator in (None, "eq", "le"):
            into["endPeriod"] = min(into.get("endPeriod", "9999-12-31"), last.isoformat())
        if operator == "gt":
            into["startPeriod"] = max(into.get("startPeriod", ""), (last + dt.timedelta(days=1)).isoformat())
        if operator == "lt":
            end = (first - dt.timedelta(days=1)).isoformat()
            into["endPeriod"] = min(into.get("endPeriod", "9999-12-31"), end)
        if operator not in (None, "eq", "ge", "le", "gt", "lt"):
            raise SdmxError(501, f"c[TIME_PERIOD]: operator {operator!r} is not implemented")


def _detail(attributes: str, measures: str) -> tuple[str, tuple[str, ...] | None]:
    """3.0 ``attributes``/``measures`` as the 2.1 ``detail`` and the attribute ids to write."""
    chosen: tuple[str, ...] | None = None
    if attributes == "none":
        chosen = ()
    elif attributes not in ("dsd", "all", "obs"):
        names = tuple(attributes.split(","))
        unknown = [n for n in names if n not in ATTRIBUTES]
        if unknown:
            raise syntax(f"attributes: {unknown[0][:40]!r} is not an attribute of this flow")
        chosen = names
    if measures not in ("all", "none", dsd.MEASURE.id):
        raise syntax(f"measures {measures[:40]!r} is not all, none or {dsd.MEASURE.id}")
    if measures == "none":
        return ("serieskeysonly" if chosen == () else "nodata"), chosen
    return ("dataonly" if chosen == () else "full"), chosen


def parse_data_parameters(params: QueryDict, key: str) -> list[DataQuery]:
    """One 2.1 data query per key of a 3.0 data query, with the 3.0 filters applied to each."""
    later = sorted(LATER & set(params))
    if later:
        raise SdmxError(501, f"{later[0]} is not implemented by this service (SDMX REST 2.0.0)")
    filters = {m.group(1): params[name] for name in params if (m := _FILTER.fullmatch(name))}
    unknown = sorted(n for n in set(params) - KNOWN if not _FILTER.fullmatch(n))
    if unknown:
        raise syntax(
            f"unknown parameter {unknown[0][:40]!r}; known: c[COMPONENT], {', '.join(sorted(KNOWN))}"
        )
    shared = QueryDict(mutable=True)
    for name in SHARED:
        if name in params:
            shared[name] = params[name]
    filtered: dict[str, tuple[str, ...]] = {}
    attribute_codes: dict[str, tuple[str, ...]] = {}
    for component, text in filters.items():
        if component == dsd.TIME.id:
            bounds: dict[str, str] = {}
            _time_bounds(text, bounds)
            shared.update(bounds)
        elif component in DIMENSIONS:
            filtered[component] = _equal_codes(component, text)
        elif component in ATTRIBUTES:
            attribute_codes[component] = _equal_codes(component, text)
        else:
            raise SdmxError(501, f"c[{component[:40]}]: filters on {component[:40]!r} are not implemented")
    shared["detail"], attributes = _detail(params.get("attributes", "dsd"), params.get("measures", "all"))
    queries = []
    for one in key.split(","):
        codes = _key(one)
        for dimension, values in filtered.items():
            kept = tuple(v for v in codes.get(dimension, values) if v in values)
            if not kept:
                raise no_results(f"the key and c[{dimension}] select no code in common")
            codes[dimension] = kept
        query = parse_parameters(shared, codes)
        queries.append(dataclasses.replace(query, attributes=attributes, attribute_codes=attribute_codes))
    return queries


@require_safe
def data_query(
    request: HttpRequest,
    context: str = "*",
    agency: str = "*",
    ident: str = "*",
    version: str = "*",
    key: str = "*",
) -> HttpResponse:
    def answer(request: HttpRequest, media: str) -> bytes:
        _context(context, agency, ident, version)
        return views.write(media, *parse_data_parameters(request.GET, key))

    return views.serve(request, data_query=True, answer=answer, v3=True)
