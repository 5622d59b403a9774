"""Fund figures for the rest of the portal: one place, a constant number of queries.

The funding page, the dashboard and the PDF bulletin call these, so their numbers cannot
disagree. Every function takes an organisation and a year and sums the lines of the
organisation's whole subtree (one indexed path-prefix condition); none walks the tree in
Python.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from core.numbers import rate
from orgs.models import Organization
from orgs.scope import PATH_STEP

from ..choices import FundCategory, FundSource
from ..models import Disbursement, FundLine
from ..models.funds import FundLineQuerySet

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FundTotals:
    budget: Decimal = ZERO
    disbursed: Decimal = ZERO
    lines: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.disbursed

    @property
    def rate(self) -> Decimal | None:
        """Disbursed as a percentage of the budget; None when nothing is budgeted."""
        return rate(self.disbursed, self.budget)

    def __add__(self, other: FundTotals) -> FundTotals:
        return FundTotals(
            self.budget + other.budget, self.disbursed + other.disbursed, self.lines + other.lines
        )

    def __sub__(self, other: FundTotals) -> FundTotals:
        return FundTotals(
            self.budget - other.budget, self.disbursed - other.disbursed, self.lines - other.lines
        )


@dataclass(frozen=True)
class GroupTotals:
    """One row of a breakdown: a category, a source or a child organisation."""

    key: str
    label: str
    totals: FundTotals
    org: Organization | None = None


_SUMS = {
    "budget": Coalesce(Sum("budget"), ZERO),
    "disbursed": Coalesce(Sum("disbursed"), ZERO),
    "lines": Count("id"),
}


def _totals(row: dict) -> FundTotals:
    return FundTotals(Decimal(row["budget"]), Decimal(row["disbursed"]), row["lines"])


def subtree_lines(org: Organization, year: int) -> FundLineQuerySet:
    """The year's lines of `org` and everything under it."""
    return FundLine.objects.within(org).filter(year=year)


def disbursed_as_of(lines: QuerySet, as_of: datetime.date) -> Decimal:
    """What had been paid out on `lines` by the end of `as_of`: the instalments dated
    (拨付日期) on or before it (one query)."""
    total = Disbursement.objects.filter(fund__in=lines, paid_on__lte=as_of).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    return _cents(total)


def _cents(value) -> Decimal:
    # SQLite sums decimals as floats: back to the cent.
    return Decimal(str(value)).quantize(ZERO, rounding=ROUND_HALF_UP)


def fund_totals(org: Organization, year: int, *, as_of: datetime.date | None = None) -> FundTotals:
    """Budget, disbursed and number of lines of the subtree for the year (one query).

    With `as_of`, disbursed is what had been paid by that day (instalments by 拨付日期;
    two queries); the budget lines are taken as they are now (they carry no date)."""
    totals = _totals(subtree_lines(org, year).aggregate(**_SUMS))
    if as_of is None:
        return totals
    return FundTotals(totals.budget, disbursed_as_of(subtree_lines(org, year), as_of), totals.lines)


def _grouped(org: Organization, year: int, field: str, choices) -> list[GroupTotals]:
    rows = subtree_lines(org, year).values(field).annotate(**_SUMS).order_by()
    found = {row[field]: _totals(row) for row in rows}
    return [
        GroupTotals(value, str(label), found.get(value, FundTotals())) for value, label in choices
    ]


def totals_by_category(org: Organization, year: int) -> list[GroupTotals]:
    """Every category, zeros included, in the data dictionary's order (one query)."""
    return _grouped(org, year, "category", FundCategory.choices)


def totals_by_source(org: Organization, year: int) -> list[GroupTotals]:
    """Every source, zeros included, in the data dictionary's order (one query)."""
    return _grouped(org, year, "source", FundSource.choices)


def totals_by_child(
    org: Organization, year: int, *, as_of: datetime.date | None = None
) -> list[GroupTotals]:
    """Each child's whole subtree, in tree order, children without lines included (two
    queries: the lines grouped by the child's path prefix, and the children). With
    `as_of`, disbursed as in fund_totals (one query more)."""
    prefix_len = (org.depth + 1) * PATH_STEP
    below = subtree_lines(org, year).filter(organization__depth__gt=org.depth)
    rows = (
        below.annotate(prefix=Substr("organization__path", 1, prefix_len))
        .values("prefix")
        .annotate(**_SUMS)
        .order_by()
    )
    by_prefix = {row["prefix"]: _totals(row) for row in rows}
    if as_of is not None:
        paid = dict(
            Disbursement.objects.filter(fund__in=below, paid_on__lte=as_of)
            .annotate(prefix=Substr("fund__organization__path", 1, prefix_len))
            .values("prefix")
            .annotate(total=Coalesce(Sum("amount"), ZERO))
            .order_by()
            .values_list("prefix", "total")
        )
        by_prefix = {
            prefix: FundTotals(t.budget, _cents(paid.get(prefix, ZERO)), t.lines)
            for prefix, t in by_prefix.items()
        }
    children = Organization.objects.children_of(org).only(
        "id", "path", "depth", "numchild", "code", "name", "level"
    )
    return [
        GroupTotals(child.code, child.name, by_prefix.get(child.path, FundTotals()), org=child)
        for child in children
    ]


def own_totals(org: Organization, year: int) -> FundTotals:
    """The lines of `org` itself, not of its subtree (one query)."""
    return _totals(FundLine.objects.filter(organization=org, year=year).aggregate(**_SUMS))


def lines_of(org: Organization, year: int | None = None) -> FundLineQuerySet:
    """The lines of one organisation itself (all years when `year` is None)."""
    lines = FundLine.objects.filter(organization=org).select_related("organization")
    if year is not None:
        lines = lines.filter(year=year)
    return lines.order_by("-year", "category", "code")


def fund_years(org: Organization, *, include: int | None = None) -> list[int]:
    """The years with lines in the subtree, newest first, plus the current year and
    `include` (so a year selector always offers them) (one query)."""
    years = set(FundLine.objects.within(org).values_list("year", flat=True).distinct().order_by())
    years.add(timezone.localdate().year)
    if include is not None:
        years.add(include)
    return sorted(years, reverse=True)


@dataclass(frozen=True)
class FundOverview:
    totals: FundTotals
    by_category: list[GroupTotals]
    by_source: list[GroupTotals]
    by_child: list[GroupTotals]
    #: the lines of the organisation itself (neither a child's nor below)
    own: FundTotals


def fund_overview(org: Organization, year: int) -> FundOverview:
    """Everything the funding page shows of a subtree and year, in three queries: the
    lines grouped by category and source (totals, both breakdowns), and totals_by_child.
    The same figures as the single functions above, which the dashboard may call alone."""
    rows = list(subtree_lines(org, year).values("category", "source").annotate(**_SUMS).order_by())
    totals, categories, sources = FundTotals(), {}, {}
    for row in rows:
        figures = _totals(row)
        totals += figures
        categories[row["category"]] = categories.get(row["category"], FundTotals()) + figures
        sources[row["source"]] = sources.get(row["source"], FundTotals()) + figures
    children = totals_by_child(org, year)
    return FundOverview(
        totals=totals,
        by_category=[
            GroupTotals(value, str(label), categories.get(value, FundTotals()))
            for value, label in FundCategory.choices
        ],
        by_source=[
            GroupTotals(value, str(label), sources.get(value, FundTotals()))
            for value, label in FundSource.choices
        ],
        by_child=children,
        own=totals - sum((c.totals for c in children), FundTotals()),
    )
