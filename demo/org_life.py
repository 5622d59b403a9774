"""Demo organisation life (三会一课) of the demo county, from the start of the year (or of
the older closed quarter, if that is earlier) up to today.

Most organisations meet as DOMAIN.md asks: 支委会, 党小组会 and 主题党日 in the first week
of every month, a 支部党员大会 and a 党课 in the middle month of every quarter, the year's
组织生活会 and 民主评议党员 in January. A few fall short, so that the life pages and the
health rules have something true to find: three 党支部 have not yet held this quarter's
支部党员大会, 马坊村 missed last quarter's too, 李家沟村 (under rectification) holds few
meetings, 南岭村 was irregular before its rectification, and an assembly of 李家沟村
lacked a quorum.

支委会 are held where a 支部委员会 exists (7 正式党员 or more; a 党总支 always), 党小组会 where the
branch has 党小组: the larger branches (GROUP_FROM members or more) have them, set up by the
county staff through the groups' service.

Two branches record attendance by name (NAMED): their 主题党日 (and 柳林村's 支部党员大会)
list every member, one or two on leave or absent in turn; 唐志强 of 李家沟村, out of contact,
is absent from all of them, so with his unpaid dues (demo/dues.py) he is the one member the
six-month rule flags (党章 第九条).

The 支部党员大会 are recorded by the branch secretaries with a photo through the entry
page's service; the rest are the county staff's import of the paper ledgers (the `life`
table); the names through the attendance service. Idempotent: a meeting already recorded is
not imported or recorded again, names already recorded are left alone, a branch with groups
gets no new ones.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

import tablib

from core.importing import run_import
from core.periods import Quarter, add_months
from members.models import Attendance, PartyGroup
from members.services.attendance import AttendanceEntry, attendance_sheet, save_attendance
from members.services.groups import branch_members, may_form_groups, save_group
from orgs.choices import MeetingKind, OrgLevel
from orgs.figures import member_counts
from orgs.life.providers import BranchBodies, branch_bodies
from orgs.life.resources import OrgLifeRecordResource
from orgs.life.selectors import has_committee, holds_meetings
from orgs.life.services import life_record_create
from orgs.models import Organization, OrgLifeRecord

from .calendar import closed_quarters, demo_today
from .people import STAFF, account, secretary_of
from .photos import meeting_photo, sign_in_sheet

COUNTY = "QH"
MONTHLY = (MeetingKind.COMMITTEE_MEETING, MeetingKind.GROUP_MEETING, MeetingKind.THEME_DAY)
THEME_DAYS = {
    1: "新春走访慰问老党员和困难群众",
    2: "学雷锋志愿服务",
    3: "植树护绿义务劳动",
    4: "清明祭扫烈士纪念碑",
    5: "人居环境整治志愿服务",
    6: "汛期安全隐患排查",
    7: "重温入党誓词",
    8: "走访慰问退役军人",
    9: "秋收助农志愿服务",
    10: "重阳节敬老志愿服务",
    11: "冬季消防安全宣传",
    12: "宪法宣传日普法宣传",
}
ASSEMBLIES = {
    1: "讨论年度工作计划和发展党员计划",
    2: "讨论确定入党积极分子",
    3: "通报上半年工作，讨论发展党员",
    4: "通报党费收缴情况，部署年度民主评议",
}
LECTURES = {
    1: "书记讲党课：学党章、守党纪",
    2: "书记讲党课：传承红色基因",
    3: "书记讲党课：发展集体经济，带领群众增收",
    4: "书记讲党课：以好作风推动乡村振兴",
}
MINUTES = {
    MeetingKind.COMMITTEE_MEETING: "研究本月重点工作，分工落实。",
    MeetingKind.GROUP_MEETING: "集中学习，交流思想和工作情况。",
    MeetingKind.THEME_DAY: "开展主题党日活动，党员参加志愿服务。",
    MeetingKind.BRANCH_ASSEMBLY: "通报支部工作，按程序讨论议题，形成决议。",
    MeetingKind.PARTY_LECTURE: "书记讲党课，党员交流学习体会。",
    MeetingKind.LIFE_MEETING: "班子和党员对照检查，开展批评和自我批评。",
    MeetingKind.MEMBER_EVALUATION: "党员个人总结、互评，支部评定等次。",
}

# Meetings not held: (organisation, kind, quarters before the running one or None for
# every quarter, month of the quarter 0–2 or None for every month).
SKIPPED: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("QH0203", MeetingKind.BRANCH_ASSEMBLY, 0, None),
    ("QH0302", MeetingKind.BRANCH_ASSEMBLY, 0, None),
    ("QH-SH01", MeetingKind.BRANCH_ASSEMBLY, 0, None),
    ("QH0204", MeetingKind.BRANCH_ASSEMBLY, 0, None),
    ("QH0302", MeetingKind.BRANCH_ASSEMBLY, 1, None),
    ("QH0204", MeetingKind.BRANCH_ASSEMBLY, 1, None),
    ("QH0204", MeetingKind.GROUP_MEETING, None, None),
    ("QH0204", MeetingKind.COMMITTEE_MEETING, None, 1),
    ("QH0204", MeetingKind.PARTY_LECTURE, 1, None),
    ("QH0105", MeetingKind.GROUP_MEETING, 1, 1),
    ("QH-QY02", MeetingKind.PARTY_LECTURE, 2, None),
)
#: 南岭村 before its rectification (registered before the older closed quarter)
IRREGULAR_BEFORE = ("QH0304", 3)
#: (organisation, quarters before the running one) of an assembly without a quorum
INQUORATE = ("QH0204", 2)
#: organisations recording attendance by name, and of which kinds of meeting
NAMED: dict[str, tuple[str, ...]] = {
    "QH0204": (MeetingKind.THEME_DAY,),
    "QH0301": (MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY),
}
#: (organisation, name) of the member absent from every meeting recorded by name
ALWAYS_ABSENT = ("QH0204", "唐志强")
LEAVE_REASONS = ("外出务工", "生病住院", "照顾家人", "参加上级培训")
#: branches with this many members or more have 党小组, of about GROUP_SIZE members each
GROUP_FROM = 20
GROUP_SIZE = 10
GROUP_NAMES = ("第一党小组", "第二党小组", "第三党小组", "第四党小组", "第五党小组", "第六党小组")


@dataclass(frozen=True)
class Meeting:
    org: Organization
    kind: str
    held_on: datetime.date
    topic: str
    expected: int
    present: int

    @property
    def key(self) -> tuple[int, str, datetime.date, str]:
        return (self.org.pk, self.kind, self.held_on, self.topic)

    @property
    def named(self) -> bool:
        return self.kind in NAMED.get(self.org.code, ())

    @property
    def minutes(self) -> str:
        if self.named:  # the counts follow from the names
            return f"出席情况见出席名单。{MINUTES[self.kind]}"
        return f"应到 {self.expected} 人，实到 {self.present} 人。{MINUTES[self.kind]}"


def _skipped(code: str, kind: str, offset: int, month: int | None) -> bool:
    if code == IRREGULAR_BEFORE[0] and offset >= IRREGULAR_BEFORE[1]:
        return kind != MeetingKind.THEME_DAY
    return any(
        code == s_code
        and kind == s_kind
        and s_offset in (None, offset)
        and (s_month is None or s_month == month)
        for s_code, s_kind, s_offset, s_month in SKIPPED
    )


def _quarters(first: datetime.date, today: datetime.date) -> list[tuple[Quarter, int]]:
    """(quarter, quarters before the running one) from `first`'s quarter to today's."""
    quarters, quarter = [], Quarter.of(today)
    while quarter.last_day >= first:
        quarters.append((quarter, len(quarters)))
        quarter = quarter.previous
    return quarters[::-1]


def _plan_org(
    org: Organization,
    index: int,
    members: int,
    bodies: BranchBodies,
    first: datetime.date,
    today: datetime.date,
) -> list[Meeting]:
    rnd = random.Random(f"life-{org.code}")
    branch = holds_meetings(org)
    # The bodies that meet monthly: a 支部委员会, 党小组.
    meets = {
        MeetingKind.THEME_DAY: True,
        MeetingKind.COMMITTEE_MEETING: branch and has_committee(org, bodies),
        MeetingKind.GROUP_MEETING: branch and bodies.party_groups > 0,
    }
    committee = 3 if members < 15 else 5
    group = (members + 1) // 2
    day0 = 1 + index % 4
    meetings: list[Meeting] = []

    def add(kind: str, held_on: datetime.date, topic: str, expected: int, absent: int) -> None:
        if first <= held_on <= today:
            present = max(expected - absent, 1)
            meetings.append(Meeting(org, kind, held_on, topic, expected, present))

    for quarter, offset in _quarters(first, today):
        for month_index in range(3):
            month = add_months(quarter.first_day, month_index)
            for kind, day in zip(MONTHLY, (day0, day0 + 1, day0 + 2), strict=True):
                if not meets[kind] or _skipped(org.code, kind, offset, month_index):
                    continue
                if kind == MeetingKind.THEME_DAY:
                    topic, expected = THEME_DAYS[month.month], members
                elif kind == MeetingKind.COMMITTEE_MEETING:
                    topic, expected = f"研究{month.month}月份重点工作", committee
                else:
                    topic, expected = f"{month.month}月份党小组学习", group
                absent = rnd.randint(0, max(expected // 5, 1))
                add(kind, month.replace(day=day), topic, expected, absent)
        middle = add_months(quarter.first_day, 1)
        if not _skipped(org.code, MeetingKind.PARTY_LECTURE, offset, None):
            add(
                MeetingKind.PARTY_LECTURE,
                middle.replace(day=20 + index % 6),
                LECTURES[quarter.number],
                members,
                rnd.randint(0, 3),
            )
        if branch and not _skipped(org.code, MeetingKind.BRANCH_ASSEMBLY, offset, None):
            absent = rnd.randint(0, max(members // 6, 1))
            if (org.code, offset) == INQUORATE:
                absent = members - members // 2
            add(
                MeetingKind.BRANCH_ASSEMBLY,
                middle.replace(day=10 + index % 10),
                ASSEMBLIES[quarter.number],
                members,
                absent,
            )
        if branch and quarter.number == 1:
            # Last year's 组织生活会 and 民主评议党员 are held in January.
            january = quarter.first_day
            for kind, day, label in (
                (MeetingKind.LIFE_MEETING, 18, "组织生活会"),
                (MeetingKind.MEMBER_EVALUATION, 19, "民主评议党员"),
            ):
                topic = f"{quarter.year - 1}年度{label}"
                add(kind, january.replace(day=day + index % 8), topic, members, rnd.randint(0, 2))
    return meetings


def demo_meetings(today: datetime.date) -> list[Meeting]:
    """Every meeting of the demo county up to `today`, in tree order (deterministic)."""
    county = Organization.objects.filter(code=COUNTY).first()
    if county is None:
        return []
    first = min(datetime.date(today.year, 1, 1), closed_quarters(today)[0].first_day)
    orgs = list(Organization.objects.within(county).filter(numchild=0).order_by("path"))
    counts = member_counts(o.pk for o in orgs)
    bodies = branch_bodies([o.pk for o in orgs], today)
    meetings: list[Meeting] = []
    for index, org in enumerate(orgs):
        if counts.get(org.pk):
            meetings += _plan_org(org, index, counts[org.pk], bodies[org.pk], first, today)
    return meetings


def _form_groups(staff: Any, today: datetime.date) -> int:
    """党小组 for the larger branches that have none yet, formed before the demo's year:
    members by name in turn, the first of each group its 组长."""
    county = Organization.objects.filter(code=COUNTY).first()
    if county is None:
        return 0
    formed_on = datetime.date(today.year - 2, 1, 1)
    branches = Organization.objects.within(county).filter(numchild=0).order_by("path")
    with_groups = set(PartyGroup.objects.values_list("organization_id", flat=True))
    counts = member_counts(o.pk for o in branches)
    formed = 0
    for org in branches:
        if org.pk in with_groups or counts.get(org.pk, 0) < GROUP_FROM or not may_form_groups(org):
            continue
        people = branch_members(org)
        size = min(-(-len(people) // GROUP_SIZE), len(GROUP_NAMES))  # groups, rounded up
        for number in range(size):
            group = people[number::size]
            save_group(
                user=staff,
                organization=org,
                name=GROUP_NAMES[number],
                leader_id=group[0].pk,
                member_ids=[m.pk for m in group],
                formed_on=formed_on,
            )
            formed += 1
    return formed


def _name_attendance(meetings: list[Meeting], staff: Any) -> int:
    """Attendance by name of the NAMED meetings not yet named: everyone present except,
    in turn, one member on leave and (every other meeting) one absent — and the
    ALWAYS_ABSENT member, absent from every one."""
    keys = {m.key for m in meetings if m.named}
    if not keys:
        return 0
    records = [
        r
        for r in OrgLifeRecord.objects.filter(organization__code__in=list(NAMED))
        .exclude(pk__in=Attendance.objects.values("record_id"))
        .select_related("organization", "recorded_by")
        .order_by("organization__path", "held_on", "pk")
        if (r.organization_id, r.kind, r.held_on, r.topic) in keys
    ]
    for turn, record in enumerate(records):
        lines = attendance_sheet(record)
        absent_always = [
            line.member.pk
            for line in lines
            if (record.organization.code, line.member.name) == ALWAYS_ABSENT
        ]
        others = [line.member.pk for line in lines if line.member.pk not in absent_always]
        leave = {others[turn % len(others)]} if len(others) > 2 else set()
        absent = {others[(turn + 1) % len(others)]} if len(others) > 2 and turn % 2 else set()
        entries = []
        for pk in (line.member.pk for line in lines):
            if pk in leave:
                entries.append(AttendanceEntry(pk, "leave", LEAVE_REASONS[turn % 4]))
            elif pk in absent or pk in absent_always:
                entries.append(AttendanceEntry(pk, "absent"))
            else:
                entries.append(AttendanceEntry(pk, "present"))
        save_attendance(user=record.recorded_by or staff, record=record, entries=entries)
    return len(records)


def _record_with_photo(meeting: Meeting, staff: Any) -> None:
    """A secretary's entry on the phone: the assembly with its photo (and sign-in sheet)."""
    org, day = meeting.org, meeting.held_on
    files = [meeting_photo(f"{day:%Y%m%d}_支部党员大会.jpg", f"{org.code}-{day}", f"{day}")]
    if day.month % 2 == 0:
        files.append(sign_in_sheet(f"{day:%Y%m%d}_签到表.png", f"{org.code}-{day}-sign"))
    life_record_create(
        user=secretary_of(org) or staff,
        organization=org,
        kind=meeting.kind,
        held_on=day,
        topic=meeting.topic,
        expected=meeting.expected,
        present=meeting.present,
        minutes=meeting.minutes,
        files=files,
    )


def _import(meetings: list[Meeting], staff: Any) -> None:
    labels = dict(MeetingKind.choices)
    rows = [
        [m.org.code, str(labels[m.kind]), m.held_on.isoformat(), m.topic,
         str(m.expected), str(m.present), m.minutes]
        for m in meetings
    ]  # fmt: skip
    resource = OrgLifeRecordResource(user=staff, source="seed_demo")
    dataset = tablib.Dataset(*rows, headers=[c.name for c in resource.columns])
    report = run_import(resource, dataset)
    if not report.ok:
        raise ValueError("；".join(str(e) for e in report.errors[:5]))


def load_demo_life() -> str:
    today = demo_today()
    staff = account(STAFF)
    if staff is None:
        return "组织生活：无演示县，跳过"
    groups = _form_groups(staff, today)
    meetings = demo_meetings(today)
    if not meetings:
        return "组织生活：无演示县，跳过"
    stored = set(
        OrgLifeRecord.objects.filter(organization__in={m.org.pk for m in meetings}).values_list(
            "organization_id", "kind", "held_on", "topic"
        )
    )
    new = [m for m in meetings if m.key not in stored]
    with_photo = [
        m for m in new if m.kind == MeetingKind.BRANCH_ASSEMBLY and m.org.level == OrgLevel.VILLAGE
    ]
    for meeting in with_photo:
        _record_with_photo(meeting, staff)
    photographed = {m.key for m in with_photo}
    ledger = [m for m in new if m.key not in photographed]
    if ledger:
        _import(ledger, staff)
    named = _name_attendance(meetings, staff)
    return (
        f"组织生活：新增记录 {len(new)} 条（书记录入并附照片 {len(with_photo)} 条），"
        f"按名单登记出席 {named} 条，新设党小组 {groups} 个"
    )
