from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.views_health import healthz
from reports import views as report_views

urlpatterns = [
    # The dashboard for everyone (a secretary sees their own organisation's figures).
    path("", report_views.dashboard, name="home"),
    path("", include("reports.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor: enrolment, verification, and the reset county staff administer.
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("members/", include("members.urls")),
    path("", include("funding.urls")),
    path("health/", include("assessments.urls")),
    path("checklists/", include("checklists.urls")),
    path("notifications/", include("core.urls_notifications")),
    path("bulletins/", include("reports.bulletin_urls")),
    path("statistics/", include("partystats.urls")),
    path("teams/", include("teams.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
