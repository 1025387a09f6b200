from django.urls import path

from wsis.apps.reference import views

app_name = "reference"
# The economy and group profiles (economies/<ISO3>/, groups/<CODE>/) are the public app's pages.
urlpatterns = [
    path("action-lines/", views.action_lines, name="action_lines"),
    path("sdgs/", views.goals, name="goals"),
    path("sdgs/<int:number>/", views.goal, name="goal"),
    path("sdgs/targets/<str:code>/", views.target, name="target"),
    path("economies/", views.economies, name="economies"),
    path("groups/", views.groups, name="groups"),
    path("indicators/", views.indicators, name="indicators"),
    path("targets/", views.connectivity_targets, name="connectivity_targets"),
]
