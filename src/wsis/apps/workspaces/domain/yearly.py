"""The workspace's part of the line's yearly report (``wsis report action-line``): the decisions of the
year's adopted minutes and the issues of the year by status, added as one section through the reports
app's ``LINE_SECTIONS`` hook, so the report machinery does not need to know this app."""

from __future__ import annotations

from django.utils.translation import pgettext

from wsis.apps.reference.models import ActionLine
from wsis.apps.reports.domain.facts import count_fact
from wsis.apps.reports.domain.subjects import LINE_SECTIONS, LineSection
from wsis.apps.reports.domain.writing import Draft
from wsis.apps.workspaces.domain.issues import counts_of_year
from wsis.apps.workspaces.domain.meetings import decisions_of_year
from wsis.apps.workspaces.enums import IssueStatus
from wsis.apps.workspaces.models import Workspace

SECTION = "workspace"


def title() -> str:
    return pgettext("report", "The action line's workspace")


def build(line: ActionLine, year: int, language: str) -> list[Draft]:
    workspace = Workspace.objects.filter(line=line).first()
    if workspace is None:
        return []
    release = f"WSIS Observatory action line workspace {line.code}, {year}"
    d = Draft("workspace.issues", SECTION, language)
    counts = counts_of_year(workspace=workspace, year=year)
    total = count_fact(
        f"workspace.{line.code}.issues",
        f"Issues raised in the {line.code} workspace in {year}",
        sum(counts.values()),
        source="WSIS Observatory",
        release=release,
        method="issues proposed in the workspace during the year, by their status now",
    )
    d.say(
        pgettext("report", "Issues that need improvement raised in the workspace in %(year)s: %(n)s.")
        % {"year": year, "n": d.cite(total, 0)}
    )
    parts = []
    for status in IssueStatus:
        if counts.get(status):
            fact = count_fact(
                f"workspace.{line.code}.issues.{status.value}",
                f"Issues of {year} in the {line.code} workspace now {status.value}",
                counts[status],
                source="WSIS Observatory",
                release=release,
                method="issues proposed in the workspace during the year, by their status now",
            )
            parts.append(f"{status.label}: {d.cite(fact, 0)}")
    if parts:
        d.say(pgettext("report", "By status: %(list)s.") % {"list": d.listing(parts)})
    out = [d]
    decisions = list(decisions_of_year(workspace=workspace, year=year))
    if not decisions:
        out.append(
            Draft("workspace.decisions", SECTION, language).say(
                pgettext("report", "No decisions were adopted in the workspace's meetings in %(year)s.")
                % {"year": year}
            )
        )
    for decision in decisions:
        out.append(
            Draft(f"workspace.decision.{decision.pk}", SECTION, language).say(
                pgettext("report", "Decision of the meeting %(meeting)s (%(date)s): %(text)s")
                % {
                    "meeting": decision.meeting.title,
                    "date": decision.meeting.held_on.isoformat(),
                    "text": decision.text,
                }
            )
        )
    return out


def register_report_section() -> None:
    LINE_SECTIONS[SECTION] = LineSection(key=SECTION, title=title, build=build)
