"""Open data: permanent URLs, the Atom feed, the dump pages with checksums, the OpenAPI description."""

from __future__ import annotations

import hashlib

from lxml import etree

from wsis.apps.registry.domain.dumps import write_dumps


def test_atom_feed_lists_published_entries_only(world, client):
    response = client.get("/en/registry/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text for t in feed.findall("a:entry/a:title", ns)]
    assert titles == [f"{world.published.ref} Published entry on libraries"]


def test_dumps_are_listed_and_served_with_their_checksums(world, client, settings, tmp_path):
    settings.WSIS_REGISTRY_DUMP_DIR = tmp_path
    assert "No dump has been written yet." in client.get("/en/registry/dumps/").content.decode()
    sums = write_dumps()
    page = client.get("/en/registry/dumps/").content.decode()
    for name, digest in sums.items():
        assert digest in page
        body = b"".join(client.get(f"/en/registry/dumps/{name}").streaming_content)
        assert hashlib.sha256(body).hexdigest() == digest
    assert client.get("/en/registry/dumps/secret_key").status_code == 404
    assert client.get("/en/registry/dumps/..%2Fsecret_key").status_code == 404


def test_permanent_urls_in_every_language_and_openapi(world, client):
    for lang in ["ar", "zh-hans", "en", "fr", "ru", "es"]:
        assert client.get(f"/{lang}/registry/{world.published.pk}/").status_code == 200
    spec = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/registry/initiatives",
        "/api/v1/registry/initiatives/{pk}",
        "/api/v1/registry/decisions",
    } <= set(spec["paths"])
