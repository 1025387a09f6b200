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

#: The filters of the list: query parameter -> (model, lookup on case studies).
FILTERS = {
    "economy": (Economy, "economy"),
    "line": (ActionLine, "action_lines"),
    "indicator": (Indicator, "indicators"),
}


@require_GET
def case_study_list(request: HttpRequest) -> HttpResponse:
    found = case_studies.public()
    chosen = {}
    for parameter, (model, lookup) in FILTERS.items():
        value = request.GET.get(parameter, "").strip()
        if not value:
            continue
        code = value.upper() if parameter == "economy" else value
        item = model.objects.filter(pk=code).first()
        if item is None:
            return problem(
                request,
                _("%(parameter)s: no such code %(value)s.") % {"parameter": parameter, "value": value[:40]},
                status=400,
                parameter=parameter,
            )
        found = found.filter(**{lookup: item})
        chosen[parameter] = item
    return render(
        request, "federation/case_studies.html", {"case_studies": list(found.distinct()), "chosen": chosen}
    )


@require_GET
def case_study_document(request: HttpRequest, pk: int) -> FileResponse:
    case = get_object_or_404(CaseStudy, pk=pk, withdrawn_at=None)
    if not case.stored_as:
        raise Http404("this case study links to its document elsewhere")
    return served(case_studies.document_path(case), filename=case.file_name, content_type=case.content_type)
