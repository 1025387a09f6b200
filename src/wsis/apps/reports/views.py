"""Pages of calls for inputs and reports. The secretariat's pages need ``reports.manage``; an invited
organization's members answer for it; published contributions and reports are open to everyone at
permanent URLs. Every change is a POST checked by ``rules`` and CSRF; refusals show the domain's message
and change nothing."""

from __future__ import annotations

import datetime as dt

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.accounts.models import Organization
from wsis.apps.reference.models import ActionLine, Region
from wsis.apps.reports import throttle
from wsis.apps.reports.domain import EditConflict, ReportsError, calls, compilation, contributions, drafts
from wsis.apps.reports.domain.document import document
from wsis.apps.reports.enums import (
    LANGUAGES,
    CommentState,
    ContributionState,
    QuestionKind,
    ReportKind,
    ReportState,
    text_language,
)
from wsis.apps.reports.interfaces import forms
from wsis.apps.reports.interfaces.render import CONTENT_TYPES
from wsis.apps.reports.interfaces.render import render as render_as
from wsis.apps.reports.models import Call, Comment, Contribution, ContributionFile, Excerpt, Report


def _manager(request: HttpRequest) -> None:
    if not rules.has_perm("reports.manage", request.user):
        raise PermissionDenied


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# --- the secretariat: calls --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_list(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = forms.CallForm(request.POST or None, initial={"questionnaire": forms.EXAMPLE, "paragraph": "110"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = calls.create_call(
                year=data["year"],
                title=data["title"],
                purpose=data["purpose"],
                paragraph=data["paragraph"],
                audience=data["audience"],
                opens_at=_utc(data["opens_at"]),
                closes_at=_utc(data["closes_at"]),
                languages=data["languages"],
                questionnaire=data["questionnaire"],
                by=request.user,
            )
        except ReportsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, translation.gettext("Call created."))
            return redirect("reports:call", call.pk)
    return render(request, "reports/calls.html", {"calls": Call.objects.all(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def call_page(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    call = get_object_or_404(Call, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invite":
                form = forms.InviteForm(request.POST)
                if form.is_valid():
                    names = [n.strip() for n in form.cleaned_data["organizations"].splitlines() if n.strip()]
                    found = list(Organization.objects.filter(name__in=names))
                    if missing := sorted(set(names) - {o.name for o in found}):
                        raise ReportsError(f"no organization named {', '.join(missing)}")
                    made = calls.invite(call=call, organizations=found, by=request.user)
                    messages.success(
                        request,
                        translation.ngettext(
                            "%(n)d organization invited.", "%(n)d organizations invited.", len(made)
                        )
                        % {"n": len(made)},
                    )
            elif action == "extend":
                form = forms.ExtendForm(request.POST)
                if not form.is_valid():
                    raise ReportsError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
                calls.extend(
                    call=call,
                    closes_at=_utc(form.cleaned_data["closes_at"]),
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
                messages.success(request, translation.gettext("Closing date changed."))
            elif action == "remind":
                # From the call's page: remind now, however far the deadline is.
                left = call.closes_at - timezone.now() + dt.timedelta(seconds=1)
                sent = calls.remind(call=call, before=left)
                messages.success(
                    request,
                    translation.ngettext("%(n)d reminder sent.", "%(n)d reminders sent.", len(sent))
                    % {"n": len(sent)},
                )
        except ReportsError as exc:
            messages.error(request, str(exc))
        return redirect("reports:call", call.pk)
    return render(
        request,
        "reports/call.html",
        {
            "call": call,
            "open": calls.is_open(call),
            "standing": compilation.standing(call),
            "questions": calls.questions(call),
            "extensions": call.extensions.select_related("actor"),
            "invite_form": forms.InviteForm(),
            "extend_form": forms.ExtendForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def compile_page(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    call = get_object_or_404(Call, pk=pk)
    if request.method == "POST":
        form = forms.ExcerptForm(request.POST)
        try:
            if not form.is_valid():
                raise ReportsError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
            contributions.pick_excerpt(
                call=call,
                contribution=form.cleaned_data["contribution"],
                question=form.cleaned_data["question"],
                text=form.cleaned_data["text"],
                section=form.cleaned_data["section"],
                by=request.user,
            )
            messages.success(request, translation.gettext("Excerpt picked."))
        except ReportsError as exc:
            messages.error(request, str(exc))
        return redirect(request.get_full_path())
    question = request.GET.get("question") or None
    filters = {
        "question": int(question) if question and question.isdigit() else None,
        "action_line": request.GET.get("action_line", ""),
        "region": request.GET.get("region", ""),
        "stakeholder_type": request.GET.get("stakeholder_type", ""),
    }
    rows = compilation.compile_answers(call, **filters)
    fmt = request.GET.get("format")
    if fmt == "csv":
        response = HttpResponse(compilation.to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="call-{call.pk}-answers.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            compilation.to_xlsx(rows, call.title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="call-{call.pk}-answers.xlsx"'
        return response
    by_question: dict[str, list] = {}
    for row in rows:
        by_question.setdefault(f"{row.question} {row.question_text}", []).append(row)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "reports/compile.html",
        {
            "call": call,
            "by_question": by_question,
            "filters": filters,
            "questions": calls.questions(call),
            "lines": ActionLine.objects.order_by("position"),
            "regions": Region.objects.filter(level="region"),
            "types": StakeholderType.choices,
            "query": query.urlencode(),
            "excerpts": Excerpt.objects.filter(call=call).select_related("contribution__organization"),
        },
    )


# --- invited organizations: answering ----------------------------------------------------------------


def _answerable(request: HttpRequest, call: Call) -> list[Organization]:
    invited = Organization.objects.filter(
        pk__in=call.invitations.values("organization"), members__user=request.user
    ).distinct()
    return list(invited)


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    organizations = _answerable(request, call)
    if not organizations:
        raise PermissionDenied
    chosen = request.POST.get("organization") or request.GET.get("organization")
    organization = next((o for o in organizations if str(o.pk) == str(chosen)), organizations[0])
    if not rules.has_perm("reports.answer_for", request.user, organization):
        raise PermissionDenied
    questions = calls.questions(call)
    if request.method == "POST":
        answers: dict[str, object] = {}
        files = {}
        for q in questions:
            key = str(q.pk)
            if q.kind == QuestionKind.PER_ACTION_LINE:
                answers[key] = {
                    name.split("-", 2)[2]: value
                    for name, value in request.POST.items()
                    if name.startswith(f"q{key}-line-") and value.strip()
                }
            elif q.kind == QuestionKind.INITIATIVES:
                answers[key] = request.POST.get(f"q{key}", "")
            elif q.kind == QuestionKind.ATTACHMENT:
                upload = request.FILES.get(f"q{key}")
                if upload is not None:
                    files[key] = (upload.name, upload.read())
            else:
                answers[key] = request.POST.get(f"q{key}", "")
        try:
            contributions.save(
                call=call,
                organization=organization,
                author=request.user,
                answers=answers,
                language=request.POST.get("language", ""),
                consent_to_publish=request.POST.get("consent") == "on",
                submit=request.POST.get("action") == "submit",
                files=files,
                based_on=_revision(request.POST.get("version")),
            )
        except ReportsError as exc:
            messages.error(request, str(exc))
            # The page shows what was typed, so nothing is lost; nothing was stored. After a conflict it
            # also shows the newer answers, and the next save is based on them.
            theirs = exc.theirs if isinstance(exc, EditConflict) else None
            return _answer_page(request, call, organization, organizations, questions, answers, theirs)
        submitted = request.POST.get("action") == "submit"
        messages.success(
            request,
            translation.gettext("Contribution submitted.")
            if submitted
            else translation.gettext("Draft saved."),
        )
        return redirect(f"{reverse('reports:answer', args=[call.pk])}?organization={organization.pk}")
    return _answer_page(request, call, organization, organizations, questions, None)


def _answer_page(request, call, organization, organizations, questions, typed, theirs=None) -> HttpResponse:
    contribution = Contribution.objects.filter(call=call, organization=organization).first()
    values = typed if typed is not None else (contribution.answers if contribution else {})
    lines = list(ActionLine.objects.order_by("position"))
    files = (
        {f.pk: f for f in ContributionFile.objects.filter(contribution=contribution)} if contribution else {}
    )
    shown = []
    for q in questions:
        value = values.get(str(q.pk))
        shown.append(
            {
                "question": q,
                "value": value
                if not isinstance(value, list) or q.kind != QuestionKind.INITIATIVES
                else " ".join(map(str, value)),
                "lines": [(line, (value or {}).get(line.code, "")) for line in lines]
                if q.kind == QuestionKind.PER_ACTION_LINE
                else [],
                "files": [files[i] for i in value or [] if i in files]
                if q.kind == QuestionKind.ATTACHMENT
                else [],
                "theirs": _shown(theirs.get(str(q.pk))) if theirs is not None else None,
            }
        )
    language = (
        request.POST.get("language")
        if typed is not None
        else (contribution.language if contribution else text_language(translation.get_language() or "en"))
    )
    return render(
        request,
        "reports/answer.html",
        {
            "call": call,
            "open": calls.is_open(call),
            "organization": organization,
            "organizations": organizations,
            "contribution": contribution,
            "versions": contribution.versions.select_related("author") if contribution else [],
            "questions": shown,
            "languages": [code for code in LANGUAGES if code in call.languages],
            "language": language,
            "consent": contribution.consent_to_publish
            if contribution and typed is None
            else request.POST.get("consent") == "on",
            "conflict": theirs is not None,
        },
        status=(409 if theirs is not None else 400) if typed is not None else 200,
    )


def _shown(value) -> str:
    """A saved answer as one line of text, for showing the newer answers beside a refused save."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(map(str, value))
    return "" if value is None else str(value)


# --- published contributions ---------------------------------------------------------------------------


@require_GET
def contribution_page(request: HttpRequest, public_id) -> HttpResponse:
    """A contribution as submitted, with its author's consent, at a permanent URL."""
    contribution = get_object_or_404(
        Contribution.objects.select_related("organization", "call"),
        public_id=public_id,
        state=ContributionState.SUBMITTED,
        consent_to_publish=True,
    )
    answers = contributions.submitted_answers(contribution)
    files = {f.pk: f for f in contribution.files.all()}
    lines = {line.code: line for line in ActionLine.objects.all()}
    shown = []
    for q in calls.questions(contribution.call):
        value = answers.get(str(q.pk))
        if value in (None, "", [], {}):
            continue
        if q.kind == QuestionKind.PER_ACTION_LINE:
            value = [(lines.get(code), text) for code, text in value.items()]
        elif q.kind == QuestionKind.ATTACHMENT:
            value = [files[i] for i in value if i in files]
        elif q.kind == QuestionKind.NUMBER:
            value = f"{value:g}"
        shown.append({"question": q, "value": value})
    code = contribution.language
    return render(
        request,
        "reports/contribution.html",
        {
            "contribution": contribution,
            "answers": shown,
            "content_lang": "zh-hans" if code == "zh" else code,
            "content_dir": "rtl" if code == "ar" else "ltr",
        },
    )


@require_GET
def contribution_file(request: HttpRequest, public_id, file_id: int) -> HttpResponse:
    contribution = get_object_or_404(
        Contribution, public_id=public_id, state=ContributionState.SUBMITTED, consent_to_publish=True
    )
    item = get_object_or_404(ContributionFile, pk=file_id, contribution=contribution)
    if item.pk not in set(
        sum((v for v in contributions.submitted_answers(contribution).values() if isinstance(v, list)), [])
    ):
        raise Http404
    response = HttpResponse(contributions.file_path(item).read_bytes(), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def contributions_index(request: HttpRequest) -> HttpResponse:
    published = (
        Contribution.objects.filter(state=ContributionState.SUBMITTED, consent_to_publish=True)
        .select_related("organization", "call")
        .order_by("-call__year", "organization__name")
    )
    return render(request, "reports/contributions.html", {"contributions": published})


# --- the secretariat: reports --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = forms.GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = drafts.generate(
                kind=request.POST.get("kind", ReportKind.ANNUAL),
                year=form.cleaned_data["year"],
                language=form.cleaned_data["language"],
                subject=request.POST.get("subject", "").strip().upper()
                if request.POST.get("kind") == ReportKind.COUNTRY
                else request.POST.get("subject", "").strip(),
                by=request.user,
            )
        except ReportsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, translation.gettext("Report generated."))
            return redirect("reports:draft", report.pk)
    return render(request, "reports/reports.html", {"reports": Report.objects.all(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def draft_page(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    report = get_object_or_404(Report, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "edit":
                drafts.edit(
                    report=report,
                    key=request.POST["key"],
                    text=request.POST.get("text", ""),
                    by=request.user,
                    based_on=_revision(request.POST.get("revision")),
                )
                messages.success(request, translation.gettext("Paragraph saved."))
            elif action == "symbol":
                drafts.set_symbol(report=report, symbol=request.POST.get("symbol", ""), by=request.user)
                messages.success(request, translation.gettext("Document symbol saved."))
            elif action == "revert":
                drafts.revert(report=report, key=request.POST["key"], by=request.user)
                messages.success(request, translation.gettext("Paragraph follows the data again."))
            elif action == "regenerate":
                drafts.generate(
                    kind=report.kind,
                    year=report.year,
                    subject=report.subject,
                    language=report.language,
                    by=request.user,
                )
                messages.success(
                    request, translation.gettext("Report regenerated from the current publication.")
                )
            elif action == "review":
                drafts.to_review(report=report, by=request.user)
                messages.success(request, translation.gettext("Sent for review."))
            elif action == "draft":
                drafts.back_to_draft(report=report, by=request.user)
            elif action == "freeze":
                drafts.freeze(report=report, by=request.user)
                messages.success(request, translation.gettext("Report frozen."))
            elif action == "publish":
                drafts.publish(report=report, by=request.user)
                messages.success(request, translation.gettext("Report published."))
            elif action == "comments":
                report.comments_open = request.POST.get("open") == "1"
                report.save(update_fields=["comments_open"])
            elif action == "moderate":
                comment = get_object_or_404(Comment, pk=request.POST.get("comment"), report=report)
                comment.state = CommentState(request.POST.get("state", "pending"))
                comment.save(update_fields=["state"])
        except EditConflict as exc:
            # Nothing was saved: the page shows the newer text beside the one typed, so nothing is lost.
            messages.error(request, str(exc))
            return _draft_page(
                request, report, conflict={"key": request.POST["key"], "error": exc}, status=409
            )
        except ReportsError as exc:
            messages.error(request, str(exc))
        return redirect("reports:draft", report.pk)
    return _draft_page(request, report)


def _revision(value: str | None) -> int:
    """The revision an edit was based on, as the page sent it; a page that sends none is refused."""
    if not value or not value.isdigit():
        raise ReportsError(
            "the form does not say which version it was based on: reload the page and save again"
        )
    return int(value)


def _draft_page(request: HttpRequest, report: Report, conflict=None, status: int = 200) -> HttpResponse:
    versions = list(report.versions.all())
    diff = ""
    if len(versions) >= 2:
        old = int(request.GET.get("old") or versions[-2].number)
        new = int(request.GET.get("new") or versions[-1].number)
        try:
            diff = drafts.diff(report, old, new)
        except ReportsError as exc:
            diff = str(exc)
    doc = document(report, live=report.final is None)
    return render(
        request,
        "reports/draft.html",
        {
            "report": report,
            "doc": doc,
            "paragraphs": report.paragraphs.order_by("position"),
            "versions": versions,
            "diff": diff,
            "comments": report.comments.all(),
            "editable": report.state in (ReportState.DRAFT, ReportState.REVIEW),
            "public_url": _public_url(report) if report.state == ReportState.PUBLISHED else "",
            "conflict": conflict,
        },
        status=status,
    )


def _file_name(report: Report) -> str:
    subject = f"-{report.subject}" if report.subject else ""
    return f"wsis-{report.kind}-{report.year}{subject}-{report.language}"


def _public_url(report: Report) -> str:
    from wsis.apps.reports.enums import DJANGO_LANGUAGE

    with translation.override(DJANGO_LANGUAGE[report.language]):
        if report.kind == ReportKind.ANNUAL:
            return reverse("reports:annual", args=[report.year])
        return reverse("reports:subject", args=[report.year, report.kind, report.subject])


@login_required
@require_GET
def draft_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The draft (or frozen report) in any format, for the secretariat: what `wsis report` writes."""
    _manager(request)
    report = get_object_or_404(Report, pk=pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(render_as(document(report), fmt), content_type=CONTENT_TYPES[fmt])
    name = _file_name(report)
    response["Content-Disposition"] = f'attachment; filename="{name}-{report.state}.{fmt}"'
    return response


# --- published reports and public comments --------------------------------------------------------------


def _published(kind: str, year: int, subject: str = "") -> Report:
    language = text_language(translation.get_language() or "en")
    return get_object_or_404(
        Report, kind=kind, year=year, subject=subject, language=language, state=ReportState.PUBLISHED
    )


def _serve(request: HttpRequest, report: Report, fmt: str | None) -> HttpResponse:
    doc = document(report)
    if fmt is None:
        base = request.path
        links = {f: f"{base}{f}/" for f in ("pdf", "docx", "json", "csv")}
        return render(request, "reports/report.html", {"doc": doc, "links": links})
    if fmt not in ("pdf", "docx", "json", "csv"):
        raise Http404
    response = HttpResponse(render_as(doc, fmt), content_type=CONTENT_TYPES[fmt])
    name = _file_name(report)
    response["Content-Disposition"] = f'{"inline" if fmt == "pdf" else "attachment"}; filename="{name}.{fmt}"'
    return response


@require_GET
def annual_page(request: HttpRequest, year: int, fmt: str | None = None) -> HttpResponse:
    return _serve(request, _published(ReportKind.ANNUAL, year), fmt)


@require_GET
def subject_page(
    request: HttpRequest, year: int, kind: str, subject: str, fmt: str | None = None
) -> HttpResponse:
    if kind not in (ReportKind.COUNTRY, ReportKind.ACTION_LINE):
        raise Http404
    return _serve(request, _published(kind, year, subject), fmt)


@require_http_methods(["GET", "POST"])
def comment_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft during its public comment period: comments tied to paragraph numbers, shown once approved."""
    report = get_object_or_404(Report, pk=pk, comments_open=True)
    if request.method == "POST":
        if wait := throttle.comment_wait(request):
            # Refused before anything is read or stored; the page says how long to wait.
            left = throttle.minutes(wait)
            messages.error(
                request,
                translation.ngettext(
                    "You have sent too many comments: please try again in %(n)d minute.",
                    "You have sent too many comments: please try again in %(n)d minutes.",
                    left,
                )
                % {"n": left},
            )
            response = _comment_page(request, report, status=429)
            response["Retry-After"] = str(wait)
            return response
        number = request.POST.get("paragraph", "")
        text, name = request.POST.get("text", "").strip(), request.POST.get("name", "").strip()
        if not number.isdigit() or not text or not name:
            messages.error(
                request, translation.gettext("A comment needs a paragraph number, a name and a text.")
            )
        else:
            Comment.objects.create(
                report=report, paragraph_number=int(number), name=name[:200], text=text[:5000]
            )
            throttle.comment_made(request)
            messages.success(request, translation.gettext("Thank you: your comment awaits moderation."))
        return redirect("reports:comment", report.pk)
    return _comment_page(request, report)


def _comment_page(request: HttpRequest, report: Report, status: int = 200) -> HttpResponse:
    return render(
        request,
        "reports/comment.html",
        {
            "report": report,
            "doc": document(report, live=True),
            "comments": report.comments.filter(state=CommentState.APPROVED),
        },
        status=status,
    )
