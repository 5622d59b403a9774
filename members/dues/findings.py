"""Arrears and the six-month flag of a subtree's members (reads).

Both are *flags*: nothing here changes a member's status; the branch decides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, Max, Q, Sum
from django.utils import timezone

from core.periods import add_months, month_start, months_inclusive
from orgs.models import Organization

from ..models import DuesRecord, Member
from .rates import ZERO


@dataclass(frozen=True)
class Arrear:
    member: Member
    #: months of the window with a record not paid in full
    unpaid_months: int
    #: months of the window without any record
    missing_months: int
    #: what the unpaid records still lack (missing months have no amount yet)
    amount_owed: Decimal

    @property
    def months(self) -> int:
        return self.unpaid_months + self.missing_months


def _complete_months(today: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """(first, last) of the `months` complete months before the current one."""
    last = add_months(month_start(today), -1)
    return add_months(last, -(months - 1)), last


def arrears_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first, last) month looked at: the complete months before the current one."""
    return _complete_months(today, settings.DUES_ARREARS_MONTHS)


def arrears(org: Organization, today: datetime.date | None = None) -> list[Arrear]:
    """Current members of `org`'s subtree with unpaid or missing months in the window
    (one query). Months before a member joined are not owed."""
    today = today or timezone.localdate()
    first, last = arrears_window(today)
    in_window = Q(dues_records__month__gte=first, dues_records__month__lte=last)
    short = in_window & Q(dues_records__amount_paid__lt=F("dues_records__amount_due"))
    window = months_inclusive(first, last)
    members = (
        Member.objects.active()
        .within(org)
        .filter(joined_on__lt=add_months(last, 1))
        .annotate(
            recorded=Count("dues_records", filter=in_window),
            unpaid=Count("dues_records", filter=short),
            owed=Sum(
                ExpressionWrapper(
                    F("dues_records__amount_due") - F("dues_records__amount_paid"),
                    output_field=DecimalField(max_digits=10, decimal_places=2),
                ),
                filter=short,
            ),
        )
        # Members who joined inside the window owe fewer months: refined below.
        .filter(Q(unpaid__gt=0) | Q(recorded__lt=window))
        .select_related("organization")
        .order_by("organization__path", "name", "pk")
    )
    result = []
    for member in members:
        expected = months_inclusive(max(first, month_start(member.joined_on)), last)
        missing = max(expected - member.recorded, 0)
        if member.unpaid or missing:
            result.append(
                Arrear(
                    member=member,
                    unpaid_months=member.unpaid,
                    missing_months=missing,
                    amount_owed=member.owed or ZERO,
                )
            )
    return result


@dataclass(frozen=True)
class LapseFlag:
    """A member with no dues paid for the last N complete months: the branch decides
    whether this is the 自行脱党 case; the portal only shows it."""

    member: Member
    last_paid_month: datetime.date | None
    since: datetime.date


def lapse_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first, last) month of the six-month flag: the complete months before the current one."""
    return _complete_months(today, settings.DUES_LAPSE_MONTHS)


def six_month_flags(org: Organization, today: datetime.date | None = None) -> list[LapseFlag]:
    """Current members of the subtree, members for the whole window, who paid nothing in
    each of its months (one query). Paying part of a month counts as paying: owing the
    rest is an arrear, not the constitution's case.

    Quiet until dues are recorded in the portal for the subtree at all (a record in the
    window): before that every member would be flagged, noise nobody can act on (as the
    funding warnings wait for the year's funds). Still one query: an uncorrelated EXISTS."""
    today = today or timezone.localdate()
    first, last = lapse_window(today)
    paid = Q(dues_records__amount_paid__gt=0) | Q(dues_records__amount_due=0)
    in_window = Q(dues_records__month__gte=first, dues_records__month__lte=last)
    recording = DuesRecord.objects.within(org).filter(month__gte=first, month__lte=last)
    members = (
        Member.objects.active()
        .within(org)
        .filter(Exists(recording), joined_on__lt=add_months(first, 1))
        .annotate(
            paid_in_window=Count("dues_records", filter=in_window & paid),
            last_paid=Max("dues_records__month", filter=paid),
        )
        .filter(paid_in_window=0)
        .select_related("organization")
        .order_by("organization__path", "name", "pk")
    )
    return [LapseFlag(member=m, last_paid_month=m.last_paid, since=first) for m in members]
