"""Issue 16, the IATI points of "done when" on every real publisher's file, through both doors.

Each file of ``iati/publishers`` goes through ``wsis registry import`` and the web upload: as published
(nothing ICT-related: every activity skipped and counted), then with the first DAC sector of its first
activity made an ICT one at run time (the file is never copied): that activity comes in as a draft with
suggested lines, or straight into the facilitators' queue when the organization asked for automatic
submission, and a second import updates it, keeping its versions. Also: the sample files through the
command line, content in a language outside the six searched and marked on the page, and hostile files
refused quickly with nothing stored.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree

from tests.registry import factories
from tests.registry.test_iati_real import PUBLISHERS
from tests.registry.test_import_limits import _zip_bomb
from wsis.apps.registry.domain.importing import import_file
from wsis.apps.registry.domain.search import Query, search
from wsis.apps.registry.models import Initiative, Version
from wsis.cli import main


@pytest.fixture
def publishers(shared: Path) -> Path:
    return shared / "iati" / "publishers"


def _with_ict_sector(content: bytes) -> tuple[bytes, str]:
    """The file with the first DAC sector of its first activity (at activity or transaction level) made
    ICT-related: purpose code 22040 in vocabulary 1, category 220 in vocabulary 2 (IFAD's)."""
    root = etree.fromstring(content)
    activity = root.find("iati-activity")
    for sector in [*activity.findall("sector"), *activity.findall("transaction/sector")]:
        vocabulary = sector.get("vocabulary") or "1"
        if vocabulary in {"1", "2"}:
            sector.set("code", "22040" if vocabulary == "1" else "220")
            break
    else:
        raise AssertionError("the first activity has no DAC sector")
    ident = activity.findtext("iati-identifier").strip()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), ident


def _cli(path: Path, org: str) -> object:
    return CliRunner().invoke(
        main, ["registry", "import", str(path), "--organization", org, "--user", "owner"]
    )


def _upload(web_import, org, name: str, content: bytes) -> str:
    response = web_import(org, SimpleUploadedFile(name, content, "text/xml"))
    assert response.status_code == 200
    return response.content.decode()


def _stored() -> tuple[int, int]:
    return Initiative.objects.count(), Version.objects.count()


@pytest.mark.parametrize("name", sorted(PUBLISHERS))
def test_each_publisher_file_through_the_command_line(world, publishers: Path, name: str, tmp_path) -> None:
    activities = PUBLISHERS[name][0]
    before = _stored()
    as_published = _cli(publishers / name, world.org.name)
    assert as_published.exit_code == 0, as_published.output
    assert f"0 created as drafts with suggested action lines, 0 updated, {activities} skipped" in (
        as_published.output
    )
    assert "no ICT-related sector or SDG tag" in as_published.output and _stored() == before
    content, ident = _with_ict_sector((publishers / name).read_bytes())
    ict = tmp_path / name
    ict.write_bytes(content)
    first = _cli(ict, world.org.name)
    assert first.exit_code == 0, first.output
    assert f"1 created as drafts with suggested action lines, 0 updated, {activities - 1} skipped" in (
        first.output
    )
    entry = Initiative.objects.get(iati_identifier=ident)
    assert entry.state == "draft" and entry.organization == world.org
    assert (
        set(entry.action_lines.values_list("code", flat=True)) == {"C2", "C6"} or name == "ifad-activity.xml"
    )
    assert "action lines suggested from DAC" in Version.objects.get(initiative=entry, number=1).note
    second = _cli(ict, world.org.name)
    assert second.exit_code == 0 and "0 created as drafts with suggested action lines, 1 updated" in (
        second.output
    ), second.output
    assert Initiative.objects.filter(iati_identifier=ident).count() == 1
    assert list(
        Version.objects.filter(initiative=entry).order_by("number").values_list("number", flat=True)
    ) == [
        1,
        2,
    ]


@pytest.mark.parametrize("name", sorted(PUBLISHERS))
def test_each_publisher_file_through_the_web_upload(
    world, publishers: Path, name: str, client, web_import
) -> None:
    activities = PUBLISHERS[name][0]
    client.force_login(world.owner)
    before = _stored()
    page = _upload(web_import, world.org, name, (publishers / name).read_bytes())
    assert f"{activities} activities skipped" in page and "0 created, 0 updated." in page
    assert _stored() == before
    content, ident = _with_ict_sector((publishers / name).read_bytes())
    first = _upload(web_import, world.org, name, content)
    assert "1 created, 0 updated." in first and "1 drafts with action lines suggested" in first
    entry = Initiative.objects.get(iati_identifier=ident, organization=world.org)
    assert entry.state == "draft" and entry.action_lines.exists()
    second = _upload(web_import, world.org, name, content)
    assert "0 created, 1 updated." in second
    assert Initiative.objects.filter(iati_identifier=ident).count() == 1
    assert Version.objects.filter(initiative=entry).count() == 2


def test_an_organization_that_asked_for_automatic_submission_goes_to_the_facilitators_queue(
    world, publishers: Path, client
) -> None:
    world.org.submit_imports = True
    world.org.save()
    content, ident = _with_ict_sector((publishers / "canada-activity.xml").read_bytes())
    report = import_file(name="canada.xml", content=content, organization=world.org, actor=world.owner)
    assert report.ok, report.errors
    assert report.queued == report.created and len(report.created) == 1 and report.suggested == []
    entry = Initiative.objects.get(iati_identifier=ident)
    assert entry.state == "submitted"
    assert "action lines suggested from DAC 22040" in Version.objects.get(initiative=entry, number=1).note
    # The C2 facilitator finds it in the queue of the suggested line.
    client.force_login(world.facilitator)
    queue = client.get("/en/registry/queues/C2/").content.decode()
    assert entry.ref in queue
    # An organization that did not ask keeps such entries as drafts (test_each_publisher_file_...).
    world.other_org.refresh_from_db()
    assert world.other_org.submit_imports is False


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("undp_sample.xml", "declares IATI version ''"),
        ("worldbank.xml", "declares IATI version '1.0'"),
        ("worked-example.xml", "the root element is <iati-activity>"),
    ],
)
def test_the_sample_files_through_the_command_line(world, shared: Path, name: str, reason: str) -> None:
    before = _stored()
    out = _cli(shared / "iati" / "sample-activities" / name, world.org.name)
    assert out.exit_code == 1 and reason in out.output and f"{name}: import refused" in out.output
    assert "<iati" not in out.output.replace("<iati-activity>", "").replace("<iati-activities>", "")
    assert _stored() == before


def _published_in(world, language: str, title: str, description: str):
    """A published entry written only in ``language``."""
    return factories.entry(
        world.org,
        world.owner,
        "published",
        original_language=language,
        title={language: title},
        summary={},
        description={language: description},
    )


def test_content_in_another_language_is_searched_and_marked_on_the_page(world, client) -> None:
    dutch = _published_in(
        world,
        "nl",
        "Digitale vaardigheden voor plattelandsvrouwen",
        "Cursussen over internetbankieren in dorpshuizen.",
    )
    assert [e.pk for e in search(query=Query(text="plattelandsvrouwen"))] == [dutch.pk]
    assert [e.pk for e in search(query=Query(text="dorpshuizen"))] == [dutch.pk]
    page = client.get(f"/en/registry/{dutch.pk}/").content.decode()
    assert '<h1 lang="nl" dir="ltr">Digitale vaardigheden voor plattelandsvrouwen</h1>' in page
    assert '<div lang="nl" dir="ltr"><p>Cursussen over internetbankieren' in page
    listed = client.get("/en/registry/?q=plattelandsvrouwen").content.decode()
    assert 'lang="nl" dir="ltr">Digitale vaardigheden voor plattelandsvrouwen</a>' in listed
    # The language marked is that of the text shown: a French title on the French page is not "en".
    both = factories.entry(
        world.org,
        world.owner,
        "published",
        title={"en": "Rural libraries online", "fr": "Bibliothèques rurales en ligne"},
        description={"en": "Library catalogues on the web."},
    )
    french = client.get(f"/fr/registry/{both.pk}/").content.decode()
    assert '<h1 lang="fr" dir="ltr">Bibliothèques rurales en ligne</h1>' in french
    assert '<div lang="en" dir="ltr"><p>Library catalogues on the web.' in french
    # A right-to-left original keeps its direction on a left-to-right page.
    arabic = _published_in(world, "ar", "مكتبات رقمية", "كتب على الإنترنت")
    assert (
        '<h1 lang="ar" dir="rtl">مكتبات رقمية</h1>'
        in client.get(f"/en/registry/{arabic.pk}/").content.decode()
    )


HOSTILE = {
    "xxe.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<iati-activities version="2.03">&x;</iati-activities>',
    "laughs.xml": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><iati-activities version="2.03">&c;</iati-activities>',
}
REASONS = {
    "xxe.xml": "refused: a document type declaration or entities",
    "laughs.xml": "refused: a document type declaration or entities",
    "bomb.xlsx": "zip bomb",
    "huge.xml": "bytes; the limit is",
}


@pytest.mark.parametrize("name", sorted(REASONS))
def test_hostile_files_are_refused_quickly_through_both_doors(
    world, client, web_import, tmp_path, name: str
) -> None:
    path = tmp_path / name
    if name == "huge.xml":  # 100 MB: refused from its size, never read
        with path.open("wb") as handle:
            handle.write(b"<iati-activities version='2.03'>")
            for _ in range(100):
                handle.write(b" " * 2**20)
    else:
        path.write_bytes(_zip_bomb() if name == "bomb.xlsx" else HOSTILE[name])
    before = _stored()
    started = time.monotonic()
    out = _cli(path, world.org.name)
    assert time.monotonic() - started < 5
    assert out.exit_code == 1 and REASONS[name] in out.output and "nothing was changed" in out.output
    assert _stored() == before
    if name != "huge.xml":  # the web upload of 100 MB is test_import_limits' declared-size refusal
        client.force_login(world.owner)
        started = time.monotonic()
        upload = io.BytesIO(path.read_bytes())
        upload.name = name
        page = web_import(world.org, upload)  # the upload, then the background import and its report
        assert time.monotonic() - started < 5
        assert REASONS[name] in page.content.decode() and "Nothing was imported" in page.content.decode()
        assert _stored() == before


def _with_sector_and_tags(content: bytes, sector: str, tags: list[str]) -> bytes:
    """Canada's activity with its first sector set to ``sector`` and SDG target tags added after it."""
    root = etree.fromstring(content)
    activity = root.find("iati-activity")
    sectors = activity.findall("sector")
    sectors[0].set("code", sector)
    for code in reversed(tags):
        sectors[-1].addnext(etree.Element("tag", {"vocabulary": "3", "code": code}))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize(
    ("sector", "tags", "lines", "because"),
    [
        # Education policy is ICT-related only with an ICT tag (the reference crosswalk's with_ict_tag);
        # so is Canada's second sector, 15150 democratic participation (category 151, e-government).
        ("11110", ["4.4"], ["C4", "C7.a", "C7.c"], "DAC 11110 with an ICT tag"),
        ("11110", [], None, "DAC sectors: 11110, 15150"),
        # An ICT SDG tag alone is enough; one outside the crosswalk is not.
        ("15112", ["9.c"], ["C2", "C7.a"], "SDG target 9.c"),
        ("15112", ["1.1"], None, "DAC sectors: 15112, 15150"),
    ],
)
def test_suggestions_follow_the_reference_crosswalk(
    world, publishers: Path, sector: str, tags: list[str], lines: list[str] | None, because: str
) -> None:
    content = _with_sector_and_tags((publishers / "canada-activity.xml").read_bytes(), sector, tags)
    report = import_file(name="canada.xml", content=content, organization=world.org, actor=world.owner)
    assert report.ok, report.errors
    if lines is None:
        assert report.created == [] and because in report.skipped[0]
        return
    entry = Initiative.objects.get(pk=int(report.suggested[0].split("-")[1]))
    assert sorted(entry.action_lines.values_list("code", flat=True)) == lines
    assert because in Version.objects.get(initiative=entry, number=1).note
