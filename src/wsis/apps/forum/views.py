"""Pages of the WSIS Forum. Programme, sessions, outcome statements, statistics and consultations are
public once published, at permanent URLs; stakeholders submit and edit their sessions, the organizers
review them, moderators moderate comments. Every change is a POST checked by ``rules`` and CSRF; a refusal
shows the domain's message and changes nothing."""

from __future__ import annotations

import csv
import io
import json

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wsis.apps.accounts.domain.organizations import organizations_of
from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.forum.domain import ForumError, consultations, outcomes, sessions, statistics
from wsis.apps.forum.domain.calendar import feed
from wsis.apps.forum.domain.editions import submission_refusal
from wsis.apps.forum.enums import LANGUAGE_NAMES, LANGUAGES, SessionState, SessionType
from wsis.apps.forum.interfaces import forms
from wsis.apps.forum.models import Comment, Consultation, Edition, Outcome, Session
from wsis.apps.reference.models import RIGHT_TO_LEFT, ActionLine


def _edition(year: int, request: HttpRequest) -> Edition:
    edition = get_object_or_404(Edition, year=year)
    if edition.programme_published_at is None and not rules.has_perm("forum.review", request.user):
        raise Http404
    return edition


def _direction(code: str) -> str:
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


def _html_lang(code: str) -> str:
    return "zh-Hans" if code == "zh" else code


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    editions = Edition.objects.filter(programme_published_at__isnull=False)
    return render(
        request,
        "forum/index.html",
        {
            "editions": editions,
            "open_for_submission": [
                e for e in Edition.objects.filter(submissions_open=True) if not submission_refusal(e)
            ],
            "can_organize": rules.has_perm("forum.organize", request.user),
            "consultations": Consultation.objects.filter(opens_at__lte=timezone.now()),
        },
    )


def _filters(request: HttpRequest, edition: Edition) -> sessions.Filters:
    try:
        return sessions.Filters.parse(request.GET, edition)
    except ForumError as exc:
        raise _BadFilter(str(exc)) from exc


class _BadFilter(Exception):
    pass


@require_GET
def programme(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year, request)
    try:
        filters = _filters(request, edition)
    except _BadFilter as exc:
        return render(request, "forum/bad_request.html", {"error": str(exc)}, status=400)
    found = list(sessions.programme(edition=edition, filters=filters))
    for session in found:
        session.local_start = sessions.local(session.starts_at, edition)
        session.local_end = sessions.local(session.ends_at, edition)
    days = [
        edition.starts_on.fromordinal(o)
        for o in range(edition.starts_on.toordinal(), edition.ends_on.toordinal() + 1)
    ]
    query = filters.as_query()
    ics = reverse("forum:programme_ics", args=[year])
    return render(
        request,
        "forum/programme.html",
        {
            "edition": edition,
            "sessions": found,
            "filters": filters,
            "days": days,
            "types": SessionType.choices,
            "lines": ActionLine.objects.all(),
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "stakeholders": StakeholderType.choices,
            "ics_all": ics,
            "ics_filtered": ics + "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "",
        },
    )


@require_GET
def programme_ics(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year, request)
    try:
        filters = _filters(request, edition)
    except _BadFilter as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    body = feed(
        edition=edition,
        sessions=sessions.programme(edition=edition, filters=filters),
        url_of=lambda s: request.build_absolute_uri(reverse("forum:session", args=[s.pk])),
        domain=request.get_host().split(":")[0],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="wsis-forum-{year}.ics"'
    return response


@require_GET
def statistics_page(request: HttpRequest, year: int, fmt: str = "html") -> HttpResponse:
    edition = _edition(year, request)
    stats = statistics.edition_statistics(edition=edition)
    if fmt == "json":
        return JsonResponse(
            {
                "edition": edition.year,
                "sessions": stats.sessions,
                "speakers": stats.speakers,
                "rows": [r.__dict__ for r in stats.rows],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["edition", "measure", "dimension", "key", "label", "count"])
        for r in stats.rows:
            writer.writerow([edition.year, r.measure, r.dimension, r.key, r.label, r.count])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="wsis-forum-{year}-statistics.csv"'
        return response
    if fmt != "html":
        raise Http404
    tables = [
        (_("Sessions by stakeholder type"), stats.table("sessions", "stakeholder_type")),
        (_("Sessions by region"), stats.table("sessions", "region")),
        (_("Speakers by stakeholder type"), stats.table("speakers", "stakeholder_type")),
        (_("Speakers by region"), stats.table("speakers", "region")),
        (_("Speakers by gender (where declared)"), stats.table("speakers", "gender")),
    ]
    return render(request, "forum/statistics.html", {"edition": edition, "stats": stats, "tables": tables})


# --- stakeholders: submitting and editing sessions ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    mine = list(organizations_of(user=request.user))
    if not mine:
        raise PermissionDenied
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = next((o for o in mine if str(o.pk) == request.POST.get("organization")), None)
        if organization is None or not rules.has_perm("forum.submit_for", request.user, organization):
            raise PermissionDenied
        try:
            session = sessions.submit_session(
                edition=edition,
                organization=organization,
                by=request.user,
                data=form.session_data(edition.time_zone),
            )
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Session submitted for review."))
            return redirect("forum:session", session.pk)
    return render(request, "forum/submit.html", {"edition": edition, "form": form, "organizations": mine})


def _session_for(request: HttpRequest, pk: int, perm: str) -> Session:
    session = get_object_or_404(Session.objects.select_related("edition", "organization"), pk=pk)
    if not rules.has_perm("forum.view_session", request.user, session):
        raise Http404
    if not rules.has_perm(perm, request.user, session):
        raise PermissionDenied
    return session


@require_GET
def session_page(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk, "forum.view_session")
    outcome = Outcome.objects.filter(session=session).first()
    return render(
        request,
        "forum/session.html",
        {
            "session": session,
            "start": sessions.local(session.starts_at, session.edition),
            "end": sessions.local(session.ends_at, session.edition),
            "outcome": outcome,
            "language_names": [LANGUAGE_NAMES[c] for c in session.languages],
            "can_edit": rules.has_perm("forum.edit_session", request.user, session),
            "can_review": rules.has_perm("forum.review", request.user)
            and session.state == SessionState.SUBMITTED,
            "can_write_outcome": session.state == SessionState.ACCEPTED
            and rules.has_perm("forum.write_outcome", request.user, session),
            "review_form": forms.ReviewForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk, "forum.edit_session")
    form = forms.SessionForm(request.POST or None, initial=forms.SessionForm.initial_of(session))
    if request.method == "POST" and form.is_valid():
        try:
            sessions.update_session(session=session, data=form.session_data(session.edition.time_zone))
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Session saved."))
            return redirect("forum:session", session.pk)
    return render(
        request, "forum/submit.html", {"edition": session.edition, "form": form, "session": session}
    )


# --- the organizers: review and programme -------------------------------------------------------------


def _reviewer(request: HttpRequest) -> None:
    if not rules.has_perm("forum.review", request.user):
        raise PermissionDenied


@login_required
@require_GET
def review_queue(request: HttpRequest, year: int) -> HttpResponse:
    _reviewer(request)
    edition = get_object_or_404(Edition, year=year)
    return render(
        request,
        "forum/review.html",
        {
            "edition": edition,
            "submitted": edition.sessions.filter(state=SessionState.SUBMITTED).select_related("organization"),
            "decided": edition.sessions.exclude(state=SessionState.SUBMITTED).select_related("organization"),
        },
    )


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    _reviewer(request)
    session = get_object_or_404(Session, pk=pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject."))
    else:
        try:
            sessions.review(
                session=session,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("forum:review_queue", session.edition.year)


@login_required
@require_POST
def publish(request: HttpRequest, year: int) -> HttpResponse:
    _reviewer(request)
    edition = get_object_or_404(Edition, year=year)
    try:
        sessions.publish_programme(edition=edition)
    except ForumError as exc:
        messages.error(request, str(exc))
        return redirect("forum:review_queue", year)
    return redirect("forum:programme", year)


# --- outcome statements -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk, "forum.write_outcome")
    current = Outcome.objects.filter(session=session).first()
    initial = {"text": current.text, "language": current.language} if current else {}
    form = forms.OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            made = outcomes.write_outcome(
                session=session,
                text=form.cleaned_data["text"],
                language=form.cleaned_data["language"],
                by=request.user,
            )
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("forum:outcome", made.public_id)
    return render(request, "forum/outcome_form.html", {"session": session, "form": form})


@require_GET
def outcome_page(request: HttpRequest, public_id) -> HttpResponse:
    outcome = get_object_or_404(outcomes.published(), public_id=public_id)
    return render(
        request,
        "forum/outcome.html",
        {
            "outcome": outcome,
            "session": outcome.session,
            "start": sessions.local(outcome.session.starts_at, outcome.session.edition),
            "lang": _html_lang(outcome.language),
            "dir": _direction(outcome.language),
        },
    )


# --- consultations ------------------------------------------------------------------------------------


def _consultation(pk: int) -> Consultation:
    consultation = get_object_or_404(Consultation, pk=pk)
    if consultation.opens_at > timezone.now():
        raise Http404
    return consultation


def _marked(comments):
    for comment in comments:
        comment.lang, comment.dir = _html_lang(comment.language), _direction(comment.language)
    return comments


@require_http_methods(["GET", "POST"])
def consultation_page(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(pk)
    moderator = rules.has_perm("forum.moderate", request.user)
    form = forms.CommentForm(request.POST or None, initial={"language": translation.get_language()[:2]})
    if consultation.languages:  # the organizers limited the comments' languages
        form.fields["language"].choices = [(c, LANGUAGE_NAMES[c]) for c in consultation.languages]
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            organization = None
            if data["organization"]:
                organization = organizations_of(user=request.user).filter(pk=data["organization"]).first()
                if organization is None:
                    raise PermissionDenied
            try:
                consultations.post_comment(
                    consultation=consultation,
                    paragraph=data["paragraph"],
                    text=data["text"],
                    language=data["language"],
                    organization=organization,
                    by=request.user,
                )
            except ForumError as exc:
                messages.error(request, str(exc))
                return render(request, "forum/bad_request.html", {"error": str(exc)}, status=400)
            messages.success(request, _("Comment posted."))
            return redirect("forum:consultation", consultation.pk)
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    comments = Comment.objects.filter(paragraph__consultation=consultation)
    if not moderator:
        comments = comments.filter(hidden=False)
    by_paragraph = {}
    for comment in _marked(list(comments.select_related("organization", "paragraph"))):
        by_paragraph.setdefault(comment.paragraph_id, []).append(comment)
    return render(
        request,
        "forum/consultation.html",
        {
            "consultation": consultation,
            "paragraphs": [(p, by_paragraph.get(p.pk, [])) for p in consultation.paragraphs.all()],
            "open": consultations.is_open(consultation),
            "closed": consultations.is_closed(consultation),
            "form": form,
            "organizations": organizations_of(user=request.user),
            "moderator": moderator,
        },
    )


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    if not rules.has_perm("forum.moderate", request.user):
        raise PermissionDenied
    comment = get_object_or_404(Comment, pk=comment_pk, paragraph__consultation_id=pk)
    form = forms.ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    else:
        try:
            consultations.moderate(
                comment=comment,
                hide=form.cleaned_data["action"] == "hide",
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Moderation recorded."))
    return redirect("forum:consultation", pk)


@require_GET
def summary_page(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(pk)
    closed = consultations.is_closed(consultation)
    types = dict(StakeholderType.choices)
    rows = []
    if closed:
        for item in consultations.summary(consultation):
            rows.append(
                {
                    "paragraph": item.paragraph,
                    "comments": item.comments,
                    "by_language": [(LANGUAGE_NAMES[c], n) for c, n in item.by_language],
                    "by_stakeholder": [(types.get(k, _("Not stated")), n) for k, n in item.by_stakeholder],
                }
            )
    return render(
        request, "forum/summary.html", {"consultation": consultation, "closed": closed, "rows": rows}
    )


def summary_json(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(pk)
    if not consultations.is_closed(consultation):
        raise Http404
    return HttpResponse(
        json.dumps(
            {
                "consultation": consultation.pk,
                "closed_at": consultation.closes_at.isoformat(),
                "paragraphs": [
                    {
                        "number": item.paragraph.number,
                        "comments": item.comments,
                        "by_language": dict(item.by_language),
                        "by_stakeholder_type": dict(item.by_stakeholder),
                    }
                    for item in consultations.summary(consultation)
                ],
            },
            ensure_ascii=False,
        ),
        content_type="application/json",
    )
