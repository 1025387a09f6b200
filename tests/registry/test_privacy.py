"""Finding 1 of issue 14: the public version diff showed a private contact to anonymous visitors. The
permission matrix checks status codes only; this test reads the content.

Entries are brought to every state of the workflow (and merged, inactive, edited after publication, with
the contact made public then private again, or private then public), each with its own contact. Then every
public page, feed, dump and API answer of the registry is rendered for an anonymous visitor, and no value
of a private field (a contact's name or e-mail, the e-mail of an account) may appear in any of them."""

from __future__ import annotations

import datetime as dt
import html
import json
import urllib.parse

import pytest
from django.utils import timezone

from tests.registry import factories
from wsis.apps.registry.domain.dumps import DUMP_NAMES, write_dumps
from wsis.apps.registry.domain.entries import update_initiative
from wsis.apps.registry.domain.workflow import merge
from wsis.apps.registry.models import Initiative

STATES = ["draft", "submitted", "in_review", "changes_requested", "rejected", "published"]
LANGUAGES = ["en", "ar"]


def _contact(tag: str) -> dict:
    # Letters only (no characters that HTML, JSON, XML or CSV would escape), unique to each entry.
    return {
        "contact_name": f"Quillfeather {tag} Esq",
        "contact_email": f"hidden.{tag}@private-contact.example",
    }


class Cast:
    """The entries and which contact values are private (must never show) or public (must show)."""

    def __init__(self, world) -> None:
        self.world = world
        self.private: set[str] = set()
        self.public: dict[int, set[str]] = {}
        self.entries: list[Initiative] = []

    def make(self, tag: str, state: str, *, public: bool = False, **over) -> Initiative:
        contact = _contact(tag)
        entry = factories.entry(
            self.world.org,
            self.world.owner,
            state,
            title={"en": f"Entry {tag} on community broadband"},
            contact_public=public,
            **contact,
            **over,
        )
        (self.public.setdefault(entry.pk, set()).update if public else self.private.update)(contact.values())
        self.entries.append(entry)
        return entry

    def edit(self, entry: Initiative, tag: str, *, public: bool) -> None:
        """A new contact; the entry's previous contact becomes private history, whatever it was."""
        for value in self.public.pop(entry.pk, set()):
            self.private.add(value)
        contact = _contact(tag)
        update_initiative(
            initiative=entry, author=self.world.owner, data={**contact, "contact_public": public}
        )
        (self.public.setdefault(entry.pk, set()).update if public else self.private.update)(contact.values())


@pytest.fixture
def cast(world):
    c = Cast(world)
    for state in STATES:
        tag = state.replace("_", "")
        c.make(f"state{tag}", state)
        if state != "published":
            c.make(f"publicwhile{tag}", state, public=True)
    # Published, then its owner edits the private contact (the reported leak: versions 1 and 2 differ).
    edited = c.make("editedprivate", "published")
    c.edit(edited, "editedprivatenew", public=False)
    # Public first, then withdrawn: the old public contact must not stay visible in the history.
    withdrawn = c.make("withdrawn", "published", public=True)
    c.edit(withdrawn, "withdrawnnew", public=False)
    # Private first, then a new contact made public: the old private one stays hidden.
    opened = c.make("opened", "published")
    c.edit(opened, "openednew", public=True)
    # Public all along: the positive control, its contact must show on the entry's page.
    c.make("shown", "published", public=True)
    # Merged into another published entry, and inactive (silent for too long).
    duplicate = c.make("merged", "published")
    merge(duplicate=duplicate, into=edited, actor=world.moderator, reason="same")
    silent = c.make("inactive", "published")
    Initiative.objects.filter(pk=silent.pk).update(inactive_since=timezone.now() - dt.timedelta(days=1))
    # Entries of drafts made public while not yet published are not visible at all.
    for entry in c.entries:
        entry.refresh_from_db()
        if entry.state != "published":
            for value in c.public.pop(entry.pk, set()):
                c.private.add(value)
    # The world's own entries keep the factories' private contact.
    c.private.update({"A. Person", "contact@example.org"})
    # Accounts' e-mail addresses are private too.
    from django.contrib.auth import get_user_model

    c.private.update(get_user_model().objects.exclude(email="").values_list("email", flat=True))
    return c


def _urls(cast, settings, tmp_path) -> list[str]:
    settings.WSIS_REGISTRY_DUMP_DIR = tmp_path
    write_dumps()
    urls = [f"/api/v1/registry/initiatives?limit=200&q={q}" for q in ("", "broadband", "Quillfeather")]
    urls += ["/api/v1/registry/decisions?limit=500", "/api/v1/openapi.json"]
    for lang in LANGUAGES:
        urls += [
            f"/{lang}/registry/",
            f"/{lang}/registry/?q=broadband",
            f"/{lang}/registry/?q=Quillfeather",
            f"/{lang}/registry/decisions/",
            f"/{lang}/registry/feed.atom",
            f"/{lang}/registry/dumps/",
            *[f"/{lang}/registry/dumps/{name}" for name in [*DUMP_NAMES, "SHA256SUMS"]],
            f"/{lang}/",
            f"/{lang}/search/?q=broadband",
            f"/{lang}/search/?q=Quillfeather",
            f"/{lang}/economies/KEN/",
            f"/{lang}/action-lines/C2/",
            f"/{lang}/accounts/organizations/{cast.world.org.pk}/",
        ]
    for entry in Initiative.objects.all():
        urls.append(f"/api/v1/registry/initiatives/{entry.pk}")
        for lang in LANGUAGES:
            urls += [f"/{lang}/registry/{entry.pk}/", f"/{lang}/registry/{entry.pk}/versions/"]
            numbers = range(1, entry.version + 1)
            urls += [f"/{lang}/registry/{entry.pk}/versions/{a}/{b}/" for a in numbers for b in numbers]
    return urls


def _content(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    # The same text as a reader sees it, whatever the escaping of the format.
    return "\n".join([text, html.unescape(text), urllib.parse.unquote(text)])


def test_no_private_contact_on_any_public_page_feed_dump_or_api_answer(cast, client, settings, tmp_path):
    assert len(cast.private) > 20
    seen_public: set[str] = set()
    checked = 0
    for url in _urls(cast, settings, tmp_path):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), url
        if response.status_code == 404:
            continue
        text = _content(response)
        leaked = sorted(value for value in cast.private if value.lower() in text.lower())
        assert not leaked, f"{url} shows private values {leaked}"
        seen_public.update(v for values in cast.public.values() for v in values if v in text)
        checked += 1
    assert checked > 100
    # The check can fail: public contacts are found by the same reading.
    assert seen_public == {v for values in cast.public.values() for v in values}


def test_the_reported_leak_the_diff_of_an_edited_private_contact(world, client):
    entry = factories.entry(world.org, world.owner, "published", **_contact("before"))
    update_initiative(initiative=entry, author=world.owner, data=_contact("after"))
    anonymous = client.get(f"/en/registry/{entry.pk}/versions/1/2/").content.decode()
    assert "Quillfeather" not in anonymous and "private-contact.example" not in anonymous
    client.force_login(world.owner)
    owner_view = client.get(f"/en/registry/{entry.pk}/versions/1/2/").content.decode()
    assert "Quillfeather before Esq" in owner_view and "Quillfeather after Esq" in owner_view


def test_the_api_list_and_entry_hide_a_private_contact_but_show_a_public_one(world, client):
    hidden = factories.entry(world.org, world.owner, "published", **_contact("apihidden"))
    shown = factories.entry(world.org, world.owner, "published", contact_public=True, **_contact("apishown"))
    listed = {r["id"]: r["data"] for r in client.get("/api/v1/registry/initiatives").json()["results"]}
    assert "contact_email" not in listed[hidden.pk]
    assert listed[shown.pk]["contact_email"] == "hidden.apishown@private-contact.example"
    one = json.loads(client.get(f"/api/v1/registry/initiatives/{hidden.pk}").content)
    assert "contact_name" not in one["data"]
