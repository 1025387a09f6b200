"""Annual re-verification lights, reminders, inactivity after silence (nothing deleted), pledge progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.registry import factories
from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.domain.search import Query, search
from wsis.apps.registry.domain.verification import light, report_progress, run_maintenance, verify
from wsis.apps.registry.models import Initiative


def _age(entry, days):
    Initiative.objects.filter(pk=entry.pk).update(last_verified_at=timezone.now() - dt.timedelta(days=days))
    entry.refresh_from_db()


def test_lights_follow_the_settings(world, settings):
    entry = world.published
    assert light(initiative=entry) == "green"
    _age(entry, 400)
    assert light(initiative=entry) == "yellow"
    _age(entry, 500)
    assert light(initiative=entry) == "red"
    settings.WSIS_REGISTRY_RED_AFTER_DAYS = 600
    assert light(initiative=entry) == "yellow"
    assert search(query=Query(filters={"light": ["yellow"]})).filter(pk=entry.pk).exists()
    verify(initiative=entry, actor=world.owner)
    assert light(initiative=entry) == "green"
    assert light(initiative=world.draft) is None


def test_maintenance_reminds_then_marks_inactive_without_deleting(world, mailoutbox, settings):
    _age(world.published, 400)
    assert run_maintenance() == {"inactive": 0, "reminded": 1}
    assert mailoutbox[-1].to == ["owner@example.org"] and world.published.ref in mailoutbox[-1].subject
    _age(world.published, 800)
    call_command("registry_maintenance", stdout=open("/dev/null", "w"))  # noqa: SIM115
    world.published.refresh_from_db()
    assert world.published.inactive_since is not None and world.published.state == "published"
    assert world.published.decisions.filter(action="inactive").exists()
    assert not search(query=Query()).filter(pk=world.published.pk).exists()
    verify(initiative=world.published, actor=world.owner)
    assert search(query=Query()).filter(pk=world.published.pk).exists()


def test_pledge_progress_drives_its_light(world, client):
    pledge = factories.entry(
        world.org,
        world.owner,
        "published",
        kind="pledge",
        focus_area="access",
        pledge_type="programmatic",
        title={"en": "P2C pledge"},
    )
    with pytest.raises(RegistryError, match="progress report"):
        verify(initiative=pledge, actor=world.owner)
    _age(pledge, 500)
    assert light(initiative=pledge) == "red"  # the yearly report is overdue
    client.force_login(world.editor)
    response = client.post(
        f"/en/registry/{pledge.pk}/progress/", {"year": 2025, "text": "120 schools connected"}
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert light(initiative=pledge) == "green" and pledge.progress.get().year == 2025
    with pytest.raises(RegistryError, match="only pledges"):
        report_progress(initiative=world.published, actor=world.owner, year=2025, text="x")
