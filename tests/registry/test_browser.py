"""The whole path in a real browser (Playwright driving Debian's chromium) against a live server:
register, verify the e-mail, create an organization, submit; the line's facilitator requests a change;
the author edits; the facilitator publishes; an anonymous visitor finds the entry by searching French,
Arabic and Chinese text."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from tests.browser import BASE_APPS
from tests.registry.factories import PASSWORD
from wsis.apps.accounts.domain.staff import make_facilitator

APPS = [*BASE_APPS, "wsis.apps.accounts", "wsis.apps.registry"]

TITLE = {
    "fr": "Bibliothèques numériques pour les villages",
    "ar": "مكتبات رقمية للقرى",
    "zh": "乡村数字图书馆",
}


def sign_in(page, base, username):
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


@pytest.fixture(scope="module")
def model_relations():
    """available_apps hides the reference app during the test, and Django computes a hidden model's
    relations as empty if it first needs them then (ActionLine would lose "initiatives"). Module scope makes
    this run before the test's database set-up, while every app is visible, so the relations are cached."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        model._meta.fields_map  # noqa: B018 - computed for its side effect: the cache

    return True


@pytest.fixture
def facilitator(live_server):
    # Made before the browser starts: Playwright's event loop forbids database calls in the test body.
    user = get_user_model().objects.create_user("facilitator_c3", "f@example.org", PASSWORD)
    make_facilitator(user=user, line_code="C3")
    return user


@pytest.mark.django_db(transaction=True, available_apps=APPS)
def test_register_submit_review_publish_and_find(
    model_relations, live_server, facilitator, browser, mailoutbox
):
    base = live_server.url

    author = browser.new_context().new_page()
    author.goto(f"{base}/en/accounts/register/")
    author.fill("input[name=username]", "amina")
    author.fill("input[name=email]", "amina@example.org")
    author.fill("input[name=password]", PASSWORD)
    author.click("main button[type=submit]")
    author.get_by_role("heading", name="Check your e-mail").wait_for()
    link = re.search(r"https?://\S+/verify/\S+/", mailoutbox[-1].body).group(0)
    author.goto(link)
    sign_in(author, base, "amina")
    author.goto(f"{base}/en/accounts/organizations/new/")
    author.fill("input[name=name]", "Association des bibliothécaires")
    author.select_option("select[name=stakeholder_type]", "civil_society")
    author.click("main button[type=submit]")
    org_id = re.search(r"/organizations/(\d+)/", author.url).group(1)

    author.goto(f"{base}/en/registry/new/?org={org_id}")
    author.select_option("select[name=original_language]", "fr")
    for lang, text in TITLE.items():
        author.fill(f"input[name=title_{lang}]", text)
    author.fill("textarea[name=description_fr]", "Des livres numériques dans les écoles de village.")
    author.check("input[name=action_lines][value=C3]")
    author.fill("input[name=start_date]", "2024-02-01")
    author.click("main button[type=submit]")
    entry_url = author.url
    entry_id = re.search(r"/registry/(\d+)/", entry_url).group(1)
    author.click("text=Submit for review")
    author.click("main form button[type=submit]")
    author.get_by_text("Submitted for review.").wait_for()

    reviewer = browser.new_context().new_page()
    sign_in(reviewer, base, "facilitator_c3")
    reviewer.goto(f"{base}/en/registry/queues/C3/")
    reviewer.click(f"a[href$='/registry/{entry_id}/']")
    reviewer.select_option("select[name=action]", "request_changes")
    reviewer.fill("textarea[name=reason]", "Please add the Arabic description.")
    reviewer.click("text=Record the decision")
    reviewer.get_by_text("Please add the Arabic description.").wait_for()

    author.goto(f"{base}/en/registry/{entry_id}/edit/")
    author.fill("textarea[name=description_ar]", "كتب رقمية في مدارس القرى.")
    author.click("main button[type=submit]")
    author.click("text=Submit for review")
    author.click("main form button[type=submit]")

    reviewer.goto(f"{base}/en/registry/{entry_id}/")
    reviewer.select_option("select[name=action]", "publish")
    reviewer.click("text=Record the decision")
    reviewer.get_by_text("Verified this year").wait_for()

    visitor = browser.new_context().new_page()
    for lang, query in [("fr", "bibliothèques"), ("ar", "مكتبات رقمية"), ("zh", "数字图书馆")]:
        visitor.goto(f"{base}/{'zh-hans' if lang == 'zh' else lang}/registry/")
        visitor.fill("input[name=q]", query)
        visitor.click("form[role=search] button")
        visitor.click(f"ol.results a[href$='/registry/{entry_id}/']")
        # A link click returns once the navigation commits, before the new document is parsed:
        # wait for the load so the assertions below read the entry's page, not an empty one.
        visitor.wait_for_url(f"**/registry/{entry_id}/")
        visitor.wait_for_load_state()
    assert "Please add the Arabic description." in visitor.content()  # the public decision log
