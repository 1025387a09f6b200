from django.contrib.auth import views as auth_views
from django.urls import path

from wsis.apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("verify/<str:uidb64>/<str:token>/", views.verify, name="verify"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("tokens/", views.new_token, name="new_token"),
    path("organizations/new/", views.organization_new, name="organization_new"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
]
