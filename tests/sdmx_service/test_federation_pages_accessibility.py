"""The federation staff pages - sources with their pulls, and the discrepancy report - signed in as the
secretariat, pass the checks of the public pages in the six languages: axe-core and pa11y's
HTML_CodeSniffer (WCAG 2.1 AA, tests/public/test_public_accessibility.py's helpers on Debian's chromium)
and the 100 KB gzipped weight budget (tests/public/test_public_weight.py's measure).

pa11y's runner opens its own browser without the session, so it checks each page as the signed-in staff
member received it: saved and served by a loopback server, its <base> pointing at the live site so the
real stylesheet loads (as tests/public's broken copies are)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.public.test_public_accessibility import describe_axe, describe_pa11y, run_axe, run_pa11y
from tests.public.test_public_weight import BUDGET_BYTES, cold_visit, table, weigh
from tests.web.conftest import LANGUAGES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def staff_pages(server, django_db_blocker) -> Iterator[tuple[str, dict[str, str], list[tuple]]]:
    """A national source that is down (its error shown), one that is up with a pull, a secretariat member
    signed in; the site's base URL, the session cookie and (name, language, path) of every page."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone, translation

    from wsis.apps.accounts.domain.staff import make_secretariat
    from wsis.apps.federation.models import Pull, Source

    with django_db_blocker.unblock():
        staff = get_user_model().objects.create_user("a11y-federation", password="unused-Pa55word")
        make_secretariat(user=staff)
        now = timezone.now()
        down = Source.objects.create(
            name="kenya-nso",
            url="https://statistics.example.ke/sdmx/rest",
            publisher="KNBS",
            flows=["WSIS,ICT,1.0"],
            economies=["KEN"],
            state=Source.State.DOWN,
            last_error="Connection refused after 4 attempts",
        )
        up = Source.objects.create(
            name="france-insee",
            url="https://insee.example.fr/sdmx/rest",
            publisher="INSEE",
            flows=["WSIS,ICT,1.0"],
            economies=["FRA"],
            state=Source.State.OK,
            last_success_at=now,
        )
        for source, status, error in (
            (down, Pull.Status.FAILED, "Connection refused"),
            (up, Pull.Status.OK, ""),
        ):
            Pull.objects.create(
                source=source,
                started_at=now - dt.timedelta(minutes=5),
                finished_at=now,
                status=status,
                urls=[f"{source.url}/data/ICT/all"],
                attempts=4 if error else 1,
                error=error,
                checksum="" if error else "a" * 64,
            )
        client = Client()
        client.force_login(staff)
        cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
        paths = []
        for language in LANGUAGES:
            with translation.override(language):
                paths += [
                    ("sources", language, reverse("federation:sources")),
                    ("discrepancies", language, reverse("federation:discrepancies")),
                ]
    yield server.removesuffix("/sdmx/rest"), cookies, paths
    with django_db_blocker.unblock():
        Source.objects.filter(pk__in=[down.pk, up.pk]).delete()  # their pulls go with them
        staff.delete()


class SignedIn:
    """A browser whose new contexts carry the staff member's session (for the weight measure's cold visit)."""

    def __init__(self, browser, base: str, cookies: dict[str, str]):
        self.browser = browser
        self.cookies = [{"name": n, "value": v, "url": base} for n, v in cookies.items()]

    def new_context(self, **options):
        context = self.browser.new_context(**options)
        context.add_cookies(self.cookies)
        return context


@pytest.fixture
def saved_copies(staff_pages, tmp_path) -> Iterator[dict[str, str]]:
    """Each page as the staff member received it, served on loopback: path -> URL of the copy."""
    base, cookies, paths = staff_pages
    folder = tmp_path / "copies"
    folder.mkdir()
    copies = {}
    for position, (_, _, path) in enumerate(paths):
        answer = requests.get(base + path, cookies=cookies, timeout=60)
        assert answer.status_code == 200, f"{path}: {answer.status_code}"
        assert 'name="password"' not in answer.text, f"{path}: the login page, not the staff page"
        html = answer.text.replace("<head>", f'<head><base href="{base}{path}">', 1)
        (folder / f"page{position}.html").write_text(html, encoding="utf-8")
        copies[path] = f"page{position}.html"
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {path: f"http://127.0.0.1:{httpd.server_address[1]}/{name}" for path, name in copies.items()}
    httpd.shutdown()
    httpd.server_close()


def test_federation_staff_pages_have_no_violations_in_six_languages(
    staff_pages, saved_copies, browser, tmp_path
):
    base, cookies, paths = staff_pages
    problems: dict[str, list[str]] = {}
    context = SignedIn(browser, base, cookies).new_context(bypass_csp=True)  # axe is injected: test tooling
    tab = context.new_page()
    for name, language, path in paths:
        response = tab.goto(base + path)
        assert response is not None and response.status == 200, f"{name} in {language}: {path} not served"
        assert tab.url == base + path, f"{path} sent the staff member to {tab.url}"
        assert tab.get_attribute("html", "lang") == language
        assert tab.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        assert tab.locator("table").count() >= 1
        if found := describe_axe(run_axe(tab)):
            problems[f"axe {name} {language} {path}"] = found
    context.close()
    pa11y = run_pa11y(list(saved_copies.values()), tmp_path)
    for name, language, path in paths:
        if found := describe_pa11y(pa11y[saved_copies[path]]):
            problems[f"pa11y {name} {language} {path}"] = found
    report = "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
    assert not problems, f"{len(problems)} page checks with violations:\n{report}"
    assert len(paths) == 2 * len(LANGUAGES)


def test_federation_staff_pages_are_within_the_weight_budget(staff_pages, browser):
    base, cookies, paths = staff_pages
    rows = []
    for name, language, path in paths:
        transfers = cold_visit(SignedIn(browser, base, cookies), base + path)
        document = next(t for t in transfers if t["type"] == "document")
        assert document["url"] == base + path, f"{path} was not served to the staff member"
        if document["body"] > 1000:
            assert document["headers"].get("content-encoding") == "gzip", f"{path} not compressed"
        rows.append(weigh(name, language, transfers))
    print("\n" + table(rows))
    over = [r for r in rows if r["total"] > BUDGET_BYTES]
    assert not over, f"over the {BUDGET_BYTES // 1000} KB budget:\n{table(over)}"
    assert len(rows) == 2 * len(LANGUAGES)
