"""Public pages of the country case studies: the list (filtered by economy, action line or indicator), and
each document, served with headers that stop browsers from running or sniffing it."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wsis.apps.federation.domain import case_studies
from wsis.apps.federation.models import CaseStudy
from wsis.apps.public.views.indicator import problem
from wsis.apps.reference.models import ActionLine, Economy, Indicator
from wsis.apps.registry.domain.attachments import served

#: The list's filters (query parameters) and the reference table each names a code of.
FILTERS = {"economy": Economy, "line": ActionLine, "indicator": Indicator}


@require_GET
def case_study_list(request: HttpRequest) -> HttpResponse:
    given = {name: request.GET.get(name, "").strip() for name in FILTERS}
    try:
        found = case_studies.matching(
            economies=[given["economy"]], line=given["line"], indicator=given["indicator"]
        )
    except case_studies.UnknownFilter as exc:
        return problem(
            request,
            _("%(parameter)s: no such code %(value)s.")
            % {"parameter": exc.parameter, "value": exc.value[:40]},
            status=400,
            parameter=exc.parameter,
        )
    # What the filter fields show again: the economy, line and indicator chosen.
    chosen = {
        name: model.objects.get(pk=given[name].upper() if name == "economy" else given[name])
        for name, model in FILTERS.items()
        if given[name]
    }
    return render(request, "federation/case_studies.html", {"case_studies": list(found), "chosen": chosen})


@require_GET
def case_study_document(request: HttpRequest, pk: int) -> FileResponse:
    case = get_object_or_404(CaseStudy, pk=pk, withdrawn_at=None)
    if not case.stored_as:
        raise Http404("this case study links to its document elsewhere")
    return served(case_studies.document_path(case), filename=case.file_name, content_type=case.content_type)
