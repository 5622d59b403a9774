from django.urls import path

from . import views
from .life import views as life_views

app_name = "orgs"
# "life/" comes before the organisation code: an organisation coded "life" would be
# shadowed by the overview.
urlpatterns = [
    path("", views.tree, name="tree"),
    path("life/", life_views.life_overview, name="life_overview"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/life/", life_views.life_list, name="life"),
    path("<str:code>/life/new/", life_views.life_new, name="life_new"),
    path("<str:code>/life/<int:pk>/", life_views.life_record, name="life_record"),
    path("<str:code>/life/<int:pk>/edit/", life_views.life_edit, name="life_edit"),
    path("<str:code>/life/<int:pk>/delete/", life_views.life_delete, name="life_delete"),
    path(
        "<str:code>/life/<int:pk>/files/<int:file_pk>/",
        life_views.life_file,
        name="life_file",
    ),
]
