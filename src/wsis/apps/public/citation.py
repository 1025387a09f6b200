""" "Cite this": how to cite a public page's figures so that a reader can fetch the same figures later.

A page's URL shows the latest figures, which change with the next release. What pins them is the release
(vintage) each figure was published in: the warehouse keeps every release, and the API answers
``/api/v1/observations?...&release=<id>`` with exactly that release's figures for ever. So a citation
names the page, the access date, the current publication of computed figures (``wsis.apps.publishing``)
and, per release, its permanent URL. The text, BibTeX and RIS forms are built here, not in templates,
so that they escape alike. They are in English, as bibliographic records usually are (the title too:
the caller gives the English name), and the page marks them so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from wsis.apps.public.figures import ReleaseRef
from wsis.apps.publishing.domain import current

PUBLISHER = "WSIS Observatory"


@dataclass(frozen=True)
class Pinned:
    """A release of the cited figures and the URL that returns exactly its figures."""

    release: ReleaseRef
    url: str


@dataclass(frozen=True)
class Citation:
    title: str
    url: str
    accessed: dt.date
    publication: int | None
    releases: tuple[Pinned, ...]

    @property
    def key(self) -> str:
        """A BibTeX key: letters and digits of the title's start, and the access year."""
        word = "".join(c for c in self.title.split(" ")[0] if c.isalnum()) or "figures"
        return f"wsis-{word.lower()}-{self.accessed.year}"

    @property
    def text(self) -> str:
        releases = "; ".join(f"{p.release} ({p.release.date.isoformat()}), {p.url}" for p in self.releases)
        parts = [f"{PUBLISHER}. {self.title}. {self.url}"]
        if self.publication is not None:
            parts.append(f"Computed figures: publication {self.publication}.")
        if releases:
            parts.append(f"Data: {releases}.")
        parts.append(f"Accessed {self.accessed.isoformat()}.")
        return " ".join(parts)

    @property
    def bibtex(self) -> str:
        note = "; ".join(f"{p.release} ({p.release.date.isoformat()}): {p.url}" for p in self.releases)
        fields = {
            "title": self.title,
            "author": "{" + PUBLISHER + "}",
            "howpublished": "\\url{" + self.url + "}",
            "year": str(self.accessed.year),
            "urldate": self.accessed.isoformat(),
            "note": note,
        }
        # The author's braces keep it one corporate name; the URL is written as it is.
        raw = ("author", "howpublished")
        body = ",\n".join(f"  {k} = {{{v if k in raw else _bibtex_escape(v)}}}" for k, v in fields.items())
        return f"@misc{{{self.key},\n{body}\n}}"

    @property
    def ris(self) -> str:
        lines = [
            ("TY", "DATA"),
            ("TI", self.title),
            ("AU", PUBLISHER),
            ("PB", PUBLISHER),
            ("UR", self.url),
            ("Y2", self.accessed.strftime("%Y/%m/%d")),
            *(("N1", f"{p.release} ({p.release.date.isoformat()}): {p.url}") for p in self.releases),
            ("ER", ""),
        ]
        return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines)


def _bibtex_escape(value: str) -> str:
    # Braces would end the field early; the other special characters are escaped for LaTeX.
    out = value
    for char in "\\{}":
        out = out.replace(char, "")
    for char in "&%$#_":
        out = out.replace(char, "\\" + char)
    return out


def _absolute(path: str) -> str:
    return settings.WSIS_PUBLIC_URL.rstrip("/") + path


def english(names: Mapping[str, str] | None, fallback: str) -> str:
    """The English name from a names-by-language field of the reference data, else ``fallback``."""
    return (names or {}).get("en") or fallback


def cite(
    request: HttpRequest, title: str, releases: Iterable[ReleaseRef], query: Mapping[str, str]
) -> Citation:
    """The citation of the page of ``request`` (``title`` in English): ``query`` selects its figures in
    the observations API (indicator, area or group), each release pinned."""
    api = reverse("api-v1:list_observations")
    pinned = tuple(
        Pinned(release, _absolute(api + "?" + urlencode({**query, "release": release.id})))
        for release in sorted(set(releases), key=lambda r: (r.date, r.id))
    )
    publication = current.current()
    return Citation(
        title=title,
        url=_absolute(request.get_full_path()),
        accessed=dt.date.today(),
        publication=publication.pk if publication is not None else None,
        releases=pinned,
    )


def of_indicator(request: HttpRequest, series: object, releases: Iterable[ReleaseRef]) -> Citation:
    code = str(getattr(series, "code", ""))
    entry = getattr(series, "entry", None)
    name = english(getattr(entry, "names", None), code)
    return cite(request, f"{name} ({code})", releases, {"indicator": code})


def of_economy(request: HttpRequest, economy: object, releases: Iterable[ReleaseRef]) -> Citation:
    iso3 = str(getattr(economy, "iso3", ""))
    title = f"{english(getattr(economy, 'names', None), iso3)}: ICT indicators and WSIS follow-up profile"
    return cite(request, title, releases, {"area": iso3})


def of_group(request: HttpRequest, group: object, releases: Iterable[ReleaseRef]) -> Citation:
    code = str(getattr(group, "code", ""))
    title = f"{english(getattr(group, 'names', None), code)}: ICT indicators of the group"
    return cite(request, title, releases, {"group": code})
