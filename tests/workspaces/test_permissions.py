"""The permission matrix of the workspaces: every page and API endpoint, for every role, with forged
requests (another line's objects through this line's URLs, a missing CSRF token, a non-member reading
private notes and draft minutes through the API).

A denied request must answer 401/403/404 (or send an anonymous visitor to sign in) and change nothing;
an allowed one must succeed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.registry.test_permissions import _allowed, _csrf_client, _denied
from tests.workspaces.test_domain import PDF
from wsis.apps.accounts.domain.tokens import issue_token
from wsis.apps.workspaces import models as m
from wsis.apps.workspaces.domain.issues import propose, triage
from wsis.apps.workspaces.domain.meetings import add_document, adopt, assign, decide, hold, write_minutes
from wsis.apps.workspaces.domain.members import change
from wsis.apps.workspaces.domain.notes import add_note

ROLES = ["anonymous", "user", "editor", "nonmember", "facilitator", "facilitator_other", "admin"]
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
MANAGERS = {"facilitator", "admin"}
MEMBERS = {"editor"} | MANAGERS
OTHER_MANAGERS = {"facilitator_other", "admin"}

# (name, method, url template, data, allowed roles). Templates use the keys of ``_objects``.
PAGES = [
    ("index", "get", "/en/workspaces/", None, EVERYONE),
    ("workspace", "get", "/en/workspaces/C2/", None, EVERYONE),
    ("setup form", "get", "/en/workspaces/C2/setup/", None, MANAGERS),
    ("setup", "post", "/en/workspaces/C2/setup/", {"purpose": "New purpose"}, MANAGERS),
    ("setup another line", "post", "/en/workspaces/C5/setup/", {"purpose": "Taken over"}, OTHER_MANAGERS),
    ("setup a sub-line of another", "post", "/en/workspaces/C7.a/setup/", {"purpose": "x"}, {"admin"}),
    ("members", "get", "/en/workspaces/C2/members/", None, EVERYONE),
    (
        "ask to join",
        "post",
        "/en/workspaces/C2/members/",
        {"organization": "{other_org}", "action": "request"},
        {"nonmember", "admin"},
    ),
    (
        "accept an invitation for another's organization",
        "post",
        "/en/workspaces/C5/members/",
        {"organization": "{member_org}", "action": "accept"},
        {"editor", "admin"},
    ),
    (
        "invite",
        "post",
        "/en/workspaces/C2/members/",
        {"organization": "{other_org}", "action": "invite"},
        MANAGERS,
    ),
    (
        "invite into another line",
        "post",
        "/en/workspaces/C5/members/",
        {"organization": "{other_org}", "action": "invite"},
        OTHER_MANAGERS,
    ),
    (
        "remove a member",
        "post",
        "/en/workspaces/C2/members/",
        {"organization": "{member_org}", "action": "remove"},
        MANAGERS,
    ),
    ("digest choice", "post", "/en/workspaces/C2/digest/", {"period": "daily"}, MEMBERS),
    ("issues", "get", "/en/workspaces/C2/issues/", None, EVERYONE),
    ("propose", "post", "/en/workspaces/C2/issues/", {"title": "T", "description": "D"}, SIGNED_IN),
    ("open issue", "get", "/en/workspaces/C2/issues/{open_issue}/", None, EVERYONE),
    ("proposed issue", "get", "/en/workspaces/C2/issues/{proposed_issue}/", None, MEMBERS),
    (
        "triage",
        "post",
        "/en/workspaces/C2/issues/{proposed_issue}/",
        {"status": "open", "owner": "", "targets": ""},
        MANAGERS,
    ),
    (
        "triage another line's issue through this line",
        "post",
        "/en/workspaces/C2/issues/{other_issue}/",
        {"status": "open"},
        set(),
    ),
    (
        "triage another line's issue",
        "post",
        "/en/workspaces/C5/issues/{other_issue}/",
        {"status": "open"},
        OTHER_MANAGERS,
    ),
    ("meetings", "get", "/en/workspaces/C2/meetings/", None, MEMBERS),
    (
        "new meeting",
        "post",
        "/en/workspaces/C2/meetings/",
        {"title": "Q3", "held_on": "2026-09-01", "agenda": "x"},
        MANAGERS,
    ),
    ("draft meeting", "get", "/en/workspaces/C2/meetings/{draft}/", None, MEMBERS),
    (
        "write minutes",
        "post",
        "/en/workspaces/C2/meetings/{draft}/",
        {"action": "minutes", "minutes": "M"},
        MANAGERS,
    ),
    ("adopt minutes", "post", "/en/workspaces/C2/meetings/{draft}/", {"action": "adopt"}, MANAGERS),
    (
        "decide",
        "post",
        "/en/workspaces/C2/meetings/{draft}/",
        {"action": "decide", "decision": "D", "follow_up": "F", "owner": "editor", "due": "2026-05-01"},
        MANAGERS,
    ),
    ("upload", "post", "/en/workspaces/C2/meetings/{draft}/", {"action": "upload", "file": "PDF"}, MANAGERS),
    (
        "complete own action",
        "post",
        "/en/workspaces/C2/meetings/{draft}/",
        {"action": "complete", "follow_up": "{follow_up}"},
        MEMBERS,
    ),
    (
        "another line's meeting through this line",
        "get",
        "/en/workspaces/C2/meetings/{other_meeting}/",
        None,
        set(),
    ),
    ("another line's meeting", "get", "/en/workspaces/C5/meetings/{other_meeting}/", None, OTHER_MANAGERS),
    ("document", "get", "/en/workspaces/C2/meetings/{draft}/documents/{document}/", None, MEMBERS),
    ("adopted minutes", "get", "/en/workspaces/C2/minutes/{adopted}/", None, EVERYONE),
    ("draft minutes at the public URL", "get", "/en/workspaces/C2/minutes/{draft}/", None, set()),
    ("notes", "get", "/en/workspaces/C2/notes/", None, MEMBERS),
    ("add note", "post", "/en/workspaces/C2/notes/", {"text": "Private"}, MANAGERS),
    ("another line's notes", "get", "/en/workspaces/C5/notes/", None, OTHER_MANAGERS),
    ("partnerships", "get", "/en/workspaces/C2/partnerships/", None, EVERYONE),
    (
        "declare a need",
        "post",
        "/en/workspaces/C2/partnerships/",
        {"initiative": "{initiative}", "direction": "seeks", "kind": "funding"},
        {"editor", "admin"},
    ),
]

API = [
    ("api workspace", "/api/v1/workspaces/C2", EVERYONE),
    ("api issues", "/api/v1/workspaces/C2/issues", EVERYONE),
    ("api notes", "/api/v1/workspaces/C2/notes", MEMBERS),
    ("api another line's notes", "/api/v1/workspaces/C5/notes", OTHER_MANAGERS),
    ("api adopted minutes", "/api/v1/workspaces/C2/meetings/{adopted}/minutes", EVERYONE),
    ("api draft minutes", "/api/v1/workspaces/C2/meetings/{draft}/minutes", MEMBERS),
    (
        "api another line's minutes through this line",
        "/api/v1/workspaces/C2/meetings/{other_meeting}/minutes",
        set(),
    ),
    ("api open issue", "/api/v1/workspaces/C2/issues/{open_issue}", EVERYONE),
    ("api proposed issue", "/api/v1/workspaces/C2/issues/{proposed_issue}", MEMBERS),
    ("api another line's issue through this line", "/api/v1/workspaces/C2/issues/{other_issue}", set()),
    ("api memberships", "/api/v1/workspaces/C2/memberships", EVERYONE),
    ("api membership log", "/api/v1/workspaces/C2/memberships/log", MEMBERS),
    ("api another line's membership log", "/api/v1/workspaces/C5/memberships/log", OTHER_MANAGERS),
]

# The write API: (name, method, url template, JSON body, allowed roles), the same rights as the pages.
API_WRITES = [
    (
        "api ask to join",
        "post",
        "/api/v1/workspaces/C2/memberships",
        {"organization": "{other_org}", "action": "request"},
        {"nonmember", "admin"},
    ),
    (
        "api accept an invitation for another's organization",
        "post",
        "/api/v1/workspaces/C5/memberships",
        {"organization": "{member_org}", "action": "accept"},
        {"editor", "admin"},
    ),
    (
        "api invite",
        "post",
        "/api/v1/workspaces/C2/memberships",
        {"organization": "{other_org}", "action": "invite"},
        MANAGERS,
    ),
    (
        "api invite into another line",
        "post",
        "/api/v1/workspaces/C5/memberships",
        {"organization": "{other_org}", "action": "invite"},
        OTHER_MANAGERS,
    ),
    (
        "api remove a member",
        "post",
        "/api/v1/workspaces/C2/memberships",
        {"organization": "{member_org}", "action": "remove"},
        MANAGERS,
    ),
    ("api propose", "post", "/api/v1/workspaces/C2/issues", {"title": "T", "description": "D"}, SIGNED_IN),
    (
        "api triage",
        "patch",
        "/api/v1/workspaces/C2/issues/{proposed_issue}",
        {"status": "open", "owner": "editor", "targets": ["9.c"]},
        MANAGERS,
    ),
    (
        "api triage another line's issue through this line",
        "patch",
        "/api/v1/workspaces/C2/issues/{other_issue}",
        {"status": "open"},
        set(),
    ),
    (
        "api triage another line's issue",
        "patch",
        "/api/v1/workspaces/C5/issues/{other_issue}",
        {"status": "open"},
        OTHER_MANAGERS,
    ),
    (
        "api new meeting",
        "post",
        "/api/v1/workspaces/C2/meetings",
        {"title": "Q3", "held_on": "2026-09-01", "agenda": "x"},
        MANAGERS,
    ),
    (
        "api write minutes",
        "put",
        "/api/v1/workspaces/C2/meetings/{draft}/minutes",
        {"minutes": "M"},
        MANAGERS,
    ),
    (
        "api write another line's minutes through this line",
        "put",
        "/api/v1/workspaces/C2/meetings/{other_meeting}/minutes",
        {"minutes": "M"},
        set(),
    ),
    ("api adopt minutes", "post", "/api/v1/workspaces/C2/meetings/{draft}/adoption", None, MANAGERS),
    (
        "api decide",
        "post",
        "/api/v1/workspaces/C2/meetings/{draft}/decisions",
        {"text": "D", "action": {"text": "F", "owner": "editor", "due": "2026-05-01"}},
        MANAGERS,
    ),
    (
        "api decide in another line's meeting",
        "post",
        "/api/v1/workspaces/C5/meetings/{other_meeting}/decisions",
        {"text": "D"},
        OTHER_MANAGERS,
    ),
    ("api complete own action", "post", "/api/v1/workspaces/C2/actions/{follow_up}/done", None, MEMBERS),
    (
        "api complete an action through another line",
        "post",
        "/api/v1/workspaces/C5/actions/{follow_up}/done",
        None,
        set(),
    ),
    ("api add note", "post", "/api/v1/workspaces/C2/notes", {"text": "Private"}, MANAGERS),
    ("api add note in another line", "post", "/api/v1/workspaces/C5/notes", {"text": "x"}, OTHER_MANAGERS),
]


def _user(cast, role):
    return None if role == "anonymous" else getattr(cast, role)


def _objects(cast, settings, tmp_path) -> dict:
    settings.DATA_DIR = tmp_path
    ws, fac = cast.workspace, cast.facilitator
    open_issue = propose(workspace=ws, title="Backhaul", description="Costs", by=cast.editor)
    triage(issue=open_issue, by=fac, status="open")
    proposed = propose(workspace=ws, title="Spectrum", description="Idle", by=cast.editor)
    other_issue = propose(workspace=cast.other_workspace, title="Other", description="x", by=cast.nonmember)
    draft = hold(workspace=ws, title="Q2", held_on="2026-06-01", agenda="Agenda", by=fac)
    write_minutes(meeting=draft, minutes="Draft minutes, members only", by=fac)
    follow_up = assign(
        decision=decide(meeting=draft, text="Survey", by=fac),
        text="Send it",
        owner="editor",
        due="2026-07-01",
        by=fac,
    )
    document = add_document(meeting=draft, name="plan.pdf", content=PDF, by=fac)
    adopted = hold(workspace=ws, title="Q1", held_on="2026-03-01", agenda="Agenda", by=fac)
    write_minutes(meeting=adopted, minutes="Adopted minutes", by=fac)
    adopt(meeting=adopted, by=fac)
    other_meeting = hold(
        workspace=cast.other_workspace,
        title="C5 Q1",
        held_on="2026-03-01",
        agenda="",
        by=cast.facilitator_other,
    )
    write_minutes(meeting=other_meeting, minutes="C5 draft", by=cast.facilitator_other)
    add_note(workspace=ws, text="Facilitators only", by=fac)
    change(
        workspace=cast.other_workspace,
        organization=cast.member_org,
        action="invite",
        actor=cast.facilitator_other,
    )
    add_note(workspace=cast.other_workspace, text="C5 note", by=cast.facilitator_other)
    return {
        "open_issue": open_issue.pk,
        "proposed_issue": proposed.pk,
        "other_issue": other_issue.pk,
        "draft": draft.pk,
        "adopted": adopted.pk,
        "other_meeting": other_meeting.pk,
        "follow_up": follow_up.pk,
        "document": document.pk,
        "other_org": cast.other_org.pk,
        "member_org": cast.member_org.pk,
        "initiative": cast.initiative.pk,
    }


def _state() -> dict:
    """Everything a request could change, to compare before and after a refused one."""
    return {
        "workspaces": sorted(m.Workspace.objects.values_list("line_id", "purpose")),
        "memberships": sorted(m.Membership.objects.values_list("workspace_id", "organization_id", "state")),
        "events": m.MembershipEvent.objects.count(),
        "issues": sorted(m.Issue.objects.values_list("pk", "status", "owner_id")),
        "changes": m.IssueChange.objects.count(),
        "meetings": sorted(m.Meeting.objects.values_list("pk", "minutes", "minutes_state")),
        "decisions": m.Decision.objects.count(),
        "actions": sorted(m.FollowUp.objects.values_list("pk", "done_at")),
        "documents": m.MeetingDocument.objects.count(),
        "notes": m.Note.objects.count(),
        "signals": m.PartnerSignal.objects.count(),
        "digest": sorted(m.DigestChoice.objects.values_list("user_id", "period")),
    }


def _body(data: dict, ids: dict) -> dict:
    body = {k: v.format(**ids) for k, v in data.items()}
    if body.get("file") == "PDF":
        body["file"] = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    return body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGES, ids=[c[0] for c in PAGES])
def test_pages(cast, case, role, settings, tmp_path):
    name, method, url, data, allowed = case
    ids = _objects(cast, settings, tmp_path)
    client, token = _csrf_client(_user(cast, role))
    before = _state()
    if method == "get":
        response = client.get(url.format(**ids))
    else:
        response = client.post(url.format(**ids), _body(data, ids), headers={"X-CSRFToken": token})
    if role in allowed:
        assert _allowed(response), f"{name} as {role}: {response.status_code}"
        if method == "post":
            assert _state() != before, f"{name} as {role} was allowed but changed nothing"
    else:
        assert _denied(response), f"{name} as {role} should be denied: {response.status_code}"
        assert _state() == before, f"{name} as {role} changed data although denied"


@pytest.mark.parametrize(
    "case", [c for c in PAGES if c[1] == "post"], ids=[c[0] for c in PAGES if c[1] == "post"]
)
def test_posts_without_csrf_are_refused_and_change_nothing(cast, case, settings, tmp_path):
    name, _, url, data, _allowed_roles = case
    ids = _objects(cast, settings, tmp_path)
    client, _ = _csrf_client(cast.admin)  # the role allowed everything: only the missing token stops it
    before = _state()
    response = client.post(url.format(**ids), _body(data, ids))
    assert response.status_code == 403, f"{name} without CSRF: {response.status_code}"
    assert _state() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API, ids=[c[0] for c in API])
def test_api(cast, case, role, client, settings, tmp_path):
    name, url, allowed = case
    ids = _objects(cast, settings, tmp_path)
    user = _user(cast, role)
    headers = {"Authorization": f"Bearer {issue_token(user=user)}"} if user else {}
    response = client.get(url.format(**ids), headers=headers)
    if role in allowed:
        assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
    else:
        assert response.status_code in (401, 403, 404), f"{name} as {role}: {response.status_code}"
        assert set(response.json()) == {"detail"}
        assert not any(text in response.content.decode() for text in PRIVATE_TEXTS)


def _json(data, ids: dict):
    """The body with ``{key}`` placeholders filled: numbers where a whole value is a placeholder."""
    if isinstance(data, dict):
        return {k: _json(v, ids) for k, v in data.items()}
    if isinstance(data, list):
        return [_json(v, ids) for v in data]
    if isinstance(data, str) and data.startswith("{") and data.endswith("}"):
        return ids[data[1:-1]]
    return data


PRIVATE_TEXTS = ("Facilitators only", "members only", "C5 note", "C5 draft")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API_WRITES, ids=[c[0] for c in API_WRITES])
def test_api_writes(cast, case, role, client, settings, tmp_path):
    name, method, url, data, allowed = case
    ids = _objects(cast, settings, tmp_path)
    user = _user(cast, role)
    headers = {"Authorization": f"Bearer {issue_token(user=user)}"} if user else {}
    before = _state()
    send = getattr(client, method)
    response = send(
        url.format(**ids), _json(data, ids) or {}, content_type="application/json", headers=headers
    )
    if role in allowed:
        assert response.status_code in (200, 201), (
            f"{name} as {role}: {response.status_code} {response.content}"
        )
        assert _state() != before, f"{name} as {role} was allowed but changed nothing"
    else:
        expected = (401,) if user is None else (403, 404)
        assert response.status_code in expected, f"{name} as {role}: {response.status_code}"
        assert _state() == before, f"{name} as {role} changed data although denied"
        body = response.json()
        assert set(body) == {"detail"}, f"{name} as {role} answered more than a refusal: {body}"
        assert not any(text in response.content.decode() for text in PRIVATE_TEXTS)


def test_a_signed_in_browser_session_is_no_api_credential(cast, settings, tmp_path):
    """A forged cross-site request rides on the victim's session cookie: the write API ignores cookies."""
    ids = _objects(cast, settings, tmp_path)
    client, _ = _csrf_client(cast.admin)
    before = _state()
    for _, method, url, data, _roles in API_WRITES:
        body = _json(data, ids) or {}
        response = getattr(client, method)(url.format(**ids), body, content_type="application/json")
        assert response.status_code == 401, f"{url} with a session cookie only: {response.status_code}"
    assert _state() == before


def test_api_hides_proposed_issues_and_private_text_from_non_members(cast, client, settings, tmp_path):
    _objects(cast, settings, tmp_path)
    public = client.get("/api/v1/workspaces/C2/issues").json()
    assert [i["title"] for i in public] == ["Backhaul"]
    token = issue_token(user=cast.editor)
    member = client.get("/api/v1/workspaces/C2/issues", headers={"Authorization": f"Bearer {token}"}).json()
    assert sorted(i["title"] for i in member) == ["Backhaul", "Spectrum"]
    outsider = issue_token(user=cast.nonmember)
    response = client.get("/api/v1/workspaces/C2/notes", headers={"Authorization": f"Bearer {outsider}"})
    assert response.status_code == 403 and b"Facilitators only" not in response.content
    assert (
        client.get("/api/v1/workspaces/C2/notes", headers={"Authorization": "Bearer forged"}).status_code
        == 401
    )
