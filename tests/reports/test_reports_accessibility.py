"""Published contributions and the published report pass the same accessibility checks as the other public
pages (axe-core and pa11y's HTML_CodeSniffer on Debian's chromium, WCAG 2.1 AA), in the six languages."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.public.test_public_accessibility import describe_axe, describe_pa11y, run_axe, run_pa11y
from tests.registry.factories import user
from tests.web.conftest import LANGUAGES


# Module scope: made before the test's own transaction starts, so they are committed and the server's
# connection sees them on PostgreSQL too.
@pytest.fixture(scope="module")
def published(site_data, django_db_blocker):
    """A French contribution published with consent, an Arabic one, and the 2024 report published in the
    six languages with excerpts of both."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import translation

    from wsis.apps.accounts.domain.organizations import create_organization
    from wsis.apps.accounts.domain.staff import make_secretariat
    from wsis.apps.accounts.models import Organization
    from wsis.apps.reports.domain.calls import create_call, invite, questions
    from wsis.apps.reports.domain.contributions import pick_excerpt, save
    from wsis.apps.reports.domain.drafts import freeze, generate, publish
    from wsis.apps.reports.enums import LANGUAGES as CODES
    from wsis.apps.reports.models import Call, Contribution, Excerpt, Report
    from wsis.apps.reports.models import Question as Q

    with django_db_blocker.unblock():
        staff = user("a11y-unctad")
        make_secretariat(user=staff)
        now = dt.datetime.now(dt.UTC)
        call = create_call(
            year=2024,
            title="Call for inputs 2024",
            purpose="Inputs",
            paragraph="110",
            audience=["all_stakeholders"],
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=1),
            languages=list(CODES),
            questionnaire={
                "sections": [
                    {
                        "title": "Actions",
                        "questions": [
                            {"kind": "long_text", "text": "Main actions"},
                            {"kind": "per_action_line", "text": "By action line"},
                        ],
                    }
                ]
            },
            by=staff,
        )
        long_text, per_line = (str(q.pk) for q in questions(call))
        made = []
        for name, org_name, language, text in (
            ("a11y-fr", "Réseau francophone de test", "fr", "Nous avons connecté 40 écoles rurales."),
            ("a11y-ar", "شبكة الاختبار العربية", "ar", "ربطنا أربعين مدرسة ريفية بالإنترنت."),
        ):
            member = user(name)
            org = create_organization(creator=member, name=org_name, stakeholder_type="civil_society")
            invite(call=call, organizations=[org], by=staff)
            made.append(
                save(
                    call=call,
                    organization=org,
                    author=member,
                    language=language,
                    submit=True,
                    consent_to_publish=True,
                    answers={long_text: text, per_line: {"C2": text}},
                )
            )
        for contribution, section in zip(made, ("regional", "international"), strict=True):
            text = contribution.answers[long_text]
            pick_excerpt(
                call=call,
                contribution=contribution.public_id,
                question=int(long_text),
                text=text,
                section=section,
                by=staff,
            )
        for code in CODES:
            publish(
                report=freeze(report=generate(kind="annual", year=2024, language=code), by=staff), by=staff
            )
        paths = []
        for language in LANGUAGES:
            with translation.override(language):
                paths.append(("report", language, reverse("reports:annual", args=[2024])))
                for contribution in made:
                    paths.append(
                        (
                            "contribution",
                            language,
                            reverse("reports:contribution", args=[contribution.public_id]),
                        )
                    )
    yield paths
    with django_db_blocker.unblock():
        Report.objects.all().delete()
        Excerpt.objects.all().delete()
        for contribution in Contribution.objects.all():
            contribution.versions.all().delete()
            contribution.delete()
        Q.objects.all().delete()
        Call.objects.all().delete()
        Organization.objects.filter(name__in=["Réseau francophone de test", "شبكة الاختبار العربية"]).delete()
        get_user_model().objects.filter(username__startswith="a11y-").delete()


# The mark makes pytest-django create the test database; the pages are read through `site_server`.
@pytest.mark.django_db
def test_published_contributions_and_reports_have_no_violations_in_six_languages(
    site_server, published, browser, tmp_path
):
    base = site_server
    problems: dict[str, list[str]] = {}
    tab = browser.new_page(bypass_csp=True)  # axe is injected inline: test tooling, not the page
    for name, language, path in published:
        response = tab.goto(base + path)
        assert response is not None and response.status == 200, f"{name} in {language}: {path} not served"
        assert tab.get_attribute("html", "lang") == language
        assert tab.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        if found := describe_axe(run_axe(tab)):
            problems[f"axe {name} {language} {path}"] = found
    pa11y = run_pa11y([base + path for _, _, path in published], tmp_path)
    for name, language, path in published:
        if found := describe_pa11y(pa11y[base + path]):
            problems[f"pa11y {name} {language} {path}"] = found
    report = "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
    assert not problems, f"{len(problems)} page checks with violations:\n{report}"
    assert len(published) == 3 * len(LANGUAGES)
