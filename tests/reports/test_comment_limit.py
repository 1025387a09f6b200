"""The public comment period is rate-limited per address and per signed-in user: past the limit a comment
is refused with 429, a clear message and Retry-After, and nothing is stored."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from tests.registry.factories import user


@pytest.fixture
def open_report(db, settings):
    from wsis.apps.reports.models import Report

    settings.WSIS_COMMENT_LIMIT = 2
    settings.WSIS_COMMENT_WINDOW_SECONDS = 600
    # A year of its own so that the counts of other runs' reports never meet this one.
    return Report.objects.create(kind="annual", year=2099, language="en", comments_open=True)


def _post(client, report, ip: str, text: str):
    return client.post(
        reverse("reports:comment", args=[report.pk]),
        {"paragraph": "2", "name": "A reader", "text": text},
        REMOTE_ADDR=ip,
        HTTP_X_FORWARDED_FOR=ip,
    )


def _ip() -> str:
    # Counts live in the cache, shared across tests: each test comes from addresses of its own.
    n = uuid.uuid4().int
    return f"198.51.{n % 250}.{(n >> 8) % 250 + 1}"


@pytest.mark.django_db
def test_an_address_past_the_limit_gets_429_and_nothing_is_stored(open_report, client):
    from wsis.apps.reports.models import Comment

    ip = _ip()
    assert [_post(client, open_report, ip, f"comment {i}").status_code for i in range(2)] == [302, 302]
    refused = _post(client, open_report, ip, "one too many")
    assert refused.status_code == 429
    assert "too many comments" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 600
    assert list(Comment.objects.filter(report=open_report).values_list("text", flat=True)) == [
        "comment 0",
        "comment 1",
    ]
    # Another address is not held back by this one.
    other = _ip()
    while other == ip:
        other = _ip()
    assert _post(client, open_report, other, "from elsewhere").status_code == 302


@pytest.mark.django_db
def test_a_signed_in_user_is_limited_whatever_the_address(open_report, client):
    from wsis.apps.reports.models import Comment

    client.force_login(user(f"reader-{uuid.uuid4().hex[:8]}"))
    assert _post(client, open_report, _ip(), "first").status_code == 302
    assert _post(client, open_report, _ip(), "second").status_code == 302
    refused = _post(client, open_report, _ip(), "third, from a new address")
    assert refused.status_code == 429
    # Fixed windows of ten minutes: the wait is what is left of this one.
    assert re.search(r"try again in ([1-9]|10) minutes?\.", refused.content.decode())
    assert not Comment.objects.filter(text__startswith="third").exists()
