from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("orgs/", include("orgs.urls")),
    path("members/", include("members.urls")),
    path("", include("funding.urls")),
    path("health/", include("assessments.urls")),
    path("checklists/", include("assessments.checklist_urls")),
    path("notifications/", include("core.urls_notifications")),
    path("admin/", admin.site.urls),
]
