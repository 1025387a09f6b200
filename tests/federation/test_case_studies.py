"""Country case studies (para 100a): published with `wsis case-studies add`, shown on the economy profile, the
action line page and their own list in the page's language, served as documents and as the open feed; a
source's feed is copied by a pull with its provenance; bad input is named and nothing is stored."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client

from tests.federation.sdmx_server import SdmxFiles

# A small PDF of our own (the type is told by its first bytes).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSTILE_HTML = b"<html><script>alert(document.cookie)</script></html>"
TITLE = "Measuring mobile internet use in Kenya's counties"


@pytest.fixture()
def fast_retries(settings):
    settings.WSIS_FEDERATION_RETRIES = 1
    settings.WSIS_FEDERATION_BACKOFF_SECONDS = 0.01
    settings.WSIS_FEDERATION_TIMEOUT_SECONDS = 5


def add(*args: str):
    from wsis.cli import main

    return CliRunner().invoke(main, ["case-studies", "add", *args], catch_exceptions=False)


def kenya(pdf: Path, *extra: str) -> list[str]:
    return [
        "--economy",
        "ken",
        "--title",
        TITLE,
        "--publisher",
        "Kenya National Bureau of Statistics",
        "--date",
        "2026-10-15",
        "--language",
        "en",
        "--summary",
        "County estimates from the 2022 household survey.\nWomen in rural counties are least connected.",
        "--indicator",
        "i99H",
        "--action-line",
        "C7.b",
        "--action-line",
        "C2",
        "--file",
        str(pdf),
        *extra,
    ]


def stored() -> tuple[int, list[str]]:
    from wsis.apps.federation.domain.case_studies import storage
    from wsis.apps.federation.models import CaseStudy

    return CaseStudy.objects.count(), sorted(p.name for p in storage().iterdir())


def section(page: str, anchor: str = 'id="case-studies"') -> str:
    part = page[page.index(anchor) :]
    return part[: part.index("</section>")]


@pytest.mark.django_db
def test_a_case_study_is_published_shown_in_six_languages_and_served(tmp_path: Path, client: Client) -> None:
    pdf = tmp_path / "kenya counties.pdf"
    pdf.write_bytes(PDF)
    done = add(*kenya(pdf))
    assert done.exit_code == 0, done.output
    case_id = int(re.search(r"case study (\d+) published", done.output).group(1))

    profile = client.get("/en/economies/KEN/").content.decode()
    shown = section(profile)
    assert TITLE.replace("'", "&#x27;") in shown and f"/case-studies/{case_id}/document" in shown
    assert "Kenya National Bureau of Statistics" in shown and "PDF" in shown
    assert "Women in rural counties are least connected." in shown
    assert 'href="/en/indicators/i99H/"' in shown and 'href="/en/action-lines/C7.b/"' in shown
    assert "Copied from" not in shown  # published here

    # In Arabic the heading is translated and the English title is marked as English, left to right.
    arabic = section(client.get("/ar/economies/KEN/").content.decode())
    assert "دراسات" in arabic
    assert f'<span lang="en" dir="ltr">{TITLE}'.replace("'", "&#x27;") in arabic
    assert "الإنجليزية" in arabic  # "in English", the language named in the page's language

    # The action line page lists it (C7 through its sub-line C7.b), the list page filters.
    line = section(client.get("/en/action-lines/C7/").content.decode())
    assert f"/case-studies/{case_id}/document" in line
    listed = client.get("/fr/case-studies/?economy=KEN&line=C2&indicator=i99H").content.decode()
    assert f"/case-studies/{case_id}/document" in listed and "Études de cas" in listed
    assert f"/case-studies/{case_id}/" not in client.get("/en/case-studies/?economy=UGA").content.decode()
    # The line page's "All country case studies" link (?line=C7) lists what its section lists: sub-lines too.
    assert f"/case-studies/{case_id}/document" in client.get("/en/case-studies/?line=C7").content.decode()
    wrong = client.get("/en/case-studies/?line=C99")
    assert wrong.status_code == 400 and "line: no such code C99" in wrong.content.decode()

    # The document: the same bytes, as a download that browsers neither run nor sniff.
    document = client.get(f"/case-studies/{case_id}/document")
    assert document.status_code == 200 and b"".join(document.streaming_content) == PDF
    assert document["Content-Type"] == "application/pdf" and document["X-Content-Type-Options"] == "nosniff"
    assert 'attachment; filename="kenya counties.pdf"' in document["Content-Disposition"]
    assert "sandbox" in document["Content-Security-Policy"]

    # The open feed, which other instances pull.
    feed = client.get("/api/v1/case-studies?economy=KEN").json()
    assert feed["count"] == 1 and feed["next"] is None
    (item,) = feed["items"]
    assert item["id"] == str(case_id) and item["economy"] == "KEN" and item["language"] == "en"
    assert item["indicators"] == ["i99H"] and sorted(item["action_lines"]) == ["C2", "C7.b"]
    assert item["document"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert item["document"]["url"] == f"http://testserver/case-studies/{case_id}/document"
    assert item["provenance"] is None
    assert client.get(f"/api/v1/case-studies/{case_id}").json() == item
    assert client.get("/api/v1/case-studies?action_line=C7").json()["count"] == 1
    assert client.get("/api/v1/case-studies?economy=XXX").status_code == 400
    assert client.get("/api/v1/case-studies/999999").status_code == 404

    # A second one, by link: pages of one item follow each other through `next`.
    more = add(*kenya(pdf)[:-2], "--link", "https://www.knbs.or.ke/reports/ict-2025/", "--language", "sw")
    assert more.exit_code == 0, more.output
    first = client.get("/api/v1/case-studies?economy=KEN&limit=1").json()
    assert first["count"] == 2 and first["next"].endswith("economy=KEN&limit=1&offset=1")
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert second["next"] is None and second["count"] == 2
    pages = [first["items"][0], second["items"][0]]
    assert sorted(bool(i["link"]) for i in pages) == [False, True] and len({i["id"] for i in pages}) == 2
    by_link = next(i for i in pages if i["link"])
    assert by_link["link"] == "https://www.knbs.or.ke/reports/ict-2025/" and by_link["document"] is None

    # Withdrawn: no longer shown anywhere, kept with its document.
    from wsis.cli import main

    assert CliRunner().invoke(main, ["case-studies", "withdraw", str(case_id)]).exit_code == 0
    assert client.get(f"/case-studies/{case_id}/document").status_code == 404
    assert client.get(f"/api/v1/case-studies/{case_id}").status_code == 404
    assert f"/case-studies/{case_id}/document" not in client.get("/en/economies/KEN/").content.decode()
    assert stored()[0] == 2


@pytest.mark.django_db
def test_refused_case_studies_name_every_problem_and_store_nothing(tmp_path: Path, settings) -> None:
    settings.WSIS_CASE_STUDY_MAX_BYTES = 200
    html = tmp_path / "report.pdf"
    html.write_bytes(b"<html><script>alert(1)</script></html>")
    big = tmp_path / "big.pdf"
    big.write_bytes(PDF + b"0" * 300)
    pdf = tmp_path / "ok.pdf"
    pdf.write_bytes(PDF)
    before = stored()
    cases = {
        "is not a PDF, PNG or JPEG file": kenya(html),
        "big.pdf is over the 200-byte limit": kenya(big),
        "economy: 'XKX' is not a known": [*kenya(pdf), "--economy", "XKX"],
        "indicators: unknown code(s) nope": [*kenya(pdf), "--indicator", "nope"],
        "action lines: unknown code(s) C99": [*kenya(pdf), "--action-line", "C99"],
        "language: 'english' is not an ISO 639-1": [*kenya(pdf), "--language", "english"],
        "date: '2026-13-40' is not a date": [*kenya(pdf), "--date", "2026-13-40"],
        "give either a file or a link, not both": [*kenya(pdf), "--link", "https://example.org/x.pdf"],
        "link: 'javascript:alert(1)' is not an http(s) URL": [
            *kenya(pdf)[:-2],
            "--link",
            "javascript:alert(1)",
        ],
        "title: holds control characters": [*kenya(pdf), "--title", "A\x00B"],
        "title: 301 characters; at most 300": [*kenya(pdf), "--title", "x" * 301],
    }
    for expected, args in cases.items():
        done = add(*args)
        assert done.exit_code == 1, (expected, done.output)
        assert "case study refused, nothing stored" in done.output and expected in done.output, done.output
        assert stored() == before, expected
    # Several problems at once: each is named.
    done = add(*kenya(html), "--economy", "XKX", "--language", "zz")
    assert all(p in done.output for p in ("economy:", "language:", "file:")), done.output


def _feed(server: SdmxFiles, items: list[dict], *, next_url: str | None = None) -> None:
    body = json.dumps({"count": len(items), "next": next_url, "items": items}).encode()
    server.routes["/api/v1/case-studies"] = (200, body, "application/json")


def _item(server: SdmxFiles, **changes) -> dict:
    item = {
        "id": "7",
        "economy": "KEN",
        "title": TITLE,
        "summary": "County estimates.",
        "language": "en",
        "publisher": "Kenya National Bureau of Statistics",
        "published_on": "2026-10-15",
        "indicators": ["i99H"],
        "action_lines": ["C7.b"],
        "document": {
            "url": f"{server.root}/case-studies/7/document",
            "name": "counties.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
        },
        "link": "",
        "updated_at": "2026-10-15T08:00:00Z",
        "provenance": None,
    }
    server.routes["/case-studies/7/document"] = (200, PDF, "application/pdf")
    return {**item, **changes}


def _source(server: SdmxFiles):
    from wsis.apps.federation.models import Source

    return Source.objects.create(
        name="knbs",
        url=server.url,
        publisher="Kenya National Bureau of Statistics",
        flows=[],
        economies=["KEN"],
        case_studies_url=f"{server.root}/api/v1/case-studies",
    )


@pytest.mark.django_db
def test_a_sources_case_studies_are_copied_with_provenance(client: Client, fast_retries) -> None:
    from wsis.apps.federation.domain.pull import pull
    from wsis.apps.federation.models import CaseStudy, Pull

    with SdmxFiles() as server:
        _feed(server, [_item(server)])
        # The document moved on the same host: the redirect is followed (another host's would not be).
        server.redirects["/case-studies/7/document"] = f"{server.root}/files/counties.pdf"
        server.routes["/files/counties.pdf"] = (200, PDF, "application/pdf")
        source = _source(server)
        first = pull(source)
        assert first.status == Pull.Status.OK and first.case_studies == 1, first.error
        assert first.urls == [f"{server.root}/api/v1/case-studies?economy=KEN"] and first.release is None
        case = CaseStudy.objects.get(source=source)
        assert (case.remote_id, case.origin, case.pulled_at) == ("7", first.urls[0], first.started_at)
        assert case.sha256 == hashlib.sha256(PDF).hexdigest() and case.file_name == "counties.pdf"
        shown = section(client.get("/en/economies/KEN/").content.decode())
        assert "Copied from Kenya National Bureau of Statistics" in shown and first.urls[0] in shown
        assert b"".join(client.get(f"/case-studies/{case.pk}/document").streaming_content) == PDF
        provenance = client.get(f"/api/v1/case-studies/{case.pk}").json()["provenance"]
        assert provenance["source"] == "knbs" and provenance["origin"] == first.urls[0]

        # Nothing changed at the source: nothing is downloaded again.
        asked = len(server.requests)
        assert pull(source).status == Pull.Status.UNCHANGED
        assert server.requests[asked:] == ["/api/v1/case-studies?economy=KEN"]

        # Changed at the source: the copy follows; no longer listed: withdrawn, kept.
        _feed(server, [_item(server, title="Revised title", updated_at="2026-11-01T08:00:00Z")])
        assert pull(source).case_studies == 1
        assert CaseStudy.objects.get(pk=case.pk).title == "Revised title"
        _feed(server, [])
        assert pull(source).case_studies == 1
        assert CaseStudy.objects.get(pk=case.pk).withdrawn_at is not None
        assert "Revised title" not in client.get("/en/economies/KEN/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("not json", "not a case studies feed"),
        ("wrong shape", "not a case studies feed (1 problem(s); items.0.title: Field required)"),
        ("outside authority", "economy 'UGA' is outside the source's authority (KEN)"),
        ("unknown codes", "indicators: unknown code(s) nope; action lines: unknown code(s) C99"),
        ("html document", "counties.pdf is not a PDF, PNG or JPEG file"),
        ("checksum", "the document's bytes do not match its listed SHA-256"),
        ("another host", "the document 'http://169.254.169.254/latest/meta-data' is not on 127.0.0.1"),
        ("huge feed", "over the 4096-byte limit"),
        ("redirect elsewhere", "redirected to another host (http://169.254.169.254/latest/meta-data)"),
        ("next loop", "more than 100 pages of case studies"),
        ("listed twice", "listed twice"),
        ("down", "case-studies?economy=KEN: HTTP 503"),
    ],
)
def test_hostile_case_study_feeds_are_refused_with_nothing_stored(
    hostile: str, expected: str, fast_retries, settings
) -> None:
    from tests.warehouse.conftest import counts
    from wsis.apps.federation.domain.pull import pull

    settings.WSIS_FEDERATION_MAX_BYTES = 4096
    with SdmxFiles() as server:
        good = _item(server)
        feeds = {
            "wrong shape": [{k: v for k, v in good.items() if k != "title"}],
            "outside authority": [_item(server, economy="UGA")],
            "unknown codes": [_item(server, indicators=["nope"], action_lines=["C99"])],
            "html document": [
                _item(
                    server, document={**good["document"], "sha256": hashlib.sha256(HOSTILE_HTML).hexdigest()}
                )
            ],
            "checksum": [_item(server, document={**good["document"], "sha256": "0" * 64})],
            "another host": [
                _item(server, document={**good["document"], "url": "http://169.254.169.254/latest/meta-data"})
            ],
            "huge feed": [_item(server, summary="x" * 5000)],
            "listed twice": [good, good],
        }
        _feed(server, feeds.get(hostile, [good]))
        if hostile == "not json":
            server.routes["/api/v1/case-studies"] = (200, b"<html>not json</html>", "text/html")
        if hostile == "html document":
            server.routes["/case-studies/7/document"] = (200, HOSTILE_HTML, "application/pdf")
        if hostile == "next loop":
            _feed(server, [], next_url=f"{server.root}/api/v1/case-studies")
        if hostile == "down":
            server.down = 5
        if hostile == "redirect elsewhere":
            server.redirects["/case-studies/7/document"] = "http://169.254.169.254/latest/meta-data"
        source = _source(server)
        before = (stored(), counts())
        record = pull(source)
    assert record.status in ("refused", "failed") and expected in record.error, record.error
    assert (stored(), counts()) == before
    source.refresh_from_db()
    assert source.state in ("refused", "down") and source.last_error == record.error
