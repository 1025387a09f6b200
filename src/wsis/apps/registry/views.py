"""Pages of the registry. Reading is open; every change is a POST checked by ``rules`` and CSRF.
Entries a visitor may not see answer 404 (their existence is not disclosed); steps a visitor may see but
not take answer 403."""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wsis.apps.accounts.models import Organization
from wsis.apps.accounts.rules import is_admin, is_facilitator_of_line
from wsis.apps.reference.models import ActionLine
from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.domain.attachments import add_attachment, attachment_path, download_name, served
from wsis.apps.registry.domain.duplicates import similar_entries
from wsis.apps.registry.domain.entries import create_initiative, update_initiative
from wsis.apps.registry.domain.matrix import targets_outside_matrix
from wsis.apps.registry.domain.search import FACETS, Query, SearchTextError, find
from wsis.apps.registry.domain.snapshots import diff, public_snapshot, snapshot
from wsis.apps.registry.domain.verification import light, report_progress, verify
from wsis.apps.registry.domain.workflow import merge, submit, transition
from wsis.apps.registry.enums import State
from wsis.apps.registry.interfaces.facets import readable
from wsis.apps.registry.interfaces.forms import (
    AttachmentForm,
    DecisionForm,
    InitiativeForm,
    MergeForm,
    ProgressForm,
)
from wsis.apps.registry.models import Attachment, Decision, Initiative

PER_PAGE = 20


def _entry(request: HttpRequest, pk: int, perm: str | None = None) -> Initiative:
    initiative = get_object_or_404(Initiative.objects.select_related("organization", "same_as"), pk=pk)
    if not rules.has_perm("registry.view_initiative", request.user, initiative):
        raise Http404
    if perm and not rules.has_perm(perm, request.user, initiative):
        raise PermissionDenied
    return initiative


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    org = request.GET.get("org", "")
    try:
        query = Query(
            text=request.GET.get("q", ""),
            filters={name: request.GET.getlist(name) for name in FACETS},
            organization=int(org) if org.isdigit() else None,
        )
    except SearchTextError:
        message = _("The search text contains a NUL character, which cannot be searched. Remove it.")
        context = {"query": Query(), "entries": [], "facets": [], "total": 0, "error": message}
        return render(request, "registry/search.html", context, status=400)
    raw_page = request.GET.get("page", "1")
    number = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
    found = find(query=query, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    return render(
        request,
        "registry/search.html",
        {
            "query": query,
            "entries": found.entries,
            "next_page": number + 1 if number * PER_PAGE < found.total else None,
            "facets": readable(counts=found.facets, params=request.GET),
            "total": found.total,
        },
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _entry(request, pk)
    if initiative.same_as_id is not None:
        messages.info(request, _("This entry was merged into %(ref)s.") % {"ref": initiative.same_as.ref})
        return redirect(initiative.same_as)
    user = request.user
    return render(
        request,
        "registry/detail.html",
        {
            "entry": initiative,
            "light": light(initiative=initiative),
            "outside_matrix": targets_outside_matrix(initiative=initiative),
            "show_contact": rules.has_perm("registry.view_contact", user, initiative),
            "can": {
                name: rules.has_perm(f"registry.{name}", user, initiative)
                for name in (
                    "change_initiative",
                    "submit_initiative",
                    "review_initiative",
                    "merge_initiative",
                    "verify_initiative",
                    "report_progress",
                    "attach_file",
                )
            },
            "decisions": initiative.decisions.select_related("actor", "line"),
            "decision_form": DecisionForm(),
            "merge_form": MergeForm(),
            "progress_form": ProgressForm(),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    org_id = request.GET.get("org") or request.POST.get("org") or ""
    org = get_object_or_404(Organization, pk=int(org_id)) if org_id.isdigit() else None
    if org is None or not rules.has_perm("registry.create_initiative", request.user, org):
        raise PermissionDenied
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = create_initiative(organization=org, author=request.user, data=form.to_data())
        except RegistryError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(initiative)
    return render(request, "registry/form.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _entry(request, pk, "registry.change_initiative")
    form = InitiativeForm(
        request.POST or None, initial=InitiativeForm.initial_from(snapshot(initiative=initiative))
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_initiative(initiative=initiative, author=request.user, data=form.to_data())
        except RegistryError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(initiative)
    return render(
        request, "registry/form.html", {"form": form, "org": initiative.organization, "entry": initiative}
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows possible duplicates before the author confirms the submission."""
    initiative = _entry(request, pk, "registry.submit_initiative")
    if request.method == "POST":
        submit(initiative=initiative, actor=request.user)
        messages.success(request, _("Submitted for review."))
        return redirect(initiative)
    return render(
        request,
        "registry/submit.html",
        {
            "entry": initiative,
            "similar": similar_entries(initiative=initiative),
            "outside_matrix": targets_outside_matrix(initiative=initiative),
        },
    )


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _entry(request, pk, "registry.review_initiative")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    codes = list(initiative.action_lines.values_list("code", flat=True))
    line = next((c for c in codes if is_facilitator_of_line(request.user, c)), None)
    try:
        transition(
            initiative=initiative,
            action=form.cleaned_data["action"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
            line=ActionLine.objects.filter(code=line).first(),
        )
    except RegistryError as exc:
        messages.error(request, str(exc))
    return redirect(initiative)


@login_required
@require_GET
def queues(request: HttpRequest) -> HttpResponse:
    lines = ActionLine.objects.all()
    if not is_admin(request.user):
        lines = lines.filter(code__in=request.user.staff_roles.filter(role="facilitator").values("line_id"))
    return render(request, "registry/queues.html", {"lines": lines})


@login_required
@require_GET
def queue(request: HttpRequest, code: str) -> HttpResponse:
    line = get_object_or_404(ActionLine, code=code)
    if not rules.has_perm("accounts.view_queue", request.user, line):
        raise PermissionDenied
    entries = (
        Initiative.objects.filter(state__in=[State.SUBMITTED, State.IN_REVIEW], same_as=None)
        .filter(
            pk__in=Initiative.objects.filter(action_lines=line).values("pk")
            | Initiative.objects.filter(action_lines__parent=line).values("pk")
        )
        .select_related("organization")
        .order_by("updated_at")
    )
    return render(request, "registry/queue.html", {"line": line, "entries": entries})


@require_GET
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _entry(request, pk)
    return render(
        request,
        "registry/versions.html",
        {"entry": initiative, "versions": initiative.versions.order_by("-number")},
    )


@require_GET
def version_diff(request: HttpRequest, pk: int, old: int, new: int) -> HttpResponse:
    initiative = _entry(request, pk)
    a = get_object_or_404(initiative.versions, number=old)
    b = get_object_or_404(initiative.versions, number=new)
    before, after = a.snapshot, b.snapshot
    if not rules.has_perm("registry.view_private_contact", request.user, initiative):
        # Issue 14: the diff showed private contacts to anonymous visitors once the owner edited them.
        before, after = (
            public_snapshot(snap, contact_public_now=initiative.contact_public) for snap in (before, after)
        )
    return render(
        request,
        "registry/diff.html",
        {"entry": initiative, "old": a, "new": b, "changes": diff(old=before, new=after)},
    )


@require_GET
def decisions(request: HttpRequest) -> HttpResponse:
    """The public decision log: every review decision and merge, with its reason."""
    log = Decision.objects.exclude(action="submit").select_related("initiative", "line")
    page = Paginator(log, 50).get_page(request.GET.get("page"))
    return render(request, "registry/decisions.html", {"page": page})


@login_required
@require_POST
def merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    duplicate = _entry(request, pk, "registry.merge_initiative")
    form = MergeForm(request.POST)
    if form.is_valid():
        into = get_object_or_404(Initiative, pk=form.cleaned_data["into"])
        try:
            merge(duplicate=duplicate, into=into, actor=request.user, reason=form.cleaned_data["reason"])
        except RegistryError as exc:
            messages.error(request, str(exc))
    return redirect("registry:detail", pk=pk)


@login_required
@require_POST
def verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _entry(request, pk, "registry.verify_initiative")
    try:
        verify(initiative=initiative, actor=request.user)
    except RegistryError as exc:
        messages.error(request, str(exc))
    return redirect(initiative)


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _entry(request, pk, "registry.report_progress")
    form = ProgressForm(request.POST)
    if form.is_valid():
        report_progress(initiative=initiative, actor=request.user, **form.cleaned_data)
    return redirect(initiative)


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _entry(request, pk, "registry.attach_file")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        limit = 1 + int(settings.WSIS_REGISTRY_ATTACHMENT_MAX_BYTES)
        try:
            add_attachment(initiative=initiative, name=upload.name, content=upload.read(limit))
        except RegistryError as exc:
            messages.error(request, str(exc))
    return redirect(initiative)


@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(Attachment, pk=pk)
    _entry(request, item.initiative_id)
    response = served(
        attachment_path(attachment=item),
        # Rows stored before names were made safe may still end in .html or .svg: named again here.
        filename=download_name(name=item.name, content_type=item.content_type),
        content_type=item.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
