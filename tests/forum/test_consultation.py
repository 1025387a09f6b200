"""A multi-stakeholder consultation (para 90): comments on numbered paragraphs in two languages, one hidden
by a moderator with its reason logged, posting refused once closed, and the summary per paragraph
published at the close - counting, by language and stakeholder type, only the comments left visible."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

PARAGRAPHS = [
    "The Forum reviews progress on the eleven action lines.",
    "Stakeholders share practices and partnerships.",
    "The outcome feeds the CSTD's annual review.",
]


def open_consultation(cast):
    from wsis.apps.forum.domain.consultations import create_consultation

    now = timezone.now()
    return create_consultation(
        title="Draft outcome document of the WSIS Forum 2025",
        paragraphs=PARAGRAPHS,
        opens_at=now - dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=5),
        by=cast.organizer,
    )


def close(consultation) -> None:
    consultation.closes_at = timezone.now() - dt.timedelta(seconds=1)
    consultation.save(update_fields=["closes_at"])


@pytest.mark.django_db
def test_comments_in_two_languages_moderation_and_summary_at_the_close(cast, client):
    from wsis.apps.forum.models import Comment, ModerationEntry

    consultation = open_consultation(cast)
    url = f"/en/forum/consultations/{consultation.pk}/"
    # Before the close the summary page says when it comes, and gives no counts.
    summary_page = client.get(url + "summary/").content.decode()
    assert "The summary is published when the consultation closes" in summary_page
    assert client.get(url + "summary.json").status_code == 404

    client.force_login(cast.owner)  # Rural Connect, civil society
    for paragraph, language, text in [
        (1, "fr", "Il faut des indicateurs ventilés par sexe."),
        (1, "en", "Add a reference to meaningful connectivity."),
        (2, "fr", "Publicité : achetez nos routeurs !"),
    ]:
        response = client.post(
            url,
            {"paragraph": paragraph, "language": language, "text": text, "organization": cast.org.pk},
        )
        assert response.status_code == 302, response.content.decode()[:1000]
    client.force_login(cast.other)  # speaks for no organization
    client.post(url, {"paragraph": 1, "language": "ar", "text": "نقترح إضافة المؤشرات الإقليمية."})
    assert Comment.objects.count() == 4
    assert sorted(Comment.objects.values_list("language", flat=True)) == ["ar", "en", "fr", "fr"]
    assert set(Comment.objects.values_list("stakeholder_type", flat=True)) == {"civil_society", ""}
    page = client.get(url).content.decode()
    assert '<p lang="fr" dir="ltr">Il faut des indicateurs ventilés par sexe.</p>' in page
    assert '<p lang="ar" dir="rtl">نقترح إضافة المؤشرات الإقليمية.</p>' in page

    advert = Comment.objects.get(text__startswith="Publicité")
    client.force_login(cast.moderator)
    refused = client.post(url + f"comments/{advert.pk}/moderate/", {"action": "hide", "reason": ""})
    assert refused.status_code == 302 and not Comment.objects.get(pk=advert.pk).hidden
    client.post(url + f"comments/{advert.pk}/moderate/", {"action": "hide", "reason": "Advertising"})
    advert.refresh_from_db()
    assert advert.hidden
    entry = ModerationEntry.objects.get()
    assert (entry.comment, entry.action, entry.reason, entry.actor) == (
        advert,
        "hide",
        "Advertising",
        cast.moderator,
    )
    client.logout()
    assert "achetez nos routeurs" not in client.get(url).content.decode()

    close(consultation)
    client.force_login(cast.owner)
    late = client.post(
        url, {"paragraph": 3, "language": "en", "text": "Too late", "organization": cast.org.pk}
    )
    assert late.status_code == 400 and "no more comments" in late.content.decode()
    assert Comment.objects.count() == 4

    client.logout()
    data = client.get(url + "summary.json").json()
    assert [(p["number"], p["comments"]) for p in data["paragraphs"]] == [(1, 3), (2, 0), (3, 0)]
    assert data["paragraphs"][0]["by_language"] == {"ar": 1, "en": 1, "fr": 1}
    assert data["paragraphs"][0]["by_stakeholder_type"] == {"civil_society": 2, "": 1}
    html = client.get(url + "summary/").content.decode()
    assert "Français: 1" in html and "العربية: 1" in html and "Civil society: 2" in html
    assert "achetez" not in html


@pytest.mark.django_db
def test_a_comment_on_a_missing_paragraph_or_in_another_language_is_refused(cast, client):
    from wsis.apps.forum.models import Comment

    consultation = open_consultation(cast)
    client.force_login(cast.owner)
    url = f"/en/forum/consultations/{consultation.pk}/"
    response = client.post(url, {"paragraph": 9, "language": "de", "text": "x"})
    assert response.status_code == 200 and "language: Select a valid choice" in response.content.decode()
    response = client.post(url, {"paragraph": 9, "language": "en", "text": "x"})
    assert (
        response.status_code == 400 and "paragraph: no paragraph 9 in this text" in response.content.decode()
    )
    # Speaking for an organization one is not a member of.
    assert (
        client.post(
            url, {"paragraph": 1, "language": "en", "text": "x", "organization": cast.other_org.pk}
        ).status_code
        == 403
    )
    assert not Comment.objects.exists()
