"""Charts on the public pages: a spec from wsis.charts.specs, drawn to SVG once and cached.

A page builds the spec in the reader's language (`chart_locale()` gives the `locale` and `rtl`
arguments), then `chart_block()` orders its drawing and pairs it with its text alternative and data
table; `{% include "public/_chart.html" with chart=block %}` prints it all, the drawing as an image
(`views/chart_image.py`). The drawing is not made while the page renders: vl-convert takes 60-200 ms a
chart, so a page with four charts in two layouts would take a second on its first view (issue 12).

The cache key is the spec, the language and the ids of the data releases the chart shows: a new release
changes the key, so no chart outlives the data it was drawn from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi

from wsis.charts import render, specs
from wsis.charts.locales import babel_locale

#: The cache of rendered charts: a "charts" cache when the settings define one (sized for one SVG per
#: chart, language and release), else the default cache.
CHARTS_CACHE = "charts"
#: Rendered charts change only with their data (a new release is a new key): keep them a day.
CACHE_SECONDS = 24 * 3600
#: Placeholder of a missing value in a data table (language-neutral).
MISSING = "–"


@dataclass(frozen=True)
class Cell:
    """One formatted table cell; `number` right-aligns it (and marks it for the reader's locale)."""

    text: str
    number: bool = False


KEY_PREFIX = "wsis-chart:"
#: The two drawings of every chart: the wide one, and the phone layout (wsis.charts.specs.phone_layout)
#: shown instead on narrow screens: the wide picture scaled down to a phone would make its labels 5 px high.
LAYOUTS = ("wide", "phone")
#: A drawing's address has the chart's key in it, so a browser or proxy may keep it for a year.
IMAGE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class ChartBlock:
    """A chart on a page: its text alternative and data table are in the page; its two drawings are
    images at their own URLs (`wide_url`, `phone_url`), drawn on their first request and cached, so that
    rendering a page never waits for the chart renderer, and a phone downloads only its own layout."""

    id: str
    #: The cache key of the chart (spec, language, releases), also the name of its drawings.
    key: str
    title: str
    description: str
    columns: tuple[str, ...]
    #: Formatted cells; the first cell of each row is its header (th scope="row").
    rows: tuple[tuple[Cell, ...], ...]
    download_url: str | None = None
    #: A translated note printed under the chart, e.g. the boundaries disclaimer of a map.
    note: str = ""
    #: For the optional interactive view: {"spec", "formatLocale", "timeFormatLocale"}, or None.
    interactive: dict[str, Any] | None = None
    #: The chart alone, without the site around it, for other sites' iframes (views/embed.py), or None.
    embed_url: str | None = None

    @property
    def embed_code(self) -> str:
        """The iframe another site pastes to show this chart (absolute: it runs on their page)."""
        if not self.embed_url:
            return ""
        src = settings.WSIS_PUBLIC_URL.rstrip("/") + self.embed_url
        title = escape(self.title)
        return f'<iframe src="{src}" title="{title}" width="640" height="520" loading="lazy"></iframe>'

    def url(self, layout: str, fmt: str = "svg") -> str:
        return reverse("chart_image", args=[self.key.removeprefix(KEY_PREFIX), layout, fmt])

    @property
    def png_url(self) -> str:
        """The wide drawing as a PNG picture, for readers who paste charts into documents and slides."""
        return self.url("wide", "png")

    @property
    def wide_url(self) -> str:
        return self.url("wide")

    @property
    def phone_url(self) -> str:
        return self.url("phone")

    @property
    def svg(self) -> SafeString:
        """The wide drawing as markup, for documents that inline their charts (reports, tests)."""
        return _markup(self.key, "wide")

    @property
    def narrow_svg(self) -> SafeString:
        return _markup(self.key, "phone")


def _markup(key: str, layout: str) -> SafeString:
    drawn = drawing(key, layout)
    if drawn is None:
        raise LookupError(f"chart {key}: its drawing order is no longer in the chart cache")
    return mark_safe(drawn)  # noqa: S308 - our own renderer's output; every text in it is XML-escaped by lxml


def chart_cache() -> BaseCache:
    """The cache of drawing orders and drawings (shared by all workers)."""
    return caches[CHARTS_CACHE if CHARTS_CACHE in settings.CACHES else "default"]


def chart_locale() -> dict[str, Any]:
    """The `locale` and `rtl` arguments of the spec builders for the active language."""
    return {"locale": get_language() or "en", "rtl": bool(get_language_bidi())}


def format_cell(value: Any, language: str) -> Cell:
    """A table cell in the reader's locale (Babel): floats with grouping and up to three decimals; ints
    as written (years, ranks); strings as given (already formatted or translated)."""
    if value is None:
        return Cell(MISSING)
    if isinstance(value, bool):
        raise ValueError(f"chart table: {value!r} is not a value to show; pass a translated label")
    if isinstance(value, int):
        return Cell(str(value), number=True)
    if isinstance(value, float):
        return Cell(format_decimal(value, locale=babel_locale(language)), number=True)
    # A str subclass is kept as it is: a LocalText says which language it is in, for the page to mark.
    return Cell(value if isinstance(value, str) else str(value))


def _release_ids(releases: Iterable[Any]) -> list[str]:
    return sorted({str(getattr(release, "pk", release)) for release in releases})


def cache_key(spec: dict[str, Any], language: str, releases: Iterable[Any]) -> str:
    material = "|".join([render.spec_key(spec), language, ",".join(_release_ids(releases))])
    return KEY_PREFIX + hashlib.sha256(material.encode()).hexdigest()


def chart_block(
    spec: dict[str, Any],
    *,
    title: str,
    description: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    releases: Iterable[Any],
    download_url: str | None = None,
    note: str = "",
    interactive: bool = False,
    embed_url: str | None = None,
) -> ChartBlock:
    """Render (or take from the cache) a chart with its text alternative and data table.

    releases: the data releases shown (Release objects or their ids); they are part of the cache key.
    rows: the table alternative, one sequence of values per row, in the order of `columns`.
    interactive: offer the "Interactive version" button; the page then carries the (small) spec, and the
    Vega libraries load from our static files only when a reader presses it.
    """
    language = get_language() or "en"
    releases = list(releases)
    key = cache_key(spec, language, releases)
    block_id = "chart-" + key.rsplit(":", 1)[1][:10]
    # The drawing is ordered, not drawn: the image URL draws it on its first request (or the warm-up does).
    chart_cache().add(key + ":order", {"spec": spec, "language": language, "id": block_id}, CACHE_SECONDS)
    table = []
    for number, row in enumerate(rows, start=1):
        if len(row) != len(columns):
            raise ValueError(
                f"chart {title!r}: table row {number} has {len(row)} cells for {len(columns)} columns"
            )
        table.append(tuple(format_cell(value, language) for value in row))
    return ChartBlock(
        id=block_id,
        key=key,
        title=title,
        description=description,
        columns=tuple(columns),
        rows=tuple(table),
        download_url=download_url,
        note=note,
        interactive=_interactive(spec, language) if interactive else None,
        embed_url=embed_url,
    )


def _drawn(key: str, layout: str, fmt: str, draw: Callable[[dict[str, Any], dict[str, Any]], Any]) -> Any:
    """A chart's picture from the cache, else drawn now from its order (spec in the layout) and cached;
    None when neither the picture nor its order is in the cache (the caller may render the page again)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown chart layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    cache = chart_cache()
    name = f"{key}:{layout}" + ("" if fmt == "svg" else f":{fmt}")
    drawn = cache.get(name)
    if drawn is not None:
        return drawn
    order = cache.get(key + ":order")
    if order is None:
        return None
    spec = order["spec"] if layout == "wide" else specs.phone_layout(order["spec"])
    drawn = draw(spec, order)
    cache.set(name, drawn, CACHE_SECONDS)
    return drawn


def drawing(key: str, layout: str) -> str | None:
    """The SVG of a chart ordered by :func:`chart_block`, drawn now if it is not in the cache yet; None
    when neither the drawing nor its order is in the cache (the caller may render the page again)."""

    def draw(spec: dict[str, Any], order: dict[str, Any]) -> str:
        # The figure's caption shows the title: the picture does not repeat it.
        return render.svg(
            spec,
            locale=order["language"],
            id_prefix=order["id"] + ("" if layout == "wide" else "-phone"),
            draw_title=False,
            css_class=f"chart-{layout}",
        )

    return _drawn(key, layout, "svg", draw)


def picture(key: str, layout: str) -> bytes | None:
    """The PNG of a chart ordered by :func:`chart_block`, with its title drawn in (a downloaded picture
    travels without the page's caption); None when its order has left the cache, as for :func:`drawing`."""
    return _drawn(key, layout, "png", lambda spec, order: render.png(spec, locale=order["language"]))


def _interactive(spec: dict[str, Any], language: str) -> dict[str, Any]:
    topology_url = static("vendor/world-atlas/countries-110m.json")
    interactive = specs.interactive_version(spec, topology_url=topology_url)
    return {"spec": interactive, **render.embed_options(language)}
