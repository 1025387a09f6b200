"""Finding 4 of issue 14: registry imports tied up the server. A zip-bomb XLSX is refused from its zip
directory (the warehouse's guard), an upload over the limit is refused from its declared size before its
body is read, and `wsis registry import` applies the same checks from the command line."""

from __future__ import annotations

import io
import time
import zipfile

from click.testing import CliRunner

from wsis.apps.registry.domain.dumps import write_dumps
from wsis.apps.registry.domain.importing import import_file
from wsis.apps.registry.models import Initiative
from wsis.cli import main


def _zip_bomb() -> bytes:
    """A workbook-shaped zip whose sheet inflates 8 MB from a few KB (the guard looks at the ratio)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<row>" + "0" * (8 * 2**20) + "</row>")
    return out.getvalue()


def test_a_zip_bomb_xlsx_is_refused_before_it_is_inflated(world, client, web_import):
    bomb = _zip_bomb()
    assert len(bomb) < 200_000
    before = Initiative.objects.count()
    started = time.monotonic()
    report = import_file(name="bomb.xlsx", content=bomb, organization=world.org, actor=world.owner)
    assert time.monotonic() - started < 5
    assert report.errors and "zip bomb" in report.errors[0] and report.errors[0].startswith("bomb.xlsx:")
    client.force_login(world.owner)
    upload = io.BytesIO(bomb)
    upload.name = "bomb.xlsx"
    page = web_import(world.org, upload)
    assert page.status_code == 200 and "zip bomb" in page.content.decode()
    assert Initiative.objects.count() == before


def test_an_upload_over_the_limit_is_refused_from_its_declared_size(world, client, settings):
    settings.WSIS_REGISTRY_IMPORT_MAX_BYTES = 1000
    client.force_login(world.owner)
    before = Initiative.objects.count()
    # A client declaring 200 MB: refused from the header, the body never read (it is not even there).
    refused = client.post(
        f"/en/registry/import/?org={world.org.pk}",
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(200 * 2**20),
    )
    assert refused.status_code == 413
    text = refused.content.decode()
    assert f"{200 * 2**20} bytes; the limit is 1000" in text and "Nothing was imported" in text
    # A real file a little over the limit (within the multipart allowance): refused by its size.
    upload = io.BytesIO(b"ref,title_en\n" + b"x" * 5000)
    upload.name = "big.csv"
    page = client.post(f"/en/registry/import/?org={world.org.pk}", {"org": world.org.pk, "file": upload})
    assert "big.csv: 5013 bytes; the limit is 1000" in page.content.decode()
    assert Initiative.objects.count() == before


def test_the_command_line_import_checks_as_the_web_upload_does(world, tmp_path, settings):
    # A real dump of the registry, imported into the organization: its entries come back as new ones.
    settings.WSIS_REGISTRY_DUMP_DIR = tmp_path
    write_dumps()
    dump = (tmp_path / "registry.csv").read_text()
    header, *rows = dump.splitlines()
    table = tmp_path / "entries.csv"
    # Without the identifiers, so the rows are new entries of the organization.
    table.write_text(dump.replace(world.published.iati_identifier, "XM-TEST-new-1"))
    before = Initiative.objects.count()
    done = CliRunner().invoke(
        main, ["registry", "import", str(table), "--organization", world.org.name, "--user", "owner"]
    )
    assert done.exit_code == 0, done.output
    assert Initiative.objects.count() == before + len(rows)
    # A bomb is refused and exits 1, with the reason; nothing changes.
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(_zip_bomb())
    refused = CliRunner().invoke(
        main, ["registry", "import", str(bomb), "--organization", world.org.name, "--user", "owner"]
    )
    assert refused.exit_code == 1 and "zip bomb" in refused.output
    # Too large: refused before reading.
    settings.WSIS_REGISTRY_IMPORT_MAX_BYTES = 100
    too_big = CliRunner().invoke(
        main, ["registry", "import", str(table), "--organization", world.org.name, "--user", "owner"]
    )
    assert too_big.exit_code == 1 and "the limit is 100" in too_big.output
    # Someone outside the organization may not import into it.
    settings.WSIS_REGISTRY_IMPORT_MAX_BYTES = 20 * 2**20
    outsider = CliRunner().invoke(
        main, ["registry", "import", str(table), "--organization", world.org.name, "--user", "member"]
    )
    assert outsider.exit_code == 1 and "may not import" in outsider.output
    assert Initiative.objects.count() == before + len(rows)
