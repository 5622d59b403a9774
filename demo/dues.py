"""Demo party dues (党费) of the demo county: each branch's monthly sheet for the twelve
complete months before this one and the running month so far, saved by county staff
through the sheet's service (the amount due always follows from the member's basis and
the configured brackets).

Nearly everyone pays every month, early in the month: salaried and retired members on a
base of their own, farmers a fixed amount of their choice within the range. A few members
are a month behind (recorded, not paid: 欠缴), and 唐志强 of 李家沟村, out of contact,
has paid nothing for seven months (the six-month flag). A farmer of 青石村 pays 5 元 a
month, above the farmers' range (自愿多交), and a member of 柳林村 is exempt (免交) for
the last six complete months by the approval of the branch committee, so owes nothing for
them. In the running month only those whose day has come have paid; the others are not
recorded yet (the month is not due).
Idempotent: a branch's month that has records is left alone, and so is a member who
already has an approval.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.periods import add_months
from members.choices import Job
from members.dues.rates import basis_for, dues_for, load_brackets
from members.dues.recording import save_month_sheet
from members.dues.sheet import SheetEntry, sheet_members
from members.dues.waivers import record_waiver
from members.models import (
    DuesBasis,
    DuesBracket,
    DuesRecord,
    DuesWaiver,
    Member,
    WaiverApprover,
    WaiverKind,
)
from orgs.models import Organization

from .calendar import days_after, demo_today, months_from
from .people import STAFF, account

COUNTY = "QH"
MONTHS = 12
#: share of members a month or two behind
BEHIND_SHARE = 0.025
#: (organisation, name) of the member who stopped paying, and for how many months
LAPSED = ("QH0204", "唐志强", 7)
BASES = {
    DuesBasis.SALARY: range(2600, 9800, 100),
    DuesBasis.RETIRED: range(1800, 5600, 100),
}
FARMER_AMOUNTS = (Decimal("0.20"), Decimal("0.50"), Decimal("1.00"))
#: the branch whose first farmer (by name) pays this much a month, above the range
VOLUNTARY = ("QH0201", Decimal("5.00"))
#: the branch whose first member (by name) is exempt, and for how many complete months
EXEMPT = ("QH0301", 6)


@dataclass(frozen=True)
class Payer:
    """How one member pays: on what base, how much a month, and from when not at all."""

    member: Member
    base: Decimal | None
    amount: Decimal
    pay_day: int
    unpaid_from: datetime.date | None
    #: the approval the member does not pay under (免交)
    waiver: DuesWaiver | None = None

    def entry(self, month: datetime.date, today: datetime.date) -> SheetEntry | None:
        """The member's row on the branch's sheet for `month`; None in the running month
        for a member who has not paid (yet)."""
        running = month == today.replace(day=1)
        if self.waiver is not None and self.waiver.covers(month):
            return SheetEntry(self.member.pk, self.base, Decimal("0"), None)
        if self.unpaid_from is not None and month >= self.unpaid_from:
            return None if running else SheetEntry(self.member.pk, self.base, Decimal("0"), None)
        paid_on = days_after(month, self.pay_day)
        if paid_on > today:
            return None
        return SheetEntry(self.member.pk, self.base, self.amount, paid_on)


def payer(
    member: Member,
    last: datetime.date,
    brackets: list[DuesBracket],
    cases: dict[int, Decimal | DuesWaiver],
) -> Payer:
    key = f"{member.organization.code}-{member.name}-{member.birth_date}"
    rnd = random.Random(f"dues-{key}")
    basis = basis_for(member)
    base = Decimal(rnd.choice(BASES[basis])) if basis in BASES else None
    case = cases.get(member.pk)
    if isinstance(case, Decimal):
        amount = case
    elif basis == DuesBasis.FARMER:
        amount = rnd.choice(FARMER_AMOUNTS)
    else:
        _rate, amount = dues_for(basis=basis, base=base, brackets=brackets)
    code, name, months = LAPSED
    unpaid_from = None
    if (member.organization.code, member.name) == (code, name):
        unpaid_from = add_months(last, 1 - months)
    elif rnd.random() < BEHIND_SHARE:
        unpaid_from = add_months(last, 1 - rnd.choice((1, 1, 2)))
    waiver = case if isinstance(case, DuesWaiver) else None
    return Payer(member, base, amount, 3 + rnd.randint(0, 12), unpaid_from, waiver)


def _first_member(code: str, **conditions: Any) -> Member | None:
    return (
        Member.objects.active()
        .filter(organization__code=code, **conditions)
        .order_by("name", "pk")
        .first()
    )


def special_cases(staff: Any, last: datetime.date) -> dict[int, Decimal | DuesWaiver]:
    """The voluntary payer (member → amount) and the exempt member (member → approval,
    recorded through the service before any sheet of theirs is saved)."""
    cases: dict[int, Decimal | DuesWaiver] = {}
    code, amount = VOLUNTARY
    voluntary = _first_member(code, job=Job.FARMER)
    if voluntary is not None:
        cases[voluntary.pk] = amount
    code, months = EXEMPT
    exempt = _first_member(code)
    if exempt is not None and exempt.pk not in cases:
        waiver = exempt.dues_waivers.order_by("first_month").first()
        if waiver is None:
            first = add_months(last, 1 - months)
            waiver = record_waiver(
                user=staff,
                waiver=DuesWaiver(
                    member=exempt,
                    kind=WaiverKind.EXEMPT,
                    approved_by=WaiverApprover.COMMITTEE,
                    decided_on=days_after(first, -10),
                    reason="长期患病住院，家庭经济困难",
                    first_month=first,
                    last_month=last,
                ),
            )
        cases[exempt.pk] = waiver
    return cases


def load_demo_dues() -> str:
    staff = account(STAFF)
    county = Organization.objects.filter(code=COUNTY).first()
    if staff is None or county is None:
        return "党费：无演示县，跳过"
    today = demo_today()
    last = add_months(today.replace(day=1), -1)
    months = months_from(add_months(last, 1 - MONTHS), today)
    branches = list(Organization.objects.within(county).filter(numchild=0).order_by("path"))
    recorded = set(
        DuesRecord.objects.filter(member__organization__in=branches, month__gte=months[0])
        .values_list("member__organization_id", "month")
        .distinct()
    )
    brackets = load_brackets()
    cases = special_cases(staff, last)
    payers: dict[int, Payer] = {}
    created = 0
    for org in branches:
        for month in months:
            if (org.pk, month) in recorded:
                continue
            members = list(sheet_members(org, month).select_related("organization"))
            if not members:
                continue
            for member in members:
                if member.pk not in payers:
                    payers[member.pk] = payer(member, last, brackets, cases)
            entries = [payers[member.pk].entry(month, today) for member in members]
            entries = [entry for entry in entries if entry is not None]
            if not entries:
                continue
            result = save_month_sheet(
                user=staff, organization=org, month=month, rows=entries, today=today
            )
            created += result.created
    if not created:
        return "党费：未变"
    behind = sum(1 for p in payers.values() if p.unpaid_from is not None)
    return f"党费：新增 {created} 条月度记录（{behind} 人欠缴）"
