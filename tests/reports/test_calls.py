"""Calls for inputs: the questionnaire, invitations and reminders by e-mail, answers saved, submitted and
resubmitted with every version kept, late and bad answers refused with nothing stored, the secretariat's
views and exports, and published contributions at permanent URLs."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from tests.registry.factories import user
from tests.reports.conftest import QUESTIONNAIRE, question_ids
from wsis.apps.reports.domain import ReportsError
from wsis.apps.reports.domain.calls import create_call, extend, remind
from wsis.apps.reports.domain.compilation import compile_answers, standing, to_csv, to_xlsx
from wsis.apps.reports.domain.contributions import pick_excerpt, save, submitted_answers
from wsis.apps.reports.models import Call, Contribution, ContributionFile, ContributionVersion, Question

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _answers(ids, text="Nous avons formé 1 200 enseignants au numérique."):
    return {
        ids["long_text"]: text,
        ids["per_action_line"]: {"C4": "Formation des enseignants", "C7.c": "Cours en ligne"},
        ids["choice"]: "regional",
        ids["number"]: "1200",
    }


def test_a_questionnaire_with_an_unknown_question_type_is_refused_and_nothing_is_stored(cast):
    bad = {
        "sections": [
            {
                "title": "A",
                "questions": [{"kind": "long_text", "text": "ok"}, {"kind": "essay", "text": "Tell us"}],
            }
        ]
    }
    before = (Call.objects.count(), Question.objects.count())
    with pytest.raises(ReportsError, match=r"section 1, question 2: unknown question type 'essay' \(known: "):
        create_call(
            year=2024,
            title="T",
            purpose="P",
            paragraph="110",
            audience=["all_stakeholders"],
            opens_at=cast["call"].opens_at,
            closes_at=cast["call"].closes_at,
            languages=["en"],
            questionnaire=bad,
            by=cast["secretariat"],
        )
    assert (Call.objects.count(), Question.objects.count()) == before


def test_the_call_keeps_its_purpose_audience_languages_and_questionnaire(cast):
    call = cast["call"]
    assert call.paragraph == "110" and call.audience == ["un_entities", "regional_commissions"]
    kinds = [q.kind for q in Question.objects.filter(section__call=call)]
    assert kinds == ["long_text", "per_action_line", "choice", "number", "initiatives", "attachment"]
    assert [q["kind"] for s in QUESTIONNAIRE["sections"] for q in s["questions"]] == kinds


def test_invited_organizations_get_e_mail_and_a_reminder_before_the_deadline(cast, mailoutbox):
    from wsis.apps.accounts.domain.organizations import create_organization
    from wsis.apps.reports.domain.calls import invite

    member = user("kenji")
    org = create_organization(creator=member, name="Late joiner", stakeholder_type="academia")
    invite(call=cast["call"], organizations=[org], by=cast["secretariat"])
    assert [m.to for m in mailoutbox] == [
        ["amadou@example.org"],
        ["layla@example.org"],
        ["kenji@example.org"],
    ]
    assert "Call for inputs 2024" in mailoutbox[2].subject and "/reports/calls/" in mailoutbox[2].body
    # Five days before the deadline, inside the week's notice: every invited organization that has not
    # submitted gets one reminder, once.
    ids = question_ids(cast["call"])
    save(
        call=cast["call"],
        organization=cast["orgs"]["amadou"],
        author=cast["people"]["amadou"],
        answers=_answers(ids),
        language="fr",
        submit=True,
    )
    sent = remind()
    assert sorted(i.organization.name for i in sent) == ["Late joiner", "Test UN entity"]
    assert any(m.subject.startswith("Reminder: Call for inputs 2024") for m in mailoutbox)
    assert remind() == []


def test_drafts_submissions_and_resubmissions_are_versions_with_their_language(cast):
    call, org, amadou = cast["call"], cast["orgs"]["amadou"], cast["people"]["amadou"]
    ids = question_ids(call)
    draft = save(
        call=call, organization=org, author=amadou, answers={ids["long_text"]: "Premier jet"}, language="fr"
    )
    assert draft.state == "draft" and draft.version == 1 and submitted_answers(draft) == {}
    # A co-editor of the same organization continues the draft.
    from wsis.apps.accounts.domain.organizations import add_member

    colleague = user("fatou")
    add_member(organization=org, user=colleague, role="editor")
    save(call=call, organization=org, author=colleague, answers=_answers(ids), language="fr", submit=True)
    save(
        call=call,
        organization=org,
        author=amadou,
        answers=_answers(ids, "Version révisée."),
        language="fr",
        submit=True,
        consent_to_publish=True,
    )
    found = Contribution.objects.get(call=call, organization=org)
    assert found.state == "submitted" and found.version == 3 and found.submitted_version == 3
    assert found.language == "fr"
    versions = list(
        ContributionVersion.objects.filter(contribution=found).values_list(
            "number", "state", "author__username"
        )
    )
    assert versions == [(1, "draft", "amadou"), (2, "submitted", "fatou"), (3, "submitted", "amadou")]
    assert submitted_answers(found)[ids["long_text"]] == "Version révisée."
    assert submitted_answers(found)[ids["number"]] == 1200.0


def test_a_late_answer_is_refused_with_a_clear_message_and_nothing_changes(cast):
    call, org, amadou = cast["call"], cast["orgs"]["amadou"], cast["people"]["amadou"]
    ids = question_ids(call)
    save(call=call, organization=org, author=amadou, answers=_answers(ids), language="fr", submit=True)
    extend(
        call=call,
        closes_at=call.opens_at + dt.timedelta(hours=1),
        reason="Closed early for the test",
        by=cast["secretariat"],
    )
    assert list(call.extensions.values_list("reason", flat=True)) == ["Closed early for the test"]
    with pytest.raises(ReportsError, match=r"The call closed on .* UTC: answers are no longer accepted\."):
        save(
            call=call,
            organization=org,
            author=amadou,
            answers=_answers(ids, "Trop tard"),
            language="fr",
            submit=True,
        )
    found = Contribution.objects.get(call=call, organization=org)
    assert found.version == 1 and submitted_answers(found)[ids["long_text"]].startswith("Nous avons")
    rows = {s.organization: s for s in standing(call)}
    assert not rows["Commission régionale de test"].late and rows["Test UN entity"].late


def test_an_attachment_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(cast, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    call, org, layla = cast["call"], cast["orgs"]["layla"], cast["people"]["layla"]
    ids = question_ids(call)
    with pytest.raises(
        ReportsError,
        match=r"report\.pdf: the file is not what its name claims \(\.pdf expected, the content is PNG\)",
    ):
        save(
            call=call,
            organization=org,
            author=layla,
            answers={},
            language="ar",
            files={ids["attachment"]: ("report.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20)},
        )
    with pytest.raises(ReportsError, match="not what its name claims"):
        save(
            call=call,
            organization=org,
            author=layla,
            answers={},
            language="ar",
            files={ids["attachment"]: ("notes.docx", b"PK\x03\x04 not a zip")},
        )
    assert not Contribution.objects.filter(organization=org).exists()
    assert not ContributionFile.objects.exists() and not list((tmp_path / "contributions").glob("*"))
    # A real PDF and a real DOCX are kept.
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    made = save(
        call=call,
        organization=org,
        author=layla,
        answers={},
        language="ar",
        files={ids["attachment"]: ("تقرير.pdf", PDF)},
    )
    made = save(
        call=call,
        organization=org,
        author=layla,
        answers={},
        language="ar",
        files={ids["attachment"]: ("notes.docx", docx.getvalue())},
    )
    assert [f.name for f in ContributionFile.objects.filter(contribution=made)] == ["تقرير.pdf", "notes.docx"]
    assert len(made.answers[ids["attachment"]]) == 2


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("choice", "national", "is not one of the choices"),
        ("number", "many", "is not a number"),
        ("per_action_line", {"C99": "x"}, "unknown action lines C99"),
        ("initiatives", "999999", "no published registry initiative 999999"),
    ],
)
def test_answers_that_do_not_fit_their_question_are_refused(cast, key, value, message):
    call, org, amadou = cast["call"], cast["orgs"]["amadou"], cast["people"]["amadou"]
    ids = question_ids(call)
    with pytest.raises(ReportsError, match=message):
        save(call=call, organization=org, author=amadou, answers={ids[key]: value}, language="fr")
    assert not Contribution.objects.filter(organization=org).exists()


def test_uninvited_organizations_and_missing_required_answers_are_refused(cast):
    call, ids = cast["call"], question_ids(cast["call"])
    with pytest.raises(ReportsError, match="is not invited"):
        save(
            call=call,
            organization=cast["orgs"]["olga"],
            author=cast["people"]["olga"],
            answers={},
            language="ru",
        )
    with pytest.raises(ReportsError, match=r"required questions unanswered: 1\.1"):
        save(
            call=call,
            organization=cast["orgs"]["layla"],
            author=cast["people"]["layla"],
            answers={ids["number"]: "3"},
            language="ar",
            submit=True,
        )


def _two_answers(cast):
    call, ids = cast["call"], question_ids(cast["call"])
    save(
        call=call,
        organization=cast["orgs"]["amadou"],
        author=cast["people"]["amadou"],
        answers=_answers(ids),
        language="fr",
        submit=True,
        consent_to_publish=True,
    )
    save(
        call=call,
        organization=cast["orgs"]["layla"],
        author=cast["people"]["layla"],
        answers={
            ids["long_text"]: "دربنا ألف معلم على المهارات الرقمية.",
            ids["per_action_line"]: {"C4": "بناء القدرات"},
        },
        language="ar",
        submit=True,
    )
    return call, ids


def test_the_compilation_puts_answers_side_by_side_with_filters_and_exports(cast):
    call, ids = _two_answers(cast)
    rows = compile_answers(call, question=int(ids["long_text"]))
    assert [(r.organization, r.language) for r in rows] == [
        ("Commission régionale de test", "fr"),
        ("Test UN entity", "ar"),
    ]
    by_line = compile_answers(call, question=int(ids["per_action_line"]), action_line="C4")
    assert {r.answer for r in by_line} == {"Formation des enseignants", "بناء القدرات"}
    africa = compile_answers(call, region="002")  # both Senegal and Egypt are in Africa (M49 002)
    assert {r.organization for r in africa} == {"Commission régionale de test", "Test UN entity"}
    assert compile_answers(call, stakeholder_type="civil_society") == []
    text = to_csv(rows)
    assert text.splitlines()[0].startswith("question,question text,organization")
    assert "دربنا ألف معلم" in text
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(to_xlsx(rows, call.title))).active
    assert sheet["C3"].value == "Test UN entity" and sheet["G2"].value == "fr"


def test_excerpts_quote_a_submitted_answer(cast):
    call, ids = _two_answers(cast)
    amadou = Contribution.objects.get(organization=cast["orgs"]["amadou"])
    made = pick_excerpt(
        call=call,
        contribution=amadou.public_id,
        question=int(ids["long_text"]),
        text="formé 1 200 enseignants",
        section="regional",
        by=cast["secretariat"],
    )
    assert made.language == "fr"
    arabic = Contribution.objects.get(organization=cast["orgs"]["layla"])  # submitted without consent
    with pytest.raises(ReportsError, match="did not consent to the publication"):
        pick_excerpt(
            call=call,
            contribution=arabic.public_id,
            question=int(ids["long_text"]),
            text="دربنا",
            section="international",
            by=cast["secretariat"],
        )
    with pytest.raises(ReportsError, match="must be a passage"):
        pick_excerpt(
            call=call,
            contribution=amadou.public_id,
            question=int(ids["long_text"]),
            text="formé 5 000 enseignants",
            section="regional",
            by=cast["secretariat"],
        )


def test_published_contributions_need_consent_and_have_permanent_urls(cast, client):
    _two_answers(cast)
    french = Contribution.objects.get(organization=cast["orgs"]["amadou"])
    arabic = Contribution.objects.get(organization=cast["orgs"]["layla"])
    page = client.get(reverse("reports:contribution", args=[french.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="fr"' in html and "Nous avons formé 1 200 enseignants" in html
    assert (
        client.get(reverse("reports:contribution", args=[arabic.public_id])).status_code == 404
    )  # no consent


def test_only_the_secretariat_sees_the_call_and_the_compilation(cast, client):
    call = cast["call"]
    client.force_login(cast["people"]["amadou"])
    assert client.get(reverse("reports:call", args=[call.pk])).status_code == 403
    assert client.get(reverse("reports:answer", args=[call.pk])).status_code == 200
    client.force_login(cast["people"]["olga"])
    assert client.get(reverse("reports:answer", args=[call.pk])).status_code == 403
    client.force_login(cast["secretariat"])
    page = client.get(reverse("reports:call", args=[call.pk]))
    assert page.status_code == 200 and "Test UN entity" in page.content.decode()
    export = client.get(reverse("reports:compile", args=[call.pk]) + "?format=xlsx")
    assert export.status_code == 200 and export.content.startswith(b"PK")
