"""/checklists/: the quarterly responsibility lists (filling, reviewing, templates)."""

from .views import filling, reviewing, templates_issue

app_name = "checklists"

urlpatterns = [*filling.urlpatterns, *reviewing.urlpatterns, *templates_issue.urlpatterns]
