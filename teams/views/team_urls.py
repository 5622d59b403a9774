"""The team pages: the 换届 page of a subtree, an organisation's team, its committee and
its elections. The 换届 routes come before the organisation's code."""

from django.urls import path

from . import elections, renewal, team

urlpatterns = [
    path("renewal/", renewal.renewal, name="renewal"),
    path("renewal/export/", renewal.renewal_export, name="renewal_export"),
    path("<str:code>/", team.team, name="team"),
    path("<str:code>/committee/new/", team.committee_add, name="committee_add"),
    path("<str:code>/committee/<int:pk>/end/", team.committee_end, name="committee_end"),
    path("<str:code>/committee/<int:pk>/delete/", team.committee_delete, name="committee_delete"),
    path("<str:code>/elections/new/", elections.election_add, name="election_add"),
    path(
        "<str:code>/elections/<int:pk>/approve/",
        elections.election_approve,
        name="election_approve",
    ),
    path(
        "<str:code>/elections/<int:pk>/delete/", elections.election_delete, name="election_delete"
    ),
]
