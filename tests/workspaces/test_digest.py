"""The digest e-mail: each member gets, at the period they chose, what changed since their last one -
through the task, the domain function and ``wsis workspaces digest`` (Django's mail outbox)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.core import mail
from django.utils import timezone

from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.digest import choose, send_digests
from wsis.apps.workspaces.domain.issues import propose
from wsis.apps.workspaces.tasks import send_digest
from wsis.cli import main


def _to(address: str) -> list:
    """The C2 workspace's digests sent to ``address`` (C5's workspace sends its own)."""
    return [e for e in mail.outbox if e.to == [address] and e.subject.startswith("[WSIS C2]")]


def test_each_member_gets_the_period_they_chose(cast):
    choose(workspace=cast.workspace, user=cast.editor, period="daily")
    propose(workspace=cast.workspace, title="Spectrum sharing", description="x", by=cast.user)
    mail.outbox.clear()
    assert send_digests(period="daily") == 1
    assert len(mail.outbox) == 1
    (editor_mail,) = _to("editor@example.org")
    assert "Issue proposed: Spectrum sharing" in editor_mail.body
    assert "[WSIS C2]" in editor_mail.subject
    assert not _to("fac_c2@example.org") and not _to("nonmember@example.org")
    # The facilitator never chose: weekly. The member organization's owner gets it too.
    assert send_digests(period="weekly") == 3  # C2's facilitator and owner, C5's facilitator
    assert "Spectrum sharing" in _to("fac_c2@example.org")[0].body
    assert _to("owner@example.org")
    assert not _to("fac_c5@example.org"), "a facilitator of another line got this line's digest"
    assert not _to("editor@example.org")[1:], "the daily member also got the weekly digest"
    mail.outbox.clear()
    assert send_digests(period="daily") == 0, "nothing changed since the last digest"


def test_only_changes_since_the_last_digest_are_sent(cast):
    choose(workspace=cast.workspace, user=cast.editor, period="daily")
    propose(workspace=cast.workspace, title="First", description="x", by=cast.user)
    send_digests(period="daily", now=timezone.now())
    propose(workspace=cast.workspace, title="Second", description="x", by=cast.user)
    mail.outbox.clear()
    assert send_digest.call("daily") == 1  # the background task
    body = _to("editor@example.org")[0].body
    assert "Second" in body and "First" not in body


def test_never_means_never_and_bad_periods_are_refused(cast):
    choose(workspace=cast.workspace, user=cast.editor, period="never")
    propose(workspace=cast.workspace, title="T", description="x", by=cast.user)
    mail.outbox.clear()
    send_digests(period="daily")
    send_digests(period="weekly")
    assert not _to("editor@example.org")
    with pytest.raises(WorkspaceError, match="period: 'hourly'"):
        choose(workspace=cast.workspace, user=cast.editor, period="hourly")


def test_the_command_sends_the_digest(cast):
    choose(workspace=cast.workspace, user=cast.editor, period="daily")
    propose(workspace=cast.workspace, title="From the command", description="x", by=cast.user)
    mail.outbox.clear()
    result = CliRunner().invoke(main, ["workspaces", "digest", "--period", "daily"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 daily digests sent"
    assert "From the command" in _to("editor@example.org")[0].body
    refused = CliRunner().invoke(main, ["workspaces", "digest", "--period", "hourly"])
    assert refused.exit_code == 2 and "hourly" in refused.output


def _digest_for(address: str):
    (message,) = [e for e in mail.outbox if e.to == [address]]
    html = next(body for body, kind in message.alternatives if kind == "text/html")
    return message, html


def test_each_member_reads_the_digest_in_their_language(cast):
    from wsis.apps.accounts.domain.preferences import prefer_language

    prefer_language(user=cast.editor, language="fr")
    prefer_language(user=cast.facilitator, language="ar")
    choose(workspace=cast.workspace, user=cast.editor, period="daily")
    choose(workspace=cast.workspace, user=cast.facilitator, period="daily")
    send_digests(period="daily")  # the setting up of the cast, out of the way
    propose(workspace=cast.workspace, title="<b>Spectrum</b> sharing", description="x", by=cast.user)
    mail.outbox.clear()
    assert send_digests(period="daily") == 2
    french, french_html = _digest_for("editor@example.org")
    assert french.subject == "[WSIS C2] 1 changement dans l'espace de travail"
    assert "Ce qui a changé dans l'espace de travail C2 :" in french.body
    assert "Question proposée : <b>Spectrum</b> sharing" in french.body  # plain text: as typed
    assert "/fr/workspaces/C2/" in french.body and "Issue proposed" not in french.body
    assert '<html lang="fr" dir="ltr">' in french_html
    assert "Question proposée : &lt;b&gt;Spectrum&lt;/b&gt; sharing" in french_html  # HTML: escaped
    assert 'href="http' in french_html and "/fr/workspaces/C2/" in french_html
    arabic, arabic_html = _digest_for("fac_c2@example.org")
    assert arabic.subject == "[WSIS C2] تغيير واحد في مساحة العمل (1)"
    assert "ما الذي تغيّر في مساحة العمل C2:" in arabic.body and "مسألة مقترحة:" in arabic.body
    assert '<html lang="ar" dir="rtl">' in arabic_html and "/ar/workspaces/C2/" in arabic_html
    assert "فتح مساحة العمل" in arabic_html


def test_without_a_preference_the_digest_is_in_english_with_plural_subjects(cast):
    choose(workspace=cast.workspace, user=cast.editor, period="daily")
    send_digests(period="daily")
    propose(workspace=cast.workspace, title="One", description="x", by=cast.user)
    propose(workspace=cast.workspace, title="Two", description="x", by=cast.user)
    mail.outbox.clear()
    send_digests(period="daily")
    english, html = _digest_for("editor@example.org")
    assert english.subject == "[WSIS C2] 2 changes in the workspace"
    assert "Issue proposed: One" in english.body and '<html lang="en" dir="ltr">' in html


def test_the_members_page_stores_the_digest_language(cast):
    from django.test import Client

    from wsis.apps.accounts.domain.preferences import preferred_language

    client = Client()
    client.force_login(cast.editor)
    page = client.get("/ru/workspaces/C2/members/").content.decode()
    assert '<option value="ru" lang="ru" selected>' in page  # the page's language until one is chosen
    response = client.post("/ru/workspaces/C2/digest/", {"period": "daily", "language": "es"})
    assert response.status_code == 302 and preferred_language(user=cast.editor) == "es"
    refused = client.post("/ru/workspaces/C2/digest/", {"period": "weekly", "language": "xx"})
    assert refused.status_code == 400 and "language: &#x27;xx&#x27;" not in refused.content.decode()
    assert "language: 'xx' is not one of" in refused.content.decode()
    assert preferred_language(user=cast.editor) == "es"
    assert cast.workspace.digest_choices.get(user=cast.editor).period == "daily", "a refused choice was kept"
