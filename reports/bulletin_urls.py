"""The bulletin pages, mounted at /bulletins/ (config/urls.py)."""

from django.urls import path

from . import bulletin_views

app_name = "bulletins"

urlpatterns = [
    path("", bulletin_views.bulletin_list, name="list"),
    path("generate/", bulletin_views.bulletin_request, name="request"),
    path("<int:pk>/pdf/", bulletin_views.bulletin_download, name="download"),
]
