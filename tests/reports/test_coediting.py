"""Co-editing with optimistic locking: every paragraph edit and every save of a contribution names the
version it was based on; a save over a newer version is refused (409) with both texts on the page, the
newer text stays stored, and the refused one comes back in the form - nothing is lost. Two editors, on
the database of the run (SQLite or PostgreSQL). And the report's UN document symbol."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.registry.factories import user
from tests.reports.conftest import question_ids
from wsis.apps.reports.domain import EditConflict, ReportsError


def _secretariat(name: str):
    from wsis.apps.accounts.domain.staff import make_secretariat

    person = user(name)
    make_secretariat(user=person)
    return person


@pytest.fixture
def draft(db):
    from wsis.apps.reports.models import Paragraph, Report

    report = Report.objects.create(kind="annual", year=2098, language="en")
    Paragraph.objects.create(
        report=report,
        key="findings.suggestions",
        section="findings",
        position=10,
        generated="Stakeholders are encouraged to act.",
        text="Stakeholders are encouraged to act.",
    )
    return report


def _revision(page: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', page).group(1)


@pytest.mark.django_db
def test_two_editors_of_a_paragraph_the_second_is_refused_with_both_texts(draft, client, django_user_model):
    from django.test import Client

    from wsis.apps.reports.models import Paragraph

    url = reverse("reports:draft", args=[draft.pk])
    anna, bruno = Client(), Client()
    anna.force_login(_secretariat("anna"))
    bruno.force_login(_secretariat("bruno"))
    # Both open the draft at the same revision.
    seen = _revision(anna.get(url).content.decode())
    assert _revision(bruno.get(url).content.decode()) == seen
    edit = {"action": "edit", "key": "findings.suggestions", "revision": seen}
    assert anna.post(url, {**edit, "text": "Anna's version."}).status_code == 302
    refused = bruno.post(url, {**edit, "text": "Bruno's version."})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "changed since you opened it" in page and "saved by anna" in page
    assert escape("Anna's version.") in page  # the newer text, shown
    assert escape("Bruno's version.") in page  # the refused text, back in the form
    paragraph = Paragraph.objects.get(report=draft)
    assert paragraph.text == "Anna's version." and paragraph.revision == int(seen) + 1
    # Bruno saves on top of the newer revision, as the page now offers.
    again = {**edit, "revision": _revision(page), "text": "Bruno's version, after reading Anna's."}
    assert bruno.post(url, again).status_code == 302
    paragraph.refresh_from_db()
    assert paragraph.text == "Bruno's version, after reading Anna's."
    # Both edits are in the versions: nothing was lost.
    texts = [v.snapshot[0]["text"] for v in draft.versions.order_by("number")]
    assert texts == ["Anna's version.", "Bruno's version, after reading Anna's."]


@pytest.mark.django_db
def test_a_stale_edit_in_the_domain_changes_nothing(draft):
    from wsis.apps.reports.domain.drafts import edit, revert

    anna = _secretariat("anna2")
    edit(report=draft, key="findings.suggestions", text="First.", by=anna, based_on=1)
    revert(report=draft, key="findings.suggestions", by=anna)  # back to the data: revision 3
    with pytest.raises(EditConflict) as caught:
        edit(report=draft, key="findings.suggestions", text="Stale.", by=anna, based_on=2)
    assert caught.value.theirs == "Stakeholders are encouraged to act." and caught.value.yours == "Stale."
    assert "regenerated from the data" in str(caught.value)
    paragraph = draft.paragraphs.get()
    assert (paragraph.text, paragraph.revision, paragraph.edited) == (
        "Stakeholders are encouraged to act.",
        3,
        False,
    )


@pytest.mark.django_db
def test_an_edit_without_its_revision_is_refused(draft, client):
    client.force_login(_secretariat("carla"))
    url = reverse("reports:draft", args=[draft.pk])
    response = client.post(
        url, {"action": "edit", "key": "findings.suggestions", "text": "No base."}, follow=True
    )
    assert "which version it was based on" in response.content.decode()
    assert draft.paragraphs.get().text == "Stakeholders are encouraged to act."


@pytest.mark.django_db
def test_two_members_answering_the_second_sees_both_answers(cast):
    from django.test import Client

    from wsis.apps.accounts.domain.organizations import add_member
    from wsis.apps.reports.models import Contribution

    call, org = cast["call"], cast["orgs"]["amadou"]
    awa = user("awa")
    add_member(organization=org, user=awa)
    ids = question_ids(call)
    url = reverse("reports:answer", args=[call.pk])
    first, second = Client(), Client()
    first.force_login(cast["people"]["amadou"])
    second.force_login(awa)
    for c in (first, second):
        assert 'name="version" value="0"' in c.get(url).content.decode()
    form = {"organization": org.pk, "language": "fr", "action": "save", "version": "0"}
    key = f"q{ids['long_text']}"
    assert first.post(url, {**form, key: "Texte d'Amadou"}).status_code == 302
    refused = second.post(url, {**form, key: "Texte d'Awa"})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert escape("Texte d'Amadou") in page and escape("Texte d'Awa") in page
    assert 'name="version" value="1"' in page
    contribution = Contribution.objects.get(call=call, organization=org)
    assert contribution.version == 1 and contribution.answers[ids["long_text"]] == "Texte d'Amadou"
    assert second.post(url, {**form, "version": "1", key: "Texte d'Awa"}).status_code == 302
    contribution.refresh_from_db()
    assert [v.answers[ids["long_text"]] for v in contribution.versions.all()] == [
        "Texte d'Amadou",
        "Texte d'Awa",
    ]


# --- the UN document symbol -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("symbol", ["A/81/65-E/2026/11", "A/81/65–E/2026/11", "E/CN.16/2026/2"])
def test_a_valid_symbol_is_kept(draft, symbol):
    from wsis.apps.reports.domain.drafts import set_symbol

    set_symbol(report=draft, symbol=f" {symbol} ", by=None)
    draft.refresh_from_db()
    assert draft.symbol == symbol


@pytest.mark.django_db
@pytest.mark.parametrize(
    "symbol", ["a/81/65", "A81-65", "A/81/65-", "A//65", "<script>/1", "A/81/65 E/2026/11"]
)
def test_a_malformed_symbol_is_refused_and_nothing_changes(draft, symbol):
    from wsis.apps.reports.domain.drafts import set_symbol

    set_symbol(report=draft, symbol="A/81/65-E/2026/11", by=None)
    with pytest.raises(ReportsError, match="document symbol"):
        set_symbol(report=draft, symbol=symbol, by=None)
    draft.refresh_from_db()
    assert draft.symbol == "A/81/65-E/2026/11"


@pytest.mark.django_db
def test_the_symbol_heads_html_pdf_and_docx_and_is_fixed_once_published(draft, client):
    from docx import Document

    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.domain.drafts import freeze, publish, set_symbol
    from wsis.apps.reports.interfaces.render import docx, html, pdf

    client.force_login(_secretariat("dora"))
    url = reverse("reports:draft", args=[draft.pk])
    client.post(url, {"action": "symbol", "symbol": "not a symbol"})
    draft.refresh_from_db()
    assert draft.symbol == ""
    freeze(report=draft, by=None)
    # Given after freezing, before publishing: the frozen document carries it.
    client.post(url, {"action": "symbol", "symbol": "A/81/65-E/2026/11"})
    draft.refresh_from_db()
    doc = document(draft)
    assert doc["symbol"] == "A/81/65-E/2026/11"
    assert '<p class="report-symbol">' in html(doc) and "A/81/65-E/2026/11" in html(doc)
    text = _pdf_text(pdf(doc))
    assert text.count("A/81/65-E/2026/11") >= 2  # the cover and the running head
    word = Document(io.BytesIO(docx(doc)))
    assert word.paragraphs[0].text == "A/81/65-E/2026/11"
    assert word.sections[0].header.paragraphs[0].text == "A/81/65-E/2026/11"
    publish(report=draft, by=None)
    with pytest.raises(ReportsError, match="published"):
        set_symbol(report=draft, symbol="A/81/66", by=None)


def _pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
