"""Names of economies and M49 regions in the six UN languages, from CLDR through Babel.

CLDR is maintained by the Unicode Consortium and updated twice a year; taking names from it rather than
keeping our own translations means Arabic, Chinese, French, Russian and Spanish names stay correct.
"""

from __future__ import annotations

import functools

from babel import Locale

from wsis.reference.schema import UN_LANGUAGES, Names

#: Babel locale per data-file language code (Chinese in simplified script, as the UN uses).
_LOCALES = {"ar": "ar", "zh": "zh_Hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}


@functools.cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(_LOCALES[language]).territories)


def territory_names(code: str) -> Names | None:
    """Names for an ISO alpha-2 code or an M49 region code, or None when CLDR lacks it in any language."""
    found: dict[str, str] = {}
    for lang in UN_LANGUAGES:
        name = _territories(lang).get(code)
        if not name:
            return None
        found[lang] = name
    return Names(**found)
