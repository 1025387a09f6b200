"""Template context every page needs: the languages, the direction, the platform version, and whether the
site shows the demonstration world (every page then carries the banner saying its figures are synthetic)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_bidi

from wsis import __version__
from wsis.apps.warehouse.domain.world import demonstration_world


def site(request: HttpRequest) -> dict:
    path = request.get_full_path()
    return {
        "wsis_version": __version__,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "current_language": get_language(),
        # Lazy: read only by templates that show it (the base template's banner), once per page.
        "demonstration_world": SimpleLazyObject(demonstration_world),
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code), "current": code == get_language()}
            for code, name in settings.LANGUAGES
        ],
    }
