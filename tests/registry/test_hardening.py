"""Findings 3, 7 and 8 of issue 14: formula injection in the CSV dump, server errors on a NUL byte and on
negative paging, merging into an entry that is not public, HTML summaries in the Atom feed, and
attachments downloaded with an active-content extension."""

from __future__ import annotations

import csv
import io

from lxml import etree

from tests.registry import factories
from wsis.apps.registry.domain.attachments import add_attachment
from wsis.apps.registry.domain.dumps import write_dumps
from wsis.apps.registry.interfaces import tabular
from wsis.apps.registry.models import Attachment, Initiative

FORMULAS = {
    "title_en": '=HYPERLINK("http://evil.example","Click")',
    "summary_en": "+SUM(1,2)",
    "description_en": "-2+3 people connected",
    "title_fr": "@cmd",
    "summary_fr": "+33 1 23 45 67 89",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


# -- 3: the CSV dump ------------------------------------------------------------------------------


def test_the_csv_dump_neutralises_formulas_and_imports_back_unchanged(world, client, settings, tmp_path):
    settings.WSIS_REGISTRY_DUMP_DIR = tmp_path
    texts = {}
    for column, value in FORMULAS.items():
        name, lang = column.rsplit("_", 1)
        texts.setdefault(name, {})[lang] = value
    entry = factories.entry(world.org, world.owner, "published", **texts)
    write_dumps()
    body = b"".join(client.get("/en/registry/dumps/registry.csv").streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    row = next(r for r in rows if r["ref"] == entry.ref)
    for column, value in FORMULAS.items():
        assert row[column] == "'" + value, column
    # No cell of any row starts as a spreadsheet formula.
    for r in rows:
        for column, cell in r.items():
            assert not cell or cell[0] not in "=+-@\t\r", (r["ref"], column, cell)
    # The dump is meant to be edited and imported again: the reader takes the protection off.
    data = tabular.data_of(next(r for r in tabular.read_csv(body) if r["ref"] == entry.ref))
    assert data["title"]["en"] == FORMULAS["title_en"] and data["summary"]["fr"] == FORMULAS["summary_fr"]


# -- 7: server errors -----------------------------------------------------------------------------


def test_a_nul_byte_in_search_text_is_a_clear_400(world, client):
    api = client.get("/api/v1/registry/initiatives", {"q": "broad\x00band"})
    assert api.status_code == 400 and "NUL" in api.json()["detail"]
    page = client.get("/en/registry/", {"q": "broad\x00band"})
    assert page.status_code == 400 and "NUL character" in page.content.decode()
    site = client.get("/en/search/", {"q": "broad\x00band"})
    assert site.status_code == 400 and "NUL character" in site.content.decode()
    # And a search without it still works.
    assert client.get("/en/registry/", {"q": "broadband"}).status_code == 200


def test_negative_paging_of_the_decision_log_is_refused_with_a_message(world, client):
    for name in ("offset", "limit"):
        response = client.get("/api/v1/registry/decisions", {name: "-5"})
        assert response.status_code == 422, name
        assert name in response.content.decode()
    assert client.get("/api/v1/registry/decisions", {"offset": "0", "limit": "5"}).status_code == 200


# -- 8: merges, feed, attachments -----------------------------------------------------------------


def test_a_published_entry_cannot_be_merged_into_an_unpublished_one(world, client):
    rejected = factories.entry(world.other_org, world.member_other, "rejected", title={"en": "Rejected one"})
    client.force_login(world.moderator)
    response = client.post(
        f"/en/registry/{world.published.pk}/merge/", {"into": rejected.pk, "reason": "same"}, follow=True
    )
    assert "a published entry can only be merged into a published one" in response.content.decode()
    world.published.refresh_from_db()
    assert world.published.same_as_id is None
    client.logout()
    assert client.get(f"/en/registry/{world.published.pk}/").status_code == 200
    # Into a published entry it still works.
    other = factories.entry(world.other_org, world.member_other, "published", title={"en": "Kept one"})
    client.force_login(world.moderator)
    client.post(f"/en/registry/{world.published.pk}/merge/", {"into": other.pk, "reason": "same"})
    assert Initiative.objects.get(pk=world.published.pk).same_as_id == other.pk


def test_the_feed_sends_summaries_as_text(world, client):
    entry = factories.entry(
        world.org, world.owner, "published", summary={"en": "<b>bold</b> & <script>x()</script>"}
    )
    feed = etree.fromstring(client.get("/en/registry/feed.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    summary = next(
        e.find("a:summary", ns)
        for e in feed.findall("a:entry", ns)
        if entry.ref in e.findtext("a:title", "", ns)
    )
    assert summary.get("type") == "text"
    assert summary.text == "<b>bold</b> & <script>x()</script>"  # the author's text, as text
    assert 'type="html"' not in client.get("/en/registry/feed.atom").content.decode()


def test_attachments_never_download_with_an_active_content_extension(world, client):
    client.force_login(world.owner)
    upload = io.BytesIO(PDF)
    upload.name = "page.html"
    client.post(f"/en/registry/{world.draft.pk}/attachments/", {"file": upload})
    stored = Attachment.objects.get(initiative=world.draft)
    assert stored.name == "page.html.pdf"
    # A row stored before the fix, with its sender's name, is renamed when served.
    old = add_attachment(initiative=world.draft, name="map.png", content=PNG)
    Attachment.objects.filter(pk=old.pk).update(name="drawing.svg")
    for item, expected in ((stored, "page.html.pdf"), (old, "drawing.svg.png")):
        response = client.get(f"/en/registry/attachments/{item.pk}/")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] in ("application/pdf", "image/png")


def test_an_organization_website_typed_without_a_scheme_is_taken_as_https(db) -> None:
    from wsis.apps.accounts.interfaces.forms import OrganizationForm

    form = OrganizationForm(
        data={"name": "Maktaba", "stakeholder_type": "civil_society", "website": "maktaba.example.org"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["website"] == "https://maktaba.example.org"
