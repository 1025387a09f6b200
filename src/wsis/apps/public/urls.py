"""Permanent URLs of the public pages, under the language prefix set by the site's URL map (where the
home page is named "home")."""

from django.urls import path

from wsis.apps.public.caching import cached_page
from wsis.apps.public.views import action_line, bulk, compare, economy, embed, group, indicator, search

#: What each page shows, so that its cached copy is rendered again when that - and only that - changes
#: (wsis.apps.public.caching): a profile or an indicator page follows what the current publication records
#: of its economy, group or indicator, an economy profile and an action line page the initiatives and case
#: studies that name them, the pages that read many indicators at once the warehouse.
OBSERVATIONS = ("warehouse", "reference")
INDICATOR = ("published:indicator", "reference")

app_name = "public"
urlpatterns = [
    path(
        "economies/<str:iso3>/",
        cached_page(
            economy.profile,
            ("published:economy", "reference", "registry:economy", "casestudies:economy"),
        ),
        name="economy",
    ),
    path("groups/<str:code>/", cached_page(group.profile, ("published:group", "reference")), name="group"),
    path("indicators/<str:code>/", cached_page(indicator.page, INDICATOR), name="indicator"),
    path(
        "indicators/<str:code>/data.<str:fmt>",
        cached_page(indicator.download, INDICATOR),
        name="indicator_download",
    ),
    path("compare/", cached_page(compare.page, OBSERVATIONS), name="compare"),
    path(
        "action-lines/<str:code>/",
        cached_page(action_line.page, ("reference", "registry:line", "casestudies:line")),
        name="action_line",
    ),
    # Charts alone for other sites' iframes: the only pages that may be framed.
    path(
        "embed/indicators/<str:code>/<str:part>/",
        embed.frameable(cached_page(embed.indicator_chart, INDICATOR)),
        name="embed_indicator",
    ),
    path(
        "embed/economies/<str:iso3>/<str:code>/",
        embed.frameable(cached_page(embed.economy_chart, OBSERVATIONS)),
        name="embed_economy",
    ),
    path("downloads/", bulk.page, name="downloads"),
    path("downloads/warehouse/<str:name>", bulk.warehouse_file, name="warehouse_dump_file"),
    path("search/", cached_page(search.page, ("warehouse", "reference", "registry")), name="search"),
]
