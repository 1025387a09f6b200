"""The case studies feed: what ``/api/v1/case-studies`` answers and what a pull reads from another instance.
One set of models for both, so what one instance writes the other can read."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict

from wsis.apps.federation.models import CaseStudy

#: A page of the feed holds at most this many case studies; ``next`` links the following page.
PAGE_MAX = 200


class DocumentOut(Schema):
    url: str
    name: str
    content_type: str
    size: int
    sha256: str


class ProvenanceOut(Schema):
    source: str
    publisher: str
    origin: str
    pulled_at: dt.datetime


class CaseStudyOut(Schema):
    # A feed item from another instance may carry more fields (a newer version): they are ignored.
    model_config = ConfigDict(extra="ignore")

    id: str
    economy: str
    title: str
    summary: str = ""
    language: str
    publisher: str
    published_on: dt.date
    indicators: list[str] = []
    action_lines: list[str] = []
    document: DocumentOut | None = None
    link: str = ""
    updated_at: dt.datetime
    provenance: ProvenanceOut | None = None


class CaseStudyPage(Schema):
    count: int
    next: str | None = None
    items: list[CaseStudyOut]


def item(case: CaseStudy, document_url: str) -> CaseStudyOut:
    """``case`` as a feed item; ``document_url`` is the absolute URL of its document here."""
    return CaseStudyOut(
        id=str(case.pk),
        economy=case.economy_id,
        title=case.title,
        summary=case.summary,
        language=case.language,
        publisher=case.publisher,
        published_on=case.published_on,
        indicators=[i.pk for i in case.indicators.all()],
        action_lines=[a.pk for a in case.action_lines.all()],
        document=(
            DocumentOut(
                url=document_url,
                name=case.file_name,
                content_type=case.content_type,
                size=case.size,
                sha256=case.sha256,
            )
            if case.stored_as
            else None
        ),
        link=case.link,
        updated_at=case.updated_at,
        provenance=(
            ProvenanceOut(
                source=case.source.name,
                publisher=case.source.publisher,
                origin=case.origin,
                pulled_at=case.pulled_at,
            )
            if case.source and case.pulled_at
            else None
        ),
    )
