"""Demo fund lines of the demo county for the year: the budgets come in through the funds
table (without a disbursed total), the money goes out in instalments recorded by county
staff through the instalment service, dated through the year, so that a quarter's
bulletin counts what had been paid by its end.

Every fourth village is budgeted below the work-fund standard; most villages receive
their work funds in full by the fourth instalment, some only part (拨付滞后); the finance
bureau's activity funds fall short of 2 % of its payroll. The revenue and payrolls the
standards compare with are recorded through their services too. Idempotent: a line that
has instalments, and a figure already recorded, are left alone.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from funding.models import FiscalRevenue, FundLine, Payroll
from funding.services.funds import disbursement_record
from funding.services.standards import fiscal_revenue_record, payroll_record
from orgs.models import Organization

#: (month, day) of the quarterly instalments of the work funds, a quarter of the budget each
WORK_INSTALMENTS = ((3, 25), (6, 25), (9, 25), (11, 25))
#: the county's general budget revenue of last year (万元)
FISCAL_REVENUE = Decimal("52000")
#: this year's payroll (元) of the organs' branches: their activity funds should reach 2 %
#: of it, which the finance bureau's 20,000 元 does not
PAYROLLS = {"QH-JG01": Decimal("960000"), "QH-JG02": Decimal("1150000")}


@dataclass(frozen=True)
class FundPlan:
    code: str
    org: Organization
    category: str
    source: str
    budget: int
    summary: str
    #: (day, amount) of each instalment
    instalments: list[tuple[datetime.date, int]] = field(default_factory=list)

    def row(self, year: int) -> list[str]:
        """The funds table's row: no disbursed total, the instalments say what was paid."""
        return [self.code, str(year), self.org.code, self.category, self.source,
                str(self.budget), "", "", self.summary]  # fmt: skip


def _work_instalments(year: int, budget: int, share: int) -> list[tuple[datetime.date, int]]:
    """A quarter of the budget each quarter until `share` percent of it is paid."""
    target, paid, plan = budget * share // 100, 0, []
    for month, day in WORK_INSTALMENTS:
        amount = min(budget // 4, target - paid)
        if amount <= 0:
            break
        plan.append((datetime.date(year, month, day), amount))
        paid += amount
    return plan


def fund_plans(
    villages: list[Organization], organs: list[Organization], year: int
) -> list[FundPlan]:
    rnd = random.Random(8)
    plans = []
    for index, org in enumerate(villages, start=1):
        standard = 150000 if org.domain == "community" else 80000
        budget = standard - 20000 if index % 4 == 0 else standard
        share = rnd.choice([100, 100, 75, 60, 30])
        plans.append(
            FundPlan(f"JF{year}-{org.code}-GZ", org, "工作经费", "财政预算", budget,
                     "村级组织工作经费", _work_instalments(year, budget, share))
        )  # fmt: skip
        paid = rnd.choice([3000, 3000, 1500, 0])
        plans.append(
            FundPlan(f"JF{year}-{org.code}-JY", org, "党员教育", "党费返还", 3000, "党员冬春训",
                     [(datetime.date(year, 6, 30), paid)] if paid else [])
        )  # fmt: skip
    for org in organs:
        plans.append(
            FundPlan(f"JF{year}-{org.code}-HD", org, "活动经费", "单位列支", 20000,
                     "党组织活动经费",
                     [(datetime.date(year, 4, 20), 6000), (datetime.date(year, 9, 20), 6000)])
        )  # fmt: skip
    return plans


def pay_instalments(plans: list[FundPlan], *, user: Any, today: datetime.date) -> int:
    """Record the instalments due by `today` of every line that has none yet."""
    lines = {
        line.code: line
        for line in FundLine.objects.filter(
            code__in=[p.code for p in plans], disbursements__isnull=True
        )
    }
    paid = 0
    for plan in plans:
        line = lines.get(plan.code)
        if line is None:
            continue
        for day, amount in plan.instalments:
            if day > today:
                break
            disbursement_record(
                user=user,
                fund=line,
                amount=Decimal(amount),
                paid_on=day,
                note=f"{day.month}月拨付",
            )
            paid += 1
    return paid


def record_bases(county: Organization, organs: list[Organization], year: int, *, user: Any) -> int:
    """What the funding standards compare budgets with (last year's revenue, this year's
    payrolls), through the standards' services; a figure already recorded is kept."""
    recorded = 0
    if not FiscalRevenue.objects.filter(organization=county, year=year - 1).exists():
        fiscal_revenue_record(user=user, organization=county, year=year - 1, revenue=FISCAL_REVENUE)
        recorded += 1
    for org in organs:
        amount = PAYROLLS.get(org.code)
        if amount and not Payroll.objects.filter(organization=org, year=year).exists():
            payroll_record(user=user, organization=org, year=year, amount=amount)
            recorded += 1
    return recorded
