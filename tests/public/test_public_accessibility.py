"""WCAG 2.1 AA on every public page type in every language, checked in a real browser by two tools:
axe-core (injected into Debian's chromium driven by Playwright; WCAG 2.0/2.1 A and AA rules) and pa11y
with the HTML_CodeSniffer runner (its own puppeteer session on the same chromium; it also measures the
contrast of Arabic and Chinese text). Both must report zero violations on the real pages, and both must
catch a deliberately broken copy of a real page in each locale - proof that the checks run at all.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser import ARGS, CHROMIUM
from tests.public.pages import all_pages
from tests.web.conftest import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PA11Y_SCRIPT = Path(__file__).with_name("pa11y_pages.cjs")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: What the broken page adds to a real page, right at the start of <main>: a text field without a label,
#: an image without a text alternative, and light-grey text on white (contrast 1.9:1) in the locale's own
#: script - what each tool must then report.
BREAKAGE = (
    '<form><input type="text" name="broken"></form>'
    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="40" height="40">'
    '<p style="color:#bbbbbb;background:#ffffff">{text}</p>'
)
AXE_MUST_FIND = {"label", "image-alt", "color-contrast"}
#: axe-core skips the contrast of a short Arabic word (here the country's name): its icon-ligature heuristic
#: takes the joined letters for a ligature. HTML_CodeSniffer measures it - one reason both tools run.
AXE_BLIND = {"ar": {"color-contrast"}}
#: HTML_CodeSniffer codes: H37 image without alt, F68 field without label, G18 contrast below 4.5:1.
PA11Y_MUST_FIND = {"H37", "F68", "G18"}


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return result["violations"]


def run_pa11y(urls: list[str], tmp_path: Path) -> dict[str, list[dict] | dict]:
    assert (ROOT / "node_modules" / "pa11y").is_dir(), "pa11y is missing: run `npm ci` (scripts/bootstrap.sh)"
    config = tmp_path / "pa11y.json"
    config.write_text(json.dumps({"urls": urls, "executablePath": CHROMIUM, "args": ARGS}))
    done = subprocess.run(
        ["node", str(PA11Y_SCRIPT), str(config)], cwd=ROOT, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, f"pa11y did not run: {done.stderr[-2000:]}"
    return json.loads(done.stdout)


def describe_axe(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    ]


def describe_pa11y(found: list[dict] | dict) -> list[str]:
    if isinstance(found, dict):
        return [f"pa11y could not check the page: {found['error']}"]
    return [f"{i['code']}: {i['message']} at {i['selector']}" for i in found]


# The mark makes pytest-django create the test database; the pages are read through `site_server`.
@pytest.mark.django_db
def test_every_page_type_in_every_language_has_no_violations(
    site_server,
    browser,
    tmp_path,
):
    base = site_server
    pages = all_pages()
    problems: dict[str, list[str]] = {}
    tab = browser.new_page(bypass_csp=True)  # axe is injected inline: test tooling, not the page
    for name, language, path in pages:
        response = tab.goto(base + path)
        assert response is not None and response.status == 200, f"{name} in {language}: {path} not served"
        assert tab.get_attribute("html", "lang") == language
        assert tab.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        if found := describe_axe(run_axe(tab)):
            problems[f"axe {name} {language} {path}"] = found

    pa11y = run_pa11y([base + path for _, _, path in pages], tmp_path)
    for name, language, path in pages:
        if found := describe_pa11y(pa11y[base + path]):
            problems[f"pa11y {name} {language} {path}"] = found

    print(f"\naccessibility: {len(pages)} pages, {len(LANGUAGES)} languages, axe-core and pa11y/htmlcs")
    report = "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
    assert not problems, f"{len(problems)} page checks with violations:\n{report}"


@pytest.fixture
def broken_site(site_server, tmp_path) -> Iterator[str]:
    """A loopback HTTP server for broken copies of real pages; their <base> points at the live server,
    so they load the real stylesheet."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def broken_copy(live_url: str, path: str) -> str:
    with urllib.request.urlopen(live_url + path) as response:  # noqa: S310 - the loopback live server
        html = response.read().decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert heading, f"no <h1> in {path}"
    text = re.sub(r"<[^>]+>", "", heading.group(1)).strip()
    html = re.sub(r"<head>", f'<head><base href="{live_url}/">', html, count=1)
    return re.sub(r"(<main[^>]*>)", lambda m: m.group(1) + BREAKAGE.format(text=text), html, count=1)


# The mark makes pytest-django create the test database; the pages are read through `site_server`.
@pytest.mark.django_db
def test_a_broken_page_fails_both_checks_in_every_locale(
    site_server,
    broken_site,
    browser,
    tmp_path,
):
    from tests.public.pages import BY_NAME

    urls = {}
    for language in LANGUAGES:
        (tmp_path / f"broken-{language}.html").write_text(
            broken_copy(site_server, BY_NAME["economy"].path(language))
        )
        urls[language] = f"{broken_site}/broken-{language}.html"

    tab = browser.new_page(bypass_csp=True)  # axe is injected inline: test tooling, not the page
    missed: dict[str, set[str]] = {}
    for language, url in urls.items():
        tab.goto(url)
        assert tab.get_attribute("html", "lang") == language
        if lost := AXE_MUST_FIND - AXE_BLIND.get(language, set()) - {v["id"] for v in run_axe(tab)}:
            missed[f"axe {language}"] = lost

    results = run_pa11y(list(urls.values()), tmp_path)
    for language, url in urls.items():
        found = results[url]
        assert isinstance(found, list), describe_pa11y(found)
        codes = {part for issue in found for part in issue["code"].split(".")}
        if lost := PA11Y_MUST_FIND - codes:
            missed[f"pa11y {language}"] = lost
    assert not missed, f"the checks missed deliberate violations: {missed}"


#: What chromium reports for the element that has the keyboard focus: its tag and its outline.
FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName, id: e.id, text: e.textContent.trim().slice(0, 30),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""


@pytest.mark.django_db
def test_keyboard_users_see_the_focus_and_can_skip_to_the_content(site_server, browser):
    from tests.public.pages import BY_NAME

    tab = browser.new_page(bypass_csp=True)  # axe is injected inline: test tooling, not the page
    for language in ("ar", "en"):
        tab.goto(site_server + BY_NAME["economy"].path(language))
        stops = []
        for _ in range(15):
            tab.keyboard.press("Tab")
            stops.append(tab.evaluate(FOCUSED))
        assert stops[0]["tag"] == "A" and stops[0]["text"], "the first stop is the skip link"
        hidden = [s for s in stops if s["outline"] == "none" or s["width"] < 2]
        assert not hidden, f"{language}: focus not visible on {hidden}"

        tab.goto(site_server + BY_NAME["economy"].path(language))
        tab.keyboard.press("Tab")
        tab.keyboard.press("Enter")
        assert tab.evaluate(FOCUSED)["id"] == "main", "the skip link moves the focus to the main content"
