from django.urls import path

from wsis.apps.federation import views

app_name = "federation"
urlpatterns = [
    path("", views.sources, name="sources"),
    path("discrepancies/", views.discrepancy_report, name="discrepancies"),
]
