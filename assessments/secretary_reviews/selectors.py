"""What the 述职评议 pages read: the organisations reviewed for a year, each with its
suggestion and its review, and the count of each grade."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from checklists.models import ResponsibilityList
from orgs.models import Organization

from ..choices import ReviewGrade
from ..models import SecretaryReview
from .suggestion import Suggestion, suggestions_for


def reviewable(org: Organization, year: int) -> list[Organization]:
    """The organisations of `org`'s subtree reviewed for `year`: those issued a list that
    year, and any already reviewed (one query), in tree order."""
    return list(
        Organization.objects.within(org)
        .filter(
            Q(pk__in=ResponsibilityList.objects.filter(year=year).values("organization_id"))
            | Q(pk__in=SecretaryReview.objects.filter(year=year).values("organization_id"))
        )
        .order_by("path")
    )


@dataclass
class ReviewRow:
    organization: Organization
    suggestion: Suggestion
    review: SecretaryReview | None


def review_rows(
    org: Organization, year: int, *, today: datetime.date | None = None
) -> list[ReviewRow]:
    """Every reviewed organisation of the subtree with its suggestion and its review, if
    any (a bounded number of queries)."""
    orgs = reviewable(org, year)
    suggestions = suggestions_for(org, year, reviewed=orgs, today=today)
    reviews = {
        r.organization_id: r
        for r in SecretaryReview.objects.within(org).filter(year=year).select_related("reviewed_by")
    }
    return [ReviewRow(o, suggestions[o.id], reviews.get(o.id)) for o in orgs]


def grade_counts(rows: list[ReviewRow]) -> list[tuple[str, str, int, int]]:
    """(grade, label, reviewed with it, suggested it) for each grade, best first."""
    return [
        (
            grade,
            str(label),
            sum(1 for r in rows if r.review and r.review.grade == grade),
            sum(1 for r in rows if r.suggestion.grade == grade),
        )
        for grade, label in ReviewGrade.choices
    ]
