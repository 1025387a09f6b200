"""The organizers' pages (not the Django admin): set up and change a Forum edition, open a consultation
on a text and close it early. Only ``forum.organize`` (forum organizers, the secretariat, admins) sees
them; every change is a POST with CSRF. A refusal answers 400 with the domain's message naming what is
wrong, and stores nothing."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wsis.apps.forum.domain import ForumError, consultations, editions
from wsis.apps.forum.enums import FORUM_TIME_ZONE, LANGUAGES
from wsis.apps.forum.interfaces import forms
from wsis.apps.forum.models import Consultation, Edition


def _organizer(request: HttpRequest) -> None:
    if not rules.has_perm("forum.organize", request.user):
        raise PermissionDenied


def _form_problems(form) -> str:
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _organizer(request)
    now = timezone.now()
    return render(
        request,
        "forum/organize.html",
        {
            "editions": Edition.objects.all(),
            "consultations": [
                (c, consultations.is_open(c, now), consultations.is_closed(c, now))
                for c in Consultation.objects.all()
            ],
        },
    )


def _edition_form(request: HttpRequest, edition: Edition | None) -> HttpResponse:
    initial = (
        forms.EditionForm.initial_of(edition)
        if edition
        else {"venue": Edition._meta.get_field("venue").default}
    )
    form = forms.EditionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = editions.save_edition(
                    data=form.edition_data(edition.time_zone if edition else FORUM_TIME_ZONE), edition=edition
                )
            except ForumError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Edition saved."))
                return redirect("forum:organize_edition", saved.year)
        else:
            messages.error(request, _form_problems(form))
        status = 400
    return render(request, "forum/edition_form.html", {"edition": edition, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edition_new(request: HttpRequest) -> HttpResponse:
    _organizer(request)
    return _edition_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def edition_edit(request: HttpRequest, year: int) -> HttpResponse:
    _organizer(request)
    return _edition_form(request, get_object_or_404(Edition, year=year))


@login_required
@require_http_methods(["GET", "POST"])
def consultation_new(request: HttpRequest) -> HttpResponse:
    _organizer(request)
    form = forms.ConsultationForm(request.POST or None, initial={"languages": LANGUAGES})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            opens_at, closes_at = form.window(FORUM_TIME_ZONE)
            try:
                consultations.create_consultation(
                    title=form.cleaned_data["title"],
                    introduction=form.cleaned_data["introduction"],
                    paragraphs=form.paragraphs(),
                    languages=form.cleaned_data["languages"],
                    opens_at=opens_at,
                    closes_at=closes_at,
                    by=request.user,
                )
            except ForumError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Consultation created."))
                return redirect("forum:organize")
        else:
            messages.error(request, _form_problems(form))
        status = 400
    return render(request, "forum/consultation_form.html", {"form": form}, status=status)


@login_required
@require_POST
def consultation_close(request: HttpRequest, pk: int) -> HttpResponse:
    _organizer(request)
    consultation = get_object_or_404(Consultation, pk=pk)
    try:
        consultations.close(consultation=consultation)
    except ForumError as exc:
        messages.error(request, str(exc))
        return redirect("forum:organize")
    messages.success(request, _("Consultation closed; its summary is published."))
    return redirect("forum:summary", consultation.pk)
