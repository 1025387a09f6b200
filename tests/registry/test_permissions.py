"""The permission matrix: every page and API endpoint of the registry and accounts, for every role, with
forged requests (another organization's entry, another line's queue, a missing CSRF token).

A denied request must answer 403/404/401 (or send an anonymous visitor to sign in) and change nothing;
an allowed one must succeed."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils.crypto import get_random_string

from wsis.apps.accounts.domain.tokens import issue_token, user_for_token
from wsis.apps.accounts.models import ApiToken
from wsis.apps.registry.models import Initiative

ROLES = ["anonymous", "user", "editor", "owner", "facilitator", "facilitator_other", "moderator", "admin"]
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
WRITERS = {"editor", "owner", "admin"}
SEES_DRAFT = {"editor", "owner", "moderator", "admin"}
SEES_SUBMITTED = SEES_DRAFT | {"facilitator"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form_data(**over) -> dict:
    data = {
        "kind": "initiative",
        "original_language": "en",
        "action_lines": ["C2"],
        "targets": "9.c: 40 schools",
        "countries": ["KEN"],
        "scope": "national",
        "activity_status": "ongoing",
        "start_date": "2023-01-01",
        "budget_currency": "USD",
        "partners": "4: Ministry",
        "links": "https://example.org/x",
        "results": "Schools | 2024 | 0 | 40 | 12",
        "title_en": "Edited title",
        "description_en": "Edited description",
    }
    data.update(over)
    return data


def api_body(org_id: int) -> dict:
    return {
        "organization": org_id,
        "title": {"en": "API entry"},
        "description": {"en": "Made by the API"},
        "action_lines": ["C2"],
        "start_date": "2024-01-01",
        "countries": ["KEN"],
    }


# (name, method, url template, data, allowed roles). Templates use {draft}, {submitted}, {published},
# {other_draft}, {org}, {other_org}, {attachment}.
PAGES = [
    ("search", "get", "/en/registry/", None, EVERYONE),
    ("detail published", "get", "/en/registry/{published}/", None, EVERYONE),
    ("detail draft", "get", "/en/registry/{draft}/", None, SEES_DRAFT),
    ("detail submitted", "get", "/en/registry/{submitted}/", None, SEES_SUBMITTED),
    ("detail other org draft", "get", "/en/registry/{other_draft}/", None, {"moderator", "admin"}),
    ("versions published", "get", "/en/registry/{published}/versions/", None, EVERYONE),
    ("versions draft", "get", "/en/registry/{draft}/versions/", None, SEES_DRAFT),
    ("diff draft", "get", "/en/registry/{draft}/versions/1/1/", None, SEES_DRAFT),
    ("decision log", "get", "/en/registry/decisions/", None, EVERYONE),
    ("feed", "get", "/en/registry/feed.atom", None, EVERYONE),
    ("dumps", "get", "/en/registry/dumps/", None, EVERYONE),
    ("new form", "get", "/en/registry/new/?org={org}", None, WRITERS),
    ("new form other org", "get", "/en/registry/new/?org={other_org}", None, {"admin"}),
    ("create", "post", "/en/registry/new/", form_data(org="{org}"), WRITERS),
    ("create in other org", "post", "/en/registry/new/", form_data(org="{other_org}"), {"admin"}),
    ("edit form", "get", "/en/registry/{draft}/edit/", None, WRITERS),
    ("edit", "post", "/en/registry/{draft}/edit/", form_data(), WRITERS),
    ("edit other org's entry", "post", "/en/registry/{other_draft}/edit/", form_data(), {"admin"}),
    ("edit submitted", "post", "/en/registry/{submitted}/edit/", form_data(), set()),
    ("submit page", "get", "/en/registry/{draft}/submit/", None, WRITERS),
    ("submit", "post", "/en/registry/{draft}/submit/", {}, WRITERS),
    ("submit other org's entry", "post", "/en/registry/{other_draft}/submit/", {}, {"admin"}),
    (
        "review",
        "post",
        "/en/registry/{submitted}/review/",
        {"action": "publish", "reason": "ok"},
        {"facilitator", "admin"},
    ),
    ("review draft", "post", "/en/registry/{draft}/review/", {"action": "publish"}, set()),
    ("queues", "get", "/en/registry/queues/", None, SIGNED_IN),
    ("own line queue", "get", "/en/registry/queues/C2/", None, {"facilitator", "admin"}),
    ("another line's queue", "get", "/en/registry/queues/C5/", None, {"facilitator_other", "admin"}),
    (
        "merge",
        "post",
        "/en/registry/{submitted}/merge/",
        {"into": "{published}", "reason": "same"},
        {"moderator", "admin"},
    ),
    ("verify", "post", "/en/registry/{published}/verify/", {}, WRITERS),
    (
        "progress on a non-pledge",
        "post",
        "/en/registry/{published}/progress/",
        {"year": 2025, "text": "x"},
        set(),
    ),
    ("attach", "post", "/en/registry/{draft}/attachments/", {"file": "PDF"}, WRITERS),
    ("attachment of a draft", "get", "/en/registry/attachments/{attachment}/", None, SEES_DRAFT),
    ("import form", "get", "/en/registry/import/?org={org}", None, WRITERS),
    ("import into other org", "get", "/en/registry/import/?org={other_org}", None, {"admin"}),
    # A background import's progress and report: the organization's members and administrators only.
    ("import progress", "get", "/en/registry/imports/{bulk_import}/", None, WRITERS),
    ("import progress json", "get", "/en/registry/imports/{bulk_import}/?format=json", None, WRITERS),
    ("account", "get", "/en/accounts/", None, SIGNED_IN),
    ("new organization form", "get", "/en/accounts/organizations/new/", None, SIGNED_IN),
    ("organization page", "get", "/en/accounts/organizations/{org}/", None, EVERYONE),
    (
        "add member",
        "post",
        "/en/accounts/organizations/{org}/",
        {"username": "member", "role": "owner"},
        {"owner", "admin"},
    ),
    (
        "add member to other org",
        "post",
        "/en/accounts/organizations/{other_org}/",
        {"username": "member", "role": "owner"},
        {"admin"},
    ),
    ("new token", "post", "/en/accounts/tokens/", {"label": "x"}, SIGNED_IN),
    ("tokens page", "get", "/en/registry/tokens/", None, SIGNED_IN),
    ("revoke own token", "post", "/en/registry/tokens/{token}/revoke/", {}, {"owner", "admin"}),
]

API = [
    ("api list", "get", "/api/v1/registry/initiatives", None, EVERYONE),
    ("api published", "get", "/api/v1/registry/initiatives/{published}", None, EVERYONE),
    ("api draft", "get", "/api/v1/registry/initiatives/{draft}", None, SEES_DRAFT),
    (
        "api other org draft",
        "get",
        "/api/v1/registry/initiatives/{other_draft}",
        None,
        {"moderator", "admin"},
    ),
    ("api create", "post", "/api/v1/registry/initiatives", "CREATE:{org}", WRITERS),
    ("api create in other org", "post", "/api/v1/registry/initiatives", "CREATE:{other_org}", {"admin"}),
    ("api update", "put", "/api/v1/registry/initiatives/{draft}", "CREATE:{org}", WRITERS),
    (
        "api update other org's entry",
        "put",
        "/api/v1/registry/initiatives/{other_draft}",
        "CREATE:{other_org}",
        {"admin"},
    ),
    ("api submit", "post", "/api/v1/registry/initiatives/{draft}/submit", None, WRITERS),
    (
        "api decide",
        "post",
        "/api/v1/registry/initiatives/{submitted}/decisions",
        {"action": "publish"},
        {"facilitator", "admin"},
    ),
    ("api decisions log", "get", "/api/v1/registry/decisions", None, EVERYONE),
]


def _user(world, role):
    return (
        None
        if role == "anonymous"
        else {
            "user": world.outsider,
            "editor": world.editor,
            "owner": world.owner,
            "facilitator": world.facilitator,
            "facilitator_other": world.facilitator_other,
            "moderator": world.moderator,
            "admin": world.admin,
        }[role]
    )


def _ids(world) -> dict:
    from wsis.apps.registry.domain.attachments import add_attachment
    from wsis.apps.registry.domain.background import queue_import

    attachment = add_attachment(initiative=world.draft, name="plan.pdf", content=PDF)
    bulk = queue_import(
        name="entries.csv", content=b"ref,title_en\n", organization=world.org, actor=world.owner
    )
    return {
        "bulk_import": bulk.key,
        "draft": world.draft.pk,
        "submitted": world.submitted.pk,
        "published": world.published.pk,
        "other_draft": world.other_draft.pk,
        "org": world.org.pk,
        "other_org": world.other_org.pk,
        "attachment": attachment.pk,
        # A token of the organization's owner: only they (and an admin) may revoke it.
        "token": _owner_token(world).pk,
    }


def _owner_token(world):
    issue_token(user=world.owner, label="owner's script")
    return ApiToken.objects.filter(user=world.owner).latest("pk")


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _snapshot_states() -> dict:
    return dict(Initiative.objects.values_list("pk", "state")) | {
        "count": Initiative.objects.count(),
        "revoked tokens": sorted(ApiToken.objects.filter(revoked=True).values_list("pk", flat=True)),
    }


def _csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    token = get_random_string(32)
    client.cookies["csrftoken"] = token
    return client, token


def _denied(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def _allowed(response) -> bool:
    if response.status_code in (200, 201):
        return True
    return response.status_code == 302 and "/accounts/login/" not in response["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGES, ids=[c[0] for c in PAGES])
def test_pages(world, case, role):
    name, method, url, data, allowed = case
    ids = _ids(world)
    client, token = _csrf_client(_user(world, role))
    before = _snapshot_states()
    if method == "get":
        response = client.get(_fill(url, ids))
    else:
        body = {k: _fill(v, ids) for k, v in data.items()}
        if body.get("file") == "PDF":
            from django.core.files.uploadedfile import SimpleUploadedFile

            body["file"] = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
        response = client.post(_fill(url, ids), body, headers={"X-CSRFToken": token})
    if role in allowed:
        assert _allowed(response), f"{name} as {role}: {response.status_code}"
        if method == "post" and "/accounts/login/" not in response.get("Location", ""):
            # The allowed POSTs that are workflow steps really took their step.
            if name == "submit":
                assert Initiative.objects.get(pk=ids["draft"]).state == "submitted"
            if name == "review":
                assert Initiative.objects.get(pk=ids["submitted"]).state == "published"
            if name == "revoke own token":
                assert ApiToken.objects.get(pk=ids["token"]).revoked
    else:
        assert _denied(response), f"{name} as {role} should be denied: {response.status_code}"
        assert _snapshot_states() == before, f"{name} as {role} changed data although denied"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API, ids=[c[0] for c in API])
def test_api(world, case, role, client):
    name, method, url, data, allowed = case
    ids = _ids(world)
    user = _user(world, role)
    headers = {"Authorization": f"Bearer {issue_token(user=user)}"} if user else {}
    if isinstance(data, str) and data.startswith("CREATE:"):
        body = json.dumps(api_body(int(_fill(data[7:], ids))))
    else:
        body = json.dumps(data or {})
    before = _snapshot_states()
    call = getattr(client, method)
    if method == "get":
        response = call(_fill(url, ids), headers=headers)
    else:
        response = call(_fill(url, ids), body, content_type="application/json", headers=headers)
    if role in allowed:
        assert response.status_code in (200, 201), (
            f"{name} as {role}: {response.status_code} {response.content[:300]}"
        )
    else:
        assert response.status_code in (401, 403, 404), f"{name} as {role}: {response.status_code}"
        assert _snapshot_states() == before


POSTS = [c for c in PAGES if c[1] == "post"]


@pytest.mark.parametrize("case", POSTS, ids=[c[0] for c in POSTS])
def test_missing_csrf_is_refused(world, case):
    """The same POSTs, by a role allowed to make them, without the CSRF token: refused, nothing changed."""
    name, method, url, data, allowed = case
    ids = _ids(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    before = _snapshot_states()
    body = {k: _fill(v, ids) for k, v in data.items() if v != "PDF"}
    response = client.post(_fill(url, ids), body)
    assert response.status_code == 403, name
    assert _snapshot_states() == before


def test_api_write_with_session_cookie_but_no_token_is_refused(world, client):
    """A browser session is not a credential for the API: a forged cross-site POST carries only cookies."""
    client.force_login(world.owner)
    before = _snapshot_states()
    response = client.post(
        "/api/v1/registry/initiatives", json.dumps(api_body(world.org.pk)), content_type="application/json"
    )
    assert response.status_code == 401
    assert _snapshot_states() == before


def test_private_contact_is_hidden_from_the_public(world, client):
    page = client.get(f"/en/registry/{world.published.pk}/").content.decode()
    assert "contact@example.org" not in page
    api = client.get(f"/api/v1/registry/initiatives/{world.published.pk}").json()
    assert "contact_email" not in api["data"]
    client.force_login(world.editor)
    assert "contact@example.org" in client.get(f"/en/registry/{world.published.pk}/").content.decode()


def test_tokens_page_lists_own_tokens_and_revoking_stops_the_api(world, client):
    """The owner sees their token by prefix, not another person's; once revoked it no longer authenticates
    (write or read) and stays listed as revoked."""
    mine = issue_token(user=world.owner, label="sync script")
    theirs = issue_token(user=world.editor, label="editor's script")
    client.force_login(world.owner)
    page = client.get("/en/registry/tokens/").content.decode()
    assert mine[:8] in page and "sync script" in page
    assert theirs[:8] not in page and "editor&#x27;s script" not in page
    assert user_for_token(token=mine) == world.owner
    token = ApiToken.objects.get(prefix=mine[:8])
    response = client.post(f"/en/registry/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert user_for_token(token=mine) is None
    headers = {"Authorization": f"Bearer {mine}"}
    assert client.get(f"/api/v1/registry/initiatives/{world.draft.pk}", headers=headers).status_code == 401
    assert "revoked" in client.get("/en/registry/tokens/").content.decode()
    # Another user's token: not found for the owner, untouched.
    other = ApiToken.objects.get(prefix=theirs[:8])
    assert client.post(f"/en/registry/tokens/{other.pk}/revoke/").status_code == 404
    assert user_for_token(token=theirs) == world.editor
