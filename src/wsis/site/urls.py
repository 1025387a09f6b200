"""URL map. Pages live under a language prefix (/fr/..., /ar/...), so every page has a permanent URL in
each of the six languages; the bare root redirects by the browser's preferred language."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from wsis.site import views
from wsis.site.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.health, name="health"),
    path("api/v1/", api.urls),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("wsis.apps.reference.urls")),
    path("registry/", include("wsis.apps.registry.urls")),
    path("accounts/", include("wsis.apps.accounts.urls")),
    path("prizes/", include("wsis.apps.prizes.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
