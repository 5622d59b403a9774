"""Member figures for the rest of the portal: one place, a constant number of queries.

The dashboard, the health rules and the bulletin all call these, so their numbers cannot
disagree. Every function takes an organisation and counts its whole subtree (one indexed
path-prefix condition), or the members directly in a set of organisations.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from core.numbers import rate
from core.periods import add_years, month_start
from orgs.models import Organization
from orgs.scope import PATH_STEP

from .as_of import member_on_q
from .choices import (
    AGE_BAND_BOUNDS,
    ETHNIC_GROUPS,
    AgeBand,
    Category,
    Education,
    Gender,
    Job,
)
from .models import DuesRecord, Member
from .models.member import MemberQuerySet

DIMENSIONS = {
    "category": Category.choices,
    "gender": Gender.choices,
    "education": Education.choices,
    "ethnicity": ETHNIC_GROUPS,
    "job": Job.choices,
}


def subtree_members(org: Organization, *, as_of: datetime.date | None = None) -> MemberQuerySet:
    """Current (在册) members of `org` and everything under it.

    With `as_of`: the members on that day (`members.as_of.member_on_q`: admitted by then,
    and either still 在册 or changed status only after it), counted in their current
    organisation: the dashboard and the bulletin follow today's organisations through the
    quarters. The party statistics place each member where they were on the day instead
    (`members.as_of.split_on`)."""
    if as_of is None:
        return Member.objects.active().within(org)
    return Member.objects.within(org).filter(member_on_q(as_of))


def category_as_of(as_of: datetime.date) -> Case:
    """正式 or 预备 on `as_of`: a member is full from the 转正日期 on, probationary before."""
    return Case(
        When(confirmed_on__lte=as_of, then=Value(Category.FULL)),
        default=Value(Category.PROBATIONARY),
        output_field=CharField(),
    )


def active_member_counts(org_ids: Iterable[int]) -> dict[int, int]:
    """Current members directly in each organisation (one query); orgs.figures uses it."""
    rows = (
        Member.objects.active()
        .filter(organization_id__in=list(org_ids))
        .values("organization_id")
        .annotate(n=Count("id"))
    )
    return {row["organization_id"]: row["n"] for row in rows}


def member_total(org: Organization, *, as_of: datetime.date | None = None) -> int:
    return subtree_members(org, as_of=as_of).count()


def counts_by(
    org: Organization, dimension: str, *, as_of: datetime.date | None = None
) -> list[tuple[str, str, int]]:
    """(value, label, count) for every choice of `dimension`, zeros included (one query).
    With `as_of`, the members on that day (see subtree_members) and their category then."""
    choices = DIMENSIONS[dimension]
    members = subtree_members(org, as_of=as_of)
    if as_of is not None and dimension == "category":
        members = members.annotate(category_then=category_as_of(as_of))
        dimension = "category_then"
    found = dict(members.values_list(dimension).annotate(n=Count("id")).order_by())
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
    org: Organization, today: datetime.date | None = None, *, as_of: datetime.date | None = None
) -> list[tuple[str, str, int]]:
    """(band, label, count) for <30, 30–39, 40–49, 50–59, ≥60 (one query). With `as_of`,
    the members on that day and their ages on that day."""
    today = as_of or today or timezone.localdate()
    found = dict(
        subtree_members(org, as_of=as_of)
        .annotate(band=age_band_case(today))
        .values_list("band")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(value, str(label), found.get(value, 0)) for value, label in AgeBand.choices]


def new_members(org: Organization, start: datetime.date, end: datetime.date) -> int:
    """Members admitted (入党日期) between `start` and `end` inclusive, whatever their
    status now (someone admitted this quarter and since transferred out still counts)."""
    return Member.objects.within(org).filter(joined_on__range=(start, end)).count()


def member_structure(
    org: Organization, today: datetime.date | None = None, *, as_of: datetime.date | None = None
) -> dict[str, list]:
    """Every dimension at once (six queries) for reports; `as_of` as in subtree_members."""
    structure = {dimension: counts_by(org, dimension, as_of=as_of) for dimension in DIMENSIONS}
    structure["age_band"] = counts_by_age_band(org, today, as_of=as_of)
    return structure


def counts_by_child(org: Organization, *, as_of: datetime.date | None = None) -> dict[int, int]:
    """Current members of each child's whole subtree, by child id (two queries); `as_of`
    as in subtree_members."""
    prefix_len = (org.depth + 1) * PATH_STEP
    rows = (
        subtree_members(org, as_of=as_of)
        .annotate(prefix=Substr("organization__path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_prefix = {row["prefix"]: row["n"] for row in rows}
    children = Organization.objects.children_of(org).values_list("id", "path")
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
    totals = (
        DuesRecord.objects.within(org)
        .filter(month__gte=month_start(start), month__lte=end)
        .aggregate(due=Sum("amount_due"), paid=Sum("amount_paid"))
    )
    due = totals["due"] or Decimal("0")
    paid = totals["paid"] or Decimal("0")
    return {"due": due, "paid": paid, "rate": rate(paid, due)}
