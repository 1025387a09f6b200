"""Country and action line reports through the same machinery: figures with footnotes, every format, a
subject without data refused; and the moderated public comment period tied to paragraph numbers."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from wsis.apps.reports.domain import ReportsError


@pytest.mark.django_db
def test_a_country_report_states_the_latest_figures_of_the_profile(site_data):
    from docx import Document

    from wsis.apps.public import figures as fig
    from wsis.apps.public.views.common import KEY_INDICATORS
    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.domain.drafts import generate
    from wsis.apps.reports.interfaces.render import docx, pdf

    doc = document(generate(kind="country", year=2024, subject="KEN", language="en"))
    assert doc["title"] == "Kenya: information society profile, 2024"
    latest = fig.latest(
        f
        for f in fig.totals(fig.observations(list(KEY_INDICATORS), ["KEN"], fig.Releases()))
        if f.year <= 2024
    )
    stated = {
        n["figure"]["key"]: n["figure"]
        for n in doc["footnotes"]
        if n["figure"]["key"].startswith("indicators.")
    }
    assert stated, "the report states the key indicators"
    for key, figure in stated.items():
        found = latest[(key.removeprefix("indicators."), "KEN")]
        assert figure["value"] == found.value and figure["year"] == found.year
        assert found.release.name in figure["release"]
    assert pdf(doc).startswith(b"%PDF-")
    assert Document(io.BytesIO(docx(doc))).paragraphs[1].text == doc["title"]
    with pytest.raises(ReportsError, match="no economy 'XXX'"):
        generate(kind="country", year=2024, subject="XXX", language="en")


@pytest.mark.django_db
def test_an_action_line_report_cites_what_contributions_say_about_the_line(cast, site_data):
    from tests.reports.conftest import question_ids
    from wsis.apps.reports.domain.contributions import save
    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.domain.drafts import generate

    with pytest.raises(ReportsError, match="no data for a 2024 report on C4"):
        generate(kind="action_line", year=2024, subject="C4", language="fr")
    ids = question_ids(cast["call"])
    save(
        call=cast["call"],
        organization=cast["orgs"]["amadou"],
        author=cast["people"]["amadou"],
        answers={
            ids["long_text"]: "Actions",
            ids["per_action_line"]: {"C4": "Formation de 1 200 enseignants"},
        },
        language="fr",
        submit=True,
        consent_to_publish=True,
    )
    doc = document(generate(kind="action_line", year=2024, subject="C4", language="fr"))
    quoted = [p["excerpt"] for s in doc["sections"] for p in s["paragraphs"] if p["excerpt"]]
    assert [(e["text"], e["language"]) for e in quoted] == [("Formation de 1 200 enseignants", "fr")]
    assert quoted[0]["url"].startswith("/fr/reports/contributions/")
    assert doc["title"].startswith("Grande orientation C4")


@pytest.mark.django_db
def test_public_comments_are_tied_to_paragraphs_and_shown_once_approved(site_data, client, django_user_model):
    from wsis.apps.reports.domain.drafts import generate
    from wsis.apps.reports.models import Comment

    report = generate(kind="annual", year=2024, language="en")
    url = reverse("reports:comment", args=[report.pk])
    assert client.get(url).status_code == 404  # no comment period open
    report.comments_open = True
    report.save()
    client.post(url, {"paragraph": "3", "name": "A reader", "text": "Please add the rural figure."})
    comment = Comment.objects.get(report=report)
    assert comment.paragraph_number == 3 and comment.state == "pending"
    assert "Please add the rural figure." not in client.get(url).content.decode()
    comment.state = "approved"
    comment.save()
    assert "Please add the rural figure." in client.get(url).content.decode()
