"""Pulling a source's country case studies: its feed (``/api/v1/case-studies`` of another instance, page by
page), then the document of each new or changed one, each checked before anything is stored.

Everything is fetched and checked first (:func:`fetch`); :func:`store` then writes it inside the pull's
transaction. A feed that is not the feed's format, a case study of an economy outside the source's
authority, unknown codes, a document that is not PDF/PNG/JPEG, over the size limit, on another host than
the feed, or whose bytes do not match the listed checksum: the whole pull is refused, nothing stored.
A case study the source no longer lists is withdrawn (kept, no longer shown).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pydantic
import requests

from wsis.apps.federation.domain import case_studies
from wsis.apps.federation.domain.case_study_feed import CaseStudyOut, CaseStudyPage
from wsis.apps.federation.domain.transport import MessageRefused, body, max_bytes, with_retries
from wsis.apps.federation.models import CaseStudy, Pull, Source

#: A feed longer than this many pages is refused (a loop of ``next`` links, or a hostile feed).
PAGES_MAX = 100


@dataclass
class Fetched:
    """One case study read from the feed: new or changed (``draft`` set), or unchanged (``draft`` None)."""

    item: CaseStudyOut
    origin: str
    draft: case_studies.Draft | None


@dataclass
class Feed:
    urls: list[str] = field(default_factory=list)
    items: list[Fetched] = field(default_factory=list)
    withdrawals: int = 0  # case studies stored from the source that it no longer lists

    @property
    def changes(self) -> int:
        return sum(1 for f in self.items if f.draft is not None) + self.withdrawals


def fetch(source: Source, session: requests.Session, record: Pull) -> Feed:
    feed = Feed()
    url: str | None = _first_page(source)
    known = {c.remote_id: c for c in CaseStudy.objects.filter(source=source)}
    seen: set[str] = set()
    while url:
        if len(feed.urls) >= PAGES_MAX:
            raise MessageRefused(f"{source.case_studies_url}: more than {PAGES_MAX} pages of case studies")
        page = _page(session, url, record)
        feed.urls.append(url)
        for n, item in enumerate(page.items):
            where = f"{url}: case study {item.id!r} (item {n + 1})"
            if item.id in seen:
                raise MessageRefused(f"{where}: listed twice")
            seen.add(item.id)
            feed.items.append(_fetched(source, session, record, item, where, known.get(item.id), url))
        url = _same_origin(source, page.next, url, "next page") if page.next else None
    feed.withdrawals = sum(1 for rid, c in known.items() if rid not in seen and c.withdrawn_at is None)
    return feed


def _first_page(source: Source) -> str:
    parts = urllib.parse.urlsplit(source.case_studies_url)
    query = urllib.parse.parse_qsl(parts.query) + [("economy", e) for e in source.economies]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _same_origin(source: Source, link: str, base: str, what: str) -> str:
    """``link`` made absolute; it must be on the feed's host (a feed cannot send the pull elsewhere)."""
    absolute = urllib.parse.urljoin(base, link)
    origin = urllib.parse.urlsplit(source.case_studies_url)
    target = urllib.parse.urlsplit(absolute)
    if (target.scheme, target.netloc) != (origin.scheme, origin.netloc):
        raise MessageRefused(f"{base}: the {what} {absolute[:200]!r} is not on {origin.netloc}")
    return absolute


def _get(session: requests.Session, url: str, record: Pull, limit: int, accept: str) -> bytes:
    request = requests.Request("GET", url, headers={"Accept": accept}).prepare()

    def attempt() -> bytes:
        found = body(session, request, limit)
        if found is None:
            raise MessageRefused(f"{url}: HTTP 404 Not Found")
        return found

    def counted() -> None:
        record.attempts += 1

    return with_retries(url, attempt, counted)


def _page(session: requests.Session, url: str, record: Pull) -> CaseStudyPage:
    raw = _get(session, url, record, max_bytes(), "application/json")
    try:
        return CaseStudyPage.model_validate_json(raw)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise MessageRefused(
            f"{url}: not a case studies feed ({exc.error_count()} problem(s); {where}: {first['msg']})"
        ) from None


def _fetched(
    source: Source,
    session: requests.Session,
    record: Pull,
    item: CaseStudyOut,
    where: str,
    stored: CaseStudy | None,
    url: str,
) -> Fetched:
    allowed = {e.upper() for e in source.economies}
    if allowed and item.economy.upper() not in allowed:
        authority = ", ".join(sorted(allowed))
        raise MessageRefused(
            f"{where}: economy {item.economy!r} is outside the source's authority ({authority})"
        )
    if stored is not None and stored.withdrawn_at is None and stored.remote_updated_at == item.updated_at:
        return Fetched(item, url, None)
    document = None
    if item.document is not None:
        link = _same_origin(source, item.document.url, url, "document")
        content = _get(session, link, record, case_studies.max_bytes(), "*/*")
        if hashlib.sha256(content).hexdigest() != item.document.sha256.lower():
            raise MessageRefused(f"{where}: the document's bytes do not match its listed SHA-256")
        document = case_studies.Document(item.document.name, content)
    draft = case_studies.Draft(
        economy=item.economy,
        title=item.title,
        summary=item.summary,
        language=item.language,
        publisher=item.publisher,
        published_on=item.published_on,
        indicators=item.indicators,
        action_lines=item.action_lines,
        document=document,
        link=item.link,
    )
    try:
        case_studies.check(draft)
    except case_studies.CaseStudyRefused as exc:
        raise MessageRefused(f"{where}: {exc}") from None
    return Fetched(item, url, draft)


def store(source: Source, feed: Feed, *, at: dt.datetime) -> int:
    """Write the new and changed case studies, withdraw those no longer listed; returns how many changed.
    Runs inside the pull's transaction: documents written here are removed if it fails."""
    stored = {c.remote_id: c for c in CaseStudy.objects.filter(source=source)}
    written: list[Path] = []
    try:
        for fetched in feed.items:
            if fetched.draft is None:
                continue
            before = stored.get(fetched.item.id)
            kept_as = before.stored_as if before else ""
            case = case_studies.publish(
                fetched.draft,
                case=before,
                source=source,
                remote_id=fetched.item.id,
                origin=fetched.origin,
                pulled_at=at,
            )
            CaseStudy.objects.filter(pk=case.pk).update(remote_updated_at=fetched.item.updated_at)
            if case.stored_as and case.stored_as != kept_as:
                written.append(case_studies.document_path(case))
        listed = {f.item.id for f in feed.items}
        withdrawn = [c for remote_id, c in stored.items() if remote_id not in listed and not c.withdrawn_at]
        for case in withdrawn:
            case_studies.withdraw(case, at=at)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return feed.changes
