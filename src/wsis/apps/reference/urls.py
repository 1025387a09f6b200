from django.urls import path

from wsis.apps.reference import views

app_name = "reference"
urlpatterns = [
    path("action-lines/", views.action_lines, name="action_lines"),
    path("action-lines/<str:code>/", views.action_line, name="action_line"),
    path("sdgs/", views.goals, name="goals"),
    path("sdgs/<int:number>/", views.goal, name="goal"),
    path("sdgs/targets/<str:code>/", views.target, name="target"),
    path("economies/", views.economies, name="economies"),
    path("economies/<str:iso3>/", views.economy, name="economy"),
    path("groups/", views.groups, name="groups"),
    path("groups/<str:code>/", views.group, name="group"),
    path("indicators/", views.indicators, name="indicators"),
    path("targets/", views.connectivity_targets, name="connectivity_targets"),
]
