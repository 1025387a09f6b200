"""The bulk download page: the warehouse dump written by `wsis dump` and the registry dump, each file with
its format, size, date and the SHA-256 checksum its dump wrote, which the downloaded bytes must match.
The page only reads what the commands wrote."""

from __future__ import annotations

import hashlib
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from django.test import Client


def _rows(client: Client, section: str) -> list[dict[str, str]]:
    doc = lxml.html.fromstring(client.get("/en/downloads/").content.decode())
    out = []
    for tr in doc.xpath(f"//section[@aria-labelledby='{section}-heading']//tbody/tr"):
        cells = tr.xpath("./th|./td")
        out.append(
            {
                "name": cells[0].text_content(),
                "href": cells[0].xpath(".//a/@href")[0],
                "format": cells[1].text_content(),
                "size": cells[2].text_content(),
                "written": cells[3].text_content(),
                "sha256": cells[4].text_content(),
            }
        )
    return out


@pytest.fixture
def dump_dirs(settings, tmp_path: Path) -> tuple[Path, Path]:
    settings.WSIS_WAREHOUSE_DUMP_DIR = tmp_path / "warehouse"
    settings.WSIS_REGISTRY_DUMP_DIR = tmp_path / "registry"
    return settings.WSIS_WAREHOUSE_DUMP_DIR, settings.WSIS_REGISTRY_DUMP_DIR


@pytest.mark.django_db
def test_before_any_dump_the_page_says_so_and_serves_nothing(client: Client, site_data, dump_dirs) -> None:
    html = client.get("/en/downloads/").content.decode()
    assert "The warehouse has not been dumped yet (wsis dump)." in html
    assert "The registry has not been dumped yet" in html
    assert client.get("/en/downloads/warehouse/observations.csv").status_code == 404
    assert not any(d.exists() for d in dump_dirs), "a page view wrote a dump"


@pytest.mark.django_db
def test_the_page_lists_both_dumps_with_checksums_that_match_the_files(
    client: Client, site_data, dump_dirs
) -> None:
    from wsis.apps.registry.domain.dumps import write_dumps
    from wsis.cli import main

    warehouse, registry = dump_dirs
    # `wsis dump` without a folder writes where the page serves from.
    result = CliRunner().invoke(main, ["dump"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    write_dumps()
    listed = _rows(client, "public:warehouse_dump_file")
    names = {r["name"] for r in listed}
    assert {"observations.csv", "observations.parquet", "observations.sdmx.xml", "releases.json"} <= names
    assert names == {line.split("  ", 1)[1] for line in (warehouse / "SHA256SUMS").read_text().splitlines()}
    formats = {r["name"]: r["format"] for r in listed}
    assert formats["observations.sdmx.csv"] == "SDMX-CSV" and formats["observations.parquet"] == "Parquet"
    for row in listed:
        content = (warehouse / row["name"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(content).hexdigest()
        assert row["size"].replace("\xa0", " ").endswith(("bytes", "KB", "MB"))
        downloaded = client.get(row["href"])
        assert downloaded.status_code == 200
        assert hashlib.sha256(b"".join(downloaded.streaming_content)).hexdigest() == row["sha256"]
    # The whole warehouse: every latest observation is in the CSV (one line each, and the header).
    from wsis.apps.warehouse.models import Observation

    lines = (warehouse / "observations.csv").read_bytes().count(b"\n")
    assert lines >= Observation.objects.filter(is_latest=True).count() + 1
    registry_rows = _rows(client, "registry:dump_file")
    assert {r["name"] for r in registry_rows} == {"registry.csv", "registry.json", "registry-iati.xml"}
    for row in registry_rows:
        assert row["sha256"] == hashlib.sha256((registry / row["name"]).read_bytes()).hexdigest()
        assert row["href"] == f"/en/registry/dumps/{row['name']}"
    # Only the files the checksums name are served: nothing else of the folder, and no path.
    (warehouse / "private.txt").write_text("not listed")
    assert client.get("/en/downloads/warehouse/private.txt").status_code == 404
    assert client.get("/en/downloads/warehouse/..%2Fregistry%2Fregistry.csv").status_code == 404
    assert client.get("/en/downloads/warehouse/SHA256SUMS").status_code == 200


@pytest.mark.django_db
def test_a_damaged_checksum_file_is_named_with_its_line(client: Client, site_data, dump_dirs) -> None:
    from wsis.apps.public import bulk

    warehouse, _registry = dump_dirs
    warehouse.mkdir(parents=True)
    (warehouse / "observations.csv").write_text("x\n")
    (warehouse / "SHA256SUMS").write_text("0" * 64 + "  observations.csv\nnot a checksum\n")
    with pytest.raises(ValueError, match=r"SHA256SUMS, line 2: not a 'sha256  file name' line"):
        bulk.warehouse_files()
