"""The line's yearly report (reports' action line report) carries the workspace's section: issues of the
year by status and the decisions of the year's adopted minutes - not those of draft minutes."""

from __future__ import annotations

from django.utils import timezone

from wsis.apps.reports.domain.document import document
from wsis.apps.reports.domain.drafts import generate
from wsis.apps.workspaces.domain.issues import propose, triage
from wsis.apps.workspaces.domain.meetings import adopt, decide, hold, write_minutes


def _section(doc: dict) -> dict:
    return next(s for s in doc["sections"] if s["key"] == "workspace")


def test_the_action_line_report_has_the_workspace_section(cast):
    year = timezone.now().year
    fac = cast.facilitator
    for title, status in (("A", "open"), ("B", "open"), ("C", "resolved"), ("D", None)):
        issue = propose(workspace=cast.workspace, title=title, description="x", by=cast.editor)
        if status:
            triage(issue=issue, by=fac, status=status)
    adopted = hold(
        workspace=cast.workspace, title="Spring meeting", held_on=f"{year}-03-01", agenda="", by=fac
    )
    write_minutes(meeting=adopted, minutes="Minutes", by=fac)
    decide(meeting=adopted, text="Publish a backhaul price survey", by=fac)
    adopt(meeting=adopted, by=fac)
    draft = hold(workspace=cast.workspace, title="Autumn meeting", held_on=f"{year}-10-01", agenda="", by=fac)
    decide(meeting=draft, text="Not yet adopted", by=fac)

    doc = document(generate(kind="action_line", year=year, subject="C2", language="en"))
    section = _section(doc)
    assert section["title"] == "The action line's workspace"
    texts = [p["text"] for p in section["paragraphs"]]
    assert texts[0].startswith(f"Issues that need improvement raised in the workspace in {year}: 4[^1].")
    assert "Open: 2" in texts[0] and "Resolved: 1" in texts[0] and "Proposed: 1" in texts[0]
    assert any("Spring meeting" in t and "Publish a backhaul price survey" in t for t in texts)
    assert not any("Not yet adopted" in t for t in texts)
    assert any(f["paragraph"] == "workspace.issues" for f in doc["footnotes"])

    french = _section(document(generate(kind="action_line", year=year, subject="C2", language="fr")))
    assert french["title"] == "L’espace de travail de la ligne d’action"


def test_a_line_without_workspace_has_no_such_section(cast):
    from tests.registry.factories import entry

    entry(cast.member_org, cast.editor, "published", action_lines=["C3"], title={"en": "Libraries"})
    doc = document(generate(kind="action_line", year=timezone.now().year, subject="C3", language="en"))
    assert all(s["key"] != "workspace" for s in doc["sections"])
