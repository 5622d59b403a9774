"""Arrears and the six-month flag of a subtree's members (reads).

Both are *flags*: nothing here changes a member's status; the branch decides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import add_months, month_start, months_inclusive
from orgs.models import Organization

from ..models import (
    Attendance,
    AttendanceStatus,
    DuesRecord,
    DuesWaiver,
    Member,
    Transfer,
    TransferKind,
    WaiverKind,
)
from .rates import ZERO
from .waivers import unrecorded_exempt_months


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
    (one query, and one or two for approved 免交 months). Months before a member joined
    are not owed, nor months approved as 免交."""
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
    members = list(members)
    # Months approved as 免交 and not recorded yet are not owed.
    waived = unrecorded_exempt_months(members, first, last)
    result = []
    for member in members:
        expected = months_inclusive(max(first, month_start(member.joined_on)), last)
        missing = max(expected - member.recorded - waived.get(member.pk, 0), 0)
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
    """A member who for the last N complete months paid no dues, or took part in no
    organisation life: the branch decides whether this is the 自行脱党 case; the portal
    only shows it."""

    member: Member
    last_paid_month: datetime.date | None
    since: datetime.date
    #: paid nothing in any month of the window (dues are recorded for the subtree)
    no_dues: bool = True
    #: in every month of the window listed by name at meetings and absent from all of them
    no_life: bool = False
    #: the last meeting attended (or excused from, 请假) by name
    last_attended_on: datetime.date | None = None

    @property
    def reasons(self) -> str:
        """What the member did not do, in the constitution's words."""
        parts = []
        if self.no_life:
            parts.append(_("未参加组织生活"))
        if self.no_dues:
            parts.append(_("未交纳党费"))
        return "、".join(parts)


def lapse_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first, last) month of the six-month flag: the complete months before the current one."""
    return _complete_months(today, settings.DUES_LAPSE_MONTHS)


def six_month_flags(org: Organization, today: datetime.date | None = None) -> list[LapseFlag]:
    """Current members of the subtree, members for the whole window, who in each of its
    months paid no dues, or took part in no organisation life (党章 第九条: 连续六个月不参加
    党的组织生活，或不交纳党费 — either is the case; one query).

    Dues: paying part of a month counts as paying (owing the rest is an arrear, not the
    constitution's case). Quiet until dues are recorded in the portal for the subtree at
    all (a record in the window): before that every member would be flagged, noise nobody
    can act on.

    Organisation life, from attendance by name only (head counts name nobody): a month
    counts against a member when a meeting recorded by name that month listed them and
    they were absent from every such meeting. 请假 is a reason (正当理由), so it counts as
    taking part. A month in which no meeting listed the member by name gives no evidence
    either way and breaks the run: a branch that records counts only is never flagged for
    it. Attendance anywhere counts, so a member who moved branch keeps their meetings.

    A member for the whole window: admitted (入党日期), and arrived from outside the county
    (the 介绍信's transfer in), by the end of its first month; the months before they came
    were the sending county's."""
    today = today or timezone.localdate()
    first, last = lapse_window(today)
    after = add_months(last, 1)
    paid = Q(amount_paid__gt=0) | Q(amount_due=0)
    dues = DuesRecord.objects.filter(member=OuterRef("pk"), month__gte=first, month__lte=last)
    recording = DuesRecord.objects.within(org).filter(month__gte=first, month__lte=last)
    # An approved 免交 month is not "不交纳党费", recorded or not.
    exempt = DuesWaiver.objects.filter(
        member=OuterRef("pk"),
        kind=WaiverKind.EXEMPT,
        first_month__lte=last,
        last_month__gte=first,
    )
    no_dues = Exists(recording) & ~Exists(dues.filter(paid)) & ~Exists(exempt)
    rows = Attendance.objects.filter(member=OuterRef("pk"))
    took_part = rows.filter(status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LEAVE))
    listed_every_month = Q(
        *(
            Exists(rows.filter(record__held_on__gte=m, record__held_on__lt=add_months(m, 1)))
            for m in (add_months(first, i) for i in range(months_inclusive(first, last)))
        )
    )
    no_life = listed_every_month & ~Exists(
        took_part.filter(record__held_on__gte=first, record__held_on__lt=after)
    )
    last_paid = DuesRecord.objects.filter(paid, member=OuterRef("pk")).order_by("-month")
    last_attended = took_part.order_by("-record__held_on").values("record__held_on")[:1]
    arrived_later = Transfer.objects.filter(
        member=OuterRef("pk"), kind=TransferKind.INBOUND, requested_on__gte=add_months(first, 1)
    )
    members = (
        Member.objects.active()
        .within(org)
        .filter(~Exists(arrived_later), joined_on__lt=add_months(first, 1))
        .annotate(
            lapsed_dues=ExpressionWrapper(no_dues, output_field=BooleanField()),
            lapsed_life=ExpressionWrapper(no_life, output_field=BooleanField()),
            last_paid=Subquery(last_paid.values("month")[:1]),
            last_attended=Subquery(last_attended),
        )
        .filter(Q(lapsed_dues=True) | Q(lapsed_life=True))
        .select_related("organization")
        .order_by("organization__path", "name", "pk")
    )
    return [
        LapseFlag(
            member=m,
            last_paid_month=m.last_paid,
            since=first,
            no_dues=m.lapsed_dues,
            no_life=m.lapsed_life,
            last_attended_on=m.last_attended,
        )
        for m in members
    ]
