"""The annual 述职评议 of secretaries (DOMAIN.md, Assessment): a suggested grade from the
year's responsibility-list scores and health findings, the final grade given by staff.

The suggestion (weights and bands are HealthThreshold rows, editable by county staff):
- list score: the average total of the organisation's approved lists of the year (0..100);
- health score: 100 − (严重 × danger penalty + 提醒 × warning penalty) ÷ organisations,
  over the findings of the organisation's whole subtree (a township secretary answers for
  the villages too, but a township of twenty villages is not judged by a village's sum);
  never below 0. Findings are evaluated on 31 December of the year, or today while the
  year runs; `info` findings do not count;
- combined: list weight % × list score + the rest × health score;
- grade: 好 / 较好 / 一般 from the configured lowest scores, 差 below.
No approved list in the year → no suggestion: health alone would grade an organisation
whose secretary never reported as well as one that did.

Who reviews: staff whose scope covers the organisation's parent — the committee above
reviews the secretaries below it; nobody grades the secretary of their own top
organisation (the county's is reviewed by the city, outside the portal).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from orgs.models import Organization
from orgs.scope import path_allowed

from .checklist_models import ResponsibilityList
from .choices import ListStatus, ReviewGrade, ThresholdKey
from .health import DANGER, WARNING, Finding, findings_for
from .models import SecretaryReview
from .thresholds import thresholds

FIRST_YEAR = 2000  # as the model's validator
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Weights:
    list_weight: int
    danger_penalty: int
    warning_penalty: int
    good_min: int
    fairly_good_min: int
    average_min: int


def weights() -> Weights:
    figures = thresholds()
    return Weights(
        list_weight=figures[ThresholdKey.REVIEW_LIST_WEIGHT],
        danger_penalty=figures[ThresholdKey.REVIEW_DANGER_PENALTY],
        warning_penalty=figures[ThresholdKey.REVIEW_WARNING_PENALTY],
        good_min=figures[ThresholdKey.REVIEW_GOOD_MIN],
        fairly_good_min=figures[ThresholdKey.REVIEW_FAIRLY_GOOD_MIN],
        average_min=figures[ThresholdKey.REVIEW_AVERAGE_MIN],
    )


def grade_for(score: Decimal, w: Weights) -> str:
    if score >= w.good_min:
        return ReviewGrade.GOOD
    if score >= w.fairly_good_min:
        return ReviewGrade.FAIRLY_GOOD
    if score >= w.average_min:
        return ReviewGrade.AVERAGE
    return ReviewGrade.POOR


@dataclass(frozen=True)
class Suggestion:
    issued_lists: int
    approved_lists: int
    list_average: Decimal | None
    danger: int
    warning: int
    organizations: int
    health_score: Decimal
    score: Decimal | None
    grade: str  # "" without a suggestion

    @property
    def grade_label(self) -> str:
        return str(ReviewGrade(self.grade).label) if self.grade else ""


def _round(value: Decimal) -> Decimal:
    return value.quantize(TENTH, ROUND_HALF_UP)


def suggest(
    *,
    issued: int,
    approved: int,
    average: Decimal | None,
    danger: int,
    warning: int,
    organizations: int,
    w: Weights,
) -> Suggestion:
    """The arithmetic of the module docstring, on figures already counted."""
    penalty = Decimal(danger * w.danger_penalty + warning * w.warning_penalty)
    health = _round(max(Decimal(0), HUNDRED - penalty / max(organizations, 1)))
    average = None if average is None or not approved else _round(Decimal(average))
    score = None
    if average is not None:
        score = _round((w.list_weight * average + (100 - w.list_weight) * health) / HUNDRED)
    return Suggestion(
        issued_lists=issued,
        approved_lists=approved,
        list_average=average,
        danger=danger,
        warning=warning,
        organizations=organizations,
        health_score=health,
        score=score,
        grade=grade_for(score, w) if score is not None else "",
    )


def evaluation_day(year: int, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def _ancestor_prefixes(path: str) -> list[str]:
    step = Organization.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def suggestions_for(
    org: Organization,
    year: int,
    *,
    reviewed: list[Organization],
    findings: list[Finding] | None = None,
    today: datetime.date | None = None,
) -> dict[int, Suggestion]:
    """The suggestion for each organisation of `reviewed` (all inside `org`'s subtree), by
    id: two queries plus the health rules of `org` once (or the `findings` given)."""
    w = weights()
    if findings is None:
        findings = findings_for(org, today=evaluation_day(year, today))
    by_path = {o.path: o.id for o in reviewed}
    lists = (
        ResponsibilityList.objects.filter(
            organization__path__startswith=org.path, year=year, organization_id__in=by_path.values()
        )
        .values("organization_id")
        .annotate(
            issued=Count("pk"),
            approved=Count("pk", filter=Q(status=ListStatus.APPROVED)),
            average=Avg(
                "total_score",
                filter=Q(status=ListStatus.APPROVED, total_score__isnull=False),
            ),
        )
        .order_by()
    )
    list_rows = {row["organization_id"]: row for row in lists}
    counts = {pk: {"orgs": 0, DANGER: 0, WARNING: 0} for pk in by_path.values()}
    # Each organisation and each finding counts for every reviewed organisation above it.
    for path in Organization.objects.filter(path__startswith=org.path).values_list(
        "path", flat=True
    ):
        for prefix in _ancestor_prefixes(path):
            if prefix in by_path:
                counts[by_path[prefix]]["orgs"] += 1
    for finding in findings:
        if finding.severity not in (DANGER, WARNING):
            continue
        for prefix in _ancestor_prefixes(finding.org_path):
            if prefix in by_path:
                counts[by_path[prefix]][finding.severity] += 1
    result = {}
    for pk, count in counts.items():
        row = list_rows.get(pk, {})
        result[pk] = suggest(
            issued=row.get("issued", 0),
            approved=row.get("approved", 0),
            average=row.get("average"),
            danger=count[DANGER],
            warning=count[WARNING],
            organizations=count["orgs"],
            w=w,
        )
    return result


def reviewable(org: Organization, year: int) -> list[Organization]:
    """The organisations of `org`'s subtree reviewed for `year`: those issued a list that
    year, and any already reviewed (one query), in tree order."""
    return list(
        Organization.objects.filter(path__startswith=org.path)
        .filter(
            Q(pk__in=ResponsibilityList.objects.filter(year=year).values("organization_id"))
            | Q(pk__in=SecretaryReview.objects.filter(year=year).values("organization_id"))
        )
        .order_by("path")
    )


def can_review(user: Any, organization: Organization) -> bool:
    parent_path = organization.path[: -Organization.steplen]
    return path_allowed(user, parent_path, (Role.STAFF,))


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
        for r in SecretaryReview.objects.filter(
            organization__path__startswith=org.path, year=year
        ).select_related("reviewed_by")
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


def review_save(
    *,
    user: Any,
    organization: Organization,
    year: int,
    grade: str,
    comment: str,
    today: datetime.date | None = None,
) -> SecretaryReview:
    """Record (or change) the year's grade with the suggestion as it stands now."""
    if not can_review(user, organization):
        raise PermissionDenied(_("只有上级党组织的工作人员可以评定该组织书记的述职评议等次。"))
    today = today or timezone.localdate()
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year <= today.year:
        errors["year"] = [
            _("年度须在 %(first)d 年至今年（%(this)d 年）之间。")
            % {"first": FIRST_YEAR, "this": today.year}
        ]
    if grade not in ReviewGrade.values:
        errors["grade"] = [_("请选择评定等次（好、较好、一般、差）。")]
    if errors:
        raise ValidationError(errors)
    suggestion = suggestions_for(organization, year, reviewed=[organization], today=today)[
        organization.id
    ]
    if suggestion.grade and grade != suggestion.grade and not comment:
        raise ValidationError(
            {
                "comment": [
                    _(
                        "评定等次（%(grade)s）与建议等次（%(suggested)s）不同，请在评议意见中说明理由。"
                    )
                    % {"grade": ReviewGrade(grade).label, "suggested": suggestion.grade_label}
                ]
            }
        )
    with transaction.atomic():
        review = (
            SecretaryReview.objects.select_for_update()
            .filter(organization=organization, year=year)
            .first()
        ) or SecretaryReview(organization=organization, year=year)
        review.secretary_name = organization.secretary_name
        review.list_average = suggestion.list_average
        review.approved_lists = suggestion.approved_lists
        review.danger_findings = suggestion.danger
        review.warning_findings = suggestion.warning
        review.organizations = suggestion.organizations
        review.suggested_score = suggestion.score
        review.suggested_grade = suggestion.grade
        review.grade = grade
        review.comment = comment
        review.reviewed_by = user
        review.reviewed_at = timezone.now()
        review._history_user = user
        review.save()
    return review
