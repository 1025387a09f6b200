"""The Forum's public pages - programme, session, outcome statement, statistics, consultation and its
summary - and the organizers' pages (signed in: the dashboard, the edition and consultation forms) pass
the checks of the other public pages in the six languages: axe-core and pa11y's
HTML_CodeSniffer (WCAG 2.1 AA, tests/public/test_public_accessibility.py's helpers on Debian's chromium)
and the 100 KB gzipped page-weight budget (tests/public/test_public_weight.py's measure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.public.test_public_accessibility import describe_axe, describe_pa11y, run_axe, run_pa11y
from tests.public.test_public_weight import BUDGET_BYTES, cold_visit, table, weigh
from tests.web.conftest import LANGUAGES


# Module scope: made before the tests' own transactions start, so they are committed and the server's
# connection sees them on PostgreSQL too; removed afterwards.
@pytest.fixture(scope="module")
def forum_pages(django_db_setup, django_db_blocker) -> Iterator[list[tuple[str, str, str]]]:
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import timezone, translation

    from tests.forum.conftest import Cast, session_data
    from wsis.apps.accounts.models import Organization
    from wsis.apps.forum.domain.consultations import create_consultation, moderate, post_comment
    from wsis.apps.forum.domain.outcomes import write_outcome
    from wsis.apps.forum.domain.sessions import publish_programme, review, submit_session
    from wsis.apps.forum.models import (
        Comment,
        Consultation,
        Edition,
        ForumOrganizer,
        ModerationEntry,
        Session,
    )

    with django_db_blocker.unblock():
        cast = Cast.build()
        session = submit_session(
            edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data()
        )
        review(session=session, accept=True, reason="", by=cast.organizer)
        publish_programme(edition=cast.edition)
        outcome = write_outcome(
            session=session,
            text="Les participants demandent des indicateurs communs.",
            language="fr",
            by=cast.owner,
        )
        now = timezone.now()
        consultations = []
        for title in ("Draft outcome document", "Closed consultation"):
            consultation = create_consultation(
                title=title,
                paragraphs=["The Forum reviews the action lines.", "Stakeholders share practices."],
                opens_at=now - dt.timedelta(days=2),
                closes_at=now + dt.timedelta(days=2),
                by=cast.organizer,
            )
            post_comment(
                consultation=consultation,
                paragraph=1,
                text="Il faut des indicateurs.",
                language="fr",
                by=cast.owner,
                organization=cast.org,
            )
            post_comment(
                consultation=consultation,
                paragraph=1,
                text="نقترح إضافة المؤشرات.",
                language="ar",
                by=cast.other,
            )
            spam = post_comment(
                consultation=consultation, paragraph=2, text="Buy routers", language="en", by=cast.other
            )
            moderate(comment=spam, hide=True, reason="Advertising", by=cast.moderator)
            consultations.append(consultation)
        Consultation.objects.filter(pk=consultations[1].pk).update(closes_at=now - dt.timedelta(hours=1))
        paths = []
        for language in LANGUAGES:
            with translation.override(language):
                paths += [
                    ("programme", language, reverse("forum:programme", args=[2025])),
                    ("session", language, reverse("forum:session", args=[session.pk])),
                    ("outcome", language, reverse("forum:outcome", args=[outcome.public_id])),
                    ("statistics", language, reverse("forum:statistics", args=[2025])),
                    ("consultation", language, reverse("forum:consultation", args=[consultations[0].pk])),
                    ("summary", language, reverse("forum:summary", args=[consultations[1].pk])),
                ]
    yield paths
    with django_db_blocker.unblock():
        ModerationEntry.objects.all().delete()
        Comment.objects.all().delete()
        Consultation.objects.all().delete()  # paragraphs go with them
        outcome.delete()
        Session.objects.all().delete()
        Edition.objects.all().delete()
        ForumOrganizer.objects.all().delete()
        Organization.objects.filter(name__in=["Rural Connect", "Other Org"]).delete()
        get_user_model().objects.filter(
            username__in=[u.username for u in vars(cast).values() if hasattr(u, "username")]
        ).delete()


@pytest.fixture(scope="module")
def forum_server(forum_pages, django_db_blocker) -> Iterator[str]:
    """The site on loopback as production serves it (as tests/public's site_server, without the warehouse
    data these pages do not show)."""
    from django.db import connections
    from django.test.testcases import LiveServerThread

    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app, connections_override=shared)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
        thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


# The mark makes pytest-django create the test database; the pages are read through `forum_server`.
@pytest.mark.django_db
def test_forum_pages_have_no_violations_in_six_languages(forum_server, forum_pages, browser, tmp_path):
    base = forum_server
    problems: dict[str, list[str]] = {}
    tab = browser.new_page(bypass_csp=True)  # axe is injected inline: test tooling, not the page
    for name, language, path in forum_pages:
        response = tab.goto(base + path)
        assert response is not None and response.status == 200, f"{name} in {language}: {path} not served"
        assert tab.get_attribute("html", "lang") == language
        assert tab.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        if found := describe_axe(run_axe(tab)):
            problems[f"axe {name} {language} {path}"] = found
    pa11y = run_pa11y([base + path for _, _, path in forum_pages], tmp_path)
    for name, language, path in forum_pages:
        if found := describe_pa11y(pa11y[base + path]):
            problems[f"pa11y {name} {language} {path}"] = found
    report = "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
    assert not problems, f"{len(problems)} page checks with violations:\n{report}"
    assert len(forum_pages) == 6 * len(LANGUAGES)


@pytest.mark.django_db
def test_forum_pages_are_within_the_weight_budget(forum_server, forum_pages, browser):
    rows = []
    for name, language, path in forum_pages:
        transfers = cold_visit(browser, forum_server + path)
        document = next(t for t in transfers if t["type"] == "document")
        if document["body"] > 1000:
            assert document["headers"].get("content-encoding") == "gzip", f"{path} not compressed"
        rows.append(weigh(name, language, transfers))
    print("\n" + table(rows))
    over = [r for r in rows if r["total"] > BUDGET_BYTES]
    assert not over, f"over the {BUDGET_BYTES // 1000} KB budget:\n{table(over)}"
    assert len(rows) == 6 * len(LANGUAGES)


@pytest.fixture(scope="module")
def organizer_pages(forum_pages, django_db_blocker) -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    """The organizers' pages in the six languages, and the session cookie of a signed-in organizer (a
    committed session row, as the server's connection must see it)."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from tests.registry.factories import user
    from wsis.apps.forum.models import ForumOrganizer

    with django_db_blocker.unblock():
        organizer = user("a11y-organizer")
        ForumOrganizer.objects.create(user=organizer)
        client = Client()
        client.force_login(organizer)
        cookie = client.cookies["sessionid"].value
        paths = []
        for language in LANGUAGES:
            with translation.override(language):
                paths += [
                    ("organize", language, reverse("forum:organize")),
                    ("new edition", language, reverse("forum:organize_edition_new")),
                    ("edit edition", language, reverse("forum:organize_edition", args=[2025])),
                    ("new consultation", language, reverse("forum:organize_consultation_new")),
                ]
    yield cookie, paths
    with django_db_blocker.unblock():
        client.logout()
        ForumOrganizer.objects.filter(user=organizer).delete()
        organizer.delete()


class _SignedIn:
    """The test's browser whose new contexts carry the organizer's session cookie (for ``cold_visit``)."""

    def __init__(self, browser, base: str, cookie: str) -> None:
        self.browser, self.base, self.cookie = browser, base, cookie

    def new_context(self, **options):
        context = self.browser.new_context(**options)
        context.add_cookies([{"name": "sessionid", "value": self.cookie, "url": self.base}])
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()


@pytest.mark.django_db
def test_organizers_pages_pass_the_checks_in_six_languages(
    forum_server, organizer_pages, browser, tmp_path, monkeypatch
):
    import tests.public.test_public_accessibility as checks

    base = forum_server
    cookie, paths = organizer_pages
    signed_in = _SignedIn(browser, base, cookie)
    problems: dict[str, list[str]] = {}
    tab = signed_in.new_page(bypass_csp=True)
    for name, language, path in paths:
        response = tab.goto(base + path)
        assert response is not None and response.status == 200, f"{name} in {language}: {path} not served"
        assert tab.url == base + path, f"{path}: not signed in (sent to {tab.url})"
        assert tab.get_attribute("html", "lang") == language
        if found := describe_axe(run_axe(tab)):
            problems[f"axe {name} {language} {path}"] = found
    # pa11y opens its own browser: the wrapper sends the session cookie with every request.
    monkeypatch.setattr(checks, "PA11Y_SCRIPT", checks.ROOT / "tests" / "forum" / "pa11y_signed_in.cjs")
    monkeypatch.setenv("WSIS_PA11Y_COOKIE", f"sessionid={cookie}")
    pa11y = run_pa11y([base + path for _, _, path in paths], tmp_path)
    for name, language, path in paths:
        if found := describe_pa11y(pa11y[base + path]):
            problems[f"pa11y {name} {language} {path}"] = found
    report = "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
    assert not problems, f"{len(problems)} page checks with violations:\n{report}"
    rows = [weigh(name, language, cold_visit(signed_in, base + path)) for name, language, path in paths]
    over = [r for r in rows if r["total"] > BUDGET_BYTES]
    assert not over, f"over the {BUDGET_BYTES // 1000} KB budget:\n{table(over)}"
    assert len(paths) == 4 * len(LANGUAGES)
