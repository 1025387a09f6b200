"""The workspace's whole path in a real browser (Playwright driving Debian's chromium) against a live
server: a facilitator sets up the C2 workspace; an organization asks to join and the facilitator approves;
the organization proposes an issue and the facilitator triages it; a meeting is held with minutes, a
decision and a follow-up action; the action goes overdue and is shown as such; the minutes are adopted
and an anonymous visitor reads them at their public URL."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model

from tests.browser import BASE_APPS
from tests.registry.factories import PASSWORD
from tests.registry.test_browser import sign_in
from wsis.apps.accounts.domain.organizations import create_organization
from wsis.apps.accounts.domain.staff import make_facilitator

APPS = [*BASE_APPS, "wsis.apps.accounts", "wsis.apps.registry", "wsis.apps.workspaces", "wsis.apps.reports"]


@pytest.fixture
def people(live_server):
    # Made before the browser starts: Playwright's event loop forbids database calls in the test body.
    users = get_user_model().objects
    facilitator = users.create_user("fac_c2", "fac@example.org", PASSWORD)
    make_facilitator(user=facilitator, line_code="C2")
    owner = users.create_user("amina", "amina@example.org", PASSWORD)
    org = create_organization(creator=owner, name="Rural Connect", stakeholder_type="civil_society")
    return facilitator, owner, org


def _move_due_date_back(days: int) -> None:
    """Time passes: the follow-up action's due date moves into the past (in another thread, out of
    Playwright's event loop)."""
    from wsis.apps.workspaces.models import FollowUp

    def move():
        from django.db import connection

        FollowUp.objects.update(due=dt.date.today() - dt.timedelta(days=days))
        connection.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(move).result()


@pytest.mark.django_db(transaction=True, available_apps=APPS)
def test_set_up_join_propose_triage_meet_overdue_adopt_publish(model_relations, live_server, people, browser):
    base = live_server.url
    fac = browser.new_context().new_page()
    sign_in(fac, base, "fac_c2")
    fac.goto(f"{base}/en/workspaces/C2/setup/")
    fac.fill("textarea[name=purpose]", "Coordinating rural backbone work")
    fac.click("main button[type=submit]")
    fac.get_by_role("heading", name=re.compile("Workspace of action line C2")).wait_for()
    assert "Coordinating rural backbone work" in fac.content()

    org = browser.new_context().new_page()
    sign_in(org, base, "amina")
    org.goto(f"{base}/en/workspaces/C2/members/")
    org.click("button[value=request]")
    fac.goto(f"{base}/en/workspaces/C2/members/")
    fac.click("button[value=approve]")
    fac.get_by_text("request approved").first.wait_for()
    org.goto(f"{base}/en/workspaces/C2/issues/")
    org.fill("input[name=title]", "Backhaul prices in rural areas")
    org.fill("textarea[name=description]", "Backhaul costs block rural networks.")
    org.click("main form button[type=submit]")
    issue_url = org.url
    assert "Proposed" in org.locator(".issue-status").inner_text()

    fac.goto(issue_url)
    fac.select_option("select[name=status]", "in_progress")
    fac.fill("input[name=owner]", "amina")
    fac.fill("input[name=targets]", "9.c")
    fac.click("main form button[type=submit]")
    fac.wait_for_load_state()  # the click returns at commit; read the answered page, not the form
    assert fac.locator(".issue-status").inner_text() == "In progress"
    assert "status proposed → in_progress" in fac.content()

    fac.goto(f"{base}/en/workspaces/C2/meetings/")
    fac.fill("input[name=title]", "Second quarter meeting")
    fac.fill("input[name=held_on]", "2026-06-01")
    fac.fill("textarea[name=agenda]", "1. Backhaul prices")
    fac.click("main form button[type=submit]")
    meeting_url = fac.url
    fac.fill("textarea[name=minutes]", "The workspace agreed to survey backhaul prices.")
    fac.click("button[value=minutes]")
    fac.fill("textarea[name=decision]", "Survey backhaul prices in five countries")
    fac.fill("input[name=follow_up]", "Send the survey")
    fac.fill("input[name=owner]", "amina")
    fac.fill("input[name=due]", (dt.date.today() + dt.timedelta(days=3)).isoformat())
    fac.click("button[value=decide]")
    assert fac.locator(".follow-up.overdue").count() == 0

    _move_due_date_back(2)
    org.goto(meeting_url)
    org.locator(".follow-up.overdue .overdue-flag").wait_for()
    assert "1 follow-up action is overdue." in org.content()

    anonymous = browser.new_context().new_page()
    minutes_url = meeting_url.replace("/meetings/", "/minutes/")
    assert anonymous.goto(minutes_url).status == 404  # draft minutes are not public
    fac.goto(meeting_url)
    fac.click("button[value=adopt]")
    assert fac.locator(".minutes-state").inner_text() == "Adopted"
    assert anonymous.goto(minutes_url).status == 200
    assert "The workspace agreed to survey backhaul prices." in anonymous.content()
    assert "Survey backhaul prices in five countries" in anonymous.content()
    anonymous.goto(f"{base}/en/workspaces/C2/")
    assert anonymous.get_by_role("link", name="Second quarter meeting").count() == 1
    assert anonymous.get_by_role("link", name="Backhaul prices in rural areas").count() == 1
