from django.urls import path

from wsis.apps.workspaces import views

app_name = "workspaces"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.workspace_page, name="workspace"),
    path("<str:code>/setup/", views.setup_page, name="setup"),
    path("<str:code>/members/", views.members_page, name="members"),
    path("<str:code>/digest/", views.digest_choice, name="digest"),
    path("<str:code>/issues/", views.issues_page, name="issues"),
    path("<str:code>/issues/<int:pk>/", views.issue_page, name="issue"),
    path("<str:code>/meetings/", views.meetings_page, name="meetings"),
    path("<str:code>/meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("<str:code>/meetings/<int:pk>/documents/<int:doc>/", views.document_download, name="document"),
    path("<str:code>/minutes/<int:pk>/", views.minutes_page, name="minutes"),
    path("<str:code>/notes/", views.notes_page, name="notes"),
    path("<str:code>/partnerships/", views.partnerships_page, name="partnerships"),
]
