"""Permanent URLs of the public pages, under the language prefix set by the site's URL map (where the
home page is named "home")."""

from django.urls import path

from wsis.apps.public.caching import cached_page
from wsis.apps.public.views import action_line, compare, economy, group, indicator, search

app_name = "public"
urlpatterns = [
    path("economies/<str:iso3>/", cached_page(economy.profile), name="economy"),
    path("groups/<str:code>/", cached_page(group.profile), name="group"),
    path("indicators/<str:code>/", cached_page(indicator.page), name="indicator"),
    path("indicators/<str:code>/data.<str:fmt>", cached_page(indicator.download), name="indicator_download"),
    path("compare/", cached_page(compare.page), name="compare"),
    path("action-lines/<str:code>/", cached_page(action_line.page), name="action_line"),
    path("search/", cached_page(search.page), name="search"),
]
