from django.urls import path

from wsis.apps.forum import organizing, views

app_name = "forum"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.programme, name="programme"),
    path("<int:year>/programme.ics", views.programme_ics, name="programme_ics"),
    path("<int:year>/statistics/", views.statistics_page, name="statistics"),
    path("<int:year>/statistics.<str:fmt>", views.statistics_page, name="statistics_data"),
    path("<int:year>/submit/", views.submit, name="submit"),
    path("<int:year>/review/", views.review_queue, name="review_queue"),
    path("<int:year>/publish/", views.publish, name="publish"),
    path("sessions/<int:pk>/", views.session_page, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/review/", views.review, name="review"),
    path("sessions/<int:pk>/outcome/", views.outcome_edit, name="outcome_edit"),
    path("outcomes/<uuid:public_id>/", views.outcome_page, name="outcome"),
    path("consultations/<int:pk>/", views.consultation_page, name="consultation"),
    path("consultations/<int:pk>/comments/<int:comment_pk>/moderate/", views.moderate, name="moderate"),
    path("consultations/<int:pk>/summary/", views.summary_page, name="summary"),
    path("consultations/<int:pk>/summary.json", views.summary_json, name="summary_json"),
    # The organizers' pages.
    path("organize/", organizing.dashboard, name="organize"),
    path("organize/editions/new/", organizing.edition_new, name="organize_edition_new"),
    path("organize/editions/<int:year>/", organizing.edition_edit, name="organize_edition"),
    path("organize/consultations/new/", organizing.consultation_new, name="organize_consultation_new"),
    path("organize/consultations/<int:pk>/close/", organizing.consultation_close, name="organize_close"),
]
