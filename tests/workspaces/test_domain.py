"""Workspace rules on the real database: memberships and their log, issues and their history, meetings,
minutes, decisions and overdue actions, documents, partnerships, and the line report's section."""

from __future__ import annotations

import datetime as dt

import pytest

from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.issues import propose, triage
from wsis.apps.workspaces.domain.meetings import (
    add_document,
    adopt,
    assign,
    complete,
    decide,
    hold,
    overdue,
    write_minutes,
)
from wsis.apps.workspaces.domain.members import change
from wsis.apps.workspaces.models import IssueChange, Meeting, MeetingDocument, Membership, MembershipEvent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_join_by_request_and_by_invitation_are_logged(cast):
    ws = cast.workspace
    change(workspace=ws, organization=cast.other_org, action="request", actor=cast.nonmember)
    assert Membership.objects.get(workspace=ws, organization=cast.other_org).state == "requested"
    change(workspace=ws, organization=cast.other_org, action="approve", actor=cast.facilitator)
    assert Membership.objects.get(workspace=ws, organization=cast.other_org).state == "active"
    log = list(
        MembershipEvent.objects.filter(workspace=ws, organization=cast.other_org)
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert log == [("request", "nonmember"), ("approve", "fac_c2")]
    # The cast's member organization came in by invitation, accepted by its owner.
    invited = MembershipEvent.objects.filter(organization=cast.member_org).order_by("pk")
    assert [(e.action, e.actor.username) for e in invited] == [("invite", "fac_c2"), ("accept", "owner")]
    assert all(e.at is not None for e in invited)


def test_a_wrong_move_is_refused_and_nothing_changes(cast):
    before = MembershipEvent.objects.count()
    with pytest.raises(WorkspaceError, match="cannot approve when not a member"):
        change(
            workspace=cast.workspace, organization=cast.other_org, action="approve", actor=cast.facilitator
        )
    with pytest.raises(WorkspaceError, match="action: 'promote'"):
        change(
            workspace=cast.workspace, organization=cast.other_org, action="promote", actor=cast.facilitator
        )
    assert MembershipEvent.objects.count() == before
    assert not Membership.objects.filter(organization=cast.other_org).exists()


def test_issue_triage_keeps_history(cast):
    issue = propose(workspace=cast.workspace, title="Rural backhaul", description="Costs", by=cast.editor)
    assert issue.status == "proposed"
    triage(
        issue=issue,
        by=cast.facilitator,
        status="open",
        owner="editor",
        initiatives=[cast.initiative.pk],
        targets=["9.c"],
    )
    issue.refresh_from_db()
    assert issue.status == "open" and issue.owner == cast.editor
    assert list(issue.targets.values_list("code", flat=True)) == ["9.c"]
    history = list(issue.changes.values_list("field", "before", "after"))
    assert history == [
        ("status", "", "proposed"),
        ("status", "proposed", "open"),
        ("owner", "", "editor"),
        ("initiatives", "", str(cast.initiative.pk)),
        ("targets", "", "9.c"),
    ]


def test_bad_triage_leaves_the_issue_as_it_was(cast):
    issue = propose(workspace=cast.workspace, title="T", description="D", by=cast.editor)
    changes = IssueChange.objects.count()
    with pytest.raises(WorkspaceError, match="targets: no SDG target 99.z"):
        triage(issue=issue, by=cast.facilitator, status="open", targets=["99.z"])
    with pytest.raises(WorkspaceError, match="status: 'closed'"):
        triage(issue=issue, by=cast.facilitator, status="closed")
    issue.refresh_from_db()
    assert issue.status == "proposed" and IssueChange.objects.count() == changes
    with pytest.raises(WorkspaceError, match="title: required"):
        propose(workspace=cast.workspace, title="  ", description="D", by=cast.editor)


def test_initiatives_of_another_line_are_refused(cast):
    from tests.registry.factories import entry

    c5 = entry(cast.member_org, cast.editor, "published", action_lines=["C5"], title={"en": "Security"})
    issue = propose(workspace=cast.workspace, title="T", description="D", by=cast.editor)
    with pytest.raises(WorkspaceError, match=f"initiatives: {c5.pk} not published in C2"):
        triage(issue=issue, by=cast.facilitator, initiatives=[c5.pk])


def test_meeting_minutes_decisions_and_overdue_actions(cast):
    meeting = hold(
        workspace=cast.workspace, title="Q1", held_on="2026-03-01", agenda="1. Backhaul", by=cast.facilitator
    )
    write_minutes(meeting=meeting, minutes="We agreed.", by=cast.facilitator)
    decision = decide(meeting=meeting, text="Map backhaul costs", by=cast.facilitator)
    action = assign(
        decision=decision, text="Collect prices", owner="editor", due="2026-04-01", by=cast.facilitator
    )
    assert not action.overdue_on(dt.date(2026, 4, 1))
    assert action.overdue_on(dt.date(2026, 4, 2))
    assert list(overdue(workspace=cast.workspace, today=dt.date(2026, 4, 2))) == [action]
    assert list(overdue(workspace=cast.workspace, today=dt.date(2026, 3, 31))) == []
    complete(action=action, by=cast.editor)
    assert list(overdue(workspace=cast.workspace, today=dt.date(2026, 4, 2))) == []
    adopt(meeting=meeting, by=cast.facilitator)
    with pytest.raises(WorkspaceError, match="adopted on"):
        write_minutes(meeting=meeting, minutes="Changed", by=cast.facilitator)
    meeting.refresh_from_db()
    assert meeting.minutes == "We agreed." and meeting.minutes_state == "adopted"


def test_bad_dates_and_owners_are_named(cast):
    with pytest.raises(WorkspaceError, match="date: '2026-13-01' is not a date"):
        hold(workspace=cast.workspace, title="Q", held_on="2026-13-01", agenda="", by=cast.facilitator)
    meeting = hold(workspace=cast.workspace, title="Q", held_on="2026-01-01", agenda="", by=cast.facilitator)
    decision = decide(meeting=meeting, text="D", by=cast.facilitator)
    with pytest.raises(WorkspaceError, match="owner: no user 'ghost'"):
        assign(decision=decision, text="A", owner="ghost", due="2026-02-01", by=cast.facilitator)
    with pytest.raises(WorkspaceError, match="minutes of Q: empty"):
        adopt(meeting=meeting, by=cast.facilitator)
    assert Meeting.objects.get(pk=meeting.pk).minutes_state == "draft"


def test_documents_are_checked_like_registry_attachments(cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    meeting = hold(workspace=cast.workspace, title="Q", held_on="2026-01-01", agenda="", by=cast.facilitator)
    document = add_document(meeting=meeting, name="agenda.html", content=PDF, by=cast.facilitator)
    assert document.name == "agenda.html.pdf" and document.content_type == "application/pdf"
    with pytest.raises(WorkspaceError, match="file: x.pdf is not a PDF, PNG or JPEG file"):
        add_document(meeting=meeting, name="x.pdf", content=b"<script>alert(1)</script>", by=cast.facilitator)
    settings.WSIS_REGISTRY_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(WorkspaceError, match="the limit is 10"):
        add_document(meeting=meeting, name="big.pdf", content=PDF, by=cast.facilitator)
    assert MeetingDocument.objects.count() == 1
    assert len(list((tmp_path / "workspace-documents").iterdir())) == 1
