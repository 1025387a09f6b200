"""Scripts typed into any text field are shown as text, never run; bad form input is refused with a
message naming the field (status 400) and nothing is stored."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from wsis.apps.workspaces import models as m

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _shows_escaped(html: str) -> None:
    assert ESCAPED in html
    assert SCRIPT not in html and "<img src=x" not in html


def test_scripts_in_every_text_field_are_escaped(cast):
    fac, editor = _as(cast.facilitator), _as(cast.editor)
    assert fac.post("/en/workspaces/C2/setup/", {"purpose": SCRIPT}).status_code == 302
    _shows_escaped(Client().get("/en/workspaces/C2/").content.decode())
    assert (
        editor.post("/en/workspaces/C2/issues/", {"title": SCRIPT, "description": SCRIPT}).status_code == 302
    )
    issue = m.Issue.objects.get()
    fac.post(f"/en/workspaces/C2/issues/{issue.pk}/", {"status": "open", "owner": "", "targets": ""})
    _shows_escaped(Client().get(f"/en/workspaces/C2/issues/{issue.pk}/").content.decode())
    _shows_escaped(Client().get("/en/workspaces/C2/issues/").content.decode())
    fac.post("/en/workspaces/C2/meetings/", {"title": SCRIPT, "held_on": "2026-01-10", "agenda": SCRIPT})
    meeting = m.Meeting.objects.get()
    url = f"/en/workspaces/C2/meetings/{meeting.pk}/"
    fac.post(url, {"action": "minutes", "minutes": SCRIPT})
    fac.post(
        url,
        {"action": "decide", "decision": SCRIPT, "follow_up": SCRIPT, "owner": "editor", "due": "2026-02-01"},
    )
    _shows_escaped(editor.get(url).content.decode())
    fac.post(url, {"action": "adopt"})
    _shows_escaped(Client().get(f"/en/workspaces/C2/minutes/{meeting.pk}/").content.decode())
    fac.post("/en/workspaces/C2/notes/", {"text": SCRIPT})
    _shows_escaped(editor.get("/en/workspaces/C2/notes/").content.decode())
    detail = {"initiative": cast.initiative.pk, "direction": "offers", "kind": "expertise", "detail": SCRIPT}
    assert editor.post("/en/workspaces/C2/partnerships/", detail).status_code == 302
    _shows_escaped(Client().get("/en/workspaces/C2/partnerships/").content.decode())


def _stored() -> tuple:
    return (
        m.Meeting.objects.count(),
        m.Issue.objects.count(),
        m.Decision.objects.count(),
        m.PartnerSignal.objects.count(),
        m.Activity.objects.count(),
    )


def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(cast):
    fac, editor = _as(cast.facilitator), _as(cast.editor)
    before = _stored()
    response = fac.post("/en/workspaces/C2/meetings/", {"title": "Q", "held_on": "31/12/2026", "agenda": ""})
    assert response.status_code == 400
    assert "date: &#x27;31/12/2026&#x27; is not a date (YYYY-MM-DD)" in response.content.decode()
    response = editor.post("/en/workspaces/C2/issues/", {"title": "", "description": "x"})
    assert response.status_code == 400 and "title: required" in response.content.decode()
    bad_signal = {"initiative": cast.initiative.pk, "direction": "offers", "kind": "bribes"}
    response = editor.post("/en/workspaces/C2/partnerships/", bad_signal)
    assert response.status_code == 400 and "kind: &#x27;bribes&#x27;" in response.content.decode()
    fac.post("/en/workspaces/C2/meetings/", {"title": "Q", "held_on": "2026-12-31", "agenda": ""})
    meeting = m.Meeting.objects.get()
    before = _stored()
    url = f"/en/workspaces/C2/meetings/{meeting.pk}/"
    bad = {"action": "decide", "decision": "D", "follow_up": "F", "owner": "nobody", "due": "2027-01-01"}
    response = fac.post(url, bad)
    assert response.status_code == 400 and "owner: no user &#x27;nobody&#x27;" in response.content.decode()
    assert _stored() == before, "the decision was kept although its action was refused"
    response = fac.post(url, {"action": "upload", "file": _upload(b"<html><script>x</script>")})
    assert response.status_code == 400 and "is not a PDF, PNG or JPEG file" in response.content.decode()
    assert _stored() == before and not m.MeetingDocument.objects.exists()


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("minutes.pdf", content, content_type="application/pdf")


def test_overdue_actions_are_shown_as_such(cast):
    fac = _as(cast.facilitator)
    fac.post("/en/workspaces/C2/meetings/", {"title": "Q", "held_on": "2020-01-10", "agenda": ""})
    meeting = m.Meeting.objects.get()
    url = f"/en/workspaces/C2/meetings/{meeting.pk}/"
    yesterday = dt.date.today() - dt.timedelta(days=1)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    for text, due in (("Late one", yesterday), ("On time", tomorrow)):
        fac.post(
            url, {"action": "decide", "decision": text, "follow_up": text, "owner": "editor", "due": due}
        )
    html = fac.get(url).content.decode()
    late = html.split("Late one:")[1].split("</li>")[0]
    on_time = html.split("On time:")[1].split("</li>")[0]
    assert "Overdue" in late and "Overdue" not in on_time


# --- the write API ------------------------------------------------------------------------------------


def _api(user):
    """A client sending ``user``'s personal token with every request."""
    from wsis.apps.accounts.domain.tokens import issue_token

    return Client(headers={"Authorization": f"Bearer {issue_token(user=user)}"})


def _send(client: Client, method: str, url: str, body) -> object:
    return getattr(client, method)(url, body, content_type="application/json")


def test_scripts_sent_through_the_api_are_stored_as_text_and_escaped_on_pages(cast):
    fac, editor = _api(cast.facilitator), _api(cast.editor)
    made = _send(editor, "post", "/api/v1/workspaces/C2/issues", {"title": SCRIPT, "description": SCRIPT})
    assert made.status_code == 201 and made.json()["title"] == SCRIPT
    issue = m.Issue.objects.get()
    assert issue.title == SCRIPT and issue.description == SCRIPT  # stored as typed, escaped when shown
    _send(fac, "patch", f"/api/v1/workspaces/C2/issues/{issue.pk}", {"status": "open"})
    _shows_escaped(Client().get(f"/en/workspaces/C2/issues/{issue.pk}/").content.decode())
    meeting = _send(
        fac,
        "post",
        "/api/v1/workspaces/C2/meetings",
        {"title": SCRIPT, "held_on": "2026-01-10", "agenda": SCRIPT},
    ).json()
    base = f"/api/v1/workspaces/C2/meetings/{meeting['id']}"
    assert _send(fac, "put", f"{base}/minutes", {"minutes": SCRIPT}).status_code == 200
    decision = {"text": SCRIPT, "action": {"text": SCRIPT, "owner": "editor", "due": "2026-02-01"}}
    assert _send(fac, "post", f"{base}/decisions", decision).status_code == 201
    assert _send(fac, "post", "/api/v1/workspaces/C2/notes", {"text": SCRIPT}).status_code == 201
    _shows_escaped(_as(cast.editor).get(f"/en/workspaces/C2/meetings/{meeting['id']}/").content.decode())
    _shows_escaped(_as(cast.editor).get("/en/workspaces/C2/notes/").content.decode())
    assert _send(fac, "post", f"{base}/adoption", None).status_code == 200
    _shows_escaped(Client().get(f"/en/workspaces/C2/minutes/{meeting['id']}/").content.decode())
    assert m.Note.objects.get().text == SCRIPT and m.Decision.objects.get().text == SCRIPT


def _everything() -> tuple:
    return (
        *_stored(),
        m.FollowUp.objects.count(),
        m.Note.objects.count(),
        m.Membership.objects.count(),
        m.MembershipEvent.objects.count(),
        sorted(m.Issue.objects.values_list("status", "owner_id")),
        sorted(m.Meeting.objects.values_list("minutes", "minutes_state")),
    )


def _refused(response, status: int, text: str) -> None:
    assert response.status_code == status, (response.status_code, response.content)
    assert text in response.content.decode(), response.content.decode()


def test_bad_api_input_is_refused_naming_the_field_and_nothing_is_stored(cast):
    fac = _api(cast.facilitator)
    meeting = _send(
        fac, "post", "/api/v1/workspaces/C2/meetings", {"title": "Q", "held_on": "2026-12-31"}
    ).json()
    issue = _send(fac, "post", "/api/v1/workspaces/C2/issues", {"title": "T", "description": "D"}).json()
    base, before = f"/api/v1/workspaces/C2/meetings/{meeting['id']}", _everything()
    bad_date = {"title": "Q", "held_on": "31/12/2026"}
    _refused(_send(fac, "post", "/api/v1/workspaces/C2/meetings", bad_date), 422, "held_on")
    _refused(
        _send(fac, "post", "/api/v1/workspaces/C2/issues", {"title": " ", "description": "x"}),
        422,
        "title: required",
    )
    _refused(
        _send(fac, "post", "/api/v1/workspaces/C2/issues", {"title": 5, "description": "x"}), 422, "title"
    )
    nul = {"title": "a\x00b", "description": "x"}
    _refused(_send(fac, "post", "/api/v1/workspaces/C2/issues", nul), 422, "title: contains a NUL character")
    surrogate = '{"title": "a\\ud800", "description": "x"}'  # a lone surrogate, valid JSON
    response = fac.post("/api/v1/workspaces/C2/issues", surrogate, content_type="application/json")
    _refused(response, 422, "title: not valid Unicode text")
    long = {"title": "x" * 201, "description": "x"}
    _refused(
        _send(fac, "post", "/api/v1/workspaces/C2/issues", long),
        422,
        "title: 201 characters; the limit is 200",
    )
    issue_url = f"/api/v1/workspaces/C2/issues/{issue['id']}"
    _refused(_send(fac, "patch", issue_url, {"status": "bogus"}), 422, "status: 'bogus' is not one of")
    _refused(_send(fac, "patch", issue_url, {"targets": ["99.z"]}), 422, "targets: no SDG target 99.z")
    _refused(_send(fac, "patch", issue_url, {"initiatives": [2**40]}), 422, "initiatives")
    _refused(_send(fac, "patch", issue_url, {"owner": "nobody"}), 422, "owner: no user 'nobody'")
    decision = {"text": "D", "action": {"text": "F", "owner": "nobody", "due": "2027-01-01"}}
    _refused(_send(fac, "post", f"{base}/decisions", decision), 422, "owner: no user 'nobody'")
    _refused(_send(fac, "post", f"{base}/adoption", None), 422, "empty; write them before adopting")
    huge_org = {"organization": 2**63, "action": "invite"}
    _refused(_send(fac, "post", "/api/v1/workspaces/C2/memberships", huge_org), 422, "organization")
    twice = {"organization": cast.member_org.pk, "action": "approve"}
    _refused(
        _send(fac, "post", "/api/v1/workspaces/C2/memberships", twice), 422, "cannot approve when active"
    )
    _refused(fac.post(f"{base}/decisions", "{not json", content_type="application/json"), 400, "Cannot parse")
    assert _everything() == before


def test_oversized_bodies_are_refused_before_they_are_read(cast):
    fac, before = _api(cast.facilitator), _everything()
    body = {"title": "T", "description": "x" * 1_200_000}
    _refused(_send(fac, "post", "/api/v1/workspaces/C2/issues", body), 413, "the limit is 1000000")
    body = {"text": "x" * 3_000_000}  # beyond Django's own upload limit too: still a JSON 413
    _refused(_send(fac, "post", "/api/v1/workspaces/C2/notes", body), 413, "body:")
    just_too_long = {"title": "T", "description": "x" * 20_001}
    _refused(
        _send(fac, "post", "/api/v1/workspaces/C2/issues", just_too_long),
        422,
        "description: 20001 characters",
    )
    assert _everything() == before


def test_forged_tokens_and_non_members_get_nothing_private(cast):
    fac, outsider = _api(cast.facilitator), _api(cast.nonmember)
    meeting = _send(
        fac, "post", "/api/v1/workspaces/C2/meetings", {"title": "Q", "held_on": "2026-12-31"}
    ).json()
    _send(fac, "put", f"/api/v1/workspaces/C2/meetings/{meeting['id']}/minutes", {"minutes": "Secret draft"})
    _send(fac, "post", "/api/v1/workspaces/C2/notes", {"text": "Secret note"})
    before = _everything()
    forged = Client(headers={"Authorization": "Bearer forged-token"})
    for client, status in ((forged, 401), (outsider, 403), (Client(), 401)):
        for url in (
            "/api/v1/workspaces/C2/notes",
            f"/api/v1/workspaces/C2/meetings/{meeting['id']}/minutes",
            "/api/v1/workspaces/C2/memberships/log",
        ):
            response = client.get(url)
            assert response.status_code == status and set(response.json()) == {"detail"}, url
            assert "Secret" not in response.content.decode()
        answer = _send(client, "post", "/api/v1/workspaces/C2/notes", {"text": "Injected"})
        assert answer.status_code == status and "Secret" not in answer.content.decode()
    assert _everything() == before
