"""The pages of leadership teams and elections: the committees, elections and 换届 progress
(views.team_urls), and the people around them — candidates and their 资格联审, reserves,
postings, village cadres' pay (views.people_urls)."""

from django.urls import include, path

app_name = "teams"

urlpatterns = [
    # The people pages' fixed paths come before an organisation's code.
    path("", include("teams.views.people_urls")),
    path("", include("teams.views.team_urls")),
]
