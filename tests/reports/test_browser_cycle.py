"""A whole cycle in a real browser (Playwright driving Debian's chromium) against the site served over the
shared real data imported through the warehouse: the secretariat opens a call and invites two
organizations; one answers in French and resubmits, the other answers in Arabic; the deadline passes and a
late answer is refused with a clear message; the secretariat compiles the answers, picks excerpts and
generates the 2024 report; it edits one paragraph, regenerates, and the edit is kept; it freezes and
publishes, and the public report cites the contributions, which are published at permanent URLs."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.registry.factories import PASSWORD, user

FRENCH = "Notre commission a formé 1 200 enseignants aux compétences numériques en Afrique de l'Ouest."
FRENCH_AGAIN = FRENCH + " Trois pays ont adopté une stratégie nationale du haut débit."
ARABIC = "دربت منظمتنا ألف معلم على المهارات الرقمية في المنطقة العربية."
EDITED = "The secretariat's own wording: Internet use reached [^1] of the world's population."


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """The accounts below are made (module scope) before the folder's fast hasher is set for a test: keep
    the default hashers, so their passwords still check at sign-in."""


# Module scope: made before the test's own transaction starts, so they are committed and the server's
# connection sees them on PostgreSQL too.
@pytest.fixture(scope="module")
def people(site_data, django_db_blocker):
    """Made (and committed) before the browser starts: Playwright's event loop forbids database calls in
    the test body. Removed afterwards, with everything the cycle made."""
    from django.contrib.auth import get_user_model

    from wsis.apps.accounts.domain.organizations import create_organization
    from wsis.apps.accounts.domain.staff import make_secretariat
    from wsis.apps.accounts.models import Organization
    from wsis.apps.reports.models import Call, Contribution, Excerpt, Report

    names = ("unctad", "amadou", "layla")
    with django_db_blocker.unblock():
        make_secretariat(user=user("unctad"))
        for name, org, country in (
            ("amadou", "Commission économique test", "SEN"),
            ("layla", "هيئة اختبار", "EGY"),
        ):
            made = create_organization(creator=user(name), name=org, stakeholder_type="international")
            made.country_id = country
            made.save()
    yield names
    with django_db_blocker.unblock():
        Report.objects.all().delete()
        Excerpt.objects.all().delete()
        for contribution in Contribution.objects.all():
            contribution.versions.all().delete()
            contribution.files.all().delete()
            contribution.delete()
        Call.objects.all().delete()
        Organization.objects.filter(name__in=["Commission économique test", "هيئة اختبار"]).delete()
        get_user_model().objects.filter(username__in=names).delete()


def sign_in(browser, base, username):
    page = browser.new_context().new_page()
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    return page


def answer(page, base, call, language, text, *, expect):
    page.goto(f"{base}/en/reports/calls/{call}/answer/")
    page.select_option("#language", language)
    page.locator("textarea[name^=q]").first.fill(text)
    page.locator("#consent").check()
    page.get_by_role("button", name="Submit", exact=True).click()
    page.get_by_text(expect).first.wait_for()


# The mark makes pytest-django create the test database; the pages are driven through `site_server`.
@pytest.mark.django_db
def test_a_whole_cycle_from_the_call_to_the_published_report(site_server, people, browser):
    base = site_server
    now = dt.datetime.now(dt.UTC)
    secretariat = sign_in(browser, base, "unctad")

    # 1. The secretariat opens a call and invites two organizations.
    secretariat.goto(f"{base}/en/reports/calls/")
    secretariat.fill("#id_year", "2024")
    secretariat.fill("#id_title", "Call for inputs to the 2024 report")
    secretariat.fill("#id_purpose", "Inputs for the Secretary-General's report to the CSTD")
    secretariat.fill("#id_paragraph", "110")
    secretariat.check("input[name=audience][value=un_entities]")
    secretariat.check("input[name=audience][value=regional_commissions]")
    secretariat.fill("#id_opens_at", (now - dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"))
    secretariat.fill("#id_closes_at", (now + dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M"))
    for code in ("ar", "zh", "en", "fr", "ru", "es"):
        secretariat.check(f"input[name=languages][value={code}]")
    secretariat.get_by_role("button", name="Create the call").click()
    secretariat.get_by_text("Call created.").wait_for()
    call = re.search(r"/reports/calls/(\d+)/", secretariat.url).group(1)
    secretariat.fill("#id_organizations", "Commission économique test\nهيئة اختبار")
    secretariat.get_by_role("button", name="Invite", exact=True).click()
    secretariat.get_by_text("2 organizations invited.").wait_for()

    # 2. Two organizations answer, one in French (and resubmits), one in Arabic.
    amadou = sign_in(browser, base, "amadou")
    answer(amadou, base, call, "fr", FRENCH, expect="Contribution submitted.")
    answer(amadou, base, call, "fr", FRENCH_AGAIN, expect="Contribution submitted.")
    assert amadou.locator("text=2 versions").count() == 1 or "2 versions" in amadou.content()
    layla = sign_in(browser, base, "layla")
    answer(layla, base, call, "ar", ARABIC, expect="Contribution submitted.")

    # 3. The deadline passes (moved to now, logged with its reason); a late answer is refused.
    secretariat.goto(f"{base}/en/reports/calls/{call}/")
    secretariat.fill("#id_closes_at", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"))
    secretariat.fill("#id_reason", "Deadline reached for the CSTD session")
    secretariat.get_by_role("button", name="Change the closing date").click()
    secretariat.get_by_text("Closing date changed.").wait_for()
    assert "Deadline reached for the CSTD session" in secretariat.content()
    answer(amadou, base, call, "fr", FRENCH + " Trop tard.", expect="answers are no longer accepted")
    assert "The call closed on" in amadou.content()

    # 4. The secretariat compiles the answers side by side and picks one excerpt from each.
    secretariat.goto(f"{base}/en/reports/calls/{call}/compile/?question=")
    articles = secretariat.locator("section.question").first.locator("article.answer")
    assert articles.count() == 2
    assert FRENCH_AGAIN in articles.nth(0).inner_text() and ARABIC in articles.nth(1).inner_text()
    for index, (text, section) in enumerate(
        ((FRENCH_AGAIN.split(". ")[0], "regional"), (ARABIC, "international"))
    ):
        article = secretariat.locator("section.question").first.locator("article.answer").nth(index)
        article.locator("textarea").fill(text)
        article.locator("select").select_option(section)
        article.get_by_role("button", name="Pick this excerpt").click()
        secretariat.get_by_text("Excerpt picked.").wait_for()

    # 5. It generates the 2024 report from the shared real data.
    secretariat.goto(f"{base}/en/reports/drafts/")
    secretariat.fill("#id_year", "2024")
    secretariat.select_option("#id_language", "en")
    secretariat.get_by_role("button", name="Generate the draft").click()
    secretariat.get_by_text("Report generated.").wait_for()
    preview = secretariat.locator("article.un-report").inner_text()
    assert "The report is based on 2" in preview and "contributions received" in preview
    assert "Commission économique test" in preview and "هيئة اختبار" in preview

    # 6. It edits one paragraph, regenerates, and the edit is kept.
    box = secretariat.locator("#edit-trendsinternet textarea")
    box.fill(EDITED)
    secretariat.locator("#edit-trendsinternet").get_by_role("button", name="Save the paragraph").click()
    secretariat.get_by_text("Paragraph saved.").wait_for()
    secretariat.get_by_role("button", name="Regenerate from the current publication").click()
    secretariat.get_by_text("Report regenerated from the current publication.").wait_for()
    assert secretariat.locator("#edit-trendsinternet textarea").input_value() == EDITED
    assert "edited" in secretariat.locator("#edit-trendsinternet .key").inner_text()

    # 7. It freezes and publishes; the public report cites the contributions, published as submitted.
    secretariat.get_by_role("button", name="Freeze the final version").click()
    secretariat.get_by_text("Report frozen.").wait_for()
    secretariat.get_by_role("button", name="Publish", exact=True).click()
    secretariat.get_by_text("Report published.").wait_for()
    public = secretariat.locator("#public-link").get_attribute("href")

    visitor = browser.new_context().new_page()
    visitor.goto(base + public)
    report = visitor.locator("article.un-report")
    assert "The secretariat's own wording" in report.inner_text()
    assert visitor.locator("blockquote[lang=fr]").count() == 1
    assert visitor.locator("blockquote[lang=ar][dir=rtl]").count() == 1
    link = visitor.locator("p.cite a").first.get_attribute("href")
    visitor.goto(base + link)
    assert FRENCH_AGAIN in visitor.content() and visitor.locator("[lang=fr]").count() >= 1
    response = visitor.request.get(base + public + "pdf/")
    assert response.status == 200 and response.body().startswith(b"%PDF-")
