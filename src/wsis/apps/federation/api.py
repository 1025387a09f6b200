"""REST API of the country case studies (para 100a), read-only and public: the feed another instance pulls
(``wsis sources add --case-studies``) and anyone may read. Pages of at most ``PAGE_MAX`` items, newest
publication first, filtered by economy (repeatable), action line (a line takes its sub-lines) and indicator;
each item says where its document is and, for a copied case study, where it was copied from."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from wsis.apps.federation.domain import case_studies
from wsis.apps.federation.domain.case_study_feed import PAGE_MAX, CaseStudyOut, CaseStudyPage, item
from wsis.apps.federation.models import CaseStudy
from wsis.apps.reference.models import ActionLine, Economy, Indicator

router = Router(tags=["case studies"])
ERRORS = {400: dict[str, str], 404: dict[str, str]}


class CaseStudyFilters(Schema):
    economy: list[str] = []
    action_line: str | None = None
    indicator: str | None = None
    limit: int = 50
    offset: int = 0


def _document_url(request: HttpRequest, case: CaseStudy) -> str:
    return request.build_absolute_uri(reverse("case_study_document", args=[case.pk]))


def _filtered(filters: CaseStudyFilters):
    found = case_studies.public()
    if filters.economy:
        codes = [c.strip().upper() for c in filters.economy if c.strip()]
        unknown = sorted(set(codes) - set(Economy.objects.filter(pk__in=codes).values_list("pk", flat=True)))
        if unknown:
            raise HttpError(400, f"economy: unknown code(s) {', '.join(unknown)}")
        found = found.filter(economy__in=codes)
    if filters.action_line:
        if not ActionLine.objects.filter(pk=filters.action_line).exists():
            raise HttpError(400, f"action_line: unknown code {filters.action_line!r}")
        line = filters.action_line
        found = found.filter(Q(action_lines=line) | Q(action_lines__parent=line))
    if filters.indicator:
        if not Indicator.objects.filter(pk=filters.indicator).exists():
            raise HttpError(400, f"indicator: unknown code {filters.indicator!r}")
        found = found.filter(indicators=filters.indicator)
    return found.distinct()


@router.get(
    "/case-studies",
    response={200: CaseStudyPage, **ERRORS},
    summary="Country case studies",
    url_name="case_studies",
)
def case_study_list(request: HttpRequest, filters: Query[CaseStudyFilters]) -> CaseStudyPage:
    """Country case studies, newest first; ``next`` is the URL of the following page (absent on the last)."""
    if not 1 <= filters.limit <= PAGE_MAX:
        raise HttpError(400, f"limit: between 1 and {PAGE_MAX}")
    if filters.offset < 0:
        raise HttpError(400, "offset: 0 or more")
    found = _filtered(filters)
    count = found.count()
    page = list(found[filters.offset : filters.offset + filters.limit])
    following = None
    if filters.offset + filters.limit < count:
        query = [(k, v) for k, values in request.GET.lists() if k != "offset" for v in values]
        query.append(("offset", str(filters.offset + filters.limit)))
        following = request.build_absolute_uri(request.path + "?" + urlencode(query))
    return CaseStudyPage(
        count=count, next=following, items=[item(c, _document_url(request, c)) for c in page]
    )


@router.get(
    "/case-studies/{case_id}", response={200: CaseStudyOut, **ERRORS}, summary="One country case study"
)
def case_study_detail(request: HttpRequest, case_id: int) -> CaseStudyOut:
    case = case_studies.public().filter(pk=case_id).first()
    if case is None:
        raise HttpError(404, f"no country case study {case_id}")
    return item(case, _document_url(request, case))
