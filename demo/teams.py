"""The demo county's leadership teams and its 2026 换届, written through the teams services
(committees, elections) and, for the records those services do not cover yet, as validated
rows (candidates and their 资格联审, reserves, postings, pay).

Every organisation gets its committee: the 书记 named on the organisation (with the ID
number of the roster's member of that name in the organisation where there is one, else a
number of a region of its own), the other posts filled from the organisation's own roster
so that the link to the member shows, and in most villages the 书记 兼任 村（居）民委员会
主任 (一肩挑). The 2026 换届:
- approved: 东关村, 杨庄村, 马坊村 and 新华社区 (elected on the day their term began), 河湾村
  (its term ended in June; the July election, once approved, starts the term) and three
  county units;
- held, awaiting approval: 西关村 and 东苑社区 (early in the county's window: their terms end
  in January) and the 第一中学总支;
- vetted and waiting: 柳林村 (its 书记 nominated again, passed and filed) and 南岭村 (one
  candidate failed the 公安 check, another passed and is not filed yet);
- overdue: 青石村 (term ended in June, its candidate's 联审 still under way);
- vacant: 石桥村's 书记 left on 30 June and has no successor.
Besides: 后备干部 in five villages, 第一书记 and 工作队员 from county units, two 大学生村干部,
the county's 2026 pay standard and the village cadres' 2026 pay (one below it).

Deterministic: the dates are fixed in 2026 like the terms (demo/organisations.py) they
follow, and the people come from seeded choices. Idempotent: each part leaves an
organisation that already has its records alone.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from core.periods import add_years
from members.choices import Category, Education
from members.identity import age_on, check_character
from members.models import Member
from orgs.choices import OrgDomain, OrgKind, OrgLevel
from orgs.models import Organization
from teams.choices import (
    REQUIRED_VETTING_BODIES,
    CadreGrade,
    ElectionMethod,
    Origin,
    Position,
    PostingKind,
    ReserveStatus,
    VettingBody,
)
from teams.models import (
    CadrePay,
    Candidate,
    CommitteeMember,
    Election,
    PayStandard,
    Posting,
    ReserveCadre,
    VettingCheck,
)
from teams.renewal import is_village_or_community
from teams.selectors import team_on
from teams.services.committee import roster_member_named, save_membership
from teams.services.elections import ElectedMember, approve_election, record_election

from .calendar import demo_today
from .organisations import COUNTY, HEADERS

YEAR = 2026
D = datetime.date

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
MALE_GIVEN = ["建平", "志刚", "国栋", "卫星", "振华", "德才", "立新", "文军"]
FEMALE_GIVEN = ["秀英", "海燕", "春梅", "丽华", "桂兰", "玉珍", "秀兰", "桂芳", "淑珍", "丽娟"]


class Person(NamedTuple):
    name: str
    id_number: str


@dataclass(frozen=True)
class ElectionPlan:
    held_on: datetime.date
    approved_on: datetime.date | None
    session: str
    #: the committee's second member takes the chair (else the 书记 is elected again)
    new_secretary: bool = False


ELECTIONS = {
    "QH0104": ElectionPlan(D(2026, 4, 2), D(2026, 4, 24), "第十二届"),
    "QH0203": ElectionPlan(D(2026, 4, 2), D(2026, 4, 24), "第十二届"),
    "QH0302": ElectionPlan(D(2026, 4, 2), D(2026, 4, 24), "第十二届"),
    "QH0403": ElectionPlan(D(2026, 4, 2), D(2026, 4, 24), "第八届"),
    "QH0105": ElectionPlan(D(2026, 7, 18), D(2026, 8, 6), "第十二届", new_secretary=True),
    "QH0103": ElectionPlan(D(2026, 9, 27), None, "第十二届"),
    "QH0401": ElectionPlan(D(2026, 9, 26), None, "第八届", new_secretary=True),
    "QH-QY02": ElectionPlan(D(2026, 7, 10), D(2026, 7, 30), "第四届"),
    "QH-SH01": ElectionPlan(D(2026, 7, 15), D(2026, 8, 3), "第三届"),
    "QH-JG02": ElectionPlan(D(2026, 9, 15), D(2026, 9, 28), "第九届"),
    "QH-XX01": ElectionPlan(D(2026, 9, 22), None, "第七届"),
}
#: the one village whose term ended without an election
OVERDUE = "QH0201"
#: the 书记 who left without a successor: where, when, why
VACANT = ("QH0202", D(2026, 6, 30), "因病辞去书记职务")
#: villages whose 书记 does not also chair the 村（居）民委员会
NOT_ONE_SHOULDER = frozenset({"QH0102", "QH0204", "QH0305"})
#: the candidate whose 公安 check failed, and why
POLICE_REFUSAL = "2024年因参与赌博受到治安管理处罚，不宜提名为村党组织书记人选。"
#: the village whose 2026 书记 passed the 联审 but was never filed with the county
NOT_FILED = "QH0403"

#: the county's 2026 minimum for a village cadre's yearly pay (基本报酬 + 绩效)
PAY_MINIMUM = Decimal("30000")
#: the cadre paid below it: village and post
UNDERPAID = ("QH0204", Position.PUBLICITY)
BASE_PAY = {Position.SECRETARY: Decimal("38000"), Position.DEPUTY: Decimal("30000")}
OTHER_BASE_PAY = Decimal("26000")


# --- people ------------------------------------------------------------------------------
def _female(name: str) -> bool:
    return name[1:] in FEMALE_GIVEN


def _id_number(key: str, *, female: bool, born: tuple[int, int] = (1966, 1992)) -> str:
    """A valid number of the demo's teams region (5134 92…, apart from the roster's),
    the same for the same key."""
    digest = hashlib.sha256(key.encode()).digest()
    first, last = born
    span = (D(last, 12, 31) - D(first, 1, 1)).days
    birth = D(first, 1, 1) + datetime.timedelta(days=int.from_bytes(digest[:4]) % span)
    sequence = int.from_bytes(digest[4:6]) % 500 * 2 + (0 if female else 1)
    first17 = f"513492{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def _outsider(key: str, rnd: random.Random, *, born: tuple[int, int] = (1966, 1992)) -> Person:
    """Someone who is not on this county's roster."""
    female = rnd.random() < 0.3
    name = rnd.choice(SURNAMES) + rnd.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    return Person(name, _id_number(f"{key}:{name}", female=female, born=born))


def _secretary(org: Organization) -> Person | None:
    """The 书记 named on the organisation: the roster's member of that name, if any."""
    name = org.secretary_name.strip()
    if not name:
        return None
    member = roster_member_named(org, name)
    if member is not None:
        return Person(member.name, member.id_number)
    return Person(name, _id_number(f"{org.code}:{name}", female=_female(name)))


def _roster_people(
    org: Organization,
    day: datetime.date,
    count: int,
    rnd: random.Random,
    *,
    taken: set[str],
    ages: tuple[int, int] = (25, 58),
) -> list[Person]:
    """`count` full members of the organisation's roster on `day`, of working age where
    there are enough; outsiders make up for a roster too small (or none)."""
    pool = [
        m
        for m in Member.objects.active()
        .filter(organization=org, category=Category.FULL, confirmed_on__lte=day)
        .order_by("joined_on", "pk")
        .only("name", "id_number", "birth_date")
        if m.id_number not in taken
    ]
    young, old = ages
    fit = [m for m in pool if young <= age_on(m.birth_date, day) <= old]
    rnd.shuffle(fit)
    rest = [m for m in pool if m not in fit]
    chosen = [Person(m.name, m.id_number) for m in (fit + rest)[:count]]
    while len(chosen) < count:
        chosen.append(_outsider(f"{org.code}:{len(chosen)}", rnd))
    taken.update(p.id_number for p in chosen)
    return chosen


# --- committees and elections ------------------------------------------------------------
def _posts(org: Organization, members: int) -> tuple[str, ...]:
    """Three posts for a small branch, four for a 党支部, five for a 党总支 or a village-level
    党委, seven for a county's or township's committee (a 党工委, appointed, six)."""
    small = (Position.SECRETARY, Position.ORGANIZATION, Position.PUBLICITY)
    if org.level in (OrgLevel.COUNTY, OrgLevel.TOWNSHIP):
        deputies = 1 if org.kind == OrgKind.WORKING_COMMITTEE else 2
        return (*small, Position.DISCIPLINE, *[Position.DEPUTY] * deputies, Position.MEMBER)
    if members < 10 or org.kind == OrgKind.JOINT_BRANCH:
        return small
    if org.kind == OrgKind.BRANCH:
        return (*small, Position.DISCIPLINE)
    return (*small, Position.DISCIPLINE, Position.DEPUTY)


def _concurrent_post(org: Organization, position: str) -> str:
    if not is_village_or_community(org):
        return ""
    community = org.domain == OrgDomain.URBAN_COMMUNITY
    if position == Position.SECRETARY and org.code not in NOT_ONE_SHOULDER:
        return "居民委员会主任" if community else "村民委员会主任"
    if position == Position.DISCIPLINE:
        return "居务监督委员会主任" if community else "村务监督委员会主任"
    return ""


def _committee(
    org: Organization, day: datetime.date, rnd: random.Random
) -> list[tuple[str, Person]]:
    """The posts of the organisation's committee on `day` and who holds them."""
    members = Member.objects.active().filter(organization=org).count()
    posts = _posts(org, members)
    secretary = _secretary(org)
    taken = {secretary.id_number} if secretary else set()
    others = _roster_people(org, day, len(posts) - 1, rnd, taken=taken)
    seated = [(Position.SECRETARY, secretary)] if secretary else []
    return seated + list(zip(posts[1:], others, strict=True))


def _seat(
    org: Organization,
    position: str,
    person: Person,
    started_on: datetime.date,
    *,
    ended_on: datetime.date | None = None,
    leave_reason: str = "",
) -> None:
    membership = CommitteeMember(
        organization=org,
        position=position,
        name=person.name,
        id_number=person.id_number,
        concurrent_post=_concurrent_post(org, position),
        started_on=started_on,
        ended_on=ended_on,
        origin=Origin.ELECTED if org.is_elected else Origin.APPOINTED,
        leave_reason=leave_reason,
    )
    membership.full_clean(exclude=["member", "election"])
    save_membership(membership)


def _seat_committee(org: Organization, rnd: random.Random) -> None:
    """The committee in post since the term began (石桥村's 书记 has since left)."""
    started_on = org.term_started_on or org.founded_on
    for position, person in _committee(org, started_on, rnd):
        vacancy = org.code == VACANT[0] and position == Position.SECRETARY
        _seat(
            org,
            position,
            person,
            started_on,
            ended_on=VACANT[1] if vacancy else None,
            leave_reason=VACANT[2] if vacancy else "",
        )


def _renew(org: Organization, plan: ElectionPlan, rnd: random.Random) -> None:
    """The committee of the term before, then the election that renews it: the same people
    but one, who gives way to another member (with a new 书记, the first of the others
    takes the chair)."""
    before = org.term_started_on
    if before is None or before >= plan.held_on:
        before = add_years(plan.held_on, -org.term_years)
    old = _committee(org, before, rnd)
    for position, person in old:
        _seat(org, position, person, before)
    taken = {person.id_number for _position, person in old}
    [newcomer] = _roster_people(org, plan.held_on, 1, rnd, taken=taken)
    new = list(old)
    if plan.new_secretary:
        new[0] = (Position.SECRETARY, old[1][1])
        new[1] = (old[1][0], newcomer)
    else:
        new[-1] = (old[-1][0], newcomer)
    voters = Member.objects.active().filter(organization=org, category=Category.FULL).count()
    seats = len(new)
    election = Election(
        organization=org,
        session=plan.session,
        held_on=plan.held_on,
        expected=voters,
        present=voters - max(1, voters // 12),
        method=ElectionMethod.COMPETITIVE,
        candidates=seats + max(1, math.ceil(seats / 5)),
        seats=seats,
    )
    election.full_clean()
    record_election(
        election,
        [
            ElectedMember(person.name, person.id_number, position, _concurrent_post(org, position))
            for position, person in new
        ],
    )
    if plan.approved_on:
        approve_election(election, approved_on=plan.approved_on)


def _committees(county: Organization) -> int:
    """Committees (and the elections that renewed some of them); the number of
    organisations given theirs."""
    done = 0
    for org in Organization.objects.within(county).order_by("path"):
        if CommitteeMember.objects.filter(organization=org).exclude(origin="").exists():
            continue
        rnd = random.Random(f"teams:{org.code}")  # noqa: S311 - demo data, not security
        plan = ELECTIONS.get(org.code)
        if plan is not None:
            _renew(org, plan, rnd)
        else:
            _seat_committee(org, rnd)
        done += 1
    return done


# --- 资格联审 -----------------------------------------------------------------------------
def _candidate(
    org: Organization,
    person: Person,
    *,
    proposed_on: datetime.date,
    checked_on: datetime.date,
    checked: tuple[str, ...] = REQUIRED_VETTING_BODIES,
    refused_by: dict[str, str] | None = None,
    filed_on: datetime.date | None = None,
    notes: str = "",
) -> None:
    """A 书记 candidate with the verdicts of the bodies in `checked` (a pass unless
    `refused_by` gives the body's reason)."""
    refused_by = refused_by or {}
    candidate = Candidate(
        organization=org,
        position=Position.SECRETARY,
        name=person.name,
        id_number=person.id_number,
        proposed_on=proposed_on,
        filed_on=filed_on,
        notes=notes,
    )
    candidate.link_member()
    candidate.full_clean()
    candidate.save()
    for body in checked:
        check = VettingCheck(
            candidate=candidate,
            body=body,
            passed=body not in refused_by,
            reason=refused_by.get(body, ""),
            checked_on=checked_on,
        )
        check.full_clean()
        check.save()


def _latest_secretary(org: Organization, **filters) -> Person | None:
    row = (
        CommitteeMember.objects.filter(organization=org, **filters)
        .secretaries()
        .order_by("-started_on")
        .first()
    )
    return Person(row.name, row.id_number) if row else None


def _vetting(county: Organization) -> int:
    """Each 2026 village election's 书记 was vetted before it; 柳林村 and 南岭村 have vetted
    their candidates for January; 青石村's is still being checked. The number of
    candidates added."""
    before = Candidate.objects.count()
    villages = {
        o.code: o
        for o in Organization.objects.within(county)
        if is_village_or_community(o) and not Candidate.objects.filter(organization=o).exists()
    }
    for code, plan in ELECTIONS.items():
        org = villages.get(code)
        person = org and _latest_secretary(org, election__held_on=plan.held_on)
        if person is None:
            continue
        held = plan.held_on
        _candidate(
            org,
            person,
            proposed_on=held - datetime.timedelta(days=50),
            checked_on=held - datetime.timedelta(days=30),
            filed_on=None if code == NOT_FILED else held - datetime.timedelta(days=10),
        )
    if (org := villages.get("QH0301")) and (person := _latest_secretary(org)):
        _candidate(
            org,
            person,
            proposed_on=D(2026, 9, 8),
            checked_on=D(2026, 9, 22),
            filed_on=D(2026, 9, 29),
            notes="现任书记，拟继续提名。",
        )
    if org := villages.get("QH0304"):
        rnd = random.Random("teams:vetting:QH0304")  # noqa: S311 - demo data, not security
        taken = {p.id_number for p in _people_in_post(org)}
        refused, passed = _roster_people(org, D(2026, 9, 10), 2, rnd, taken=taken)
        _candidate(
            org,
            refused,
            proposed_on=D(2026, 9, 10),
            checked_on=D(2026, 9, 24),
            refused_by={VettingBody.POLICE: POLICE_REFUSAL},
        )
        _candidate(org, passed, proposed_on=D(2026, 9, 16), checked_on=D(2026, 9, 28))
    if org := villages.get(OVERDUE):
        rnd = random.Random("teams:vetting:QH0201")  # noqa: S311 - demo data, not security
        taken = {p.id_number for p in _people_in_post(org)}
        [person] = _roster_people(org, D(2026, 9, 18), 1, rnd, taken=taken)
        _candidate(
            org,
            person,
            proposed_on=D(2026, 9, 18),
            checked_on=D(2026, 9, 25),
            checked=(VettingBody.DISCIPLINE,),
            notes="公安、信访意见尚未反馈。",
        )
    return Candidate.objects.count() - before


def _people_in_post(org: Organization) -> list[Person]:
    return [Person(m.name, m.id_number) for m in team_on(org, demo_today())]


# --- reserves and postings ---------------------------------------------------------------
@dataclass(frozen=True)
class Reserve:
    code: str
    source: str
    notes: str
    on_roster: bool = True
    education: str = ""


RESERVES = (
    Reserve("QH0201", "致富带头人", "2026年5月参加县委党校村级后备干部培训班；在村委会跟岗锻炼。"),
    Reserve(
        "QH0201", "返乡大学生", "2025年返乡创业，参与村电商服务站运营。", False, Education.BACHELOR
    ),
    Reserve("QH0204", "退役军人", "担任村民小组长，协助开展人居环境整治。"),
    Reserve("QH0304", "致富带头人", "结对第一书记培养，参与集体经济项目管理。"),
    Reserve(
        "QH0305",
        "返乡大学生",
        "到村工作两年，负责党建资料和便民服务。",
        False,
        Education.JUNIOR_COLLEGE,
    ),
    Reserve(
        "QH0305",
        "退役军人",
        "村民兵连长，2026年参加乡党委组织的后备干部轮训。",
        False,
        Education.HIGH_SCHOOL,
    ),
)


def _reserves(county: Organization) -> int:
    """后备干部 of five villages; 河湾村's new 书记 came from its pool."""
    added = 0
    orgs = {o.code: o for o in Organization.objects.within(county)}
    fresh = {
        code
        for code in {r.code for r in RESERVES} | {"QH0105"}
        if code in orgs and not ReserveCadre.objects.filter(organization=orgs[code]).exists()
    }
    for index, plan in enumerate(RESERVES):
        if plan.code not in fresh:
            continue
        org = orgs[plan.code]
        rnd = random.Random(f"teams:reserve:{index}")  # noqa: S311 - demo data, not security
        taken = {p.id_number for p in _people_in_post(org)}
        taken |= set(
            ReserveCadre.objects.filter(organization=org).values_list("id_number", flat=True)
        )
        taken |= set(Candidate.objects.filter(organization=org).values_list("id_number", flat=True))
        if plan.on_roster:
            [person] = _roster_people(org, D(2025, 3, 1), 1, rnd, taken=taken, ages=(25, 45))
        else:
            person = _outsider(f"reserve:{index}", rnd, born=(1990, 2001))
        education = _education(person) or plan.education
        added += _reserve(org, person, education, plan.source, plan.notes, D(2025, 3, 1))
    if "QH0105" in fresh and (person := _latest_secretary(orgs["QH0105"], ended_on=None)):
        added += _reserve(
            orgs["QH0105"],
            person,
            _education(person),
            "村“两委”成员",
            "2026年7月当选村党支部书记。",
            D(2024, 3, 15),
            status=ReserveStatus.USED,
        )
    return added


def _education(person: Person) -> str:
    """The roster's education of a member, blank for anyone else."""
    found = Member.objects.filter(id_number=person.id_number).values_list("education", flat=True)
    return found.first() or ""


def _reserve(
    org: Organization,
    person: Person,
    education: str,
    source: str,
    notes: str,
    added_on: datetime.date,
    *,
    status: str = ReserveStatus.ACTIVE,
) -> int:
    reserve = ReserveCadre(
        organization=org,
        name=person.name,
        id_number=person.id_number,
        education=education,
        source=source,
        training_notes=notes,
        added_on=added_on,
        status=status,
    )
    reserve.link_member()
    reserve.full_clean()
    reserve.save()
    return 1


@dataclass(frozen=True)
class PostingPlan:
    code: str
    kind: str
    #: the county unit whose roster the cadre comes from ("" for a 大学生村干部)
    unit_code: str
    from_unit: str
    started_on: datetime.date
    ended_on: datetime.date | None = None


FINANCE, OFFICE, BANK = "清河县财政局", "中共清河县委办公室", "清河农村商业银行"
GRADUATES = "清河县委组织部（大学生村干部计划）"
POSTINGS = (
    PostingPlan("QH0304", PostingKind.FIRST_SECRETARY, "QH-JG02", FINANCE, D(2026, 3, 20)),
    PostingPlan("QH0304", PostingKind.WORK_TEAM, "QH-JG02", FINANCE, D(2026, 3, 20)),
    PostingPlan("QH0204", PostingKind.FIRST_SECRETARY, "QH-JG01", OFFICE, D(2024, 6, 1)),
    PostingPlan(
        "QH0204", PostingKind.FIRST_SECRETARY, "QH-JG01", OFFICE, D(2022, 6, 1), D(2024, 6, 1)
    ),
    PostingPlan("QH0204", PostingKind.WORK_TEAM, "QH-QY01", BANK, D(2024, 6, 1)),
    PostingPlan("QH0201", PostingKind.FIRST_SECRETARY, "QH-QY01", BANK, D(2025, 3, 1)),
    PostingPlan("QH0105", PostingKind.GRADUATE, "", GRADUATES, D(2025, 8, 1)),
    PostingPlan("QH0305", PostingKind.GRADUATE, "", GRADUATES, D(2024, 8, 1)),
)


def _postings(county: Organization) -> int:
    """第一书记 and 工作队员 from county units (members of their units' rosters), and two
    大学生村干部 (not party members)."""
    orgs = {o.code: o for o in Organization.objects.within(county)}
    fresh = {
        p.code
        for p in POSTINGS
        if p.code in orgs and not Posting.objects.filter(organization=orgs[p.code]).exists()
    }
    taken: set[str] = set()
    added = 0
    for index, plan in enumerate(POSTINGS):
        if plan.code not in fresh:
            continue
        rnd = random.Random(f"teams:posting:{index}")  # noqa: S311 - demo data, not security
        if plan.unit_code and plan.unit_code in orgs:
            unit = orgs[plan.unit_code]
            [person] = _roster_people(unit, plan.started_on, 1, rnd, taken=taken, ages=(28, 50))
        else:
            person = _outsider(f"posting:{index}", rnd, born=(1998, 2002))
        posting = Posting(
            organization=orgs[plan.code],
            kind=plan.kind,
            name=person.name,
            id_number=person.id_number,
            from_unit=plan.from_unit,
            started_on=plan.started_on,
            ended_on=plan.ended_on,
        )
        posting.link_member()
        posting.full_clean()
        posting.save()
        added += 1
    return added


# --- pay --------------------------------------------------------------------------------
def _pay(county: Organization) -> int:
    """The county's 2026 standard and every village cadre's 2026 pay, health check and
    grade; 李家沟村's 宣传委员 is paid below the standard."""
    standard = PayStandard.objects.filter(organization=county, year=YEAR).first()
    if standard is None:
        standard = PayStandard(organization=county, year=YEAR, minimum_total=PAY_MINIMUM)
        standard.full_clean()
        standard.save()
    added = 0
    villages = [o for o in Organization.objects.within(county) if is_village_or_community(o)]
    for org in villages:
        if CadrePay.objects.filter(organization=org, year=YEAR).exists():
            continue
        rnd = random.Random(f"teams:pay:{org.code}")  # noqa: S311 - demo data, not security
        for cadre in team_on(org, demo_today()):
            if not cadre.id_number:
                continue
            base = BASE_PAY.get(cadre.position, OTHER_BASE_PAY)
            performance = Decimal(rnd.choice([6000, 8000, 10000, 12000]))
            if (org.code, cadre.position) == UNDERPAID:
                base, performance = Decimal("24000"), Decimal("3000")
            pay = CadrePay(
                organization=org,
                name=cadre.name,
                id_number=cadre.id_number,
                member=cadre.member,
                year=YEAR,
                post=_pay_post(cadre),
                base_pay=base,
                performance_pay=performance,
                health_check_done=rnd.random() < 0.9,
                grade=rnd.choice(
                    [CadreGrade.EXCELLENT, CadreGrade.COMPETENT, CadreGrade.COMPETENT]
                ),
            )
            pay.full_clean()
            pay.save()
            added += 1
    return added


def _pay_post(cadre: CommitteeMember) -> str:
    post = str(cadre.get_position_display())
    return f"{post}、{cadre.concurrent_post}" if cadre.concurrent_post else post


# --- the organisations' table on a second run ---------------------------------------------
TEAM_COLUMNS = ("书记姓名", "书记联系电话", "本届任期开始日期")


def keep_team_columns(rows: list[list[str]]) -> list[list[str]]:
    """The organisations' table with the 书记 and term of every organisation already there
    as they now stand: the committee and the elections own them (teams.services), and the
    table as first delivered would set back a 书记 or a term the demo's 换届 has changed."""
    index = {column: HEADERS.index(column) for column in TEAM_COLUMNS}
    code_at = HEADERS.index("组织代码")
    current = {
        code: (name, phone, term.isoformat() if term else "")
        for code, name, phone, term in Organization.objects.values_list(
            "code", "secretary_name", "secretary_phone", "term_started_on"
        )
    }
    kept = []
    for row in rows:
        row = list(row)
        if row[code_at] in current:
            for column, value in zip(TEAM_COLUMNS, current[row[code_at]], strict=True):
                row[index[column]] = value
        kept.append(row)
    return kept


# --- the demo part ------------------------------------------------------------------------
def load_demo_teams() -> str:
    county = Organization.objects.filter(code=COUNTY[0]).first()
    if county is None:
        return "班子与换届：无演示县，跳过"
    parts: list[Callable[[Organization], int]] = [
        _committees,
        _vetting,
        _reserves,
        _postings,
        _pay,
    ]
    if not sum(part(county) for part in parts):
        return "班子与换届：已有，未改动"
    today = demo_today()
    in_post = CommitteeMember.objects.within(county).in_post_on(today).count()
    elections = Election.objects.within(county)
    return (
        f"班子与换届：班子成员 {in_post} 人，换届选举 {elections.count()} 次"
        f"（已批复 {elections.approved().count()} 次），"
        f"资格联审人选 {Candidate.objects.within(county).count()} 人，"
        f"后备干部 {ReserveCadre.objects.within(county).count()} 人，"
        f"选派干部 {Posting.objects.within(county).count()} 人，"
        f"村干部报酬 {CadrePay.objects.within(county).filter(year=YEAR).count()} 条"
    )
