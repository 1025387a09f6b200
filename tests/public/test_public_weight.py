"""Page weight: what a visitor's browser transfers for each public page type, in every language, on a cold
visit (empty browser cache) - the HTML and everything the page loads on view (CSS, charts, map, images,
scripts). Measured by Debian's chromium from its own network events, asking for gzip only (the budget is
stated gzipped), against the production set-up of the site (GZip middleware for pages, WhiteNoise's
pre-compressed fingerprinted static files). Budget: 100 KB per page, headers included.

Also checks the cache headers that make a second visit cheap: far-future immutable static files, and
short public caching with a validator for pages.
"""

from __future__ import annotations

import pytest

from tests.public.pages import PAGE_TYPES, all_pages

BUDGET_BYTES = 100_000
ONE_YEAR = 365 * 24 * 3600


def cold_visit(browser, url: str) -> list[dict]:
    """Every response of a first visit to ``url``: its URL, headers and bytes on the wire."""
    context = browser.new_context(extra_http_headers={"Accept-Encoding": "gzip"})
    page = context.new_page()
    finished: list = []
    page.on("requestfinished", lambda request: finished.append(request))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("networkidle")
    transfers = []
    for request in finished:
        sizes = request.sizes()
        answer = request.response()
        transfers.append(
            {
                "url": request.url,
                "type": request.resource_type,
                "headers": answer.all_headers() if answer else {},
                "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                "body": sizes["responseBodySize"],
            }
        )
    context.close()
    return transfers


def weigh(name: str, language: str, transfers: list[dict]) -> dict:
    html = sum(t["bytes"] for t in transfers if t["type"] == "document")
    return {
        "page": name,
        "language": language,
        "requests": len(transfers),
        "html": html,
        "other": sum(t["bytes"] for t in transfers) - html,
        "total": sum(t["bytes"] for t in transfers),
    }


def table(rows: list[dict]) -> str:
    lines = [f"{'page':<12} {'lang':<8} {'req':>3} {'HTML KB':>8} {'other KB':>9} {'total KB':>9}"]
    for r in rows:
        lines.append(
            f"{r['page']:<12} {r['language']:<8} {r['requests']:>3} {r['html'] / 1000:>8.1f} "
            f"{r['other'] / 1000:>9.1f} {r['total'] / 1000:>9.1f}"
        )
    return "\n".join(lines)


# The mark makes pytest-django create the test database; the pages are read through `site_server`.
@pytest.mark.django_db
def test_every_page_type_is_within_100_kb_gzipped(site_server, browser):
    rows = []
    compressed_checked = 0
    for name, language, path in all_pages():
        transfers = cold_visit(browser, site_server + path)
        for t in transfers:
            # Everything text-like and worth compressing must come gzipped (GZip skips tiny bodies).
            kind = t["headers"].get("content-type", "")
            if t["body"] > 1000 and any(k in kind for k in ("html", "css", "javascript", "svg", "json")):
                assert t["headers"].get("content-encoding") == "gzip", f"{t['url']} not compressed"
                compressed_checked += 1
        rows.append(weigh(name, language, transfers))
    print("\n" + table(rows))
    assert compressed_checked >= len(rows), "every page's HTML at least should have been checked"
    over = [r for r in rows if r["total"] > BUDGET_BYTES]
    assert not over, f"over the {BUDGET_BYTES // 1000} KB budget:\n{table(over)}"


# The mark makes pytest-django create the test database; the pages are read through `site_server`.
@pytest.mark.django_db
def test_cache_headers_of_pages_and_static_files(site_server, browser):
    path = next(p.path("fr") for p in PAGE_TYPES if p.name == "economy")
    transfers = cold_visit(browser, site_server + path)
    document = next(t for t in transfers if t["type"] == "document")
    page_cache = document["headers"].get("cache-control", "")
    assert "public" in page_cache and "max-age=" in page_cache, page_cache
    assert document["headers"].get("etag"), "pages carry a validator so a revisit can cost a 304"

    static = [t for t in transfers if "/static/" in t["url"]]
    assert static, "the page loads its stylesheet from /static/"
    for t in static:
        control = t["headers"].get("cache-control", "")
        max_age = int(control.split("max-age=")[1].split(",")[0]) if "max-age=" in control else 0
        # Fingerprinted names (site.3f2a....css) change with the content, so they may be kept for ever.
        assert max_age >= ONE_YEAR and "immutable" in control, f"{t['url']}: {control}"
