"""Demo funds, venue projects and collective-economy records of the demo county (清河县),
imported through the data-dictionary tables. Deterministic: re-seeding changes nothing.

Dates are fixed in 2026 (the demo year) so that the demo shows the warnings of DOMAIN.md:
some villages below the work-fund standard, lines not disbursed, a project over its plan,
venues missing rooms of the standard layout, villages with no collective income.
"""

from __future__ import annotations

import random

import tablib

from core.importing import run_import
from orgs.models import Organization

from .models import FiscalRevenue
from .resources import EconomyRecordResource, FundLineResource, VenueProjectResource

YEAR = 2026


def _import(resource, rows: list[list[str]]) -> str:
    dataset = tablib.Dataset(*rows, headers=[c.name for c in resource.columns])
    report = run_import(resource, dataset)
    if not report.ok:
        raise ValueError("；".join(str(e) for e in report.errors[:5]))
    return report.summary()


def fund_rows(villages, organs) -> list[list[str]]:
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


ROOMS_FULL = "、".join(
    ["党员活动室", "会议室", "办公室", "便民服务室", "远程教育室", "图书阅览室"]
    + ["文化活动室", "卫生室", "便民超市", "文体广场"]
)


def site_rows(villages) -> list[list[str]]:
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


def economy_rows(villages) -> list[list[str]]:
    rnd = random.Random(5)  # noqa: S311 - demo data, not security
    rows = []
    for org in villages:
        last = rnd.choice(["0", "0", "3.5", "6.2", "12", "28.5"])
        now = str(round(float(last) * rnd.choice([0.8, 1.1, 1.3]) + rnd.choice([0, 1.5]), 2))
        for year, income in ((YEAR - 1, last), (YEAR, now)):
            operating = str(round(float(income) * 0.6, 2))
            rows.append([str(year), org.code, income, operating, "土地流转、物业出租"])
    return rows


def load_demo_funding() -> str:
    county = Organization.objects.filter(code="QH").first()
    if county is None:
        return "经费与阵地：无演示县，跳过"
    leaves = list(Organization.objects.subtree_of(county).filter(level="village", numchild=0))
    villages = [o for o in leaves if o.domain in ("rural", "community")]
    organs = list(Organization.objects.subtree_of(county).filter(domain="organ"))
    FiscalRevenue.objects.get_or_create(
        organization=county, year=YEAR - 1, defaults={"revenue": "52000"}
    )
    parts = [
        "经费 " + _import(FundLineResource(source="seed_demo"), fund_rows(villages, organs)),
        "阵地 " + _import(VenueProjectResource(source="seed_demo"), site_rows(villages)),
        "集体经济 " + _import(EconomyRecordResource(source="seed_demo"), economy_rows(villages)),
    ]
    return " ".join(parts)
