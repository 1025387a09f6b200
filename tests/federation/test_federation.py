"""The international instance pulls SDMX sources: real messages served on loopback by a real HTTP server,
read by the sdmx1 client and the warehouse's SDMX reader, each pull one release with its provenance;
sources down are retried, recorded and reported with nothing stored; hostile messages are refused."""

from __future__ import annotations

import hashlib
import logging
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client

from tests.federation.sdmx_server import SdmxFiles
from tests.warehouse.conftest import counts
from tests.warehouse.test_sdmx_real import HOSTILE
from tests.warehouse.test_warehouse_releases import _itu_file
from wsis.apps.warehouse.domain.importing import import_release

ECB = "ECB_sdmx-dl-format-xml_src_test_resources_tests_sdmxdl_format_xml_"
ECB_OPTIONS = {
    "area": "AME_REF_AREA",
    "indicator": ["AME_TRANSFORMATION", "AME_AGG_METHOD", "AME_UNIT", "AME_REFERENCE", "AME_ITEM"],
}


@pytest.fixture()
def publishers(shared: Path) -> Path:
    return shared / "sdmx/publishers"


@pytest.fixture()
def fast_retries(settings):
    settings.WSIS_FEDERATION_RETRIES = 2
    settings.WSIS_FEDERATION_BACKOFF_SECONDS = 0.01
    settings.WSIS_FEDERATION_TIMEOUT_SECONDS = 5


def _source(url: str, **fields):
    from wsis.apps.federation.models import Source

    defaults = {"name": "ecb", "publisher": "ECB", "flows": ["AME"], "kind": "international"}
    return Source.objects.create(url=url, **{**defaults, **fields})


def _national_message(tmp_path: Path, name: str, rows: list[tuple[str, str, float]]) -> Path:
    """What a national instance of this software serves: its figures as SDMX-ML (the warehouse writer)."""
    from wsis.engine.readers import read
    from wsis.engine.readers.writers import write

    frame = read(_itu_file(tmp_path / f"{name}.csv", rows)).frame
    return write(frame, tmp_path / f"{name}.xml", "sdmx-ml")


@pytest.mark.django_db
def test_a_pull_becomes_a_release_with_provenance_and_the_next_asks_only_what_changed(
    publishers: Path, fast_retries
) -> None:
    from wsis.apps.federation.domain.pull import pull
    from wsis.apps.federation.models import Pull

    generic, compact = (
        publishers / (ECB + "other_sdmx-GenericData21.xml"),
        publishers / (ECB + "other_sdmx-compactData21.xml"),
    )
    with SdmxFiles() as server:
        server.put("AME", generic)
        source = _source(server.url, sdmx=ECB_OPTIONS)
        first = pull(source)
        assert first.status == Pull.Status.OK, first.error
        release = first.release
        assert release.observation_count == 57 and release.publisher == "ECB"
        assert release.origin == f"{server.url}/data/AME" == first.urls[0]
        file_sum = hashlib.sha256(generic.read_bytes()).hexdigest()
        assert (
            release.files.get().checksum == file_sum
            and first.checksum == hashlib.sha256(file_sum.encode()).hexdigest()
        )
        assert first.updated_after is None and "updatedAfter" not in server.requests[0]

        source.refresh_from_db()
        assert source.state == "ok" and source.last_success_at == first.started_at
        second = pull(source)
        assert second.status == Pull.Status.UNCHANGED and second.release is None
        assert "updatedAfter=" in server.requests[1] and second.updated_after == first.started_at

        server.put("AME", compact)
        third = pull(source)
        assert third.status == Pull.Status.OK and third.release.id != release.id
        assert "updatedAfter=" in server.requests[2]
        assert third.release.files.get().checksum == hashlib.sha256(compact.read_bytes()).hexdigest()


@pytest.mark.django_db
def test_national_and_itu_figures_are_both_kept_and_compared(
    tmp_path: Path, fast_retries, client: Client, django_user_model
) -> None:
    from wsis.apps.federation.domain.discrepancies import discrepancies
    from wsis.apps.federation.domain.pull import pull
    from wsis.cli import main

    import_release(
        [_itu_file(tmp_path / "itu.csv", [("KEN", "2021", 30.0), ("KEN", "2022", 40.8)])], name="ITU 2025"
    )
    national = _national_message(tmp_path, "knbs", [("KEN", "2021", 30.0), ("KEN", "2022", 46.3)])
    with SdmxFiles() as server:
        server.put("ICT_OBS", national)
        source = _source(
            server.url,
            name="knbs",
            publisher="Kenya National Bureau of Statistics",
            flows=["ICT_OBS"],
            kind="national",
            economies=["KEN"],
        )
        assert pull(source).status == "ok"
    found = discrepancies(threshold=1)
    assert [(d.economy, d.indicator, d.period, d.national.value, d.itu.value) for d in found] == [
        ("KEN", "i99H", "2022", 46.3, 40.8)
    ]
    assert found[0].national.release.startswith("Kenya National Bureau of Statistics: knbs pull")
    assert found[0].itu.release == "ITU: ITU 2025" and found[0].national.nature and found[0].itu.nature
    assert discrepancies(threshold=20) == []

    out = CliRunner().invoke(main, ["sources", "discrepancies", "--threshold", "1"])
    assert out.exit_code == 0 and "national 46.3" in out.output and "vs ITU 40.8" in out.output, out.output

    profile = client.get("/en/economies/KEN/").content.decode()
    assert "National and ITU figures" in profile and "46.3" in profile and "40.8" in profile

    assert client.get("/en/federation/discrepancies/").status_code == 302  # sign in first
    user = django_user_model.objects.create_user("someone", "s@example.org", "pw")
    client.force_login(user)
    assert client.get("/en/federation/discrepancies/").status_code == 403
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(admin)
    page = client.get("/en/federation/discrepancies/?threshold=1").content.decode()
    assert "46.3" in page and "40.8" in page
    assert client.get("/en/federation/discrepancies/?threshold=abc").status_code == 400
    assert "Sources de la fédération" in client.get("/fr/federation/").content.decode()
    client.logout()
    assert "Chiffres nationaux et de l’UIT" in client.get("/fr/economies/KEN/").content.decode().replace(
        "'", "’"
    ).replace("&#x27;", "’")


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/sdmx/rest"


@pytest.mark.django_db
def test_a_source_down_is_retried_then_reported_with_nothing_stored(
    publishers: Path, fast_retries, caplog, client: Client, django_user_model
) -> None:
    from wsis.apps.federation.domain.pull import pull
    from wsis.apps.federation.models import Pull

    before = counts()
    with SdmxFiles() as server:
        server.put("AME", publishers / (ECB + "other_sdmx-GenericData21.xml"))
        server.down = 100
        source = _source(server.url, sdmx=ECB_OPTIONS)
        with caplog.at_level(logging.ERROR, logger="wsis.apps.federation"):
            failed = pull(source)
        assert failed.status == Pull.Status.FAILED and failed.attempts == 3 and len(server.requests) == 3
        assert "HTTP 503" in failed.error and "is down" in caplog.text
        assert counts() == before
        source.refresh_from_db()
        assert source.state == "down" and "HTTP 503" in source.last_error

        client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "pw"))
        page = client.get("/en/federation/").content.decode()
        assert "Sources needing attention" in page and "HTTP 503" in page

        server.down = 1  # back after one more failure: the retry gets it
        recovered = pull(source)
        assert recovered.status == Pull.Status.OK and recovered.attempts == 2
        source.refresh_from_db()
        assert source.state == "ok" and source.last_error == ""

    refused = _source(_closed_port_url(), name="gone")
    gone = pull(refused)
    assert gone.status == Pull.Status.FAILED and gone.attempts == 3 and "ConnectionError" in gone.error


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["xxe", "laughs", "huge", "structure", "unknown code", "outside authority"])
def test_malformed_or_hostile_messages_are_refused_with_nothing_stored(
    case: str, publishers: Path, tmp_path: Path, fast_retries, settings
) -> None:
    from wsis.apps.federation.domain.pull import pull
    from wsis.apps.federation.models import Pull

    fields: dict = {"sdmx": ECB_OPTIONS}
    if case in ("xxe", "laughs"):
        message = tmp_path / "m.xml"
        message.write_text(HOSTILE[f"{case}.xml"], encoding="utf-8")
        reason = "refused: XML with a document type declaration or entities"
    elif case == "huge":
        settings.WSIS_FEDERATION_MAX_BYTES = 10_000
        message, reason = publishers / (ECB + "other_sdmx-GenericData21.xml"), "over the 10000-byte limit"
    elif case == "structure":
        message, reason = (
            publishers / (ECB + "ecb_EcbDataStructure.xml"),
            "an SDMX structure message, not data",
        )
    else:
        message = _national_message(tmp_path, "n", [("KEN", "2022", 46.3), ("BRA", "2022", 80.0)])
        fields = {"economies": ["KEN"], "kind": "national", "flows": ["ICT_OBS"]}
        if case == "unknown code":
            message.write_text(message.read_text().replace("BRA", "ZZZ"))
            reason = "unknown economy code 'ZZZ'"
        else:
            reason = "economy 'BRA' is outside the source's authority"
    before = counts()
    with SdmxFiles() as server:
        server.put(fields.get("flows", ["AME"])[0], message)
        record = pull(_source(server.url, **fields))
    assert record.status == Pull.Status.REFUSED and record.attempts == 1, record.error
    assert reason in record.error and record.error.count("\n") == 0
    assert counts() == before
    assert record.source.state == "refused"


@pytest.mark.django_db
def test_sources_command_line(publishers: Path, fast_retries) -> None:
    from wsis.cli import main

    runner = CliRunner()
    with SdmxFiles() as server:
        server.put("AME", publishers / (ECB + "other_sdmx-GenericData21.xml"))
        added = runner.invoke(
            main,
            [
                "sources",
                "add",
                "ecb",
                server.url,
                "--publisher",
                "ECB",
                "--flow",
                "AME",
                "--kind",
                "international",
                "--sdmx-area",
                "AME_REF_AREA",
                "--sdmx-indicator",
                ",".join(ECB_OPTIONS["indicator"]),
            ],
        )
        assert added.exit_code == 0, added.output
        bad = runner.invoke(
            main, ["sources", "add", "x", server.url, "--publisher", "X", "--flow", "F", "--economy", "ZZZ"]
        )
        assert bad.exit_code == 2 and "unknown economy code(s) ZZZ" in bad.output
        pulled = runner.invoke(main, ["sources", "pull", "ecb"])
        assert pulled.exit_code == 0 and "(57 observations)" in pulled.output, pulled.output
        listed = runner.invoke(main, ["sources", "list"])
        assert "ecb" in listed.output and "ok, last success" in listed.output
        server.down = 100
        down = runner.invoke(main, ["sources", "pull", "ecb"])
        assert down.exit_code == 1 and "nothing was stored" in down.output
    assert runner.invoke(main, ["sources", "pull", "nope"]).exit_code == 1


@pytest.mark.django_db
def test_scheduled_pulls_run_as_background_tasks(publishers: Path, fast_retries) -> None:
    from django_tasks_db.models import DBTaskResult

    from wsis.apps.federation.tasks import pull_source, schedule

    with SdmxFiles() as server:
        server.put("AME", publishers / (ECB + "other_sdmx-GenericData21.xml"))
        source = _source(server.url, sdmx=ECB_OPTIONS, every_hours=6)
        assert schedule(source, first=True)
        queued = DBTaskResult.objects.get(task_path="wsis.apps.federation.tasks.pull_source")
        assert queued.args_kwargs["args"] == [source.id]
        assert pull_source.call(source.id).startswith("ok")
    later = DBTaskResult.objects.filter(task_path="wsis.apps.federation.tasks.pull_source").order_by(
        "-run_after"
    )
    assert later.count() == 2 and (later[0].run_after - queued.run_after).total_seconds() >= 6 * 3600 - 5
