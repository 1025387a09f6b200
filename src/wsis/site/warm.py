"""What a server process loads once, before its first visitor rather than during that visitor's request.

Measured on a fresh process with the reference data (the first economy profile it serves, caches empty):
1.03 s, then ~20 ms for the next ones in any language. cProfile put ~1.2 s of a first /ar/ profile into
importing the URL map and the API modules behind it, and the rest into building the URL resolver's
reverse map (one per language with i18n_patterns) and compiling the templates. Every gunicorn worker paid
that on its first pages: the 1.1-1.4 s cold renders of bench/site/realistic.py. Done at start (0.9 s),
the first page takes 0.16 s.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver, reverse
from django.utils import translation

log = logging.getLogger(__name__)

#: The templates of the pages visitors open most, compiled (and kept by the cached loader) at start.
TEMPLATES = (
    "public/economy.html",
    "public/group.html",
    "public/indicator.html",
    "public/home.html",
    "public/action_line.html",
    "federation/case_studies.html",
)


def warm_process() -> float:
    """Import the URL map, build the reverse map and load the catalog of every language, compile the
    main templates; returns the seconds it took."""
    from wsis.apps.public.templatetags.public_format import babel_locale

    started = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 - imports every view and API module the URL map names
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reverse("home")  # this language's reverse map, and its translation catalog
            translation.gettext("Key indicators")
            babel_locale().languages  # noqa: B018 - CLDR data the number and date filters read
    for name in TEMPLATES:
        get_template(name)
    seconds = time.perf_counter() - started
    log.info("server process loaded its URL map, six languages and templates in %.2f s", seconds)
    return seconds
