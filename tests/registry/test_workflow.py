"""The review workflow, versions with diff, and the public decision log."""

from __future__ import annotations

import pytest

from tests.registry import factories
from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.domain.entries import update_initiative
from wsis.apps.registry.domain.snapshots import diff
from wsis.apps.registry.domain.workflow import merge, submit, transition
from wsis.apps.registry.models import Decision


def test_full_path_with_reasons_versions_and_log(world, client):
    item = factories.entry(world.org, world.owner)
    assert item.state == "draft" and item.version == 1
    submit(initiative=item, actor=world.owner)
    with pytest.raises(RegistryError, match="reason"):
        transition(initiative=item, action="request_changes", actor=world.facilitator, reason="  ")
    transition(
        initiative=item, action="request_changes", actor=world.facilitator, reason="Add the SDG evidence"
    )
    assert item.state == "changes_requested"
    update_initiative(initiative=item, author=world.owner, data={"summary": {"en": "Connecting 40 schools"}})
    submit(initiative=item, actor=world.owner)
    transition(initiative=item, action="publish", actor=world.facilitator, reason="Complete")
    item.refresh_from_db()
    assert item.state == "published" and item.published_at and item.last_verified_at
    # Editing a published entry makes a new version; the old one stays, and the diff shows the change.
    update_initiative(
        initiative=item, author=world.owner, data={"title": {"en": "Community broadband for 40 schools"}}
    )
    versions = list(item.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    changes = diff(old=versions[1].snapshot, new=versions[2].snapshot)
    assert [c["field"] for c in changes] == ["title"]
    assert "+en: Community broadband for 40 schools" in changes[0]["lines"]
    page = client.get(f"/en/registry/{item.pk}/versions/2/3/")
    assert page.status_code == 200 and "Community broadband for 40 schools" in page.content.decode()
    log = client.get("/en/registry/decisions/").content.decode()
    assert "Add the SDG evidence" in log and item.ref in log
    api = client.get("/api/v1/registry/decisions").json()
    assert {"request_changes", "publish"} <= {d["action"] for d in api if d["ref"] == item.ref}


def test_illegal_steps_are_refused(world):
    with pytest.raises(RegistryError, match="not possible"):
        transition(initiative=world.draft, action="publish", actor=world.admin)
    with pytest.raises(RegistryError, match="not possible"):
        submit(initiative=world.published, actor=world.owner)


def test_merge_keeps_history_and_redirects(world, client):
    dup = factories.entry(world.org, world.owner, "published", title={"en": "Broadband for rural schools"})
    merge(duplicate=dup, into=world.published, actor=world.moderator, reason="same project")
    dup.refresh_from_db()
    assert dup.same_as_id == world.published.pk
    assert dup.versions.count() == 1 and Decision.objects.filter(initiative=dup, action="merge").exists()
    response = client.get(f"/en/registry/{dup.pk}/")
    assert response.status_code == 302 and response["Location"].endswith(f"/registry/{world.published.pk}/")
    with pytest.raises(RegistryError):
        merge(duplicate=world.published, into=world.published, actor=world.moderator, reason="")


def test_target_outside_the_matrix_warns_but_does_not_block(world, client):
    from wsis.apps.reference.models import MatrixLink
    from wsis.apps.registry.domain.matrix import targets_outside_matrix

    linked = MatrixLink.objects.filter(line="C2").values_list("target_id", flat=True).first()
    unlinked = "14.1"
    assert not MatrixLink.objects.filter(line="C2", target=unlinked).exists()
    item = factories.entry(
        world.org,
        world.owner,
        targets=[{"code": linked, "evidence": "in the matrix"}, {"code": unlinked, "evidence": "coastal"}],
    )
    assert targets_outside_matrix(initiative=item) == [unlinked]
    client.force_login(world.owner)
    page = client.get(f"/en/registry/{item.pk}/submit/").content.decode()
    assert "Outside the WSIS–SDG matrix" in page and unlinked in page
    submit(initiative=item, actor=world.owner)
    assert item.state == "submitted"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"links": [{"url": "javascript:alert(1)"}]}, "links: link 1 is not an http"),
        ({"partners": [{"role": "9", "name": "X"}]}, "partners: partner 1"),
        ({"scope": "galactic"}, "scope: 'galactic'"),
        ({"action_lines": []}, "action_lines: at least one"),
        ({"title": {"fr": "Titre"}}, "title: a title in the original language"),
        ({"countries": ["XXX"]}, "countries: unknown code"),
        ({"targets": [{"code": "99.9"}]}, "targets: unknown SDG target"),
    ],
)
def test_entry_rules_name_the_field(world, override, message):
    from wsis.apps.registry.domain.entries import create_initiative

    with pytest.raises(RegistryError, match=message):
        create_initiative(organization=world.org, author=world.owner, data=factories.entry_data(**override))
