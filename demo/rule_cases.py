"""Demo cases of the organisation-setting rules that the demo roster alone does not show,
imported through the members table like the roster: 河湾村 has grown past a hundred members
(so it may form a 村党委: `may_form_committee`), and 后营村 has a 预备党员 recorded on the
roster, without a development case, whose probation year has long ended without 转正
(`probation_overdue`).

The other new findings come from the demo's tree itself: members held directly by the
农商行党委, the 党总支 and the community 党委 (`members_outside_branch`), 党总支 of fewer
than 50 and 基层党委 of fewer than 100 members, and the social organisations' joint branch
covering six units (demo/organisations.py).

Deterministic (fixed dates and ID numbers of a region of their own), so re-seeding
changes nothing.
"""

from __future__ import annotations

import datetime
import random

import tablib

from core.importing import run_import
from members.identity import check_character
from members.models import Member
from members.resources.roster import MemberResource

#: the village that reaches the size of a 村党委, and how many members it then has
LARGE_VILLAGE, LARGE_VILLAGE_MEMBERS = "QH0105", 105
#: the 预备党员 past the probation year: where, who, and the day the 支部大会 admitted them
OVERDUE = ("QH0303", "吴春燕", datetime.date(1993, 4, 17), datetime.date(2025, 8, 20))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ["建华", "秀兰", "德明", "桂芳", "志军", "玉梅", "国庆", "淑珍", "永强", "丽娟"]


def _id_number(birth: datetime.date, seq: int, *, female: bool) -> str:
    """A valid number of its own region (5134 91…, apart from the roster's and the cases')."""
    first17 = f"513491{birth:%Y%m%d}{(seq * 2 + (0 if female else 1)) % 1000:03d}"
    return first17 + check_character(first17)


def _row(**values: str) -> list[str]:
    """A row of the members table; columns not given are left blank."""
    return [values.get(column.name, "") for column in MemberResource.columns]


def _members_of(code: str) -> int:
    """How many members the organisation `code` holds already (the roster is imported
    first; on a second run the rows below are there too, and none are added)."""
    return Member.objects.filter(organization__code=code).count()


def rule_case_rows() -> list[list[str]]:
    rnd = random.Random(1919)  # noqa: S311 - demo data, not security
    already = _members_of(LARGE_VILLAGE)
    rows = []
    for seq in range(max(LARGE_VILLAGE_MEMBERS - already, 0)):
        female = rnd.random() < 0.35
        birth = datetime.date(rnd.randint(1950, 1995), rnd.randint(1, 12), rnd.randint(1, 28))
        joined = datetime.date(birth.year + rnd.randint(22, 28), rnd.randint(1, 12), 1)
        rows.append(
            _row(
                姓名=rnd.choice(SURNAMES) + rnd.choice(GIVEN),
                公民身份号码=_id_number(birth, seq, female=female),
                性别="女" if female else "男",
                民族="汉族",
                出生日期=birth.isoformat(),
                学历=rnd.choice(["初中及以下", "高中", "中等专科", "大学专科"]),
                人员类别="正式党员",
                入党日期=joined.isoformat(),
                转正日期=joined.replace(year=joined.year + 1).isoformat(),
                所在党组织代码=LARGE_VILLAGE,
                工作岗位="离退休人员" if birth.year < 1962 else "农牧渔民",
                是否流动党员="否",
                是否生活困难党员="否",
            )
        )
    code, name, birth, joined = OVERDUE
    rows.append(
        _row(
            姓名=name,
            公民身份号码=_id_number(birth, 999, female=True),
            性别="女",
            民族="汉族",
            出生日期=birth.isoformat(),
            学历="大学专科",
            人员类别="预备党员",
            入党日期=joined.isoformat(),
            所在党组织代码=code,
            工作岗位="农牧渔民",
            是否流动党员="否",
            是否生活困难党员="否",
        )
    )
    return rows


def load_demo_rule_cases() -> str:
    headers = [column.name for column in MemberResource.columns]
    dataset = tablib.Dataset(*rule_case_rows(), headers=headers)
    report = run_import(MemberResource(source="seed_demo"), dataset)
    if not report.ok:
        raise ValueError("；".join(str(e) for e in report.errors[:5]))
    return "组织设置演示党员 " + report.summary()
