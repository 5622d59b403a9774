"""Realistic, valid benchmark data: a county's organisation tree and its member roster.

    python benchmarks/generate_members.py tree            # ~2,000 organisations (orgs import)
    python benchmarks/generate_members.py xlsx [N]        # N rows (50,000) to DATA_DIR
    python benchmarks/generate_members.py load [N]        # N members (500,000) via bulk_create

Rows pass every rule of the data dictionary: GB 11643 ID numbers (checksum from
members.identity.check_character) whose birth date and 17th digit match 出生日期 and 性别,
18+ on 入党日期, 正式党员 with 转正日期 at least one year later, 预备党员 without one, mobile
members with a destination. The mix of organisations, ethnicities, education and jobs
follows a rural county. Everything is seeded, so two runs produce the same file.
"""

from __future__ import annotations

import datetime
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from _setup import DATA_DIR, Timer, django_setup

ROOT_CODE = "BX"
TOWNSHIPS = 20
VILLAGES_PER_TOWNSHIP = 90
COUNTY_UNITS = 4  # 机关工委、教育工委、卫健工委、非公工委
UNITS_PER_COUNTY_UNIT = 35

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
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


# --- the organisation tree ---------------------------------------------------------------


def org_rows() -> list[list[str]]:
    """Rows of the orgs import: county → townships / working committees → villages,
    communities and units (about 2,000 organisations, 1,900 of them branches)."""
    rng = random.Random(20240701)
    rows: list[list[str]] = []

    def add(code, name, parent, kind, level, domain):
        founded = datetime.date(rng.randint(1950, 2015), rng.randint(1, 12), 1)
        term = datetime.date(2021, rng.randint(1, 12), 1).isoformat()
        rows.append(
            [code, name, parent, kind, level, domain, founded.isoformat(), "", "", term, "", "否",
             "是" if rng.random() < 0.02 else "否"]
        )  # fmt: skip

    add(ROOT_CODE, "北溪县委", "", "党委", "县级", "机关")
    for t in range(1, TOWNSHIPS + 1):
        town = f"{ROOT_CODE}-T{t:02d}"
        town_name = TOWN_NAMES[t - 1]
        urban = "街道" in town_name or t == 1
        add(town, f"{town_name}党委", ROOT_CODE, "党委", "乡镇级", "城市社区" if urban else "农村")
        for v in range(1, VILLAGES_PER_TOWNSHIP + 1):
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
    units = (("JG", "机关工委", "机关"), ("JY", "教育工委", "学校"),
             ("WJ", "卫健工委", "事业单位"), ("FG", "非公工委", "非公有制企业"))  # fmt: skip
    for prefix, label, domain in units[:COUNTY_UNITS]:
        unit = f"{ROOT_CODE}-{prefix}"
        add(unit, f"县{label}", ROOT_CODE, "党工委", "县级", domain)
        for u in range(1, UNITS_PER_COUNTY_UNIT + 1):
            add(f"{unit}-{u:03d}", f"{label}第{u}党支部", unit, "党支部", "其他", domain)
    return rows


def ensure_tree() -> int:
    """Create the tree with the portal's own orgs import if it is not there yet."""
    django_setup()
    import tablib

    from core.importing import run_import
    from orgs.models import Organization
    from orgs.resources import OrganizationResource

    if Organization.objects.filter(code=ROOT_CODE).exists():
        return Organization.objects.count()
    dataset = tablib.Dataset(headers=ORG_HEADERS)
    for row in org_rows():
        dataset.append(row)
    with Timer() as timer:
        report = run_import(OrganizationResource(user=None, source="benchmark"), dataset)
    if not report.ok:
        raise SystemExit("\n".join(str(e) for e in report.errors[:20]))
    print(f"organisation tree: {report.new} organisations in {timer.seconds:.1f} s")
    return Organization.objects.count()


def branch_codes() -> list[tuple[str, int]]:
    """(code, weight) of the organisations members belong to: branches, with county-seat
    communities and organs larger than remote villages."""
    from orgs.models import Organization

    weights = []
    for code, kind in Organization.objects.filter(depth__gte=3).values_list("code", "kind"):
        if "-S" in code:
            weights.append((code, 60))
        elif code.startswith(f"{ROOT_CODE}-JG") or code.startswith(f"{ROOT_CODE}-JY"):
            weights.append((code, 45))
        elif kind == "joint_branch":
            weights.append((code, 20))
        else:
            weights.append((code, 25))
    return weights


# --- members ---------------------------------------------------------------------------


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


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def member_rows(count: int, seed: int = 1921) -> Iterator[dict]:
    """`count` valid members as data-dictionary values (Chinese labels, ISO dates)."""
    django_setup()
    from django.utils import timezone

    rng = random.Random(seed)
    today = timezone.localdate()
    orgs, org_weights = zip(*branch_codes(), strict=True)
    org_cum = list(_accumulate(org_weights))
    seen: set[str] = set()
    produced = 0
    while produced < count:
        male = rng.random() < 0.72
        ethnicity = _pick(rng, ETHNICITY_WEIGHTS)
        age = min(int(rng.triangular(19, 92, 48)), 95)
        birth = _add_years(today, -age) - datetime.timedelta(days=rng.randint(1, 364))
        region = _pick(rng, REGIONS)
        number = _id_number(region, birth, rng.randrange(500), male)
        if number in seen:
            continue
        seen.add(number)
        adult = _add_years(birth, 18)
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
            earliest = _add_years(joined, 1)
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
        org = orgs[_bisect(org_cum, rng.random() * org_cum[-1])]
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


def _accumulate(weights):
    total = 0
    for w in weights:
        total += w
        yield total


def _bisect(cumulative: list[int], x: float) -> int:
    import bisect

    return bisect.bisect_right(cumulative, x)


def write_xlsx(count: int, path: Path | None = None) -> Path:
    """The import benchmark's file: openpyxl write-only, every cell a text cell (as the
    blank template asks: ID numbers, phones and dates typed as text)."""
    from openpyxl import Workbook

    ensure_tree()
    path = path or DATA_DIR / f"members-{count}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append(HEADERS)
    for row in member_rows(count):
        sheet.append([row[h] for h in HEADERS])
    workbook.save(path)
    return path


def xlsx_path(count: int) -> Path:
    """The benchmark file, generated on first use."""
    path = DATA_DIR / f"members-{count}.xlsx"
    if not path.exists():
        with Timer() as timer:
            write_xlsx(count, path)
        print(f"generated {path} ({count} rows) in {timer.seconds:.1f} s")
    return path


# --- straight into the database (the list-page benchmark) ---------------------------------


def member_objects(rows, orgs_by_code: dict):
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


def load_members(count: int, batch: int = 5000) -> None:
    """Replace the roster with `count` generated members (plain bulk_create: the list-page
    benchmark measures reading, not importing)."""
    from itertools import islice

    from _setup import reset_members, vacuum_members
    from django.db import transaction

    from members.models import Member
    from orgs.models import Organization

    ensure_tree()
    reset_members()
    orgs_by_code = dict(Organization.objects.values_list("code", "pk"))
    objects = member_objects(member_rows(count, seed=500000), orgs_by_code)
    with Timer() as timer:
        while chunk := list(islice(objects, batch)):
            with transaction.atomic():
                Member.objects.bulk_create(chunk)
    vacuum_members()
    print(f"loaded {Member.objects.count()} members in {timer.seconds:.1f} s")


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "xlsx"
    django_setup()
    if command == "tree":
        print(f"{ensure_tree()} organisations")
    elif command == "xlsx":
        count = int(argv[1]) if len(argv) > 1 else 50_000
        with Timer() as timer:
            path = write_xlsx(count)
        print(f"wrote {path} ({count} rows) in {timer.seconds:.1f} s")
    elif command == "load":
        load_members(int(argv[1]) if len(argv) > 1 else 500_000)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
