"""A believable demo county (清河县), as rows of the orgs data-dictionary table."""

from __future__ import annotations

import datetime
import random

HEADERS = [
    "组织代码", "组织名称", "上级组织代码", "组织类别", "行政层级", "所属领域",
    "成立日期", "书记姓名", "书记联系电话", "本届任期开始日期", "任期年限",
    "是否示范点", "是否软弱涣散", "联合党支部所含单位",
]  # fmt: skip

COUNTY = ("QH", "中共清河县委员会")
TOWNSHIPS = [
    ("QH01", "中共城关镇委员会", "乡镇级", ["城南社区", "城北社区", "西关村", "东关村", "河湾村"]),
    ("QH02", "中共青石镇委员会", "乡镇级", ["青石村", "石桥村", "杨庄村", "李家沟村"]),
    ("QH03", "中共柳林乡委员会", "乡镇级", ["柳林村", "马坊村", "后营村", "南岭村", "北岭村"]),
    ("QH04", "中共东城街道工作委员会", "乡镇级", ["东苑社区", "朝阳社区", "新华社区"]),
]
OTHER_BRANCHES = [
    ("QH-JG01", "中共清河县委办公室支部委员会", "党支部", "机关"),
    ("QH-JG02", "中共清河县财政局支部委员会", "党支部", "机关"),
    ("QH-XX01", "中共清河县第一中学总支部委员会", "党总支", "学校"),
    ("QH-QY01", "中共清河农村商业银行委员会", "党委", "国有企业"),
    ("QH-QY02", "中共清河华兴食品有限公司支部委员会", "党支部", "非公有制企业"),
    ("QH-SH01", "中共清河县社会组织联合支部委员会", "联合党支部", "社会组织"),
]
# The social organisations the joint branch covers: six, one more than a 联合党支部 should
# (the health page's joint_branch_over_5_units).
JOINT_BRANCH_UNITS = (
    "清河县志愿者协会",
    "清河县个体劳动者协会",
    "清河县餐饮行业协会",
    "清河县物流协会",
    "清河县社会工作服务中心",
    "清河县老年大学",
)
SUFFIX = {"党委": "委员会", "党支部": "支部委员会", "党总支": "总支部委员会"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ["建国", "秀英", "志强", "海燕", "国华", "春梅", "卫东", "丽华", "永明", "桂兰"]


def demo_rows() -> list[list[str]]:
    """Deterministic rows (same every run, so re-seeding changes nothing)."""
    rnd = random.Random(2026)  # noqa: S311 - demo data, not security

    def person() -> tuple[str, str]:
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
        return name, "13" + "".join(str(rnd.randint(0, 9)) for _ in range(9))

    def term_start(years_back: float) -> str:
        day = datetime.date(2026, 10, 1) - datetime.timedelta(days=int(365.25 * years_back))
        return day.isoformat()

    rows: list[list[str]] = []
    name, phone = person()
    rows.append([COUNTY[0], COUNTY[1], "", "党委", "县级", "其他", "1949-10-01", name, phone,
                 term_start(3), "5", "否", "否", ""])  # fmt: skip
    for code, title, level, villages in TOWNSHIPS:
        name, phone = person()
        domain = "城市社区" if "街道" in title else "农村"
        rows.append([code, title, COUNTY[0], "党委" if "街道" not in title else "党工委",
                     level, domain, "1958-09-01", name, phone, term_start(rnd.choice([1, 2, 4])),
                     "5", "否", "否", ""])  # fmt: skip
        for index, village in enumerate(villages, start=1):
            name, phone = person()
            is_community = village.endswith("社区")
            # A spread of term situations: normal, expiring within 6 months, overdue.
            years_back = rnd.choice([0.5, 1.5, 2.5, 4.7, 5.3])
            kind = rnd.choice(["党支部", "党支部", "党总支"]) if not is_community else "党委"
            rows.append([
                f"{code}{index:02d}", f"中共{village}{SUFFIX[kind]}",
                code, kind, "村级", "城市社区" if is_community else "农村",
                "1956-03-01", name, phone, term_start(years_back), "5",
                "是" if index == 1 else "否", "",  # 软弱涣散: the register's (demo/register.py)
                "",
            ])  # fmt: skip
    for code, title, kind, domain in OTHER_BRANCHES:
        name, phone = person()
        units = "\n".join(JOINT_BRANCH_UNITS) if kind == "联合党支部" else ""
        rows.append([code, title, COUNTY[0], kind, "其他", domain, "1985-07-01", name, phone,
                     term_start(rnd.choice([1, 2.8, 3.2])), "", "否", "否", units])  # fmt: skip
    return rows
