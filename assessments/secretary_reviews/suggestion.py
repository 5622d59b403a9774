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
whose secretary never reported as well as one that did."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone

from checklists.choices import ListStatus
from checklists.models import ResponsibilityList
from core.numbers import round_tenth
from orgs.models import Organization
from orgs.scope import PATH_STEP

from ..choices import ReviewGrade, ThresholdKey
from ..health.findings import DANGER, WARNING, Finding
from ..health.rules import findings_for
from ..thresholds import thresholds

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
    health = round_tenth(max(Decimal(0), HUNDRED - penalty / max(organizations, 1)))
    average = None if average is None or not approved else round_tenth(Decimal(average))
    score = None
    if average is not None:
        score = round_tenth((w.list_weight * average + (100 - w.list_weight) * health) / HUNDRED)
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
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


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
        ResponsibilityList.objects.within(org)
        .filter(year=year, organization_id__in=by_path.values())
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
    for path in Organization.objects.within(org).values_list("path", flat=True):
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
