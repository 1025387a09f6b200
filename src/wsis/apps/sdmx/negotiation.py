"""Which format answers a request: the Accept header as the SDMX 2.1 REST standard lists the media types,
or a ``format=`` parameter for clients that cannot set headers. Nothing acceptable: 406."""

from __future__ import annotations

from django.http import HttpRequest

from wsis.apps.sdmx.errors import SdmxError

GENERIC = "application/vnd.sdmx.genericdata+xml;version=2.1"
SPECIFIC = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
JSON = "application/vnd.sdmx.data+json;version=1.0.0"
CSV = "application/vnd.sdmx.data+csv;version=1.0.0"
#: SDMX-CSV 2.0, the data format of the 3.0 paths (``/sdmx/rest/v2/``) that sdmx1 and pysdmx read. SDMX-JSON
#: 2.0 and SDMX-ML 3.0 data are not written: neither client reads SDMX-JSON 2.0 data.
CSV2 = "application/vnd.sdmx.data+csv;version=2.0.0"
STRUCTURE = "application/vnd.sdmx.structure+xml;version=2.1"

DATA_FORMATS = {
    "application/vnd.sdmx.genericdata+xml": GENERIC,
    "application/vnd.sdmx.structurespecificdata+xml": SPECIFIC,
    "application/vnd.sdmx.data+json": JSON,
    "application/vnd.sdmx.data+csv": CSV,
    "application/json": JSON,
    "text/csv": CSV,
    "application/xml": GENERIC,
    "text/xml": GENERIC,
    "*/*": GENERIC,
    "application/*": GENERIC,
}
STRUCTURE_FORMATS = {
    "application/vnd.sdmx.structure+xml": STRUCTURE,
    "application/xml": STRUCTURE,
    "text/xml": STRUCTURE,
    "*/*": STRUCTURE,
    "application/*": STRUCTURE,
}
#: The 3.0 paths: SDMX-CSV 2.0 by default, the 2.1 formats where a client names them.
DATA_FORMATS_V3 = {
    **DATA_FORMATS,
    "application/vnd.sdmx.data+csv": CSV2,
    "text/csv": CSV2,
    "*/*": CSV2,
    "application/*": CSV2,
}
#: Where the client names another version of the same media type: the older one, if offered.
OLDER = {CSV2: CSV}
#: ``format=`` values (as other SDMX services name them).
FORMAT_PARAMETER = {
    "genericdata": GENERIC,
    "structurespecificdata": SPECIFIC,
    "jsondata": JSON,
    "csv": CSV,
    "csvfile": CSV,
    "structure": STRUCTURE,
}
#: The version each media type answers, where the client names one.
VERSIONS = {GENERIC: "2.1", SPECIFIC: "2.1", STRUCTURE: "2.1", JSON: "1.0.0", CSV: "1.0.0", CSV2: "2.0.0"}
FORMAT_PARAMETER_V3 = {**FORMAT_PARAMETER, "csv": CSV2, "csvfile": CSV2}


def _accepted(header: str) -> list[tuple[str, dict[str, str]]]:
    ranges = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";") if f.strip()]
        if not fields:
            continue
        params = {}
        for field in fields[1:]:
            name, _, value = field.partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        try:
            quality = float(params.pop("q", "1"))
        except ValueError:
            quality = 0.0
        if quality > 0:
            ranges.append((-quality, position, fields[0].lower(), params))
    return [(media, params) for _, _, media, params in sorted(ranges)]


def choose(request: HttpRequest, *, data: bool, v3: bool = False) -> str:
    """The media type to answer with (one of the constants above); ``v3`` for the 3.0 paths."""
    formats = (DATA_FORMATS_V3 if v3 else DATA_FORMATS) if data else STRUCTURE_FORMATS
    requested = request.GET.get("format")
    if requested:
        chosen = (FORMAT_PARAMETER_V3 if v3 else FORMAT_PARAMETER).get(requested.lower())
        if chosen is None or (data and chosen == STRUCTURE) or (not data and chosen != STRUCTURE):
            raise SdmxError(406, f"format {requested[:40]!r} is not offered for this resource")
        return chosen
    header = request.headers.get("Accept", "") or "*/*"
    for media, params in _accepted(header):
        chosen = formats.get(media)
        if chosen is None:
            continue
        version = params.get("version")
        for candidate in (chosen, *((OLDER[chosen],) if chosen in OLDER else ())):
            if not version or VERSIONS[candidate].startswith(version):
                return candidate
    offered = ", ".join(sorted({v for v in formats.values()}))
    raise SdmxError(406, f"none of the requested media types is offered; this resource offers {offered}")
