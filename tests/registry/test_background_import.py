"""Finding 4 of issue 14, second half: a bulk upload no longer holds a web worker. The upload stores the file
and queues its import; the real django-tasks worker runs it (all or nothing, as before) and the progress page
ends with the report. Only the organization's members and administrators see that page."""

from __future__ import annotations

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.registry.conftest import run_worker
from wsis.apps.registry.domain.background import progress, run_import
from wsis.apps.registry.domain.dumps import write_dumps
from wsis.apps.registry.domain.importing import import_file
from wsis.apps.registry.models import BulkImport, Initiative, Version

ROWS = 120


@pytest.fixture
def table(world, tmp_path, settings) -> bytes:
    """A table of ROWS new entries: the registry's own public dump, its published row repeated with new
    IATI identifiers (a real export of the registry coming back in, as an organization would send it)."""
    settings.WSIS_REGISTRY_DUMP_DIR = tmp_path
    write_dumps()
    reader = csv.DictReader(io.StringIO((tmp_path / "registry.csv").read_text()))
    row = next(r for r in reader if r["iati_identifier"] == world.published.iati_identifier)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
    writer.writeheader()
    for number in range(ROWS):
        writer.writerow({**row, "iati_identifier": f"XM-BG-{number}"})
    return out.getvalue().encode()


def test_the_upload_answers_at_once_and_the_worker_imports(
    world, client, table, django_capture_on_commit_callbacks
):
    client.force_login(world.owner)
    before = Initiative.objects.count()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/registry/import/?org={world.org.pk}",
            {"org": world.org.pk, "file": SimpleUploadedFile("entries.csv", table, "text/csv")},
        )
    assert time.monotonic() - started < 5, "the upload only stores the file"
    assert response.status_code == 302 and "/registry/imports/" in response["Location"]
    bulk = BulkImport.objects.get()
    assert bulk.status == "queued" and bulk.size == len(table) and bytes(bulk.content) == table
    assert Initiative.objects.count() == before, "nothing is imported before the worker runs"
    queued = client.get(response["Location"]).content.decode()
    assert "Queued" in queued and "Check again" in queued and "js/registry-import." in queued
    assert client.get(response["Location"] + "?format=json").json() == {
        "status": "queued",
        "finished": False,
        "done": 0,
        "total": 0,
    }

    run_worker()

    bulk.refresh_from_db()
    assert bulk.status == "done" and bulk.finished_at is not None
    assert bytes(bulk.content) == b"", "the file's bytes go once the import has run"
    assert bulk.report["created"] and len(bulk.report["created"]) == ROWS
    assert Initiative.objects.count() == before + ROWS
    done = client.get(response["Location"]).content.decode()
    assert f"{ROWS} created, 0 updated." in done and "Queued" not in done
    assert "js/registry-import." not in done, "no more polling once finished"
    assert client.get(response["Location"] + "?format=json").json()["finished"] is True
    # The import page lists the organization's recent imports.
    listing = client.get(f"/en/registry/import/?org={world.org.pk}").content.decode()
    assert "entries.csv" in listing and bulk.get_status_display() in listing


def test_a_refused_file_gives_its_report_and_changes_nothing(world, client, web_import):
    client.force_login(world.owner)
    before = (Initiative.objects.count(), Version.objects.count())
    bad = b"title_en,action_lines\nNo organization's columns,C99\n"
    page = web_import(world.org, SimpleUploadedFile("bad.csv", bad, "text/csv")).content.decode()
    assert "Nothing was imported" in page and "bad.csv row 2" in page
    assert BulkImport.objects.get().status == "failed"
    assert (Initiative.objects.count(), Version.objects.count()) == before


def test_an_uploader_who_left_the_organization_imports_nothing(world, client, table, web_import):
    """Membership is checked again when the worker runs: the editor uploaded, then left the organization
    (here: their account was deleted) before the file's turn came."""
    client.force_login(world.editor)
    before = (Initiative.objects.count(), Version.objects.count())
    response = web_import(world.org, SimpleUploadedFile("entries.csv", table, "text/csv"), worker=False)
    assert response.status_code == 302
    world.editor.delete()
    run_worker()
    bulk = BulkImport.objects.get()
    assert bulk.status == "failed" and bulk.actor is None
    assert bulk.report["errors"] == [
        "entries.csv: the person who uploaded it may no longer import entries for Rural Connect"
    ]
    assert (Initiative.objects.count(), Version.objects.count()) == before
    client.force_login(world.owner)
    assert "may no longer import entries" in client.get(response["Location"]).content.decode()


def test_an_import_runs_once_even_if_its_task_is_run_twice(world, client, table, web_import):
    client.force_login(world.owner)
    web_import(world.org, SimpleUploadedFile("entries.csv", table, "text/csv"))
    bulk = BulkImport.objects.get()
    count = Initiative.objects.count()
    assert run_import(str(bulk.key)) == "done"  # a second delivery of the same task
    assert Initiative.objects.count() == count


def test_progress_is_told_record_by_record(world, table):
    seen: list[tuple[int, int]] = []
    report = import_file(
        name="entries.csv",
        content=table,
        organization=world.org,
        actor=world.owner,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert report.ok
    assert seen[0] == (0, ROWS) and seen[-1] == (ROWS, ROWS)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_the_progress_page_is_for_the_organization_only(world, client, table, web_import):
    client.force_login(world.owner)
    response = web_import(world.org, SimpleUploadedFile("entries.csv", table, "text/csv"), worker=False)
    url = response["Location"]
    bulk = BulkImport.objects.get()
    assert progress(bulk) is None, "queued: the worker has not read the file yet"
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert client.get(url + "?format=json").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(world.admin)
    assert client.get(url).status_code == 200
    assert client.get("/en/registry/imports/00000000-0000-0000-0000-000000000000/").status_code == 404
