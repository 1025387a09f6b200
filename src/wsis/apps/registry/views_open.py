"""Open data pages: the Atom feed, the dumps with their checksums, and bulk import for organizations."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from wsis.apps.accounts.models import Organization
from wsis.apps.registry.domain.background import progress, queue_import, report_of
from wsis.apps.registry.domain.dumps import DUMP_NAMES, dump_dir, read_checksums
from wsis.apps.registry.domain.importing import ImportReport, import_limit
from wsis.apps.registry.domain.search import public_entries
from wsis.apps.registry.interfaces.forms import ImportForm
from wsis.apps.registry.models import BulkImport

# What a multipart body adds to the file it carries (boundaries, headers, the CSRF token and org fields).
MULTIPART_OVERHEAD = 64 * 1024


class TextSummaryFeed(Atom1Feed):
    """Atom with plain-text summaries. Django writes them as ``type="html"``, which tells readers to run
    the markup of what authors wrote (issue 14); summaries are plain text, so they are sent as such."""

    def add_item_elements(self, handler, item) -> None:
        summary = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if summary:
            handler.addQuickElement("summary", summary, {"type": "text"})


class LatestEntries(Feed):
    feed_type = TextSummaryFeed
    title = _("WSIS stocktaking: new and updated entries")
    subtitle = _("Initiatives and pledges published in the WSIS Observatory registry.")

    def link(self) -> str:
        from django.urls import reverse

        return reverse("registry:search")

    def items(self):
        return public_entries().select_related("organization").order_by("-updated_at")[:50]

    def item_title(self, item) -> str:
        return f"{item.ref} {item.display_title}"

    def item_description(self, item) -> str:
        return item.display_summary

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.published_at

    def item_guid(self, item) -> str:
        return item.iati_identifier or item.ref


@require_GET
def dumps(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/dumps.html", {"files": read_checksums()})


@require_GET
def dump_file(request: HttpRequest, name: str) -> FileResponse:
    if name not in DUMP_NAMES and name != "SHA256SUMS":
        raise Http404
    path = dump_dir() / name
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@csrf_exempt  # only so that the size is checked before the body is read; the page itself is csrf_protect-ed
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Refuses a body larger than the import limit from its declared length, before anything reads it
    (issue 14: a 200 MB upload was read whole before it was refused; the CSRF check alone parses the
    body). Nothing changes on that path, so it needs no CSRF token; everything else is ``_import``."""
    limit = import_limit()
    declared = request.META.get("CONTENT_LENGTH") or ""
    if request.method == "POST" and declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        page_org = request.GET.get("org", "")
        org = Organization.objects.filter(pk=int(page_org)).first() if page_org.isdigit() else None
        refused = ImportReport(source="upload", errors=[f"upload: {declared} bytes; the limit is {limit}"])
        context = {"form": ImportForm(), "org": org, "report": refused, "recent": []}
        return render(request, "registry/import.html", context, status=413)
    return _import(request, limit)


@csrf_protect
@login_required
def _import(request: HttpRequest, limit: int) -> HttpResponse:
    org_id = request.GET.get("org") or request.POST.get("org") or ""
    org = get_object_or_404(Organization, pk=int(org_id)) if org_id.isdigit() else None
    if org is None or not rules.has_perm("registry.import_entries", request.user, org):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > limit:  # known from the parsed upload (kept on disk): refused before reading it
            too_large = f"{upload.name}: {upload.size} bytes; the limit is {limit}"
            report = ImportReport(source=upload.name, errors=[too_large])
        else:
            # Read in the background (issue 14: a large table held a web worker past its time-out).
            bulk = queue_import(name=upload.name, content=upload.read(), organization=org, actor=request.user)
            return redirect("registry:bulk_import", key=bulk.key)
    recent = BulkImport.objects.filter(organization=org).defer("content")[:10]
    return render(
        request, "registry/import.html", {"form": form, "org": org, "report": report, "recent": recent}
    )


@require_GET
@login_required
def bulk_import(request: HttpRequest, key: str) -> HttpResponse:
    """The progress of one background import, then its report. Only the organization's members (and
    administrators) see it; anyone else gets 404, so the page does not tell that it exists."""
    bulk = get_object_or_404(BulkImport.objects.select_related("organization").defer("content"), key=key)
    if not rules.has_perm("registry.import_entries", request.user, bulk.organization):
        raise Http404
    done_total = progress(bulk)
    if request.GET.get("format") == "json":  # polled by js/registry-import.js to update the page
        done, total = done_total or (0, 0)
        return JsonResponse({"status": bulk.status, "finished": bulk.finished, "done": done, "total": total})
    context = {"bulk": bulk, "org": bulk.organization, "progress": done_total, "report": report_of(bulk)}
    return render(request, "registry/bulk_import.html", context)
