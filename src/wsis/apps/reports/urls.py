from django.urls import path

from wsis.apps.reports import views

app_name = "reports"
urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_page, name="call"),
    path("calls/<int:pk>/compile/", views.compile_page, name="compile"),
    path("calls/<int:pk>/answer/", views.answer, name="answer"),
    path("contributions/", views.contributions_index, name="contributions"),
    path("contributions/<uuid:public_id>/", views.contribution_page, name="contribution"),
    path(
        "contributions/<uuid:public_id>/files/<int:file_id>/",
        views.contribution_file,
        name="contribution_file",
    ),
    path("drafts/", views.report_list, name="reports"),
    path("drafts/<int:pk>/", views.draft_page, name="draft"),
    path("drafts/<int:pk>/comments/", views.comment_page, name="comment"),
    path("drafts/<int:pk>/download/<str:fmt>/", views.draft_download, name="draft_download"),
    path("<int:year>/annual/", views.annual_page, name="annual"),
    path("<int:year>/annual/<str:fmt>/", views.annual_page, name="annual_download"),
    path("<int:year>/<str:kind>/<str:subject>/", views.subject_page, name="subject"),
    path("<int:year>/<str:kind>/<str:subject>/<str:fmt>/", views.subject_page, name="subject_download"),
]
