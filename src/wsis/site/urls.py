"""URL map. Pages live under a language prefix (/fr/..., /ar/...), so every page has a permanent URL in
each of the six languages; the bare root redirects by the browser's preferred language."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, include, path, re_path

from wsis.apps.federation import case_study_views
from wsis.apps.public.caching import cached_page
from wsis.apps.public.views import chart_image
from wsis.apps.public.views import home as public_home
from wsis.site import views
from wsis.site.api import api

#: Warehouse reads served from the page cache while the data are unchanged, with what each depends on:
#: the series endpoint is the API's busiest (bench/site), and its answer is a pure function of the URL and
#: the observations of the indicator asked for (all of them when it names several or none). Other routes
#: (prizes tallies, registry reads with a token) change with data the cache key does not watch.
CACHED_API_ROUTES = {
    "observations": ("published:indicator-query", "reference"),
    "indicators": ("warehouse", "reference"),
    "indicators/<code>/metadata": ("warehouse", "reference"),
    "releases": ("warehouse", "reference"),
}


def _api_urls() -> tuple[list, str, str]:
    """The API's routes, the cached reads wrapped and first: Django's resolver records every route it tried
    before the one that matched, on every request, and the series endpoint would otherwise come last of
    sixty (a tenth of the cost of serving it from the cache, bench/site). No two routes overlap, so the
    order changes nothing else."""
    patterns, app_name, namespace = api.urls
    cached, others = [], []
    for p in patterns:
        if isinstance(p, URLPattern) and (route := str(p.pattern)) in CACHED_API_ROUTES:
            view = cached_page(p.callback, CACHED_API_ROUTES[route])
            cached.append(URLPattern(p.pattern, view, p.default_args, p.name))
        else:
            others.append(p)
    return [*cached, *others], app_name, namespace


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.health, name="health"),
    # Chart drawings: one URL for every language (the key names the language), outside the prefixes.
    re_path(
        r"^charts/(?P<digest>[0-9a-f]{64})-(?P<layout>[a-z]+)\.(?P<fmt>svg|png)$",
        chart_image.chart_image,
        name="chart_image",
    ),
    path("api/v1/", _api_urls()),
    # A country case study's document: one URL for every language (wsis.apps.federation).
    path(
        "case-studies/<int:pk>/document",
        case_study_views.case_study_document,
        name="case_study_document",
    ),
    # SDMX 2.1 REST web service over the warehouse (wsis.apps.sdmx), outside the language prefixes.
    path("sdmx/rest/", include("wsis.apps.sdmx.urls")),
]
urlpatterns += i18n_patterns(
    path("", cached_page(public_home.home), name="home"),
    path("", include("wsis.apps.public.urls")),
    path("", include("wsis.apps.reference.urls")),
    path("registry/", include("wsis.apps.registry.urls")),
    path("accounts/", include("wsis.apps.accounts.urls")),
    path("prizes/", include("wsis.apps.prizes.urls")),
    path("reports/", include("wsis.apps.reports.urls")),
    path("workspaces/", include("wsis.apps.workspaces.urls")),
    path("forum/", include("wsis.apps.forum.urls")),
    path("federation/", include("wsis.apps.federation.urls")),
    path(
        "case-studies/",
        cached_page(case_study_views.case_study_list, ("reference", "casestudies")),
        name="case_studies",
    ),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
