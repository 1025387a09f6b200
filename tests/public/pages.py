"""The one list of public page types and the URL each is tested at, in every language.

The accessibility, page-weight and screenshot tests (and bench/site) walk this list, so a new page type
is checked everywhere by adding it here. The codes are real ones present in the shared data
(`site_data`): France in the ITU, World Bank and SDG files, the LDC group, Internet use (i99H), and
the one country case study `site_data` publishes (France's, in French).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlencode

from tests.web.conftest import LANGUAGES


@dataclass(frozen=True)
class PageType:
    name: str
    url_name: str
    args: tuple[str, ...] = ()
    query: dict[str, str] = field(default_factory=dict)

    def path(self, language: str) -> str:
        """The page's permanent path in ``language`` (e.g. /fr/economies/FRA/)."""
        from django.urls import reverse
        from django.utils import translation

        with translation.override(language):
            path = reverse(self.url_name, args=self.args)
        return f"{path}?{urlencode(self.query)}" if self.query else path


ALL_PAGE_TYPES: tuple[PageType, ...] = (
    PageType("home", "home"),
    PageType("economy", "public:economy", ("FRA",)),
    PageType("group", "public:group", ("LDC",)),
    PageType("indicator", "public:indicator", ("i99H",)),
    PageType("compare", "public:compare", query={"economies": "FRA,DEU,KEN", "indicators": "i99H,i992b"}),
    PageType("action_line", "public:action_line", ("C3",)),
    PageType("search", "public:search", query={"q": "internet"}),
    PageType("embed_map", "public:embed_indicator", ("i99H", "map")),
    PageType("embed_economy", "public:embed_economy", ("FRA", "i99H")),
    PageType("downloads", "public:downloads"),
    PageType("case_studies", "case_studies"),
)
#: WSIS_PAGE_TYPES=indicator,embed_map walks only those page types (a new page type's browser checks in
#: minutes instead of the whole list); unset, every page type.
_CHOSEN = {name for name in os.environ.get("WSIS_PAGE_TYPES", "").split(",") if name}
if _CHOSEN - {p.name for p in ALL_PAGE_TYPES}:
    raise ValueError(
        f"WSIS_PAGE_TYPES names unknown page types: {sorted(_CHOSEN - {p.name for p in ALL_PAGE_TYPES})}"
    )
PAGE_TYPES = tuple(p for p in ALL_PAGE_TYPES if p.name in _CHOSEN) if _CHOSEN else ALL_PAGE_TYPES
BY_NAME = {p.name: p for p in ALL_PAGE_TYPES}


def all_pages() -> list[tuple[str, str, str]]:
    """(page type, language, path) for every page type in every language."""
    return [(p.name, lang, p.path(lang)) for p in PAGE_TYPES for lang in LANGUAGES]
