"""Pages of the prizes, one per phase, and the moderators' screen. Reading is open; every change is a POST
checked by ``rules`` and CSRF. The domain functions give the messages shown on refusal."""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wsis.apps.accounts.models import Organization
from wsis.apps.prizes.api import client_address
from wsis.apps.prizes.domain import challenge as challenges
from wsis.apps.prizes.domain.errors import PrizeError
from wsis.apps.prizes.domain.phases import current_phases, is_open, move_date
from wsis.apps.prizes.domain.review import (
    assign_reviewer,
    declare_conflict,
    derive_nominees,
    score,
    visible_reviews,
)
from wsis.apps.prizes.domain.submissions import Entry, categories, submit_entry
from wsis.apps.prizes.domain.tally import published, review_flag, run_anomaly_rules, run_tally, select_winner
from wsis.apps.prizes.domain.voting import cast_ballot, cast_vote
from wsis.apps.prizes.enums import PHASE_ORDER, Phase
from wsis.apps.prizes.models import Cycle, Nominee, Review, ReviewerAssignment, Submission, Vote, VoteFlag
from wsis.apps.registry.models import Initiative


def _cycle(year: int) -> Cycle:
    return get_object_or_404(Cycle, year=year)


def _nominees_by_category(cycle: Cycle) -> list[tuple[object, list[Nominee]]]:
    rows = Nominee.objects.filter(cycle=cycle).select_related(
        "submission__initiative", "submission__category"
    )
    grouped: dict[int, list[Nominee]] = {}
    for n in rows:
        grouped.setdefault(n.category, []).append(n)
    return [
        (line, grouped.get(line.prize_category, []))
        for line in categories()
        if line.prize_category in grouped
    ]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "prizes/index.html", {"cycles": Cycle.objects.all()})


@require_GET
def cycle_page(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    phases = [(Phase(p), cycle.opens(p), cycle.closes(p), is_open(cycle, p)) for p in PHASE_ORDER]
    return render(
        request,
        "prizes/cycle.html",
        {
            "cycle": cycle,
            "phases": phases,
            "open": current_phases(cycle),
            "changes": cycle.phase_changes.all(),
            "can_moderate": rules.has_perm("prizes.moderate", request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit_page(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    initiatives = Initiative.objects.filter(organization__members__user=request.user).order_by("pk")
    if request.method == "POST":
        try:
            initiative = initiatives.get(pk=int(request.POST.get("initiative", "0")))
            entry = Entry(
                category=int(request.POST.get("category", "0")),
                summary=request.POST.get("summary", ""),
                language=request.POST.get("language", "en")[:2],
                **{
                    f: request.POST.get(f, "")
                    for f in (
                        "sdg_link",
                        "impact_qualitative",
                        "impact_quantitative",
                        "partnerships",
                        "challenges",
                        "future_plans",
                    )
                },
                major_phase_completed=request.POST.get("major_phase_completed") == "on",
            )
            submission = submit_entry(cycle=cycle, initiative=initiative, entry=entry, user=request.user)
        except (Initiative.DoesNotExist, ValueError):
            messages.error(request, _("Choose one of your organizations' initiatives and a category."))
        except PrizeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Entry received: %(title)s in category %(n)s.")
                % {"title": initiative.display_title, "n": submission.category.prize_category},
            )
            return redirect("prizes:cycle", year=year)
    return render(
        request,
        "prizes/submit.html",
        {
            "cycle": cycle,
            "initiatives": initiatives,
            "categories": categories(),
            "form": request.POST,
            "open": is_open(cycle, Phase.SUBMISSION),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    lines = ReviewerAssignment.objects.filter(cycle=cycle, reviewer=request.user).values_list(
        "category", flat=True
    )
    submissions = Submission.objects.filter(cycle=cycle, category__in=list(lines)).select_related(
        "initiative", "category"
    )
    if request.method == "POST":
        submission = get_object_or_404(submissions, pk=int(request.POST.get("submission", "0")))
        try:
            values = {c["key"]: int(request.POST.get(f"score_{c['key']}", "")) for c in cycle.rubric}
            score(
                submission=submission,
                reviewer=request.user,
                scores=values,
                comment=request.POST.get("comment", ""),
                final=request.POST.get("final") == "1",
            )
        except ValueError:
            messages.error(request, _("Give a whole-number score for every criterion."))
        except PrizeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Review saved."))
        return redirect("prizes:review", year=year)
    items = [(s, visible_reviews(submission=s, user=request.user)) for s in submissions]
    return render(
        request,
        "prizes/review.html",
        {"cycle": cycle, "items": items, "rubric": cycle.rubric, "open": is_open(cycle, Phase.REVIEW)},
    )


@require_http_methods(["GET", "POST"])
def vote_page(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _vote_post(request, cycle)
        return redirect("prizes:vote", year=year)
    voted = {}
    if user.is_authenticated:
        voted = dict(Vote.objects.filter(cycle=cycle, voter=user).values_list("category", "nominee_id"))
    return render(
        request,
        "prizes/vote.html",
        {
            "cycle": cycle,
            "groups": _nominees_by_category(cycle),
            "voted": voted,
            "open": is_open(cycle, Phase.VOTING),
            "challenge": challenges.issue(cycle=cycle, user=user) if user.is_authenticated else "",
        },
    )


def _vote_post(request: HttpRequest, cycle: Cycle) -> None:
    user = request.user
    agent = request.headers.get("User-Agent", "")
    try:
        if cycle.full_ballot:
            chosen = [int(v) for k, v in request.POST.items() if k.startswith("nominee_") and v]
            nominees = list(Nominee.objects.filter(cycle=cycle, pk__in=chosen))
            category = 0
        else:
            nominees = [get_object_or_404(Nominee, cycle=cycle, pk=int(request.POST.get("nominee", "0")))]
            category = nominees[0].category
        nonce = request.POST.get("nonce", "")
        if not nonce and request.POST.get("nojs") != "1":
            raise PrizeError(_("Your browser did not finish the voting puzzle; please try again."))
        if not nonce:
            # No JavaScript (the form's <noscript> field says so): the proof of work is replaced by a
            # one-time link sent to the verified address.
            if cycle.full_ballot:
                raise PrizeError(_("Voting without JavaScript is available one category at a time only."))
            challenges.send_vote_link(
                cycle=cycle, user=user, nominee=nominees[0], base_url=settings.WSIS_PUBLIC_URL
            )
            messages.info(request, _("We have sent you an e-mail with a link that confirms this vote."))
            return
        challenges.check(
            cycle=cycle,
            user=user,
            category=category,
            challenge=request.POST.get("challenge", ""),
            nonce=nonce,
        )
        if cycle.full_ballot:
            cast_ballot(
                cycle=cycle, user=user, nominees=nominees, ip=client_address(request), user_agent=agent
            )
        else:
            cast_vote(
                cycle=cycle, user=user, nominee=nominees[0], ip=client_address(request), user_agent=agent
            )
    except (ValueError, Http404):
        messages.error(request, _("Choose a nominee."))
    except PrizeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you: your vote is recorded in the public ballot log."))


@require_http_methods(["GET", "POST"])
def vote_link(request: HttpRequest, year: int, token: str) -> HttpResponse:
    """GET shows a confirmation (mail scanners open links); POST casts the vote of the link's owner."""
    cycle = _cycle(year)
    try:
        link_year, account, nominee_id = challenges.read_vote_link(token)
    except PrizeError as exc:
        messages.error(request, str(exc))
        return redirect("prizes:vote", year=year)
    if link_year != cycle.year:
        raise Http404
    nominee = get_object_or_404(
        Nominee.objects.select_related("submission__initiative"), pk=nominee_id, cycle=cycle
    )
    if request.method == "POST":
        voter = get_object_or_404(get_user_model(), pk=account)
        try:
            cast_vote(
                cycle=cycle,
                user=voter,
                nominee=nominee,
                ip=client_address(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except PrizeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you: your vote is recorded in the public ballot log."))
        return redirect("prizes:vote", year=year)
    return render(request, "prizes/vote_link.html", {"cycle": cycle, "nominee": nominee})


@require_GET
def results_page(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    if is_open(cycle, Phase.VOTING) or cycle.opens(Phase.VOTING) > _now():
        return render(request, "prizes/results.html", {"cycle": cycle, "pending": True})
    data = published(cycle)
    groups = _nominees_by_category(cycle)
    counts = data["tally"]["counts"]  # type: ignore[index]
    rows = [
        (
            line,
            sorted(
                ((counts.get(str(line.prize_category), {}).get(n.public_id, 0), n) for n in group),
                key=lambda pair: (-pair[0], pair[1].rank),
            ),
        )
        for line, group in groups
    ]
    return render(request, "prizes/results.html", {"cycle": cycle, "data": data, "rows": rows})


@require_GET
def stories_page(request: HttpRequest, year: int) -> HttpResponse:
    """Success Stories: winners and champions, with their summary in the reader's language when one exists."""
    cycle = _cycle(year)
    stories = (
        Nominee.objects.filter(cycle=cycle)
        .filter(is_champion=True)
        .select_related("submission__initiative", "submission__category")
        .order_by("category", "-is_winner", "-votes")
    )
    return render(request, "prizes/stories.html", {"cycle": cycle, "stories": stories})


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, year: int) -> HttpResponse:
    if not rules.has_perm("prizes.moderate", request.user):
        raise PermissionDenied
    cycle = _cycle(year)
    if request.method == "POST":
        try:
            _moderate_post(request, cycle)
        except PrizeError as exc:
            messages.error(request, str(exc))
        return redirect("prizes:moderate", year=year)
    return render(
        request,
        "prizes/moderate.html",
        {
            "cycle": cycle,
            "phases": [Phase(p) for p in PHASE_ORDER],
            "categories": categories(),
            "flags": VoteFlag.objects.filter(cycle=cycle),
            "groups": _nominees_by_category(cycle),
            "assignments": ReviewerAssignment.objects.filter(cycle=cycle).select_related(
                "reviewer", "category"
            ),
            "submissions": Submission.objects.filter(cycle=cycle).select_related("initiative", "category"),
            "reviews": Review.objects.filter(submission__cycle=cycle).count(),
        },
    )


def _moderate_post(request: HttpRequest, cycle: Cycle) -> None:
    action = request.POST.get("action", "")
    user = request.user
    if action == "move":
        when = parse_datetime(request.POST.get("when", ""))
        if when is None:
            raise PrizeError(_("Give the new date as YYYY-MM-DD HH:MM (UTC)."))
        if when.tzinfo is None:
            when = when.replace(tzinfo=_now().tzinfo)
        move_date(
            cycle=cycle,
            phase=request.POST.get("phase", ""),
            edge=request.POST.get("edge", ""),
            when=when,
            reason=request.POST.get("reason", ""),
            actor=user,
        )
        messages.success(request, _("Phase date changed."))
    elif action == "assign":
        reviewer = get_user_model().objects.filter(username=request.POST.get("username", "")).first()
        if reviewer is None:
            raise PrizeError(_("No account with that user name."))
        assign_reviewer(cycle=cycle, category=int(request.POST.get("category", "0")), reviewer=reviewer)
        messages.success(request, _("Reviewer assigned."))
    elif action == "conflict":
        reviewer = get_user_model().objects.filter(username=request.POST.get("username", "")).first()
        org = Organization.objects.filter(name=request.POST.get("organization", "")).first()
        if reviewer is None or org is None:
            raise PrizeError(_("No account or organization with that name."))
        declare_conflict(cycle=cycle, reviewer=reviewer, organization=org, note=request.POST.get("note", ""))
        messages.success(request, _("Conflict of interest recorded."))
    elif action == "nominees":
        found = derive_nominees(cycle=cycle)
        messages.success(
            request, _("%(n)s nominees derived from the scores.") % {"n": sum(map(len, found.values()))}
        )
    elif action == "tally":
        flags = run_anomaly_rules(cycle)
        result = run_tally(cycle)
        messages.success(
            request,
            _("Tally of %(n)s ballots; %(f)s anomaly flags.") % {"n": result.ballots, "f": len(flags)},
        )
    elif action == "flag":
        flag = get_object_or_404(VoteFlag, cycle=cycle, pk=int(request.POST.get("flag", "0")))
        review_flag(
            flag=flag,
            status=request.POST.get("status", ""),
            actor=user,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Flag reviewed."))
    elif action == "winner":
        nominee = get_object_or_404(Nominee, cycle=cycle, pk=int(request.POST.get("nominee", "0")))
        select_winner(nominee=nominee, actor=user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Winner selected."))
    else:
        raise PrizeError(_("Unknown action."))


def _now():
    return timezone.now()
