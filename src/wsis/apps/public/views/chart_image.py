"""The drawings of the public pages' charts, at URLs of their own (``/charts/<key>-<layout>.svg|png``).

A page orders its charts' drawings (``charting.chart_block``) and shows them as images; the first request
for a drawing draws it and keeps it in the shared chart cache. The key is a digest of the spec, the
language and the data releases, so a URL always means the same picture: browsers may keep it a year.

If the order left the cache (evicted, or the cache was emptied) while a page naming it is still cached
somewhere, the page the image was asked from (the Referer, which the site's same-origin referrer policy
sends for its own images) is rendered again, without its page cache, to order its charts anew.
"""

from __future__ import annotations

import copy
from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.decorators.http import require_safe

from wsis.apps.public.charting import IMAGE_MAX_AGE, KEY_PREFIX, LAYOUTS, drawing, picture

#: The pictures of a chart: SVG (shown on the page, scalable) and PNG (for documents and slides).
FORMATS = {"svg": "image/svg+xml; charset=utf-8", "png": "image/png"}


@require_safe
def chart_image(request: HttpRequest, digest: str, layout: str, fmt: str = "svg") -> HttpResponse:
    if layout not in LAYOUTS:
        raise Http404(f"no chart layout {layout!r}")
    if fmt not in FORMATS:
        raise Http404(f"no chart format {fmt!r}")
    key = KEY_PREFIX + digest
    draw = picture if fmt == "png" else drawing
    drawn = draw(key, layout)
    if drawn is None and _order_again(request):
        drawn = draw(key, layout)
    if drawn is None:
        raise Http404("no such chart: the page it was on has changed since")
    response = HttpResponse(drawn, content_type=FORMATS[fmt])
    response["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}, immutable"
    return response


def _order_again(request: HttpRequest) -> bool:
    """Render the referring public page again (bypassing the page cache) so that it orders its charts."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if not referer.path or (referer.netloc and referer.netloc != request.get_host()):
        return False
    language = translation.get_language_from_path(referer.path)
    if language is None:
        return False
    # The language prefix resolves only while its language is active (i18n_patterns).
    with translation.override(language):
        try:
            match = resolve(referer.path)
        except Resolver404:
            return False
        if "public" not in match.namespaces and match.url_name != "home":
            return False
        view = getattr(match.func, "__wrapped__", match.func)  # the page itself, not its page cache
        # The image request as far as middleware went (user, session, CSP nonce), pointed at the page.
        page = copy.copy(request)
        page.path = page.path_info = referer.path
        page.GET = QueryDict(referer.query)
        page.resolver_match = match
        page.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        try:
            view(page, *match.args, **match.kwargs)
        except Http404:
            return False
    return True
