"""A whole prize cycle in a real browser (Playwright driving Debian's chromium) against a live server,
with several people: entrants submit (an ineligible second entry is refused), the moderator moves the
calendar and assigns experts, the experts score blind, the nominees are derived, voters vote with the
in-browser proof of work (a second vote in the same category is refused), then the tally, champions and
the experts' winner appear on the public pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.browser import BASE_APPS
from tests.prizes.cast import in_phase, initiative, summary
from tests.registry.factories import PASSWORD, user
from wsis.apps.accounts.domain.organizations import create_organization
from wsis.apps.accounts.domain.staff import make_moderator
from wsis.apps.prizes.domain.phases import create_cycle
from wsis.apps.prizes.domain.submissions import category_line

APPS = [*BASE_APPS, "wsis.apps.accounts", "wsis.apps.registry", "wsis.apps.prizes"]


@pytest.fixture
def cast(live_server):
    """Made before the browser starts: Playwright's event loop forbids database calls in the test body."""
    cycle = in_phase(create_cycle(year=2026, pow_bits=10, champions=2), "submission")
    line = category_line(1).code
    titles = {}
    for name in ("amina", "bruno", "chen"):
        owner = user(name)
        org = create_organization(
            creator=owner, name=f"{name.title()} Network", stakeholder_type="civil_society"
        )
        titles[name] = initiative(org, owner, line, title={"en": f"{name.title()} community links"}).pk
    second = initiative(org, owner, line, title={"en": "Chen second project"})  # same organization as chen's
    make_moderator(user=user("moderator"))
    for name in ("expert1", "expert2", "voter1", "voter2", "voter3"):
        user(name)
    return {"cycle": cycle, "entries": titles, "second": second.pk}


def serve_static(context) -> None:
    """pytest-django's live server answers 404 for static files when DEBUG is off (Django's staticfiles
    view refuses), while production serves them with WhiteNoise (tested in tests/web/test_serve.py). The
    browser gets the collected files straight from STATIC_ROOT, so the voting page's script runs."""
    root = Path(settings.STATIC_ROOT)

    def fulfil(route) -> None:
        path = root / urlsplit(route.request.url).path.removeprefix("/static/")
        if path.is_file():
            kind = (
                "text/javascript" if path.suffix == ".js" else "text/css" if path.suffix == ".css" else None
            )
            route.fulfill(path=str(path), content_type=kind)
        else:
            route.fulfill(status=404)

    context.route("**/static/**", fulfil)


def sign_in(browser, base, username):
    context = browser.new_context()
    serve_static(context)
    page = context.new_page()
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    return page


def move(page, base, phase, edge, reason):
    """The moderator moves a phase date to the current minute, with a reason."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    page.goto(f"{base}/en/prizes/2026/moderate/")
    page.select_option("select[name=phase]", phase)
    page.select_option("select[name=edge]", edge)
    page.fill("input[name=when]", now)
    page.fill("#m-reason", reason)
    page.get_by_role("button", name="Change the date").click()
    page.get_by_text("Phase date changed.").wait_for()


def submit(page, base, initiative_pk):
    page.goto(f"{base}/en/prizes/2026/submit/")
    page.select_option("select[name=initiative]", str(initiative_pk))
    page.select_option("select[name=category]", "1")
    page.fill("textarea[name=summary]", summary(170))
    page.fill("textarea[name=sdg_link]", "SDG 9.c: universal access.")
    page.fill("textarea[name=impact_qualitative]", "Clinics book appointments online.")
    page.fill("textarea[name=impact_quantitative]", "12 clinics, 30 schools.")
    page.get_by_role("button", name="Submit the entry").click()


@pytest.mark.django_db(transaction=True, available_apps=APPS)
def test_a_whole_cycle(live_server, cast, browser, mailoutbox):
    base = live_server.url
    entrants = {name: sign_in(browser, base, name) for name in cast["entries"]}
    for name, page in entrants.items():
        submit(page, base, cast["entries"][name])
        page.get_by_text("Entry received").wait_for()
    # 1. An ineligible entry is refused with the rule it breaks.
    submit(entrants["chen"], base, cast["second"])
    entrants["chen"].get_by_text("already has a project in category 1").wait_for()

    moderator = sign_in(browser, base, "moderator")
    move(moderator, base, "submission", "closes", "Entries closed on schedule")
    move(moderator, base, "review", "opens", "Review starts")
    for expert in ("expert1", "expert2"):
        moderator.goto(f"{base}/en/prizes/2026/moderate/")  # a fresh page: no earlier message to match
        moderator.fill("#a-user", expert)
        moderator.select_option("#a-cat", "1")
        moderator.get_by_role("button", name="Assign", exact=True).click()
        moderator.get_by_text("Reviewer assigned.").wait_for()

    # 2. Reviewers score, blind to each other until they submit.
    for expert, base_score in (("expert1", 8), ("expert2", 6)):
        page = sign_in(browser, base, expert)
        page.goto(f"{base}/en/prizes/2026/review/")
        if expert == "expert2":
            assert "expert1:" not in page.content()
        for index in range(3):
            section = page.locator("section.entry").nth(index)
            for field in section.locator("input[type=number]").all():
                field.fill(str(base_score - index))
            section.get_by_role("button", name="Submit the review").click()
            page.get_by_text("Review saved.").wait_for()
        if expert == "expert2":
            assert "expert1:" in page.content()

    # 3. Nominees from the scores.
    moderator.goto(f"{base}/en/prizes/2026/moderate/")
    moderator.click("text=Derive the nominees from the scores")
    moderator.get_by_text("3 nominees derived from the scores.").wait_for()
    move(moderator, base, "review", "closes", "Review done")
    move(moderator, base, "voting", "opens", "Voting starts")

    # 4. Voting with the in-browser proof of work; a second vote in the category is refused.
    choices = {
        "voter1": "Amina community links",
        "voter2": "Amina community links",
        "voter3": "Bruno community links",
    }
    for voter, title in choices.items():
        page = sign_in(browser, base, voter)
        page.goto(f"{base}/en/prizes/2026/vote/")
        page.get_by_label(title).check()
        page.click("text=Vote in this category")
        page.get_by_text("Thank you: your vote is recorded").wait_for()
        page.wait_for_load_state("load")  # the puzzle script is deferred: let it attach before the next click
        if voter == "voter1":
            page.get_by_label("Chen community links").check()
            page.click("text=Vote in this category")
            page.get_by_text("already voted in category 1").wait_for()

    # 5. Tally, champions and the experts' winner.
    move(moderator, base, "voting", "closes", "End of the vote")
    move(moderator, base, "selection", "opens", "Expert selection")
    moderator.goto(f"{base}/en/prizes/2026/moderate/")
    moderator.click("text=Run the anomaly rules and the tally")
    moderator.get_by_text("Tally of 3 ballots; 0 anomaly flags.").wait_for()
    moderator.get_by_label("Amina community links (2)").check()
    moderator.click("text=Select the winner")
    moderator.get_by_text("Winner selected.").wait_for()

    visitor = browser.new_context().new_page()
    visitor.goto(f"{base}/en/prizes/2026/results/")
    rows = visitor.locator("tbody tr")
    assert "Amina community links" in rows.nth(0).inner_text() and "Winner" in rows.nth(0).inner_text()
    assert "2" in rows.nth(0).inner_text() and "Champion" in rows.nth(1).inner_text()
    assert "Champion" not in rows.nth(2).inner_text()
    visitor.goto(f"{base}/fr/prizes/2026/stories/")
    assert "Amina community links" in visitor.content() and "Bruno community links" in visitor.content()
