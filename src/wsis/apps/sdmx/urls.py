"""``/sdmx/rest/``: SDMX 2.1 REST paths (structure resources, ``data/{flow}/{key}/{provider}``)."""

from django.urls import path, re_path

from wsis.apps.sdmx import views

app_name = "sdmx"
STRUCTURES = "dataflow|datastructure|codelist|conceptscheme|categoryscheme|categorisation|contentconstraint"
NOT_PUBLISHED = (
    "metadata|metadatastructure|metadataflow|hierarchicalcodelist|organisationscheme|agencyscheme"
    "|dataproviderscheme|dataconsumerscheme|organisationunitscheme|reportingtaxonomy|provisionagreement"
    "|structureset|process|attachmentconstraint|structure|actualconstraint|allowedconstraint|availableconstraint"
)
PART = r"[^/]+"

urlpatterns = [
    re_path(rf"^data/(?P<flow>{PART})/?$", views.data_query, name="data"),
    re_path(rf"^data/(?P<flow>{PART})/(?P<key>{PART})/?$", views.data_query, name="data-key"),
    re_path(
        rf"^data/(?P<flow>{PART})/(?P<key>{PART})/(?P<provider>{PART})/?$",
        views.data_query,
        name="data-key-provider",
    ),
    re_path(rf"^(?P<resource>{STRUCTURES})/?$", views.structure_query, name="structure"),
    re_path(rf"^(?P<resource>{STRUCTURES})/(?P<agency>{PART})/?$", views.structure_query),
    re_path(rf"^(?P<resource>{STRUCTURES})/(?P<agency>{PART})/(?P<ident>{PART})/?$", views.structure_query),
    re_path(
        rf"^(?P<resource>{STRUCTURES})/(?P<agency>{PART})/(?P<ident>{PART})/(?P<version>{PART})/?$",
        views.structure_query,
        name="structure-full",
    ),
    re_path(
        rf"^schema/(?P<context>{PART})/(?P<agency>{PART})/(?P<ident>{PART})(?:/(?P<version>{PART}))?/?$",
        views.schema_query,
        name="schema",
    ),
    re_path(rf"^(?P<resource>{NOT_PUBLISHED})(?:/(?P<rest>.*))?$", views.unsupported),
    path("", views.not_found),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
