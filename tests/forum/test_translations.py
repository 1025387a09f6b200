"""The Forum app's own catalogs (src/wsis/apps/forum/locale) pass the same checks as the site's: complete
in the five non-English UN languages, placeholders kept, plural forms of each language, and a compiled .mo
that matches the .po; the English catalog lists every string the app's code and templates mark. The
checks are the site's own functions, pointed at this catalog."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import tests.web.test_translations as site_checks
import wsis.apps.forum

FORUM = Path(wsis.apps.forum.__file__).resolve().parent
FORUM_LOCALE = FORUM / "locale"


@pytest.fixture(autouse=True)
def forum_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_checks, "LOCALE", FORUM_LOCALE)


@pytest.mark.parametrize("lang", site_checks.PLURAL_FORMS)
def test_forum_catalog(lang: str) -> None:
    assert site_checks.po_path(lang).is_relative_to(FORUM_LOCALE)
    source = {(m.context, site_checks.singular(m)) for m in site_checks.messages(site_checks.load_po("en"))}
    assert (None, "Summary of comments") in source and len(source) > 100
    site_checks.test_header_names_language_and_utf8(lang)
    site_checks.test_catalog_covers_every_source_string(lang, source)
    site_checks.test_every_message_is_translated_and_reviewed(lang)
    site_checks.test_placeholders_are_kept(lang)
    site_checks.test_plural_forms_match_language(lang)
    site_checks.test_compiled_catalog_is_current(lang)
    site_checks.test_compiled_plural_formula_selects_the_right_form(lang)


def test_english_catalog_lists_every_marked_string(tmp_path: Path) -> None:
    """xgettext over the app's Python files and templates (as makemessages runs it) finds no string the
    English catalog lacks: a new {% translate %} without a translation fails here."""
    pot = tmp_path / "forum.pot"
    python = sorted(str(p) for p in FORUM.rglob("*.py") if "migrations" not in p.parts)
    subprocess.run(
        [
            "xgettext",
            "-L",
            "Python",
            "--from-code=UTF-8",
            "-k_",
            "-kgettext",
            "-kgettext_lazy",
            "-o",
            str(pot),
            *python,
        ],
        check=True,
    )
    with pot.open("rb") as handle:
        found = {m.id for m in read_po(handle) if m.id}
    templates = "".join(p.read_text("utf-8") for p in (FORUM / "templates").rglob("*.html"))
    found |= set(re.findall(r'{% translate "([^"]+)"', templates))
    found |= set(re.findall(r"{% blocktranslate (?:with [^%]*)?%}(.*?){% endblocktranslate %}", templates))
    with site_checks.po_path("en").open("rb") as handle:
        listed = {site_checks.singular(m) for m in read_po(handle) if m.id}
    blocks = {re.sub(r"{{ (\w+) }}", r"%(\1)s", text) for text in found}
    assert not sorted(blocks - listed), f"marked but not in the catalog: {sorted(blocks - listed)}"


def test_pages_are_translated(client, db) -> None:
    import datetime as dt

    from wsis.apps.forum.domain.sessions import create_edition

    create_edition(
        year=2025, title="WSIS Forum 2025", starts_on=dt.date(2025, 7, 7), ends_on=dt.date(2025, 7, 11)
    )
    for lang, text in [
        ("fr", "Forum du SMSI"),
        ("ar", "منتدى القمة العالمية لمجتمع المعلومات"),
        ("zh-hans", "信息社会世界峰会论坛"),
        ("ru", "Форум ВВУИО"),
        ("es", "Foro de la CMSI"),
    ]:
        assert text in client.get(f"/{lang}/forum/").content.decode(), lang


def test_organizers_pages_are_translated(client, db) -> None:
    """The organizers' pages in each language: their headings and the form's labels come from the
    catalog (English only where the language is English)."""
    import datetime as dt

    from tests.registry.factories import user
    from wsis.apps.forum.domain.sessions import create_edition
    from wsis.apps.forum.models import ForumOrganizer

    create_edition(
        year=2025, title="WSIS Forum 2025", starts_on=dt.date(2025, 7, 7), ends_on=dt.date(2025, 7, 11)
    )
    organizer = user("organizer")
    ForumOrganizer.objects.create(user=organizer)
    client.force_login(organizer)
    for lang, heading, label in [
        ("en", "Organize the Forum", "Languages of the comments"),
        ("fr", "Organiser le Forum", "Langues des commentaires"),
        ("ar", "تنظيم المنتدى", "لغات التعليقات"),
        ("zh-hans", "组织论坛", "评论语言"),
        ("ru", "Организация Форума", "Языки комментариев"),
        ("es", "Organizar el Foro", "Idiomas de los comentarios"),
    ]:
        assert heading in client.get(f"/{lang}/forum/organize/").content.decode(), lang
        assert label in client.get(f"/{lang}/forum/organize/consultations/new/").content.decode(), lang
        edition = client.get(f"/{lang}/forum/organize/editions/2025/").content.decode()
        assert heading in edition, lang
