"""Demo members of the demo county (清河县), imported through the members table, then
their year (`load_demo_members` runs the other member demos: development cases, training,
contacts with mobile members, dues).

Deterministic (same rows every run, dates fixed), so re-seeding changes nothing. A few
villages are built to show the warnings of DOMAIN.md: 李家沟村 has fewer than 10
members, 北岭村 nobody under 40, 西关村 no woman.
"""

from __future__ import annotations

import datetime
import random

import tablib

from core.importing import run_import
from members.identity import check_character
from members.models import Member, TransferState
from members.resources.roster import MemberResource
from orgs.models import Organization

from .contacts import load_demo_contacts
from .development import load_demo_development
from .dues import load_demo_dues
from .records import load_demo_records
from .roster_changes import load_demo_roster_changes
from .rule_cases import load_demo_rule_cases
from .training import load_demo_training

HEADERS = [c.name for c in MemberResource.columns]
AS_OF = datetime.date(2026, 10, 1)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
MALE = [
    "建国",
    "志强",
    "国华",
    "卫东",
    "永明",
    "德胜",
    "建军",
    "文斌",
    "海涛",
    "明辉",
    "俊杰",
    "子豪",
]
FEMALE = ["秀英", "海燕", "春梅", "丽华", "桂兰", "玉珍", "慧敏", "雪梅", "晓燕", "佳怡", "婷婷"]
EDUCATION = ["初中及以下"] * 4 + ["高中"] * 3 + ["中等专科", "大学专科", "大学专科", "大学本科"]
URBAN_EDUCATION = ["高中", "大学专科", "大学本科", "大学本科", "大学本科", "研究生"]
FEWER_THAN_10, NONE_UNDER_40, NO_WOMAN = "QH0204", "QH0305", "QH0103"


def _person(rnd: random.Random, seq: int, *, min_age: int, max_age: int, female: bool):
    age = rnd.randint(min_age, max_age)
    birth = AS_OF - datetime.timedelta(days=int(age * 365.25) + rnd.randint(0, 300))
    sequence = rnd.randint(0, 49) * 20 + (seq % 10) * 2 + (0 if female else 1)
    first17 = f"5134{(seq // 1000) % 100:02d}{birth:%Y%m%d}{sequence:03d}"
    return birth, first17 + check_character(first17)


def demo_member_rows() -> list[list[str]]:
    rnd = random.Random(11643)  # noqa: S311 - demo data, not security
    rows: list[list[str]] = []
    branches = Organization.objects.filter(code__startswith="QH", numchild=0).order_by("code")
    seq = 0
    for org in branches:
        rural = org.domain == "rural"
        count = 7 if org.code == FEWER_THAN_10 else rnd.randint(12, 28)
        for _ in range(count):
            seq += 1
            female = org.code != NO_WOMAN and rnd.random() < 0.3
            min_age = 41 if org.code == NONE_UNDER_40 else 22
            birth, number = _person(rnd, seq, min_age=min_age, max_age=82, female=female)
            earliest_join = birth.replace(year=birth.year + 19)
            span = max((AS_OF - earliest_join).days - 30, 1)
            joined = earliest_join + datetime.timedelta(days=rnd.randint(0, span))
            probationary = (AS_OF - joined).days < 365
            confirmed = "" if probationary else (joined.replace(year=joined.year + 1)).isoformat()
            age = (AS_OF - birth).days // 365
            job = (
                "离退休人员"
                if age >= 62
                else rnd.choice(
                    ["农牧渔民", "农牧渔民", "农牧渔民", "工人", "其他职业人员"]
                    if rural
                    else ["企事业单位管理人员", "专业技术人员", "党政机关工作人员", "工人"]
                )
            )
            mobile = rural and age < 50 and rnd.random() < 0.15
            rows.append([
                rnd.choice(SURNAMES) + rnd.choice(FEMALE if female else MALE),
                number,
                "女" if female else "男",
                "汉族" if rnd.random() < 0.93 else rnd.choice(["回族", "满族", "蒙古族"]),
                birth.isoformat(),
                rnd.choice(EDUCATION if rural else URBAN_EDUCATION),
                "预备党员" if probationary else "正式党员",
                joined.isoformat(),
                confirmed,
                org.code,
                job,
                "13" + "".join(str(rnd.randint(0, 9)) for _ in range(9)),
                "是" if mobile else "否",
                rnd.choice(["浙江省杭州市", "广东省深圳市", "江苏省苏州市"]) if mobile else "",
                "是" if (hardship := rnd.random() < 0.05) else "否",
                ("低保" if seq % 2 else "其他生活困难") if hardship else "",
            ])  # fmt: skip
    return rows


def load_demo_roster() -> str:
    # A member the demo has since moved by a transfer is left out of a second run: the file
    # is the roster as first delivered, and importing it again would move them back.
    moved = set(
        Member.objects.filter(transfers__state=TransferState.ACCEPTED).values_list(
            "id_number", flat=True
        )
    )
    rows = [row for row in demo_member_rows() if row[1] not in moved]
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    report = run_import(MemberResource(source="seed_demo"), dataset)
    if not report.ok:
        raise ValueError("；".join(str(e) for e in report.errors[:5]))
    return "党员 " + report.summary()


def load_demo_members() -> str:
    """The roster, then the people developed this year (members from their admission),
    the year's transfers and a death, their training and contacts, and the dues of everyone
    on the roster by then; one summary line each."""
    loaders = (
        load_demo_roster,
        load_demo_rule_cases,
        load_demo_development,
        load_demo_roster_changes,
        # Before training and dues: the member arriving from outside takes part in both.
        load_demo_records,
        load_demo_training,
        load_demo_contacts,
        load_demo_dues,
    )
    return "\n".join(loader() for loader in loaders)
