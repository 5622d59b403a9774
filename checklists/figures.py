"""Figures of the quarterly responsibility lists for a subtree and a quarter: the one
place the dashboard, the bulletin and any export read them from.

Every function costs a constant number of queries, whatever the size of the tree: the
subtree is one `path LIKE 'xxxx%'`, the sums and averages are computed in the database.

Definitions:
- issued: lists of the quarter for organisations of the subtree;
- submitted: lists currently 已提交 or 已审核 (a list sent back is not submitted);
- submission rate: submitted ÷ issued; on-time rate: submitted and not marked 逾期提交
  ÷ issued (a list not submitted is not on time). `late` is set at the first submission
  and kept when a list sent back is resubmitted, so the rate agrees with the 逾期 badge;
- by child: the same figures for each subtree one level down (quarter_figures_by_child);
- average score: of approved lists;
- township ranking: each township's average of its villages' approved scores;
- items most often failed: items of approved lists (grouped by their content) scored
  below the rectification threshold share of their points, or marked for rectification;
  a list under review has provisional scores only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Substr

from core.numbers import rate, round_tenth
from core.periods import Quarter
from orgs.choices import OrgLevel
from orgs.models import Organization
from orgs.scope import PATH_STEP

from .choices import ListStatus
from .models import ChecklistItem, ResponsibilityList
from .reviewing.rules import rectify_below_percent

SUBMITTED = (ListStatus.SUBMITTED, ListStatus.APPROVED)


def lists_of(*, org: Organization, quarter: Quarter) -> QuerySet[ResponsibilityList]:
    """The quarter's lists of `org`'s subtree (the caller has checked that it is visible)."""
    return ResponsibilityList.objects.within(org).filter(year=quarter.year, quarter=quarter.number)


@dataclass(frozen=True)
class QuarterFigures:
    issued: int
    submitted: int
    on_time: int
    approved: int
    average_score: Decimal | None

    @property
    def submission_rate(self) -> Decimal | None:
        return rate(self.submitted, self.issued)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.issued)


def _aggregates() -> dict[str, Count | Avg]:
    """The figures of QuarterFigures as aggregates, for one subtree or grouped."""
    submitted = Q(status__in=SUBMITTED)
    approved = Q(status=ListStatus.APPROVED)
    return {
        "issued": Count("pk"),
        "submitted": Count("pk", filter=submitted),
        "on_time": Count("pk", filter=submitted & Q(late=False)),
        "approved": Count("pk", filter=approved),
        "average": Avg("total_score", filter=approved & Q(total_score__isnull=False)),
    }


def _figures(row: dict) -> QuarterFigures:
    return QuarterFigures(
        issued=row["issued"],
        submitted=row["submitted"],
        on_time=row["on_time"],
        approved=row["approved"],
        average_score=round_tenth(row["average"]),
    )


EMPTY = QuarterFigures(issued=0, submitted=0, on_time=0, approved=0, average_score=None)


def quarter_figures(*, org: Organization, quarter: Quarter) -> QuarterFigures:
    """Issued, submitted, on time, approved and the average approved score: one query."""
    return _figures(lists_of(org=org, quarter=quarter).aggregate(**_aggregates()))


def quarter_figures_by_child(*, org: Organization, quarter: Quarter) -> dict[str, QuarterFigures]:
    """quarter_figures() of each subtree one level down (each child of `org` with all
    below it), keyed by the child's tree path; a child without lists has zero figures.
    `org`'s own list belongs to no child. Two queries: the children, then the lists
    grouped by the child's path prefix."""
    children = Organization.objects.children_of(org).values_list("path", flat=True)
    width = (org.depth + 1) * PATH_STEP
    rows = (
        lists_of(org=org, quarter=quarter)
        .filter(organization__depth__gt=org.depth)
        .annotate(prefix=Substr("organization__path", 1, width))
        .values("prefix")
        .annotate(**_aggregates())
        .order_by()
    )
    found = {row["prefix"]: _figures(row) for row in rows}
    return {path: found.get(path, EMPTY) for path in children}


@dataclass(frozen=True)
class RankedOrganization:
    #: None for an organisation without a score: it is listed after the ranked ones
    rank: int | None
    organization_id: int
    code: str
    name: str
    score: Decimal | None
    #: for townships: how many of their villages' lists were approved
    scored_lists: int = 1


def by_score(score: Decimal | None, code: str) -> tuple[bool, Decimal, str]:
    """Sort key of a ranking: highest score first, equal scores by code, unscored last."""
    return (score is None, -(score or 0), code)


def score_ranks(scores: list[Decimal | None]) -> list[int | None]:
    """The ranks of scores sorted with `by_score`: equal scores share a rank (1, 2, 2, 4);
    an organisation without a score has no rank (None), never a number after the others.
    The one ranking rule of the lists, the dashboard, the bulletin and their exports."""
    ranks: list[int | None] = []
    for index, score in enumerate(scores):
        if score is None:
            ranks.append(None)
        elif index and scores[index - 1] == score:
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks


def _ranked(rows: list[tuple[int, str, str, Decimal | None, int]]) -> list[RankedOrganization]:
    """Highest score first; equal scores share a rank (1, 2, 2, 4), listed by code;
    unscored last, without a rank."""
    rows = sorted(rows, key=lambda r: by_score(r[3], r[1]))
    ranks = score_ranks([r[3] for r in rows])
    return [
        RankedOrganization(rank, pk, code, name, score, count)
        for rank, (pk, code, name, score, count) in zip(ranks, rows, strict=True)
    ]


def organization_ranking(*, org: Organization, quarter: Quarter) -> list[RankedOrganization]:
    """Organisations of the subtree with an approved list, by score: one query."""
    rows = (
        lists_of(org=org, quarter=quarter)
        .filter(status=ListStatus.APPROVED, total_score__isnull=False)
        .values_list("organization_id", "organization__code", "organization__name", "total_score")
    )
    return _ranked([(pk, code, name, score, 1) for pk, code, name, score in rows])


def township_ranking(*, org: Organization, quarter: Quarter) -> list[RankedOrganization]:
    """Townships of the subtree by the average of their villages' approved scores; a
    township none of whose villages was scored yet comes last. Two queries: townships,
    then the villages' scores (matched to their township by tree path prefix)."""
    townships = list(
        Organization.objects.within(org)
        .filter(level=OrgLevel.TOWNSHIP)
        .values_list("pk", "code", "name", "path")
    )
    by_path = {path: pk for pk, _code, _name, path in townships}
    lengths = sorted({len(path) for path in by_path})
    scores: dict[int, list[Decimal]] = {pk: [] for pk in by_path.values()}
    village_scores = (
        lists_of(org=org, quarter=quarter)
        .filter(
            status=ListStatus.APPROVED,
            total_score__isnull=False,
            organization__level=OrgLevel.VILLAGE,
        )
        .values_list("organization__path", "total_score")
    )
    for path, score in village_scores:
        for length in lengths:
            township = by_path.get(path[:length])
            if township is not None and length < len(path):
                scores[township].append(score)
                break
    rows = [
        (
            pk,
            code,
            name,
            round_tenth(sum(scores[pk]) / len(scores[pk])) if scores[pk] else None,
            len(scores[pk]),
        )
        for pk, code, name, _path in townships
    ]
    return _ranked(rows)


@dataclass(frozen=True)
class FailedItem:
    content: str
    count: int


def most_failed_items(*, org: Organization, quarter: Quarter, limit: int = 10) -> list[FailedItem]:
    """The items of approved lists most often short: scored below the rectification
    threshold share of their points, or marked for rectification by the reviewer. One
    query."""
    threshold = ExpressionWrapper(
        F("points") * rectify_below_percent() / Decimal(100),
        output_field=DecimalField(max_digits=7, decimal_places=3),
    )
    rows = (
        ChecklistItem.objects.within(org)
        .filter(
            checklist__year=quarter.year,
            checklist__quarter=quarter.number,
            checklist__status=ListStatus.APPROVED,
        )
        .alias(threshold=threshold)
        .filter(Q(score__lt=F("threshold")) | Q(needs_rectification=True))
        .values("content")
        .annotate(count=Count("pk"))
        .order_by("-count", "content")[:limit]
    )
    return [FailedItem(row["content"], row["count"]) for row in rows]
