"""``/sdmx/rest/``: SDMX 2.1 REST paths (structure resources, ``data/{flow}/{key}/{provider}``), and under
``v2/`` the SDMX 3.0 ones (REST API 2.0.0: ``structure/...``, ``data/{context}/...``)."""

from django.urls import path, re_path

from wsis.apps.sdmx import v3, views

app_name = "sdmx"
STRUCTURES = "dataflow|datastructure|codelist|conceptscheme|categoryscheme|categorisation|contentconstraint"
NOT_PUBLISHED = (
    "metadata|metadatastructure|metadataflow|hierarchicalcodelist|organisationscheme|agencyscheme"
    "|dataproviderscheme|dataconsumerscheme|organisationunitscheme|reportingtaxonomy|provisionagreement"
    "|structureset|process|attachmentconstraint|structure|actualconstraint|allowedconstraint|availableconstraint"
)
PART = r"[^/]+"
#: 3.0 path segments, each optional from the right (``{agencyID}/{resourceID}/{version}/...``).
V3_DATA = "".join(rf"(?:/(?P<{name}>{PART})" for name in ("context", "agency", "ident", "version", "key"))
V3_STRUCTURE = "".join(rf"(?:/(?P<{name}>{PART})" for name in ("agency", "ident", "version", "item"))

urlpatterns = [
    re_path(rf"^v2/data{V3_DATA}{')?' * 5}/?$", v3.data_query, name="v3-data"),
    re_path(
        rf"^v2/structure/(?P<resource>{STRUCTURES}|\*){V3_STRUCTURE}{')?' * 4}/?$",
        v3.structure_query,
        name="v3-structure",
    ),
    re_path(rf"^v2/structure/(?P<resource>{NOT_PUBLISHED})(?:/(?P<rest>.*))?$", views.unsupported),
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
