"""Issue 14, finding 5: a strict Content-Security-Policy (no inline script or style, no eval) on every
page, and every page type still works under it in a real browser: chromium reports no violation, the
server-rendered charts (SVG images) show, and the interactive version (Vega, which evaluates expressions
unless told to interpret them) draws: test_public_charting's interactive test presses it on a document
served with the policy."""

from __future__ import annotations

import pytest

from tests.public.pages import BY_NAME, PAGE_TYPES

# Pages outside the public profiles: registry, sign-in, the API's browsable description.
OTHER_PAGES = ["/en/registry/", "/ar/registry/decisions/", "/en/accounts/login/", "/en/accounts/register/"]
LANGUAGES = ["en", "ar"]


def _visit(browser, url: str) -> tuple[object, list[str]]:
    page = browser.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe" not in policy, url
    return page, violations


# The mark makes pytest-django create the test database; the pages are read through `site_server`.
@pytest.mark.django_db
def test_every_page_type_works_under_the_policy(site_server, browser):
    urls = [p.path(lang) for p in PAGE_TYPES for lang in LANGUAGES] + OTHER_PAGES + ["/api/v1/docs"]
    for path in urls:
        page, violations = _visit(browser, site_server + path)
        assert not violations, f"{path}: {violations}"
        page.close()
    page, _ = _visit(browser, site_server + BY_NAME["indicator"].path("en"))
    # The charts' drawings (images from our own origin) load under the policy.
    drawn = page.locator("figure.chart img").evaluate_all("(images) => images.map((i) => i.naturalWidth)")
    assert drawn and all(width > 0 for width in drawn), drawn
    page.close()
