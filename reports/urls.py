"""The dashboard; mounted at the site root (`/`). The bulletin pages have their own URLconf
(`reports/bulletin_urls.py`)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/export/", views.figures_export, name="figures_export"),
]
