"""Routes of the people around the teams: an organisation's candidates and their 资格联审,
its 后备干部, its 选派干部 and its cadres' pay (the organisation's code is the first
segment), and the lists of the user's whole subtree.

The subtree's routes have two fixed segments whose second is never a section of an
organisation (candidates, reserves, postings, pay) nor of the team pages (committee,
elections): no organisation's code can take them, and the one-segment team page
(`<code>/`) cannot hide them, whatever order teams.urls includes the route files in.
"""

from django.urls import path

from .pay import pay, pay_row, pay_standard, pay_standards
from .postings import posting, postings, postings_all, postings_export
from .reserves import reserve, reserves
from .vetting import candidate, candidate_delete, candidates, candidates_all, candidates_export

urlpatterns = [
    path("candidates/all/", candidates_all, name="candidates_all"),
    path("candidates/export/", candidates_export, name="candidates_export"),
    path("postings/all/", postings_all, name="postings_all"),
    path("postings/export/", postings_export, name="postings_export"),
    path("pay/standards/", pay_standards, name="pay_standards"),
    path("pay/standards/<int:pk>/", pay_standard, name="pay_standard"),
    path("<str:code>/candidates/", candidates, name="candidates"),
    path("<str:code>/candidates/<int:pk>/", candidate, name="candidate"),
    path("<str:code>/candidates/<int:pk>/delete/", candidate_delete, name="candidate_delete"),
    path("<str:code>/reserves/", reserves, name="reserves"),
    path("<str:code>/reserves/<int:pk>/", reserve, name="reserve"),
    path("<str:code>/postings/", postings, name="postings"),
    path("<str:code>/postings/<int:pk>/", posting, name="posting"),
    path("<str:code>/pay/", pay, name="pay"),
    path("<str:code>/pay/<int:pk>/", pay_row, name="pay_row"),
]
