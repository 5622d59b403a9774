"""Member figures for the rest of the portal: one place, a constant number of queries.

The dashboard, the health rules and the bulletin all call these, so their numbers cannot
disagree. Every function takes an organisation and counts its whole subtree (one indexed
path-prefix condition), or the members directly in a set of organisations.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from orgs.models import Organization

from .choices import AGE_BAND_BOUNDS, ETHNIC_GROUPS, AgeBand, Category, Education, Gender, Job
from .models import DuesRecord, Member
from .models.member import MemberQuerySet, add_years

DIMENSIONS = {
    "category": Category.choices,
    "gender": Gender.choices,
    "education": Education.choices,
    "ethnicity": ETHNIC_GROUPS,
    "job": Job.choices,
}


def subtree_members(org: Organization) -> MemberQuerySet:
    """Current (在册) members of `org` and everything under it."""
    return Member.objects.active().in_subtree(org)


def active_member_counts(org_ids: Iterable[int]) -> dict[int, int]:
    """Current members directly in each organisation (one query); orgs.figures uses it."""
    rows = (
        Member.objects.active()
        .filter(organization_id__in=list(org_ids))
        .values("organization_id")
        .annotate(n=Count("id"))
    )
    return {row["organization_id"]: row["n"] for row in rows}


def member_total(org: Organization) -> int:
    return subtree_members(org).count()


def counts_by(org: Organization, dimension: str) -> list[tuple[str, str, int]]:
    """(value, label, count) for every choice of `dimension`, zeros included (one query)."""
    choices = DIMENSIONS[dimension]
    found = dict(subtree_members(org).values_list(dimension).annotate(n=Count("id")).order_by())
    return [(value, str(label), found.get(value, 0)) for value, label in choices]


def birth_date_bounds(
    band: str, today: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    """The birth dates (inclusive) of people whose age on `today` falls in `band`."""
    low_age, high_age = AGE_BAND_BOUNDS[band]
    # Aged ≥ low: born on or before today − low years; aged ≤ high: born after
    # today − (high + 1) years.
    latest = add_years(today, -low_age) if low_age else None
    earliest = (
        add_years(today, -(high_age + 1)) + datetime.timedelta(days=1)
        if high_age is not None
        else None
    )
    return earliest, latest


def age_band_case(today: datetime.date) -> Case:
    whens = []
    for band in AgeBand.values:
        earliest, latest = birth_date_bounds(band, today)
        condition = Q()
        if earliest is not None:
            condition &= Q(birth_date__gte=earliest)
        if latest is not None:
            condition &= Q(birth_date__lte=latest)
        whens.append(When(condition, then=Value(band)))
    return Case(*whens, default=Value(AgeBand.UNDER_30), output_field=CharField())


def counts_by_age_band(
    org: Organization, today: datetime.date | None = None
) -> list[tuple[str, str, int]]:
    """(band, label, count) for <30, 30–39, 40–49, 50–59, ≥60 (one query)."""
    today = today or timezone.localdate()
    found = dict(
        subtree_members(org)
        .annotate(band=age_band_case(today))
        .values_list("band")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(value, str(label), found.get(value, 0)) for value, label in AgeBand.choices]


def new_members(org: Organization, start: datetime.date, end: datetime.date) -> int:
    """Members admitted (入党日期) between `start` and `end` inclusive, whatever their
    status now (someone admitted this quarter and since transferred out still counts)."""
    return Member.objects.in_subtree(org).filter(joined_on__range=(start, end)).count()


def member_structure(org: Organization, today: datetime.date | None = None) -> dict[str, list]:
    """Every dimension at once (six queries) for reports."""
    structure = {dimension: counts_by(org, dimension) for dimension in DIMENSIONS}
    structure["age_band"] = counts_by_age_band(org, today)
    return structure


def counts_by_child(org: Organization) -> dict[int, int]:
    """Current members of each child's whole subtree, by child id (two queries)."""
    prefix_len = (org.depth + 1) * Organization.steplen
    rows = (
        subtree_members(org)
        .annotate(prefix=Substr("organization__path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_prefix = {row["prefix"]: row["n"] for row in rows}
    children = Organization.objects.filter(
        path__startswith=org.path, depth=org.depth + 1
    ).values_list("id", "path")
    return {pk: by_prefix.get(path, 0) for pk, path in children}


def org_member_figures(
    org: Organization, today: datetime.date | None = None
) -> dict[int, dict[str, int]]:
    """For every organisation of the subtree with members, its direct current members:
    total, women, under 40, full members (one query). The health rules use these."""
    today = today or timezone.localdate()
    born_after_40 = add_years(today, -40)
    rows = (
        subtree_members(org)
        .values("organization_id")
        .annotate(
            total=Count("id"),
            female=Count("id", filter=Q(gender=Gender.FEMALE)),
            under_40=Count("id", filter=Q(birth_date__gt=born_after_40)),
            full=Count("id", filter=Q(category=Category.FULL)),
        )
        .order_by()
    )
    return {
        row["organization_id"]: {k: row[k] for k in ("total", "female", "under_40", "full")}
        for row in rows
    }


def dues_collection(
    org: Organization, start: datetime.date, end: datetime.date
) -> dict[str, Decimal | None]:
    """Dues due and paid for the months from `start` to `end` and the rate (one query)."""
    totals = DuesRecord.objects.filter(
        member__organization__path__startswith=org.path,
        month__gte=start.replace(day=1),
        month__lte=end,
    ).aggregate(due=Sum("amount_due"), paid=Sum("amount_paid"))
    due = totals["due"] or Decimal("0")
    paid = totals["paid"] or Decimal("0")
    rate = (paid / due * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if due else None
    return {"due": due, "paid": paid, "rate": rate}
