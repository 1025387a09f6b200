"""An embargoed release stays invisible on every surface until the clock the test controls passes its
publication time; then the task queued at import lifts it and it appears everywhere."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client

from tests.warehouse.test_warehouse_releases import _itu_file
from wsis.apps.warehouse.domain.importing import import_release

T = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)  # the publication time
BEFORE, AFTER = T - dt.timedelta(hours=1), T + dt.timedelta(seconds=1)


@pytest.fixture()
def embargoed(tmp_path: Path, settings):
    settings.WSIS_CLOCK_NOW = BEFORE
    public = _itu_file(tmp_path / "old.csv", [("KEN", "2022", 35.0), ("RWA", "2022", 30.0)])
    secret = _itu_file(tmp_path / "new.csv", [("KEN", "2022", 40.8), ("BRA", "2022", 80.5)])
    import_release([public], name="2024 edition", date=dt.date(2024, 6, 1))
    return import_release([secret], name="2025 edition", date=dt.date(2025, 6, 1), publish_at=T).release


def _surfaces(client: Client, tmp_path: Path, release_id: int) -> dict[str, str]:
    """What the public sees of the warehouse, as text: API, pages, downloads, dump, publication."""
    from wsis.apps.publishing.domain.refresh import refresh
    from wsis.apps.warehouse.domain.export import dump

    def get(path: str) -> str:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        return f"{response.status_code} {response.content.decode()}"

    folder = tmp_path / f"dump-{len(list(tmp_path.iterdir()))}"
    dump(folder)
    publication = refresh(trigger="test")
    return {
        "api latest": get("/api/v1/observations?indicator=i99H&area=KEN&area=BRA"),
        "api releases": get("/api/v1/releases"),
        "api release": get(f"/api/v1/releases/{release_id}"),
        "api as published": get(f"/api/v1/observations?release={release_id}"),
        "api metadata": get("/api/v1/indicators/i99H/metadata"),
        "indicator page": get("/en/indicators/i99H/?year=2022"),
        "economy page": get("/en/economies/BRA/"),
        "download": get("/en/indicators/i99H/data.csv?part=ranking&year=2022"),
        "dump": (folder / "observations.csv").read_text() + (folder / "releases.json").read_text(),
        "publication": json.dumps(publication.inputs),
    }


@pytest.mark.django_db
def test_an_embargoed_release_is_invisible_until_its_time_then_appears(
    client: Client, embargoed, settings, tmp_path: Path
) -> None:
    from django_tasks_db.models import DBTaskResult

    from wsis.apps.warehouse.tasks import lift_embargo

    queued = DBTaskResult.objects.get(task_path="wsis.apps.warehouse.tasks.lift_embargo")
    assert queued.run_after == T and queued.args_kwargs["args"] == [embargoed.id]

    hidden = _surfaces(client, tmp_path, embargoed.id)
    for surface, text in hidden.items():
        assert "2025 edition" not in text and "80.5" not in text and "40.8" not in text, surface
    assert hidden["api release"].startswith("404") and hidden["api as published"].startswith("404")
    assert '"value":35.0' in hidden["api latest"].replace(" ", "")

    # Run early (a worker clock ahead of ours), the task changes nothing.
    assert lift_embargo.call(embargoed.id) == []
    assert "40.8" not in client.get("/api/v1/observations?indicator=i99H&area=KEN").content.decode()

    settings.WSIS_CLOCK_NOW = AFTER
    assert lift_embargo.call(embargoed.id) == [embargoed.id]
    shown = _surfaces(client, tmp_path, embargoed.id)
    for surface in ("api releases", "api release", "api metadata", "indicator page", "dump", "publication"):
        assert "2025 edition" in shown[surface], surface
    assert "40.8" in shown["api latest"] and "35.0" not in shown["api latest"]
    assert "80.5" in shown["api as published"] and "80.5" in shown["download"]
    assert "80.5" in shown["economy page"] or "80,5" in shown["economy page"]
    embargoed.refresh_from_db()
    assert embargoed.embargo_lifted_at == AFTER
    # Lifting twice changes nothing more.
    assert lift_embargo.call(embargoed.id) == []


@pytest.mark.django_db
def test_a_later_import_does_not_make_an_embargoed_release_latest(
    client: Client, embargoed, settings, tmp_path: Path
) -> None:
    """Other imports recompute the latest marks: they must still skip the release under embargo."""
    other = _itu_file(tmp_path / "other.csv", [("FIN", "2022", 93.0)])
    import_release([other], name="extra", date=dt.date(2026, 1, 1))
    data = client.get("/api/v1/observations?indicator=i99H").json()
    assert {(r["area"], r["value"]) for r in data["results"]} == {("KEN", 35.0), ("RWA", 30.0), ("FIN", 93.0)}


@pytest.mark.django_db
def test_the_first_real_release_under_embargo_keeps_the_demonstration_until_its_time(
    tmp_path: Path, settings
) -> None:
    from wsis.apps.warehouse.domain.embargo import lift_due
    from wsis.apps.warehouse.domain.world import demonstration_world
    from wsis.apps.warehouse.models import Release

    settings.WSIS_CLOCK_NOW = BEFORE
    demo = _itu_file(tmp_path / "demo.csv", [("KEN", "2022", 11.0)])
    import_release([demo], name="demo", publisher="demo (SYNTHETIC)", synthetic=True)
    secret = _itu_file(tmp_path / "new.csv", [("KEN", "2022", 40.8)])
    import_release([secret], name="2025 edition", publish_at=T)
    assert demonstration_world() and Release.objects.filter(synthetic=True).exists()
    settings.WSIS_CLOCK_NOW = AFTER
    assert [r.name for r in lift_due(publish=False)] == ["2025 edition"]
    assert not demonstration_world() and not Release.objects.filter(synthetic=True).exists()


@pytest.mark.django_db
def test_completing_a_release_cannot_change_its_embargo(embargoed, tmp_path: Path) -> None:
    from wsis.apps.warehouse.domain.importing import ImportRefused

    more = _itu_file(tmp_path / "more.csv", [("FIN", "2022", 93.0)])
    with pytest.raises(ImportRefused) as refused:
        import_release([more], name="2025 edition", publish_at=T + dt.timedelta(days=1))
    assert "does not change its embargo" in refused.value.problems[0].message


@pytest.mark.django_db
def test_import_command_with_a_publication_time(tmp_path: Path, settings) -> None:
    from click.testing import CliRunner

    from wsis.cli import main

    settings.WSIS_CLOCK_NOW = BEFORE
    path = _itu_file(tmp_path / "new.csv", [("KEN", "2022", 40.8)])
    runner = CliRunner()
    done = runner.invoke(
        main,
        [
            "import",
            str(path),
            "--release",
            "2025 edition",
            "--publish-at",
            "2030-03-01T10:00+01:00",
            "--no-refresh",
        ],
    )
    assert done.exit_code == 0 and "under embargo until 2030-03-01T09:00:00+00:00" in done.output, done.output
    listed = runner.invoke(main, ["releases"]).output
    assert "[EMBARGOED until 2030-03-01T09:00:00+00:00]" in listed
    bad = runner.invoke(main, ["import", str(path), "--publish-at", "tomorrow", "--no-refresh"])
    assert bad.exit_code == 2 and "not an ISO 8601 time" in bad.output
    settings.WSIS_CLOCK_NOW = AFTER
    lifted = runner.invoke(main, ["releases", "--lift-due"])
    assert (
        "embargo lifted: release" in lifted.output
        and "[published 2030-03-01T09:00:00+00:00]" in lifted.output
    )
