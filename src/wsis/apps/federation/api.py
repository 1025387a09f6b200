"""REST API of the country case studies (para 100a), read-only and public: the feed another instance pulls
(``wsis sources add --case-studies``) and anyone may read. Pages of at most ``PAGE_MAX`` items, newest
publication first, filtered by economy (repeatable), action line (a line takes its sub-lines) and indicator;
each item says where its document is and, for a copied case study, where it was copied from."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from wsis.apps.federation.domain import case_studies
from wsis.apps.federation.domain.case_study_feed import PAGE_MAX, CaseStudyOut, CaseStudyPage, item
from wsis.apps.federation.models import CaseStudy

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
    try:
        return case_studies.matching(
            economies=filters.economy, line=filters.action_line or "", indicator=filters.indicator or ""
        )
    except case_studies.UnknownFilter as exc:
        name = "action_line" if exc.parameter == "line" else exc.parameter
        raise HttpError(400, f"{name}: unknown code(s) {exc.value}") from None


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
