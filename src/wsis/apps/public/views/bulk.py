"""The bulk download page (``/<lang>/downloads/``) and the warehouse dump's files. The registry's files
are served by the registry (``registry:dump_file``); this page links to them."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from wsis.apps.public import bulk


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    sections = [
        (
            _("Indicators warehouse"),
            bulk.warehouse_files(),
            "public:warehouse_dump_file",
            _("The warehouse has not been dumped yet (wsis dump)."),
        ),
        (
            _("Stocktaking registry"),
            bulk.registry_files(),
            "registry:dump_file",
            _("The registry has not been dumped yet (wsis manage registry_dump)."),
        ),
    ]
    return render(request, "public/downloads.html", {"sections": sections, "checksums": bulk.CHECKSUMS})


@require_safe
def warehouse_file(request: HttpRequest, name: str) -> FileResponse:
    """A file of the warehouse dump: only a name its SHA256SUMS lists (or SHA256SUMS itself)."""
    folder = bulk.warehouse_dir()
    if name != bulk.CHECKSUMS and name not in {f.name for f in bulk.warehouse_files()}:
        raise Http404(f"the warehouse dump has no file {name!r}")
    path = folder / name
    if not path.is_file():
        raise Http404(f"the warehouse dump has no file {name!r}")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
