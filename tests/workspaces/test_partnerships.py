"""Partnerships: initiatives of a line say what partner they seek and offer; the workspace matches needs
and offers within the line (same kind, another initiative, same country when both name one)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.registry.factories import entry
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.partnerships import declare, matches
from wsis.apps.workspaces.models import PartnerSignal


def _pairs(workspace) -> set:
    return {(m.need.initiative.pk, m.offer.initiative.pk, m.need.kind) for m in matches(workspace=workspace)}


def test_needs_and_offers_match_within_the_line(cast):
    seeker = cast.initiative
    funder = entry(cast.other_org, cast.nonmember, "published", title={"en": "Fund"})
    elsewhere = entry(cast.other_org, cast.nonmember, "published", action_lines=["C5"], title={"en": "C5"})
    in_kenya = entry(cast.other_org, cast.nonmember, "published", title={"en": "Kenya office"})
    in_peru = entry(cast.other_org, cast.nonmember, "published", title={"en": "Peru office"})
    by = cast.editor
    declare(initiative=seeker, direction="seeks", kind="funding", by=by)
    declare(initiative=seeker, direction="seeks", kind="country_presence", country="KEN", by=by)
    declare(initiative=seeker, direction="offers", kind="funding", by=by)  # its own offer is no match
    declare(initiative=funder, direction="offers", kind="funding", by=by)
    declare(initiative=elsewhere, direction="offers", kind="funding", by=by)  # another line
    declare(initiative=in_kenya, direction="offers", kind="country_presence", country="ken", by=by)
    declare(initiative=in_peru, direction="offers", kind="country_presence", country="PER", by=by)
    declare(initiative=funder, direction="offers", kind="expertise", by=by)  # nobody seeks it
    assert _pairs(cast.workspace) == {
        (seeker.pk, funder.pk, "funding"),
        (seeker.pk, in_kenya.pk, "country_presence"),
    }
    html = Client().get("/en/workspaces/C2/partnerships/").content.decode()
    assert html.count('class="match"') == 2


def test_bad_signals_are_refused_and_nothing_stored(cast):
    with pytest.raises(WorkspaceError, match="country: no economy 'XXX'"):
        declare(initiative=cast.initiative, direction="seeks", kind="funding", country="XXX", by=cast.editor)
    with pytest.raises(WorkspaceError, match="direction: 'wants'"):
        declare(initiative=cast.initiative, direction="wants", kind="funding", by=cast.editor)
    declare(initiative=cast.initiative, direction="seeks", kind="funding", by=cast.editor)
    with pytest.raises(WorkspaceError, match="already seeks funding"):
        declare(initiative=cast.initiative, direction="seeks", kind="funding", by=cast.editor)
    assert PartnerSignal.objects.count() == 1


def test_an_initiative_of_another_line_cannot_signal_in_this_workspace(cast):
    other = entry(cast.member_org, cast.editor, "published", action_lines=["C5"], title={"en": "C5 only"})
    client = Client()
    client.force_login(cast.editor)
    response = client.post(
        "/en/workspaces/C2/partnerships/", {"initiative": other.pk, "direction": "seeks", "kind": "funding"}
    )
    assert response.status_code == 400 and f"initiative: {other.pk} is not a published initiative of C2" in (
        response.content.decode()
    )
    assert not PartnerSignal.objects.exists()
