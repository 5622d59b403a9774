"""Demo funds, venue projects and collective-economy records of the demo county (清河县),
for the year the demo runs in: budgets, projects and incomes imported through the
data-dictionary tables, instalments and stage moves recorded through the services
(demo/funds.py, demo/sites.py). Deterministic: re-seeding changes nothing.
`fund_rows`, `site_rows` and `economy_rows` with the fixed YEAR are the city data set's
files (demo/scale.py), imported as they are.

The demo shows the warnings of DOMAIN.md: some villages below the work-fund standard,
lines not fully disbursed, a project over its plan, venues missing rooms of the standard
layout, villages with no collective income, and a village whose 经营性收入 is exactly
5 万元 (counted among those of 5 万元以上).
"""

from __future__ import annotations

import random

import tablib

from core.importing import run_import
from funding.resources import EconomyRecordResource, FundLineResource, VenueProjectResource
from orgs.models import Organization

from .calendar import demo_today
from .funds import fund_plans, pay_instalments, record_bases
from .people import STAFF, account
from .sites import ROOMS_FULL, county_site_rows, move_stages

#: the city data set's year
YEAR = 2026


def _import(resource, rows: list[list[str]]) -> str:
    dataset = tablib.Dataset(*rows, headers=[c.name for c in resource.columns])
    report = run_import(resource, dataset)
    if not report.ok:
        raise ValueError("；".join(str(e) for e in report.errors[:5]))
    return report.summary()


def fund_rows(villages, organs) -> list[list[str]]:
    """The city data set's fund lines (demo/scale.py): the file states each line's
    disbursed total, which the importer turns into one instalment."""
    rnd = random.Random(8)  # noqa: S311 - demo data, not security
    rows = []
    for index, org in enumerate(villages, start=1):
        standard = 150000 if org.domain == "community" else 80000
        # Every fourth village is budgeted below its standard.
        budget = standard - 20000 if index % 4 == 0 else standard
        paid = budget * rnd.choice([100, 100, 75, 60, 30]) // 100
        rows.append(
            [
                f"JF{YEAR}-{org.code}-GZ",
                str(YEAR),
                org.code,
                "工作经费",
                "财政预算",
                str(budget),
                str(paid),
                f"{YEAR}-0{rnd.randint(3, 9)}-15",
                "村级组织工作经费",
            ]
        )
        rows.append(
            [
                f"JF{YEAR}-{org.code}-JY",
                str(YEAR),
                org.code,
                "党员教育",
                "党费返还",
                "3000",
                str(rnd.choice([0, 1500, 3000])),
                f"{YEAR}-06-30",
                "党员冬春训",
            ]
        )
    for org in organs:
        rows.append(
            [
                f"JF{YEAR}-{org.code}-HD",
                str(YEAR),
                org.code,
                "活动经费",
                "单位列支",
                "20000",
                "12000",
                f"{YEAR}-05-20",
                "党组织活动经费",
            ]
        )
    return rows  # fmt: skip


def site_rows(villages) -> list[list[str]]:
    """The city data set's venue projects, entered at the stage they have reached."""
    plans = [
        ("调研论证", "", "", "0", "党员活动室、会议室"),
        ("规划设计", "", "", "0", "党员活动室、会议室、办公室、便民服务室"),
        ("在建", f"{YEAR}-04-01", "", "45", "党员活动室、会议室、办公室、便民服务室、卫生室"),
        ("已竣工", f"{YEAR - 1}-05-01", f"{YEAR}-06-30", "82", ROOMS_FULL),
        ("已验收", f"{YEAR - 1}-03-01", f"{YEAR - 1}-11-30", "60", ROOMS_FULL),
    ]
    rows = []
    for index, org in enumerate(villages[: len(plans) * 2]):
        stage, started, done, invested, rooms = plans[index % len(plans)]
        rows.append([f"ZD{YEAR}-{org.code}", f"{org.name.removeprefix('中共')}活动场所建设",
                     org.code, "村级组织活动场所", "新建" if index % 2 else "改扩建", "70",
                     invested, "420", stage, started, done, rooms])  # fmt: skip
    return rows


#: the year's (总收入, 经营性收入) of the first rural village: exactly at the 5 万元 line
AT_THE_LINE = ("7.3", "5.00")


def economy_rows(villages, year: int = YEAR) -> list[list[str]]:
    rnd = random.Random(5)  # noqa: S311 - demo data, not security
    at_the_line = next((o for o in villages if o.domain == "rural"), None)
    rows = []
    for org in villages:
        last = rnd.choice(["0", "0", "3.5", "6.2", "12", "28.5"])
        now = str(round(float(last) * rnd.choice([0.8, 1.1, 1.3]) + rnd.choice([0, 1.5]), 2))
        for row_year, income in ((year - 1, last), (year, now)):
            figures = (income, str(round(float(income) * 0.6, 2)))
            if org == at_the_line and row_year == year:
                figures = AT_THE_LINE
            rows.append([str(row_year), org.code, *figures, "土地流转、物业出租"])
    return rows


def load_demo_funding() -> str:
    county = Organization.objects.filter(code="QH").first()
    staff = account(STAFF)
    if county is None or staff is None:
        return "经费与阵地：无演示县，跳过"
    today = demo_today()
    year = today.year
    leaves = list(Organization.objects.within(county).filter(level="village", numchild=0))
    villages = [o for o in leaves if o.domain in ("rural", "community")]
    organs = list(Organization.objects.within(county).filter(domain="organ"))
    record_bases(county, organs, year, user=staff)
    plans = fund_plans(villages, organs, year)
    funds = _import(FundLineResource(user=staff, source="seed_demo"), [p.row(year) for p in plans])
    paid = pay_instalments(plans, user=staff, today=today)
    sites = county_site_rows(villages, year, today)
    entered = _import(VenueProjectResource(user=staff, source="seed_demo"), sites) if sites else ""
    moved = move_stages(villages, year, user=staff, today=today)
    economy = _import(
        EconomyRecordResource(user=staff, source="seed_demo"), economy_rows(villages, year)
    )
    return "\n".join(
        [
            f"经费 {funds} 新增拨付 {paid} 笔",
            f"阵地 {entered or '无新项目'} 状态变更 {moved} 次",
            f"集体经济 {economy}",
        ]
    )
