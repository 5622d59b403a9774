from django.urls import path

from . import views

app_name = "partystats"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("people/", views.people, name="people"),
    path("export/", views.workbook, name="export"),
]
