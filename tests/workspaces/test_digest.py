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
