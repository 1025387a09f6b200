"""CSV and XLSX import: a validation report naming row and column, and nothing written on error."""

from __future__ import annotations

import io

from openpyxl import Workbook

from wsis.apps.registry.domain.dumps import write_dumps
from wsis.apps.registry.domain.importing import import_file
from wsis.apps.registry.interfaces.tabular import DATA_COLUMNS
from wsis.apps.registry.models import Initiative

HEADER = ",".join(
    ["original_language", "title_en", "description_en", "action_lines", "countries", "start_date", "targets"]
)


def test_csv_rows_are_created_and_submitted(world):
    content = (
        HEADER
        + "\nen,Mesh networks,Community mesh,C2;C6,KEN;UGA,2024-03-01,"
        + '"[{""code"": ""9.c"", ""evidence"": ""x""}]"\n'
    ).encode()
    report = import_file(name="entries.csv", content=content, organization=world.org, actor=world.owner)
    assert report.ok, report.errors
    entry = Initiative.objects.get(pk=int(report.created[0].split("-")[1]))
    assert entry.state == "submitted" and set(entry.countries.values_list("iso3", flat=True)) == {
        "KEN",
        "UGA",
    }


def test_one_bad_row_writes_nothing(world):
    content = (
        HEADER
        + "\nen,Good row,Fine,C2,KEN,2024-03-01,"
        + "\nen,Bad date,Fine,C2,KEN,01/03/2024,"
        + "\nen,Bad line,Fine,C99,KEN,2024-03-01,\n"
    ).encode()
    count = Initiative.objects.count()
    report = import_file(name="entries.csv", content=content, organization=world.org, actor=world.owner)
    assert not report.ok
    assert report.errors[0] == "entries.csv row 3: start_date: '01/03/2024' is not a date written YYYY-MM-DD"
    assert Initiative.objects.count() == count
    content = (
        HEADER + "\nen,Good row,Fine,C2,KEN,2024-03-01,\nen,Bad line,Fine,C99,KEN,2024-03-01,\n"
    ).encode()
    report = import_file(name="entries.csv", content=content, organization=world.org, actor=world.owner)
    assert report.errors == ["entries.csv row 3: action_lines: unknown code(s) C99"]
    assert Initiative.objects.count() == count


def test_xlsx_and_csv_dump_reimport(world, tmp_path, settings):
    settings.WSIS_REGISTRY_DUMP_DIR = tmp_path
    write_dumps(folder=tmp_path)
    report = import_file(
        name="registry.csv",
        content=(tmp_path / "registry.csv").read_bytes(),
        organization=world.org,
        actor=world.owner,
    )
    assert report.ok, report.errors
    assert report.updated == [world.published.ref]
    book = Workbook()
    sheet = book.active
    sheet.append(["original_language", "title_fr", "description_fr", "action_lines", "start_date"])
    sheet.append(["fr", "Réseaux communautaires", "Accès local", "C2", "2024-05-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_file(
        name="entries.xlsx", content=buffer.getvalue(), organization=world.org, actor=world.owner
    )
    assert report.ok, report.errors
    assert Initiative.objects.get(pk=int(report.created[0].split("-")[1])).title == {
        "fr": "Réseaux communautaires"
    }
    assert "title_ar" in DATA_COLUMNS


def test_oversized_file_is_refused_before_reading(world, settings):
    settings.WSIS_REGISTRY_IMPORT_MAX_BYTES = 10
    report = import_file(name="big.csv", content=b"x" * 11, organization=world.org, actor=world.owner)
    assert report.errors == ["big.csv: 11 bytes; the limit is 10"]
