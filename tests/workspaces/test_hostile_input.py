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
