"""Generated, valid data of any size: an organisation tree and its member roster (shared by
the benchmarks, benchmarks/generate_members.py) and the city-sized demo data set of
`seed_demo --scale city` (the load test's data set).

Rows pass every rule of the data dictionary: GB 11643 ID numbers (checksum from
members.identity.check_character) whose birth date and 17th digit match 出生日期 and 性别,
18+ on 入党日期, 正式党员 with 转正日期 at least one year later, 预备党员 without one, mobile
members with a destination. The mix of organisations, ethnicities, education and jobs
follows a rural county. Everything is seeded, so two runs produce the same rows.

The city data set goes through the portal's own paths where that is affordable (the orgs,
funds, venues, economy and org-life imports, issuing the lists, `grant`) and writes the
bulk with `bulk_create`/`bulk_update` where it is not: the 500,000 members and the
quarter's reports and reviews of ~3,600 lists. Those bulk writes record NO history rows —
acceptable for generated data, never for real data.

The Django models are imported inside the functions that use them: the benchmarks import
the row generators before Django is set up.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

# --- vocabularies ---------------------------------------------------------------------------

HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "出生日期",
    "学历",
    "人员类别",
    "入党日期",
    "转正日期",
    "所在党组织代码",
    "工作岗位",
    "联系电话",
    "是否流动党员",
    "流动去向",
    "是否生活困难党员",
]

ORG_HEADERS = [
    "组织代码",
    "组织名称",
    "上级组织代码",
    "组织类别",
    "行政层级",
    "所属领域",
    "成立日期",
    "书记姓名",
    "书记联系电话",
    "本届任期开始日期",
    "任期年限",
    "是否示范点",
    "是否软弱涣散",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = (
    "建国华明丽军平伟芳娜敏静秀英强磊洋勇艳杰娟涛超霞刚桂兰玉萍红梅鑫斌宇浩凯峰琴云莲海燕"
    "志文德春林晓东辉成荣新永庆福贵宏利兵亮俊颖婷雪琳丹慧珍凤玲翠琼金山水清国忠家富"
)
UYGHUR_NAMES = ("买买提", "艾力", "阿不都", "热合曼", "古丽", "阿依", "努尔", "吐尔逊")
TOWN_NAMES = [
    "城关镇",
    "东城街道",
    "西城街道",
    "龙泉镇",
    "石桥镇",
    "白马镇",
    "青山镇",
    "河口镇",
    "金沙镇",
    "新华乡",
    "红星乡",
    "太平镇",
    "永安乡",
    "长乐镇",
    "柳林镇",
    "桃园乡",
    "大坪镇",
    "三合镇",
    "清溪镇",
    "双河乡",
]
VILLAGE_WORDS = [
    "红旗",
    "光明",
    "胜利",
    "和平",
    "新民",
    "幸福",
    "团结",
    "联合",
    "建设",
    "先锋",
    "五星",
    "前进",
    "向阳",
    "富民",
    "兴隆",
]
DISTRICT_NAMES = ["北溪区", "南湖区", "东山区", "西林区", "江口区", "云台区"]
# Region prefixes of ID numbers: the county itself, neighbouring counties, other provinces.
REGIONS = (
    ("511321", 70),
    ("511322", 8),
    ("511302", 6),
    ("510104", 4),
    ("500101", 3),
    ("440305", 3),
    ("652801", 2),
    ("532901", 2),
    ("150102", 2),
)
# GB/T 3304 codes (members.choices.ETHNIC_GROUPS) and their share in a Han-majority county
ETHNICITY_WEIGHTS = (
    ("汉族", 900),
    ("彝族", 25),
    ("藏族", 15),
    ("回族", 12),
    ("土家族", 10),
    ("苗族", 8),
    ("壮族", 6),
    ("满族", 5),
    ("蒙古族", 4),
    ("维吾尔族", 4),
    ("羌族", 4),
    ("白族", 3),
    ("纳西族", 2),
    ("傈僳族", 2),
)
EDUCATION_WEIGHTS = (
    ("研究生", 3),
    ("大学本科", 28),
    ("大学专科", 22),
    ("中等专科", 10),
    ("高中", 15),
    ("初中及以下", 22),
)
# jobs of people of working age; 离退休人员 and 学生 depend on the age (member_rows)
JOB_WEIGHTS = (
    ("工人", 10),
    ("农牧渔民", 38),
    ("企事业单位管理人员", 10),
    ("专业技术人员", 17),
    ("党政机关工作人员", 15),
    ("其他职业人员", 10),
)
DESTINATIONS = ("广东省深圳市", "浙江省义乌市", "四川省成都市", "重庆市渝北区", "福建省厦门市")
# (code suffix, label, domain) of the working committees under the root
WORKING_COMMITTEES = (
    ("JG", "机关工委", "机关"),
    ("JY", "教育工委", "学校"),
    ("WJ", "卫健工委", "事业单位"),
    ("FG", "非公工委", "非公有制企业"),
)


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


# --- the organisation tree ------------------------------------------------------------------


@dataclass(frozen=True)
class TreeShape:
    """root → (districts →) townships → villages, communities and enterprise joint branches,
    plus working committees with their units under the root."""

    root_code: str
    root_name: str
    root_level: str  # label: 县级 or 市级
    townships: int  # per district, or under the root when districts == 0
    villages_per_township: int
    committees: int
    units_per_committee: int
    districts: int = 0
    #: 县 / 市: the prefix of the working committees' names
    committee_prefix: str = "县"

    @property
    def size(self) -> int:
        towns = self.townships * max(self.districts, 1)
        return (
            1
            + self.districts
            + towns * (1 + self.villages_per_township)
            + self.committees * (1 + self.units_per_committee)
        )


CITY_CODE = "BXS"
CITY_NAME = "北溪市委"


def city_shape(orgs: int = 2000) -> TreeShape:
    """A city of about `orgs` organisations: two districts, up to ten townships each, and
    working committees holding about 7 % of the organisations as units (for 2,000: 20
    townships of 91 villages, 4 committees of 35 units — 1,987 organisations)."""
    districts = 2
    townships = max(1, min(10, orgs // 200))
    committees = 4 if orgs >= 200 else 2
    units = max(1, round(orgs * 0.07 / committees))
    rest = orgs - 1 - districts - districts * townships - committees * (1 + units)
    villages = max(1, rest // (districts * townships))
    return TreeShape(
        root_code=CITY_CODE,
        root_name=CITY_NAME,
        root_level="市级",
        districts=districts,
        townships=townships,
        villages_per_township=villages,
        committees=committees,
        units_per_committee=units,
        committee_prefix="市",
    )


def org_rows(shape: TreeShape, seed: int = 20240701) -> list[list[str]]:
    """Rows of the orgs import for `shape`, in tree order (parents first)."""
    rng = random.Random(seed)
    rows: list[list[str]] = []

    def add(code, name, parent, kind, level, domain):
        founded = datetime.date(rng.randint(1950, 2015), rng.randint(1, 12), 1)
        term = datetime.date(2021, rng.randint(1, 12), 1).isoformat()
        rows.append(
            [code, name, parent, kind, level, domain, founded.isoformat(), "", "", term, "", "否",
             "是" if rng.random() < 0.02 else "否"]
        )  # fmt: skip

    def township(parent: str, town: str, town_name: str, first: bool) -> None:
        urban = "街道" in town_name or first
        add(town, f"{town_name}党委", parent, "党委", "乡镇级", "城市社区" if urban else "农村")
        for v in range(1, shape.villages_per_township + 1):
            word = VILLAGE_WORDS[(v - 1) % len(VILLAGE_WORDS)]
            if urban and v <= 30:
                add(f"{town}-S{v:03d}", f"{town_name}{word}社区党支部", town, "党支部",
                    "村级", "城市社区")  # fmt: skip
            elif v % 30 == 0:
                add(f"{town}-E{v:03d}", f"{town_name}{word}企业联合党支部", town,
                    "联合党支部", "其他", "非公有制企业")  # fmt: skip
            else:
                add(f"{town}-V{v:03d}", f"{town_name}{word}{v}村党支部", town, "党支部",
                    "村级", "农村")  # fmt: skip

    root = shape.root_code
    add(root, shape.root_name, "", "党委", shape.root_level, "机关")
    if shape.districts:
        number = 0
        for d in range(1, shape.districts + 1):
            district = f"{root}-D{d}"
            add(district, f"{DISTRICT_NAMES[(d - 1) % len(DISTRICT_NAMES)]}委", root, "党委",
                "县级", "机关")  # fmt: skip
            for t in range(1, shape.townships + 1):
                name = TOWN_NAMES[number % len(TOWN_NAMES)]
                township(district, f"{district}-T{t:02d}", name, t == 1)
                number += 1
    else:
        for t in range(1, shape.townships + 1):
            township(root, f"{root}-T{t:02d}", TOWN_NAMES[t - 1], t == 1)
    unit_level = shape.root_level
    for prefix, label, domain in WORKING_COMMITTEES[: shape.committees]:
        unit = f"{root}-{prefix}"
        add(unit, f"{shape.committee_prefix}{label}", root, "党工委", unit_level, domain)
        for u in range(1, shape.units_per_committee + 1):
            add(f"{unit}-{u:03d}", f"{label}第{u}党支部", unit, "党支部", "其他", domain)
    return rows


def branch_weights(root_code: str, rows: Iterable[tuple[str, str]]) -> list[tuple[str, int]]:
    """(code, weight) of the organisations members belong to, from (code, kind) of the
    subtree's branches: county-seat communities and organs larger than remote villages."""
    weights = []
    for code, kind in rows:
        if "-S" in code:
            weights.append((code, 60))
        elif code.startswith(f"{root_code}-JG") or code.startswith(f"{root_code}-JY"):
            weights.append((code, 45))
        elif kind == "joint_branch":
            weights.append((code, 20))
        else:
            weights.append((code, 25))
    return weights


# --- members --------------------------------------------------------------------------------


def _id_number(region: str, birth: datetime.date, seq: int, male: bool) -> str:
    from members.identity import check_character

    gender_digit = seq % 5 * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq // 5 % 100:02d}{gender_digit}"
    return first17 + check_character(first17)


def _name(rng: random.Random, ethnicity: str) -> str:
    if ethnicity == "维吾尔族":
        return rng.choice(UYGHUR_NAMES) + "·" + rng.choice(UYGHUR_NAMES)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def member_rows(
    count: int, *, branches: list[tuple[str, int]], today: datetime.date, seed: int = 1921
) -> Iterator[dict]:
    """`count` valid members as data-dictionary values (Chinese labels, ISO dates), spread
    over `branches` ((code, weight), see branch_weights)."""
    from core.periods import add_years

    rng = random.Random(seed)
    orgs, org_weights = zip(*branches, strict=True)
    org_cum = list(itertools.accumulate(org_weights))
    seen: set[str] = set()
    produced = 0
    while produced < count:
        male = rng.random() < 0.72
        ethnicity = _pick(rng, ETHNICITY_WEIGHTS)
        age = min(int(rng.triangular(19, 92, 48)), 95)
        birth = add_years(today, -age) - datetime.timedelta(days=rng.randint(1, 364))
        region = _pick(rng, REGIONS)
        number = _id_number(region, birth, rng.randrange(500), male)
        if number in seen:
            continue
        seen.add(number)
        adult = add_years(birth, 18)
        if (adult.month, adult.day) < (birth.month, birth.day):
            adult += datetime.timedelta(days=1)  # born on 29 February: 18 on 1 March
        latest_full = today - datetime.timedelta(days=400)
        probationary = rng.random() < 0.04 or adult > latest_full
        if probationary:
            start = max(adult, today - datetime.timedelta(days=360))
            joined = start + datetime.timedelta(days=rng.randint(0, (today - start).days))
            confirmed = None
        else:
            # most people join in their twenties or thirties
            span = (latest_full - adult).days
            joined = adult + datetime.timedelta(days=int(span * rng.random() ** 2.2))
            earliest = add_years(joined, 1)
            confirmed = earliest + datetime.timedelta(
                days=rng.randint(0, min(60, (today - earliest).days))
            )
        if age >= 62 or (age >= 55 and rng.random() < 0.5):
            job = "离退休人员"
        elif age <= 24 and rng.random() < 0.5:
            job = "学生"
        else:
            job = _pick(rng, JOB_WEIGHTS)
        mobile = age < 55 and rng.random() < 0.06
        org = orgs[bisect.bisect_right(org_cum, rng.random() * org_cum[-1])]
        yield {
            "姓名": _name(rng, ethnicity),
            "公民身份号码": number,
            "性别": "男" if male else "女",
            "民族": ethnicity,
            "出生日期": birth.isoformat(),
            "学历": _pick(rng, EDUCATION_WEIGHTS),
            "人员类别": "预备党员" if probationary else "正式党员",
            "入党日期": joined.isoformat(),
            "转正日期": confirmed.isoformat() if confirmed else "",
            "所在党组织代码": org,
            "工作岗位": job,
            "联系电话": (
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.85 else ""
            ),
            "是否流动党员": "是" if mobile else "否",
            "流动去向": rng.choice(DESTINATIONS) if mobile else "",
            "是否生活困难党员": "是" if rng.random() < 0.03 else "否",
        }
        produced += 1


def member_objects(rows: Iterable[dict], orgs_by_code: dict):
    """Member instances from data-dictionary rows (labels → stored codes)."""
    from members.choices import ETHNIC_GROUPS, Category, Education, Gender, Job
    from members.models import Member

    codes = {}
    for choices in (Gender.choices, Education.choices, Category.choices, Job.choices):
        codes.update({str(label): value for value, label in choices})
    ethnic = {label: code for code, label in ETHNIC_GROUPS}
    date = datetime.date.fromisoformat
    for row in rows:
        yield Member(
            name=row["姓名"],
            id_number=row["公民身份号码"],
            gender=codes[row["性别"]],
            ethnicity=ethnic[row["民族"]],
            birth_date=date(row["出生日期"]),
            education=codes[row["学历"]],
            category=codes[row["人员类别"]],
            joined_on=date(row["入党日期"]),
            confirmed_on=date(row["转正日期"]) if row["转正日期"] else None,
            organization_id=orgs_by_code[row["所在党组织代码"]],
            job=codes[row["工作岗位"]],
            phone=row["联系电话"] or "",
            is_mobile=row["是否流动党员"] == "是",
            mobile_destination=row["流动去向"] or "",
            is_in_hardship=row["是否生活困难党员"] == "是",
        )


# --- the city data set (seed_demo --scale city) ----------------------------------------------

LOAD_STAFF = "load_staff"
LOAD_TOWN_STAFF = "load_town_staff"
LOAD_LEADER = "load_leader"
SECRETARY_PREFIX = "load_sec_"
#: villages with funds, venue projects, economy and org-life records ("a few hundred")
DETAILED_VILLAGES = 150
ACCOUNT = "已按要求完成，相关会议记录和照片已归档。"
Say = Callable[[str], None]


class SeparateDatabaseNeeded(ValueError):
    """The portal has one root organisation: the city cannot share a database with the
    demo county (or any other tree)."""


def secretary_username(number: int) -> str:
    return f"{SECRETARY_PREFIX}{number:04d}"


def build_city(
    *,
    orgs: int = 2000,
    members: int = 500_000,
    secretaries: int = 200,
    password: str,
    say: Say = print,
) -> int:
    """The city data set; every step is skipped when its data is there (idempotent).
    Returns the number of load secretary accounts (at most one per village)."""
    shape = city_shape(orgs)
    root = _city_tree(shape, say)
    _city_members(root, shape, members, say)
    staff, secretary_count = _city_accounts(root, secretaries, password, say)
    _city_lists(root, staff, say)
    _city_funding(root, say)
    _city_life(root, say)
    return secretary_count


def _city_tree(shape: TreeShape, say: Say):
    import tablib
    from django.db import transaction

    from core.importing import run_import
    from orgs.models import Organization
    from orgs.resources import OrganizationResource

    other_root = Organization.objects.filter(depth=1).exclude(code=shape.root_code).first()
    if other_root is not None:
        raise SeparateDatabaseNeeded(
            f"该数据库已有根组织“{other_root.name}”（{other_root.code}），门户只能有一个根组织："
            "城市压测数据请生成到单独的空数据库（用 DATABASE_URL 指定），演示县不受影响。"
        )
    root = Organization.objects.filter(code=shape.root_code).first()
    if root is not None:
        say(f"城市组织：已存在（{Organization.objects.within(root).count()} 个），未变")
        return root
    rows, weak = without_weak_flags(org_rows(shape))
    dataset = tablib.Dataset(*rows, headers=ORG_HEADERS)
    with transaction.atomic():
        report = run_import(OrganizationResource(source="seed_demo_city"), dataset)
        if not report.ok:
            raise ValueError("；".join(str(e) for e in report.errors[:5]))
        registered = _register_weak(weak)
    say(f"城市组织：{report.summary()}；软弱涣散整顿台账登记 {registered} 个")
    return Organization.objects.get(code=shape.root_code)


def without_weak_flags(rows: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """The rows with 是否软弱涣散 left blank, and the codes that were flagged: the flag
    follows the weak-and-lax register, so the import may not set it (orgs.resources)."""
    flag = ORG_HEADERS.index("是否软弱涣散")
    weak = [row[0] for row in rows if row[flag] == "是"]
    return [[*row[:flag], "", *row[flag + 1 :]] for row in rows], weak


def _register_weak(codes: list[str]) -> int:
    """A register entry under rectification for each flagged organisation (the entry sets
    its flag), as the county demo does for its one village."""
    from django.utils import timezone

    from assessments.choices import WeakLaxSituation
    from assessments.register.services import entry_create
    from orgs.models import Organization

    today = timezone.localdate()
    for organization in Organization.objects.filter(code__in=codes):
        entry_create(
            user=None,
            organization=organization,
            year=today.year,
            situations=[WeakLaxSituation.ORGANISATION_INACTIVE],
            measures="选派第一书记驻村，规范“三会一课”，每月督导一次。",
            responsible_person="区委组织部",
            deadline=today + datetime.timedelta(days=120),
        )
    return len(codes)


def _city_members(root, shape: TreeShape, count: int, say: Say, batch: int = 5000) -> None:
    """`count` members over the city's branches; resumes an interrupted load (the rows are
    seeded, so a second run regenerates the same ones and skips those stored)."""
    from django.db import transaction
    from django.utils import timezone

    from core.counting import bump
    from members.models import Member
    from orgs.models import Organization

    in_city = Member.objects.within(root)
    have = in_city.count()
    if have >= count:
        say(f"城市党员：已有 {have} 名，未变")
        return
    branches = Organization.objects.within(root).filter(numchild=0, level__in=("village", "other"))
    weights = branch_weights(shape.root_code, branches.values_list("code", "kind"))
    orgs_by_code = dict(branches.values_list("code", "pk"))
    # ID numbers are unique across the portal: skip those already stored (this city's own
    # from an interrupted run, or anyone else's)
    stored = set(Member.objects.values_list("id_number", flat=True))
    rows = member_rows(count, branches=weights, today=timezone.localdate(), seed=500000)
    fresh = (row for row in rows if row["公民身份号码"] not in stored)
    objects = member_objects(fresh, orgs_by_code)
    added = 0
    while chunk := list(itertools.islice(objects, batch)):
        with transaction.atomic():
            Member.objects.bulk_create(chunk)  # generated data: no history rows
            bump(Member)  # bulk_create sends no signals (core/counting.py)
        added += len(chunk)
    say(f"城市党员：新增 {added} 名（批量写入，未记历史），共 {in_city.count()} 名")


def _city_accounts(root, secretaries: int, password: str, say: Say):
    """load_staff / load_leader on the city, load_town_staff on its first township, and a
    secretary account on each of the first `secretaries` villages (one password hash for
    all: hashing it per account would take minutes)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.services import grant
    from orgs.models import Organization

    city = Organization.objects.within(root)
    town = city.filter(level="township").order_by("path").first()
    villages = list(
        city.filter(level="village", numchild=0).order_by("path").values_list("code", flat=True)
    )[:secretaries]
    wanted = [
        (LOAD_STAFF, root.code, "staff", "市委组织部 压测干事"),
        (LOAD_LEADER, root.code, "leader", "市委 压测领导"),
        (LOAD_TOWN_STAFF, town.code, "staff", "乡镇 压测组织委员"),
    ] + [
        (secretary_username(n), code, "secretary", f"压测书记 {n:04d}")
        for n, code in enumerate(villages, start=1)
    ]
    created = []
    with transaction.atomic():
        for username, code, role, full_name in wanted:
            result = grant(username=username, org_code=code, role=role, full_name=full_name)
            if result.user_created:
                created.append(result.user)
        if created:
            hashed = make_password(password)
            for user in created:
                user.password = hashed
            get_user_model().objects.bulk_update(created, ["password"])
    say(
        f"压测账号：新建 {len(created)} 个（{LOAD_STAFF}、{LOAD_LEADER}、{LOAD_TOWN_STAFF}、"
        f"{secretary_username(1)}…{secretary_username(len(villages))}）"
    )
    return get_user_model().objects.get(username=LOAD_STAFF), len(villages)


# (share of each item's points given, cycled): most lists do well, some fall short
SCORE_PATTERNS: tuple[tuple[Decimal, ...], ...] = (
    (Decimal("1"),),
    (Decimal("0.9"), Decimal("1")),
    (Decimal("1"), Decimal("0.8"), Decimal("1")),
    (Decimal("0.9"), Decimal("0.4"), Decimal("1")),
    (Decimal("0.7"), Decimal("0.9")),
    (Decimal("0.5"), Decimal("0.6"), Decimal("0.8")),
)


def _city_lists(root, staff, say: Say) -> None:
    """The previous and the current quarter's lists, issued by the real service to every
    organisation with a template. Of the previous quarter's: 5 % never submitted, 5 %
    returned, 20 % submitted and awaiting review, the rest approved with scores (and
    rectifications where an item fell short). Of the current quarter's: a quarter
    submitted, a third in progress; the load secretaries' lists stay open for filling.
    Only lists issued by this run are reported on, so a second run changes nothing."""
    from django.db import transaction
    from django.utils import timezone

    from checklists.issuing import issue_checklists
    from core.periods import Quarter

    today = timezone.localdate()
    current = Quarter.of(today)
    with transaction.atomic():
        previous = issue_checklists(quarter=current.previous, org=root, user=staff)
        now = issue_checklists(quarter=current, org=root, user=staff)
        done_before = _report_previous(previous.created, staff, current.previous)
        done_now = _report_current(now.created, today)
    say(
        f"责任清单：{current.previous} 新下发 {len(previous.created)} 份（{done_before}），"
        f"{current} 新下发 {len(now.created)} 份（{done_now}）"
    )


def _submit(lists, items_by_list, *, at, deadline_of) -> None:
    """What the secretary's submission stores: every item done with an account, the
    measured values of the indicator items, the submission time and lateness."""
    from django.utils import timezone

    from checklists.choices import ItemStatus, ListStatus
    from checklists.indicators import measure_items
    from checklists.models import ChecklistItem

    items = [item for checklist in lists for item in items_by_list[checklist.pk]]
    measured = measure_items(items)
    for item in items:
        item.status = ItemStatus.DONE
        item.account = ACCOUNT
        if item.pk in measured:
            item.measured_value = measured[item.pk]
    ChecklistItem.objects.bulk_update(
        items, ["status", "account", "measured_value"], batch_size=2000
    )
    for index, checklist in enumerate(lists):
        checklist.status = ListStatus.SUBMITTED
        checklist.submitted_at = at(index)
        checklist.late = timezone.localdate(checklist.submitted_at) > deadline_of(checklist)
        checklist.revision += 1


def _items_by_list(lists) -> dict[int, list]:
    from checklists.models import ChecklistItem

    grouped: dict[int, list] = {c.pk: [] for c in lists}
    for item in (
        ChecklistItem.objects.filter(checklist__in=[c.pk for c in lists])
        .select_related("checklist__organization")
        .order_by("checklist_id", "position")
    ):
        grouped[item.checklist_id].append(item)
    return grouped


def _report_previous(created, staff, quarter) -> str:
    from django.utils import timezone

    from checklists.choices import ListStatus
    from checklists.models import ChecklistItem, Rectification, ResponsibilityList
    from checklists.reviewing.rules import falls_short, rectify_days

    if not created:
        return "未变"
    items_by_list = _items_by_list(created)
    never = [c for i, c in enumerate(created) if i % 20 == 19]
    returned = [c for i, c in enumerate(created) if i % 20 == 18]
    pending = [c for i, c in enumerate(created) if i % 20 < 18 and i % 5 == 1]
    approved = [c for i, c in enumerate(created) if i % 20 < 18 and i % 5 != 1]
    reported = returned + pending + approved
    closing = datetime.datetime.combine(quarter.last_day, datetime.time(16, 0))
    closing = timezone.make_aware(closing)
    # every tenth submission comes in after the deadline
    _submit(
        reported,
        items_by_list,
        at=lambda i: closing + datetime.timedelta(days=15 if i % 10 == 3 else i % 6),
        deadline_of=lambda c: c.deadline,
    )
    now = timezone.now()
    rectify_by = timezone.localdate(now) + datetime.timedelta(days=rectify_days())
    scored, rectifications = [], []
    for index, checklist in enumerate(approved):
        pattern = SCORE_PATTERNS[index % len(SCORE_PATTERNS)]
        items = items_by_list[checklist.pk]
        for position, item in enumerate(items):
            item.score = (item.points * pattern[position % len(pattern)]).quantize(Decimal("0.1"))
            scored.append(item)
            if falls_short(item):
                rectifications.append(
                    Rectification(
                        item=item,
                        requirement=f"第 {item.position} 项“{item.content}”得分 {item.score} / "
                        f"{item.points} 分，请对照工作要求整改。",
                        responsible_person="本组织书记",
                        deadline=rectify_by,
                        created_by=staff,
                    )
                )
        checklist.status = ListStatus.APPROVED
        checklist.total_score = sum((item.score for item in items), Decimal("0"))
        checklist.reviewed_by = staff
        checklist.reviewed_at = now
        checklist.revision += 2
    for checklist in returned:
        first = items_by_list[checklist.pk][0]
        first.review_comment = "请补充支部党员大会会议记录的照片。"
        first.needs_rectification = True
        scored.append(first)
        checklist.status = ListStatus.RETURNED
        checklist.reviewed_by = staff
        checklist.reviewed_at = now
        checklist.revision += 1
    ChecklistItem.objects.bulk_update(
        scored, ["score", "review_comment", "needs_rectification"], batch_size=2000
    )
    Rectification.objects.bulk_create(rectifications, batch_size=2000)
    ResponsibilityList.objects.bulk_update(
        reported,
        ["status", "submitted_at", "late", "revision", "total_score", "reviewed_by", "reviewed_at"],
        batch_size=1000,
    )
    return (
        f"审核通过 {len(approved)}、待审核 {len(pending)}、退回 {len(returned)}、"
        f"未提交 {len(never)}，整改 {len(rectifications)} 项；批量写入，未记历史"
    )


def _report_current(created, today: datetime.date) -> str:
    from django.utils import timezone

    from accounts.models import Assignment
    from checklists.choices import ItemStatus
    from checklists.models import ChecklistItem, ResponsibilityList

    if not created:
        return "未变"
    # the load test's secretaries fill their own lists: those stay open
    load_orgs = set(
        Assignment.objects.filter(user__username__startswith=SECRETARY_PREFIX).values_list(
            "organization_id", flat=True
        )
    )
    open_lists = [c for c in created if c.organization_id not in load_orgs]
    submitted = [c for i, c in enumerate(open_lists) if i % 4 == 1]
    started = [c for i, c in enumerate(open_lists) if i % 4 in (2, 3) and i % 3 == 0]
    items_by_list = _items_by_list(submitted)
    now = timezone.now()
    _submit(
        submitted,
        items_by_list,
        at=lambda i: now - datetime.timedelta(hours=1 + i % 240),
        deadline_of=lambda c: c.deadline,
    )
    ResponsibilityList.objects.bulk_update(
        submitted, ["status", "submitted_at", "late", "revision"], batch_size=1000
    )
    ChecklistItem.objects.filter(checklist__in=[c.pk for c in started], position__lte=2).update(
        status=ItemStatus.IN_PROGRESS, account="正在推进。"
    )
    return f"已提交 {len(submitted)}、推进中 {len(started)}；批量写入，未记历史"


def _import(resource, rows: list[list[str]]) -> str:
    import tablib

    from core.importing import run_import

    dataset = tablib.Dataset(*rows, headers=[c.name for c in resource.columns])
    report = run_import(resource, dataset)
    if not report.ok:
        raise ValueError("；".join(str(e) for e in report.errors[:5]))
    return report.summary()


def _detailed_villages(root) -> list:
    from orgs.models import Organization

    villages = Organization.objects.within(root).filter(
        level="village", numchild=0, domain__in=("rural", "community")
    )
    return list(villages.order_by("path")[:DETAILED_VILLAGES])


def _city_funding(root, say: Say) -> None:
    """Fund lines with their instalments, venue projects and collective-economy records of
    a few hundred villages, through the data-dictionary imports (demo/funding.py's rows)."""
    from django.db import transaction

    from funding.models import FiscalRevenue, FundLine
    from funding.resources import (
        EconomyRecordResource,
        FundLineResource,
        VenueProjectResource,
    )
    from orgs.models import Organization

    from .funding import YEAR, economy_rows, fund_rows, site_rows

    if FundLine.objects.within(root).exists():
        say("城市经费与阵地：已存在，未变")
        return
    villages = _detailed_villages(root)
    organs = list(Organization.objects.within(root).filter(domain="organ", level="other"))
    sites = []
    for start in range(0, len(villages), 10):  # site_rows plans ten villages at a time
        sites += site_rows(villages[start : start + 10])
    with transaction.atomic():
        FiscalRevenue.objects.get_or_create(
            organization=root, year=YEAR - 1, defaults={"revenue": Decimal("1860000")}
        )
        source = "seed_demo_city"
        parts = [
            "经费 " + _import(FundLineResource(source=source), fund_rows(villages, organs)),
            "阵地 " + _import(VenueProjectResource(source=source), sites),
            "集体经济 " + _import(EconomyRecordResource(source=source), economy_rows(villages)),
        ]
    say("城市经费与阵地：" + " ".join(parts))


LIFE_TOPICS = {
    "branch_assembly": ("支部党员大会", "学习贯彻全会精神，讨论发展党员事项"),
    "committee_meeting": ("支委会", "研究本月党建工作安排"),
    "party_lecture": ("党课", "书记讲党课：践行初心使命"),
    "theme_day": ("主题党日", "主题党日：为民服务志愿活动"),
}


def life_rows(villages, today: datetime.date) -> list[list[str]]:
    """三会一课 records of the previous and current quarter: a monthly committee meeting
    and theme day, a quarterly assembly and lecture (some villages skip some)."""
    from core.periods import Quarter

    current = Quarter.of(today)
    rng = random.Random(3)
    rows = []
    for index, org in enumerate(villages):
        for quarter in (current.previous, current):
            for month in range(3):
                first = quarter.first_day.replace(month=quarter.first_day.month + month)
                for kind in ("committee_meeting", "theme_day"):
                    held = first + datetime.timedelta(days=rng.randint(4, 24))
                    if held <= today and (index + month) % 7:
                        rows.append(_life_row(org, kind, held, rng))
            for kind in ("branch_assembly", "party_lecture"):
                held = quarter.first_day + datetime.timedelta(days=rng.randint(20, 80))
                if held <= today and index % 9:
                    rows.append(_life_row(org, kind, held, rng))
    return rows


def _life_row(org, kind: str, held: datetime.date, rng: random.Random) -> list[str]:
    label, topic = LIFE_TOPICS[kind]
    expected = rng.randint(12, 45)
    present = expected - rng.randint(0, expected // 4)
    return [org.code, label, held.isoformat(), topic, str(expected), str(present), ""]


def _city_life(root, say: Say) -> None:
    from django.db import transaction
    from django.utils import timezone

    from orgs.life.resources import OrgLifeRecordResource
    from orgs.models import OrgLifeRecord

    if OrgLifeRecord.objects.within(root).exists():
        say("城市组织生活：已存在，未变")
        return
    rows = life_rows(_detailed_villages(root), timezone.localdate())
    with transaction.atomic():
        summary = _import(OrgLifeRecordResource(source="seed_demo_city"), rows)
    say("城市组织生活：" + summary)
