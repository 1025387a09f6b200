"""Fetchers for the publishers' public JSON APIs: World Bank API v2, ITU DataHub API v2, UN SDG API v1.

Each fetcher downloads one series (every page of it), writes it to a file in a given folder in the shape
that the matching reader of :mod:`wsis.engine.readers` reads, and returns a :class:`Fetched` record with
the path, the SHA-256 of the file, the origin URL and the reader format, which is what a release needs.

- World Bank: ``{base}/country/all/indicator/{code}?format=json&per_page=N&page=P`` answers
  ``[paging, records]``; read by ``worldbank-api-json``.
- ITU DataHub: ``{base}/data/bycode/{codeID}`` (every economy) or ``.../byiso/{ISO3}`` answers a list
  of records; the API knows series by numeric ``codeID`` only, so :data:`ITU_CODE_IDS` maps the
  catalogue's ITU codes to it (a number is accepted as is); read by ``itu-datahub-api-json``.
- UN SDG: ``{base}/v1/sdg/Series/Data?seriesCode=X&pageSize=N&page=P`` answers
  ``{"totalPages": .., "data": [..], ..}``; read by ``sdg-api-json``.

A one-page answer is saved byte for byte as the publisher sent it, so its checksum is the publisher's;
several pages are merged into one document of the same shape (records in page order).

Base URLs can be overridden per call or by the environment (:data:`ENVIRONMENT`), which is how the tests
point the fetchers at a local server. Failures raise :class:`FetchError` naming the URL and the cause:
unreachable host, timeout, HTTP status, an answer that is not JSON or not the expected shape, no data.
A failed fetch leaves no file behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import logging
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wsis import __version__

log = logging.getLogger(__name__)

WORLDBANK = "worldbank"
ITU = "itu"
SDG = "sdg"
PUBLISHERS: tuple[str, ...] = (WORLDBANK, ITU, SDG)
DEFAULT_BASES = {
    WORLDBANK: "https://api.worldbank.org/v2",
    ITU: "https://api.datahub.itu.int/v2",
    SDG: "https://unstats.un.org/sdgapi",
}
ENVIRONMENT = {WORLDBANK: "WSIS_FETCH_WORLDBANK", ITU: "WSIS_FETCH_ITU", SDG: "WSIS_FETCH_SDG"}
# The reader format (wsis.engine.readers.FORMATS) of each publisher's saved file.
READER_FORMATS = {WORLDBANK: "worldbank-api-json", ITU: "itu-datahub-api-json", SDG: "sdg-api-json"}
PUBLISHER_NAMES = {
    WORLDBANK: "World Bank",
    ITU: "International Telecommunication Union",
    SDG: "United Nations Statistics Division",
}

TIMEOUT = 60.0  # seconds per request; the SDG API is slow on large series
MAX_BYTES = 512 * 1024 * 1024  # a whole WDI series is a few MB; anything this large is not an answer
MAX_PAGES = 1000  # guards against a server whose paging never ends
WORLDBANK_PER_PAGE = 20000
SDG_PAGE_SIZE = 10000
USER_AGENT = f"wsis-observatory/{__version__} (WSIS Observatory indicator fetcher)"

# ITU DataHub codeID of the ITU series in the indicator catalogue (indicators.yaml). The API addresses
# series only by this number; the DataHub CSV exports show it as seriesID beside seriesCode (i99H is
# 11624, also the example of the API's own description). tests/engine/test_fetch.py checks this table
# against the shared DataHub exports.
ITU_CODE_IDS: dict[str, int] = {
    "i99H": 11624,
    "xHH6_IDI": 12047,
    "xHH18_IDI": 28027,
    "HHU271sown_HHTotalIndividual": 28318,
    "HHA699_HHTotalHousehold": 16379,
    "i911mw": 12066,
    "i271mw": 11632,
    "i992b": 19303,
    "i4213tfbb": 19257,
    "i271pop": 194,
    "i271G": 430,
    "i271GA": 19306,
    "i271G5_pop": 34236,
    "i154_FBB5$": 33330,
    "i154_FBB5_GNI": 33331,
    "i154_FBB5_PPP": 33332,
    "i271mb_5GB$": 36055,
    "i271mb_5GB_GNI": 36056,
    "i271mb_5GB_PPP": 36057,
}

# What a series code may look like: it goes into a URL path or query and into a file name.
CODE_PATTERNS = {
    WORLDBANK: re.compile(r"^[A-Za-z0-9][A-Za-z0-9._]{0,79}$"),
    ITU: re.compile(r"^[A-Za-z0-9][A-Za-z0-9_$]{0,79}$"),
    SDG: re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{0,79}$"),
}


class FetchError(RuntimeError):
    """A fetch that failed: ``url`` is the request that failed, the message says why."""

    def __init__(self, url: str, message: str):
        self.url = url
        super().__init__(f"{url}: {message}")


@dataclass(frozen=True)
class Fetched:
    """One downloaded series, as a release records it."""

    publisher: str  # worldbank, itu or sdg
    code: str  # the series code asked for (ITU: the series code the answer holds)
    path: Path  # the saved file
    sha256: str  # of the saved file's bytes
    origin: str  # the series URL without paging parameters
    urls: tuple[str, ...]  # every request made, in order
    records: int  # records in the saved file
    format: str  # reader format name for wsis.engine.readers.read(path, format=...)
    fetched_at: dt.datetime  # UTC, when the last page arrived
    last_updated: str | None = None  # the publisher's own update date, when the answer gives one

    @property
    def publisher_name(self) -> str:
        return PUBLISHER_NAMES[self.publisher]


def base_url(publisher: str, base: str | None = None) -> str:
    """The API root: ``base`` if given, else the publisher's environment variable, else the public one."""
    if publisher not in DEFAULT_BASES:
        raise ValueError(f"unknown publisher {publisher!r}; known: {', '.join(PUBLISHERS)}")
    root = base or os.environ.get(ENVIRONMENT[publisher]) or DEFAULT_BASES[publisher]
    if urllib.parse.urlsplit(root).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL for {publisher}: {root!r}")
    return root.rstrip("/")


def _check_code(publisher: str, code: str) -> str:
    code = code.strip()
    if not CODE_PATTERNS[publisher].fullmatch(code):
        raise ValueError(f"{code!r} is not a valid {PUBLISHER_NAMES[publisher]} series code")
    return code


def get(url: str, timeout: float = TIMEOUT) -> tuple[bytes, Any]:
    """GET ``url`` and parse JSON: the raw body and the parsed value, or a :class:`FetchError`."""
    body, content_type = download(url, timeout)
    try:
        return body, json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FetchError(
            url,
            f"the answer is not JSON (Content-Type {content_type or 'missing'}; starts {_snippet(body)!r})",
        ) from None


def download(url: str, timeout: float = TIMEOUT, accept: str = "application/json") -> tuple[bytes, str]:
    """GET ``url``: the body (at most MAX_BYTES) and its Content-Type, or a :class:`FetchError`."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked just above
    log.info("GET %s", url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - idem
            body = response.read(MAX_BYTES + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        detail = _snippet(exc.read(300) if exc.fp else b"")
        raise FetchError(url, f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(url, f"no answer within {timeout:g} s (timeout)") from None
        raise FetchError(url, f"cannot reach the server ({reason})") from None
    except TimeoutError:
        raise FetchError(url, f"no answer within {timeout:g} s (timeout)") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(url, f"connection failed ({type(exc).__name__}: {exc})") from None
    if len(body) > MAX_BYTES:
        raise FetchError(url, f"answer larger than {MAX_BYTES} bytes: refused")
    return body, content_type


def _snippet(body: bytes) -> str:
    return " ".join(body[:200].decode("utf-8", errors="replace").split())


def _save(folder: Path, name: str, body: bytes) -> tuple[Path, str]:
    """Write ``body`` to ``folder/name`` atomically (a temporary file renamed), return path and SHA-256."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path, hashlib.sha256(body).hexdigest()


def _file_name(publisher: str, *parts: str) -> str:
    # Codes such as i154_FBB5$ hold characters that shells and some file systems dislike.
    return "-".join([publisher, *(re.sub(r"[^A-Za-z0-9._-]", "_", p) for p in parts)]) + ".json"


def file_name(publisher: str, code: str) -> str:
    """The name a fetched series is saved under (``itu-i154_FBB5_.json``): where a folder of downloads made
    with `wsis fetch --no-import --folder DIR` holds it."""
    return _file_name(publisher, code)


def _paged(
    url_for: Callable[[int], str],
    pages_of: Callable[[str, Any], int],
    timeout: float,
) -> tuple[list[bytes], list[Any], list[str]]:
    """Request page 1, learn the page count from it, request the rest; bodies, payloads, URLs."""
    bodies: list[bytes] = []
    payloads: list[Any] = []
    urls: list[str] = []
    page, pages = 1, 1
    while page <= pages:
        url = url_for(page)
        body, payload = get(url, timeout)
        count = pages_of(url, payload)
        if page == 1:
            if count > MAX_PAGES:
                raise FetchError(url, f"the answer announces {count} pages (more than {MAX_PAGES})")
            pages = count
        elif count != pages:
            raise FetchError(url, f"page count changed from {pages} to {count} while fetching: retry later")
        bodies.append(body)
        payloads.append(payload)
        urls.append(url)
        page += 1
    return bodies, payloads, urls


def _fetched(
    publisher: str,
    code: str,
    folder: Path,
    name: str,
    body: bytes,
    origin: str,
    urls: list[str],
    records: int,
    last_updated: str | None = None,
) -> Fetched:
    path, digest = _save(folder, name, body)
    log.info("saved %d %s records to %s (sha256 %s)", records, publisher, path, digest)
    return Fetched(
        publisher=publisher,
        code=code,
        path=path,
        sha256=digest,
        origin=origin,
        urls=tuple(urls),
        records=records,
        format=READER_FORMATS[publisher],
        fetched_at=dt.datetime.now(dt.UTC),
        last_updated=last_updated,
    )


def _dump(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")


# --- World Bank API v2 -----------------------------------------------------------------------------------


def _worldbank_pages(url: str, payload: Any) -> int:
    if (
        isinstance(payload, list)
        and len(payload) == 1
        and isinstance(payload[0], dict)
        and "message" in payload[0]
    ):
        messages = payload[0]["message"] if isinstance(payload[0]["message"], list) else []
        text = "; ".join(str(m.get("value", m)) if isinstance(m, dict) else str(m) for m in messages)
        raise FetchError(url, f"the World Bank API answered with an error: {text or payload[0]['message']}")
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], dict)):
        raise FetchError(url, "not a World Bank API v2 answer (expected [paging, records])")
    if payload[1] is not None and not isinstance(payload[1], list):
        raise FetchError(url, "not a World Bank API v2 answer (records are not a list)")
    try:
        return max(1, int(payload[0].get("pages") or 1))
    except (TypeError, ValueError):
        raise FetchError(url, f"invalid page count {payload[0].get('pages')!r}") from None


def fetch_worldbank(
    indicator: str,
    folder: Path,
    base: str | None = None,
    timeout: float = TIMEOUT,
    per_page: int = WORLDBANK_PER_PAGE,
) -> Fetched:
    """Every economy and aggregate of a WDI ``indicator`` (e.g. ``IT.NET.USER.ZS``), all years."""
    indicator = _check_code(WORLDBANK, indicator)
    root = base_url(WORLDBANK, base)
    origin = f"{root}/country/all/indicator/{urllib.parse.quote(indicator)}?format=json&per_page={per_page}"
    bodies, payloads, urls = _paged(lambda page: f"{origin}&page={page}", _worldbank_pages, timeout)
    records = [r for payload in payloads for r in (payload[1] or [])]
    if not records:
        raise FetchError(origin, f"the World Bank API holds no data for indicator {indicator}")
    if len(bodies) == 1:
        body = bodies[0]
    else:
        # One document as if it were one page, so the reader sees the usual shape.
        paging = dict(payloads[0][0], page=1, pages=1, per_page=len(records), total=len(records))
        paging["merged_pages"] = len(bodies)
        body = _dump([paging, records])
    updated = payloads[0][0].get("lastupdated")  # the WDI release date, e.g. "2025-07-01"
    return _fetched(
        WORLDBANK,
        indicator,
        folder,
        _file_name(WORLDBANK, indicator),
        body,
        origin,
        urls,
        len(records),
        str(updated) if updated else None,
    )


# --- ITU DataHub API v2 ----------------------------------------------------------------------------------


def itu_code_id(code: str) -> int:
    """The DataHub ``codeID`` of an ITU series code (a number passes through), or a ValueError."""
    code = code.strip()
    if code.isdigit():
        return int(code)
    if code in ITU_CODE_IDS:
        return ITU_CODE_IDS[code]
    known = ", ".join(sorted(ITU_CODE_IDS))
    raise ValueError(
        f"no ITU DataHub codeID known for series {code!r}; give the numeric codeID instead "
        f"(the seriesID column of a DataHub CSV export). Known codes: {known}"
    )


def fetch_itu(
    code: str,
    folder: Path,
    base: str | None = None,
    timeout: float = TIMEOUT,
    iso3: str | None = None,
) -> Fetched:
    """An ITU DataHub series (``i99H`` or its numeric codeID) for every economy, or for ``iso3`` only."""
    code = _check_code(ITU, code)
    code_id = itu_code_id(code)
    root = base_url(ITU, base)
    origin = f"{root}/data/bycode/{code_id}"
    if iso3 is not None:
        if not re.fullmatch(r"[A-Za-z]{3}", iso3):
            raise ValueError(f"{iso3!r} is not an ISO 3166-1 alpha-3 code")
        iso3 = iso3.upper()
        origin += f"/byiso/{iso3}"
    body, payload = get(origin, timeout)
    if not isinstance(payload, list):
        raise FetchError(origin, "not an ITU DataHub series answer (expected a list of records)")
    if not payload:
        # The API answers an unknown codeID or ISO code with an empty list, not an error status.
        where = f" for {iso3}" if iso3 else ""
        raise FetchError(origin, f"the ITU DataHub returned no records for codeID {code_id}{where}")
    series = {r.get("code") for r in payload if isinstance(r, dict)}
    if code.isdigit():
        if len(series) != 1 or not isinstance(next(iter(series)), str):
            raise FetchError(origin, f"expected one series in the answer, found {sorted(map(str, series))}")
        code = str(next(iter(series)))
    elif series != {code}:
        raise FetchError(
            origin,
            f"codeID {code_id} answered series {sorted(map(str, series))}, not {code}: "
            "the code table ITU_CODE_IDS is out of date",
        )
    name = _file_name(ITU, code, *([iso3] if iso3 else []))
    return _fetched(ITU, code, folder, name, body, origin, [origin], len(payload))


# --- UN SDG API v1 ---------------------------------------------------------------------------------------


def _sdg_pages(url: str, payload: Any) -> int:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise FetchError(url, "not an SDG API Series/Data answer (no 'data' list)")
    try:
        return max(1, int(payload.get("totalPages") or 1))
    except (TypeError, ValueError):
        raise FetchError(url, f"invalid page count {payload.get('totalPages')!r}") from None


def fetch_sdg(
    series: str,
    folder: Path,
    base: str | None = None,
    timeout: float = TIMEOUT,
    page_size: int = SDG_PAGE_SIZE,
) -> Fetched:
    """Every observation of an SDG Global Database ``series`` (e.g. ``IT_USE_ii99``)."""
    series = _check_code(SDG, series)
    root = base_url(SDG, base)
    origin = f"{root}/v1/sdg/Series/Data?seriesCode={urllib.parse.quote(series)}&pageSize={page_size}"
    bodies, payloads, urls = _paged(lambda page: f"{origin}&page={page}", _sdg_pages, timeout)
    records = [r for payload in payloads for r in payload["data"]]
    if not records:
        raise FetchError(origin, f"the SDG API holds no data for series {series}")
    if len(bodies) == 1:
        body = bodies[0]
    else:
        # Records first, so that a reader sniffing the file's start finds them before the metadata.
        rest = {k: v for k, v in payloads[0].items() if k != "data"}
        rest.update(pageNumber=1, totalPages=1, size=len(records), merged_pages=len(bodies))
        body = _dump({"data": records, **rest})
    return _fetched(SDG, series, folder, _file_name(SDG, series), body, origin, urls, len(records))


FETCHERS: dict[str, Callable[..., Fetched]] = {WORLDBANK: fetch_worldbank, ITU: fetch_itu, SDG: fetch_sdg}


def fetch(
    publisher: str, code: str, folder: Path, base: str | None = None, timeout: float = TIMEOUT
) -> Fetched:
    """Dispatch ``wsis fetch PUBLISHER CODE``: one series of one publisher into ``folder``."""
    if publisher not in FETCHERS:
        raise ValueError(f"unknown publisher {publisher!r}; known: {', '.join(PUBLISHERS)}")
    return FETCHERS[publisher](code, Path(folder), base=base, timeout=timeout)


__all__ = [
    "DEFAULT_BASES",
    "ENVIRONMENT",
    "ITU_CODE_IDS",
    "PUBLISHERS",
    "FetchError",
    "Fetched",
    "base_url",
    "fetch",
    "fetch_itu",
    "fetch_sdg",
    "fetch_worldbank",
    "file_name",
    "itu_code_id",
]
