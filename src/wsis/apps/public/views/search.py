"""Search across the site: initiatives (the registry's full-text search), indicators (code or name in any
of the six languages) and economies (ISO codes or names in any of the six languages), grouped by kind.

Names are compared without case or accents (and without Arabic short-vowel marks), as substrings, so
"cote d" finds Côte d'Ivoire, "كينيا" Kenya and "肯尼亚" Kenya. The catalogue and the economies are small
(some fifty and some two hundred and fifty rows): they are matched in Python, which treats every script
the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from wsis.apps.public.figures import cached, warehouse_state
from wsis.apps.public.views.indicator import problem
from wsis.apps.reference.models import Economy, Indicator, localized
from wsis.apps.registry.domain.search import Query, search
from wsis.apps.registry.models import Initiative
from wsis.apps.warehouse.models import Observation

MAX_QUERY = 200
SHOWN = 20
#: Matching initiative ids fetched at most: the count says "more than" beyond it.
INITIATIVE_IDS = 1000


def fold(text: str) -> str:
    """Lower case without accents or combining marks (Latin accents, Arabic harakat), NFKC-normal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", bare).replace("\u2019", "'").strip()


def _score(needle: str, codes: Iterable[str], names: Iterable[str]) -> int | None:
    """0 for an exact code, 1 for a name that starts with the text, 2 for a code or name containing it."""
    codes, names = [fold(c) for c in codes], [fold(n) for n in names if n]
    if needle in codes:
        return 0
    if any(n.startswith(needle) for n in names):
        return 1
    if any(needle in text for text in (*codes, *names)):
        return 2
    return None


def economies(needle: str) -> list[Economy]:
    found = []
    for economy in Economy.objects.only("iso3", "iso2", "names"):
        score = _score(needle, (economy.iso3, economy.iso2), economy.names.values())
        if score is not None:
            found.append((score, economy.name, economy))
    return [e for _s, _n, e in sorted(found, key=lambda t: (t[0], t[1]))]


def _warehouse_codes() -> list[str]:
    visible = Observation.objects.visible().order_by()
    return sorted(set(visible.values_list("indicator", flat=True).distinct()))


def indicators(needle: str) -> list[tuple[str, str]]:
    """(code, name) of catalogue entries and of series that are only in the warehouse."""
    catalogue = {i.code: i for i in Indicator.objects.only("code", "names")}
    # The warehouse's codes change only with a release: read them once per state of the releases.
    codes = cached("public-search-indicator-codes", warehouse_state(), _warehouse_codes)
    found = []
    for code in sorted(set(catalogue) | set(codes)):
        entry = catalogue.get(code)
        score = _score(needle, (code,), entry.names.values() if entry else ())
        if score is not None:
            found.append((score, code, localized(entry.names) if entry else code))
    return [(code, name) for _s, code, name in sorted(found)]


def initiatives(text: str) -> tuple[int, list[Initiative]]:
    """The registry's own full-text search, run once: ids first, then the newest few entries."""
    ids = list(search(query=Query(text=text)).order_by().values_list("pk", flat=True)[: INITIATIVE_IDS + 1])
    entries = list(
        Initiative.objects.filter(pk__in=ids)
        .select_related("organization")
        .order_by("-updated_at", "-pk")[:SHOWN]
    )
    return len(ids), entries


def page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    if len(text) > MAX_QUERY:
        message = _("The search text is longer than %(n)d characters.") % {"n": MAX_QUERY}
        return problem(request, message, status=400, parameter="q")
    if "\x00" in text:  # PostgreSQL refuses NUL in any text: a clear 400, not a database error (issue 14)
        message = _("The search text contains a NUL character, which cannot be searched. Remove it.")
        return problem(request, message, status=400, parameter="q")
    context: dict[str, object] = {"q": text}
    needle = fold(text)
    if needle:
        found_economies = economies(needle)
        found_indicators = indicators(needle)
        total, entries = initiatives(text)
        context |= {
            "economies": found_economies[:SHOWN],
            "economies_total": len(found_economies),
            "indicators": found_indicators[:SHOWN],
            "indicators_total": len(found_indicators),
            "initiatives": entries,
            "initiatives_total": total,
            "initiatives_more": total > INITIATIVE_IDS,
            "nothing": not (found_economies or found_indicators or total),
        }
    return render(request, "public/search.html", context)
