"""Measured indicators of the responsibility lists: what the portal computes itself from the
data it holds (organisation life, members, dues, funds), shown beside the secretary's report.

Every figure covers the organisation's whole subtree and comes from the app that owns the
data (members.selectors, funding.selectors), so the list, the dashboard and the bulletin
cannot disagree. DOMAIN.md forbids measuring clicks, log-ins or study time: only records.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.periods import Quarter
from funding.selectors.funds import fund_totals
from members.selectors import dues_collection, new_members
from orgs.choices import MeetingKind
from orgs.models import Organization, OrgLifeRecord

from .choices import Indicator
from .models import ChecklistItem


def _life_records(organization: Organization, quarter: Quarter, kind: str | None) -> Decimal:
    records = OrgLifeRecord.objects.within(organization).filter(
        held_on__range=(quarter.first_day, quarter.last_day)
    )
    if kind is not None:
        records = records.filter(kind=kind)
    return Decimal(records.count())


def measure(indicator: str, organization: Organization, quarter: Quarter) -> Decimal | None:
    """The value of `indicator` for the organisation's subtree in `quarter` (one query);
    None when there is nothing to measure (no indicator, no dues due, no funds budgeted):
    a rate over nothing is not 0 %."""
    start, end = quarter.first_day, quarter.last_day
    if indicator == Indicator.BRANCH_ASSEMBLIES:
        return _life_records(organization, quarter, MeetingKind.BRANCH_ASSEMBLY)
    if indicator == Indicator.LIFE_RECORDS:
        return _life_records(organization, quarter, None)
    if indicator == Indicator.NEW_MEMBERS:
        return Decimal(new_members(organization, start, end))
    if indicator == Indicator.DUES_RATE:
        return dues_collection(organization, start, end)["rate"]
    if indicator == Indicator.FUNDS_EXECUTION:
        # Funds are budgeted per year: the quarter's year so far, as the funding page shows.
        return fund_totals(organization, quarter.year).rate
    return None


def measure_items(items: Iterable[ChecklistItem]) -> dict[int, Decimal | None]:
    """The measured value of every item with an indicator, by item id.

    Items need `checklist__organization` loaded (select_related). Each distinct (indicator,
    organisation, quarter) is measured once, so a list costs at most one query per
    indicator kind (five), however many items it has.
    """
    cache: dict[tuple[str, int, int, int], Decimal | None] = {}
    values: dict[int, Decimal | None] = {}
    for item in items:
        if not item.indicator:
            continue
        checklist = item.checklist
        key = (item.indicator, checklist.organization_id, checklist.year, checklist.quarter)
        if key not in cache:
            cache[key] = measure(
                item.indicator,
                checklist.organization,
                Quarter(checklist.year, checklist.quarter),
            )
        values[item.pk] = cache[key]
    return values


def meets_target(value: Decimal | None, target: Decimal | None) -> bool | None:
    """Whether a measured value reaches its target ("at least"); None when either is
    missing."""
    if value is None or target is None:
        return None
    return value >= target
