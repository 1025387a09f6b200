"""The action line page: facilitators and WSIS-SDG links from the reference knowledge, the published
initiatives on the line (C7: on its sub-lines too), and their counts by stakeholder type and region.
It replaces the reference app's detail page at the same permanent URL."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client
from django.urls import resolve
from django.utils import translation

from tests.web.conftest import LANGUAGES


@pytest.fixture
def initiatives(db):
    """Published and unpublished entries of two organizations, on C7 sub-lines and on C2."""
    from tests.registry.factories import entry, user
    from wsis.apps.accounts.domain.organizations import create_organization

    owner, other = user("owner"), user("other")
    civil = create_organization(
        creator=owner, name="Bibliothèques sans frontières", stakeholder_type="civil_society"
    )
    private = create_organization(creator=other, name="Net Co", stakeholder_type="private")
    return {
        "kenya": entry(
            civil,
            owner,
            "published",
            action_lines=["C7.c"],
            countries=["KEN"],
            title={"en": "Kenya e-learning"},
        ),
        "both": entry(
            private,
            other,
            "published",
            action_lines=["C7.b", "C2"],
            countries=["KEN", "FRA"],
            title={"en": "Two-region e-business"},
        ),
        "global": entry(
            private,
            other,
            "published",
            action_lines=["C7.c"],
            countries=[],
            title={"en": "Global e-learning"},
        ),
        "draft": entry(civil, owner, "draft", action_lines=["C7.c"], title={"en": "Unpublished e-learning"}),
    }


def _table(doc, caption: str) -> dict[str, str]:
    table = next(t for t in doc.xpath("//table") if caption in t.xpath("./caption")[0].text_content())
    return {tr[0].text_content(): tr[1].text_content() for tr in table.xpath("./tbody/tr")}


def test_the_public_page_replaced_the_reference_page() -> None:
    with translation.override("en"):
        match = resolve("/en/action-lines/C2/")
    assert (match.namespace, match.url_name) == ("public", "action_line")


@pytest.mark.django_db
def test_facilitators_and_matrix_links_come_from_the_reference(client: Client) -> None:
    from wsis.apps.reference.models import ActionLine, MatrixLink

    line = ActionLine.objects.get(code="C2")
    html = client.get("/en/action-lines/C2/").content.decode()
    for name in line.lead_facilitators:
        assert name in html
    targets = set(MatrixLink.objects.filter(line=line).values_list("target_id", flat=True))
    doc = lxml.html.fromstring(html)
    shown = {a.text for a in doc.xpath("//a[starts-with(@href, '/en/sdgs/targets/')]")}
    assert shown == targets and targets


@pytest.mark.django_db
def test_c7_lists_its_sub_lines_and_their_links(client: Client) -> None:
    from wsis.apps.reference.models import ActionLine, MatrixLink

    subs = list(ActionLine.objects.filter(parent="C7").values_list("code", flat=True))
    html = client.get("/en/action-lines/C7/").content.decode()
    for code in subs:
        assert f'href="/en/action-lines/{code}/"' in html
    assert MatrixLink.objects.filter(line__in=subs).count() == html.count('href="/en/sdgs/targets/')


@pytest.mark.django_db
def test_initiatives_and_their_statistics(client: Client, initiatives) -> None:
    doc = lxml.html.fromstring(client.get("/en/action-lines/C7/").content.decode())
    titles = {a.text_content() for a in doc.xpath("//section[@aria-labelledby='initiatives']//li/a")}
    assert titles == {"Kenya e-learning", "Two-region e-business", "Global e-learning"}
    assert _table(doc, "stakeholder type") == {"Private sector": "2", "Civil society": "1"}
    regions = _table(doc, "by region")
    assert regions == {"Africa": "2", "Europe": "1", "No country named (global or regional)": "1"}
    # A sub-line counts only its own entries.
    doc = lxml.html.fromstring(client.get("/en/action-lines/C7.c/").content.decode())
    assert _table(doc, "stakeholder type") == {"Private sector": "1", "Civil society": "1"}


@pytest.mark.django_db
def test_unknown_line_is_not_found(client: Client) -> None:
    response = client.get("/en/action-lines/C99/")
    assert response.status_code == 404 and "C99" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_action_line_page_in_every_language(client: Client, initiatives, lang: str) -> None:
    from wsis.apps.reference.models import ActionLine

    response = client.get(f"/{lang}/action-lines/C7/")
    assert response.status_code == 200
    html = response.content.decode()
    key = "zh" if lang == "zh-hans" else lang
    assert ActionLine.objects.get(code="C7").names[key] in html
    assert html.count("<h1") == 1
