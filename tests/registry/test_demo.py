"""The demonstration loader: a few dozen entries, idempotent, and marked as demonstration everywhere."""

from __future__ import annotations

from lxml import etree

from wsis.apps.registry.domain.demo import load_demo_registry
from wsis.apps.registry.domain.dumps import write_dumps
from wsis.apps.registry.domain.search import public_entries
from wsis.apps.registry.models import Initiative


def test_demo_loads_once_and_is_marked(db, client, tmp_path, shared):
    report = list(load_demo_registry())
    assert "36 entries" in report[0]
    assert list(load_demo_registry()) == ["registry demonstration content: already loaded"]
    assert Initiative.objects.filter(is_demo=True).count() == 36
    shown = public_entries()
    assert shown.count() >= 20 and set(shown.values_list("is_demo", flat=True)) == {True}
    entry = shown.first()
    assert "Demonstration content" in client.get(f"/en/registry/{entry.pk}/").content.decode()
    listing = client.get("/en/registry/").content.decode()
    assert listing.count("Demonstration content") == min(20, shown.count())
    assert client.get(f"/api/v1/registry/initiatives/{entry.pk}").json()["is_demo"] is True
    write_dumps(folder=tmp_path)
    assert ",yes," in (tmp_path / "registry.csv").read_text()
    schema = etree.XMLSchema(etree.parse(str(shared / "iati" / "iati-activities-schema.xsd")))
    assert schema.validate(etree.parse(str(tmp_path / "registry-iati.xml"))), schema.error_log
