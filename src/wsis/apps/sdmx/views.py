"""The SDMX 2.1 REST endpoints: structure queries and data queries, each answer cached under the data
state (the warehouse's releases and the reference knowledge) and the format chosen, as the warehouse API
and the public pages are (``wsis.apps.public.caching``)."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from wsis.apps.public.caching import (
    CACHE_ALIAS,
    TIMEOUT_SECONDS,
    StoredPage,
    _cacheable_request,
    dependency_state,
)
from wsis.apps.sdmx import data, dsd, negotiation, schema, structures
from wsis.apps.sdmx.errors import SdmxError, no_results, response, syntax
from wsis.apps.sdmx.query import DataQuery, parse_flow, parse_key, parse_parameters, parse_provider
from wsis.apps.warehouse.domain.query import QueryError
from wsis.reference.loader import knowledge

logger = logging.getLogger(__name__)
DEPENDS = ("warehouse", "reference")
CONTENT_TYPES = {
    negotiation.GENERIC: "application/vnd.sdmx.genericdata+xml; version=2.1; charset=utf-8",
    negotiation.SPECIFIC: "application/vnd.sdmx.structurespecificdata+xml; version=2.1; charset=utf-8",
    negotiation.JSON: "application/vnd.sdmx.data+json; version=1.0.0; charset=utf-8",
    negotiation.CSV: "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8",
    negotiation.CSV2: "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
    negotiation.STRUCTURE: "application/vnd.sdmx.structure+xml; version=2.1; charset=utf-8",
}

Answer = Callable[[HttpRequest, str], bytes]


def serve(request: HttpRequest, *, data_query: bool, answer: Answer, v3: bool = False) -> HttpResponse:
    """Choose the format, answer from the cache or compute, and turn SDMX errors into error messages
    (``v3``: the formats of the 3.0 paths)."""
    try:
        media = negotiation.choose(request, data=data_query, v3=v3)
        if not _cacheable_request(request):
            body = answer(request, media)
            return _mark(HttpResponse(body, content_type=CONTENT_TYPES[media]), "bypass")
        cache = caches[CACHE_ALIAS]
        raw = f"sdmx|{request.get_full_path()}|{media}|{dependency_state(DEPENDS, {})}"
        key = "sdmx:" + hashlib.sha256(raw.encode()).hexdigest()
        stored = cache.get(key)
        if stored is not None:
            return _mark(stored.response(request), "hit")
        result = HttpResponse(answer(request, media), content_type=CONTENT_TYPES[media])
        if media in (negotiation.CSV, negotiation.CSV2):
            result["Content-Disposition"] = 'inline; filename="data.csv"'
        cache.set(key, StoredPage.of(result), TIMEOUT_SECONDS)
        return _mark(result, "miss")
    except SdmxError as error:
        return response(error)


def _mark(result: HttpResponse, state: str) -> HttpResponse:
    patch_cache_control(result, public=True, max_age=300)
    result["X-Page-Cache"] = state
    result["Vary"] = "Accept, Accept-Encoding"
    return result


# ---- data -----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _value_names() -> dict[str, dict[str, str]]:
    ref = knowledge()
    areas = {dsd.code_id(c): e.names.en for c, e in ref.economies.items()}
    areas.update({dsd.code_id(c): g.name.en for c, g in ref.groups.items()})
    return {
        "FREQ": {f: n["en"] for f, n in dsd.FREQ_NAMES.items()},
        "REF_AREA": areas,
        "INDICATOR": {dsd.code_id(c): i.name.en for c, i in ref.indicators.items()},
    }


@require_safe
def data_query(request: HttpRequest, flow: str, key: str = "all", provider: str = "all") -> HttpResponse:
    def answer(request: HttpRequest, media: str) -> bytes:
        parse_flow(flow)
        parse_provider(provider)
        return write(media, parse_parameters(request.GET, parse_key(key)))

    return serve(request, data_query=True, answer=answer)


def write(media: str, query: DataQuery, *more: DataQuery) -> bytes:
    """The data message of a query (or the union of several, for the 3.0 paths' keys separated by commas)
    in the chosen format."""
    if query.include_history:
        if more:
            raise SdmxError(501, "includeHistory=true is answered for one key at a time")
        if media not in (negotiation.GENERIC, negotiation.SPECIFIC):
            raise SdmxError(
                501, "includeHistory=true is answered in SDMX-ML 2.1 (generic, structure-specific)"
            )
        try:
            datasets = data.history(query)
        except QueryError as exc:
            raise no_results(str(exc)) from exc
    else:
        datasets = [data.Vintage(_selected(query, *more))]
    if media == negotiation.GENERIC:
        return data.generic(datasets, query)
    if media == negotiation.SPECIFIC:
        return data.structure_specific(datasets, query)
    selected = datasets[0].observations
    if media == negotiation.CSV:
        return data.sdmx_csv(selected, query)
    if media == negotiation.CSV2:
        return data.sdmx_csv(selected, query, version="2.0")
    return data.sdmx_json(selected, query, _value_names())


def _selected(*queries: DataQuery) -> list[data.Obs]:
    found: dict[tuple[str, ...], data.Obs] = {}
    for query in queries:
        try:
            found.update((obs.key, obs) for obs in data.observations(query))
        except QueryError as exc:
            raise no_results(str(exc)) from exc
        except SdmxError as error:
            if error.code != 100 or len(queries) == 1:
                raise
    if not found:
        raise no_results("no observation matches the query")
    return [found[key] for key in sorted(found)]


# ---- structures -------------------------------------------------------------------------------------------

REFERENCES = ("none", "parents", "parentsandsiblings", "children", "descendants", "all")
DETAILS = (
    "full",
    "allstubs",
    "referencestubs",
    "allcompletestubs",
    "referencecompletestubs",
    "referencepartial",
)


def _resolve(kind: str, agency: str, ident: str, version: str, artefacts: list[structures.Artefact]):
    if agency not in ("all", dsd.AGENCY) or version not in ("all", "latest", dsd.VERSION):
        return []
    return [a for a in artefacts if a.kind == kind and ident in ("all", a.id)]


def _related(found: list[structures.Artefact], references: str, artefacts: list[structures.Artefact]):
    kinds = {a.kind for a in found}

    def children(of: set[str]) -> set[str]:
        return {c for k in of for c in structures.CHILDREN[k]}

    def parents(of: set[str]) -> set[str]:
        return {k for k, cs in structures.CHILDREN.items() if of & set(cs)}

    if references == "none":
        wanted: set[str] = set()
    elif references == "children":
        wanted = children(kinds)
    elif references == "descendants":
        wanted, frontier = set(), kinds
        while frontier:
            frontier = children(frontier) - wanted
            wanted |= frontier
    elif references == "parents":
        wanted = parents(kinds)
    elif references == "parentsandsiblings":
        wanted = parents(kinds)
        wanted |= children(wanted)
    elif references == "all":
        wanted = _related_kinds(kinds)
    else:  # a resource type
        wanted = {references}
        if references not in _related_kinds(kinds):
            wanted = set()
    chosen = set(id(a) for a in found)
    return [a for a in artefacts if a.kind in wanted and id(a) not in chosen]


def _related_kinds(kinds: set[str]) -> set[str]:
    # Everything reachable through parents and children, as "all" asks.
    reached, frontier = set(kinds), set(kinds)
    while frontier:
        step = {c for k in frontier for c in structures.CHILDREN[k]}
        step |= {k for k, cs in structures.CHILDREN.items() if frontier & set(cs)}
        frontier = step - reached
        reached |= frontier
    return reached


@require_safe
def structure_query(
    request: HttpRequest, resource: str, agency: str = "all", ident: str = "all", version: str = "latest"
) -> HttpResponse:
    def answer(request: HttpRequest, media: str) -> bytes:
        for part, name in ((agency, "agency"), (ident, "resource id")):
            if not dsd.ID.fullmatch(part) and "+" not in part:
                raise syntax(f"{name} {part[:40]!r} is not an SDMX identifier")
        unknown = sorted(set(request.GET) - {"references", "detail", "format"})
        if unknown:
            raise syntax(f"unknown parameter {unknown[0][:40]!r}; known: detail, references")
        references = request.GET.get("references", "none")
        if references not in REFERENCES and references not in structures.KINDS:
            raise syntax(
                f"references {references[:40]!r} is not one of {', '.join(REFERENCES)} or a resource type"
            )
        detail = request.GET.get("detail", "full")
        if detail not in DETAILS:
            raise syntax(f"detail {detail[:40]!r} is not one of {', '.join(DETAILS)}")
        artefacts = structures.catalogue(partial_codes=detail == "referencepartial")
        found = []
        for agency_part in agency.split("+"):
            for ident_part in ident.split("+"):
                found += _resolve(resource, agency_part, ident_part, version, artefacts)
        if not found:
            raise no_results(f"no {resource} {agency[:20]},{ident[:40]},{version[:20]}")
        related = _related(found, references, artefacts)
        stubs: set[str] = set()
        if detail in ("allstubs", "allcompletestubs"):
            stubs = set(structures.KINDS)
        elif detail in ("referencestubs", "referencecompletestubs"):
            stubs = {a.kind for a in related} - {a.kind for a in found}
        return structures.message([*found, *related], stubs)

    return serve(request, data_query=False, answer=answer)


@require_safe
def schema_query(
    request: HttpRequest, context: str, agency: str, ident: str, version: str = "latest"
) -> HttpResponse:
    """``schema/dataflow|datastructure/WSIS/{id}/{version}``: the XSD of structure-specific data messages."""
    version = version or "latest"
    try:
        wanted = {"dataflow": dsd.FLOW, "datastructure": dsd.DSD}.get(context)
        if wanted is None:
            raise SdmxError(
                501, f"schemas for {context[:40]!r} are not implemented; ask for dataflow or datastructure"
            )
        if agency not in ("all", dsd.AGENCY) or ident != wanted or version not in ("latest", dsd.VERSION):
            raise no_results(f"no {context} {agency[:20]},{ident[:40]},{version[:20]}")
        at = request.GET.get("dimensionAtObservation", dsd.TIME.id)
        if at not in data.ALL_IDS and at != "AllDimensions":
            raise syntax(f"dimensionAtObservation {at[:40]!r} is not a dimension of this flow")
    except SdmxError as error:
        return response(error)
    return HttpResponse(schema.xsd(at), content_type="application/xml; charset=utf-8")


def unsupported(request: HttpRequest, resource: str, rest: str = "") -> HttpResponse:
    """Resources of the standard this service does not publish (metadata, hierarchical code lists, ...)."""
    return response(SdmxError(501, f"{resource[:40]!r} queries are not implemented by this service"))


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return response(no_results(f"no SDMX resource at {request.path[:80]!r}"))
