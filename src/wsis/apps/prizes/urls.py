from django.urls import path

from wsis.apps.prizes import views

app_name = "prizes"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.cycle_page, name="cycle"),
    path("<int:year>/submit/", views.submit_page, name="submit"),
    path("<int:year>/review/", views.review_page, name="review"),
    path("<int:year>/vote/", views.vote_page, name="vote"),
    path("<int:year>/vote/link/<str:token>/", views.vote_link, name="vote_link"),
    path("<int:year>/results/", views.results_page, name="results"),
    path("<int:year>/stories/", views.stories_page, name="stories"),
    path("<int:year>/moderate/", views.moderate, name="moderate"),
]
