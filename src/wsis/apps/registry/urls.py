from django.urls import path

from wsis.apps.registry import views, views_open, views_tokens

app_name = "registry"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit_page, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/merge/", views.merge_view, name="merge"),
    path("<int:pk>/verify/", views.verify_view, name="verify"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/attachments/", views.attach, name="attach"),
    path("<int:pk>/versions/", views.versions, name="versions"),
    path("<int:pk>/versions/<int:old>/<int:new>/", views.version_diff, name="diff"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("queues/", views.queues, name="queues"),
    path("queues/<str:code>/", views.queue, name="queue"),
    path("decisions/", views.decisions, name="decisions"),
    path("feed.atom", views_open.LatestEntries(), name="feed"),
    path("dumps/", views_open.dumps, name="dumps"),
    path("dumps/<str:name>", views_open.dump_file, name="dump_file"),
    path("import/", views_open.import_page, name="import"),
    path("imports/<uuid:key>/", views_open.bulk_import, name="bulk_import"),
    path("tokens/", views_tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views_tokens.revoke, name="revoke_token"),
]
