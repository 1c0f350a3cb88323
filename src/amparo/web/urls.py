from django.urls import path

from amparo.web.views import admin, auth, cases, home, system

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("2fa/setup/", auth.two_factor_setup, name="2fa_setup"),
    path("2fa/verify/", auth.two_factor_verify, name="2fa_verify"),
    path("language/", auth.switch_language, name="switch_language"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<int:case_id>/", cases.case_detail, name="case_detail"),
    path("users/", admin.user_list, name="user_list"),
    path("health", system.health, name="health"),
]
