"""Demo development cases (发展党员) of the demo county: people at every stage, moved
through the pipeline's gates by county staff exactly as on the case pages — the talk
after the application, training hours before the 发展对象 gate, 政审, two introducers
from the branch's roster, a 公示 and the 上级党委 预审 before the 支部大会, the 上级党委's
talk and 审批 after it, and at the end of the probation a 公示 and the 支部大会 that
confirms (转正日期 = the probation's last day, the meeting a few days later). Those
admitted become members (this quarter's and the last two quarters' new members); one
发展对象 has waited past the limit (a stalled case); one new 预备党员 awaits the 审批.

Birth dates (hence ID numbers) are fixed; the stage dates are counted back from today or
placed in one of the demo's quarters. Idempotent: a person with a case is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from members.choices import Category, Education, Job
from members.identity import check_character
from members.models import DevelopmentCase, Member, Stage
from members.services.pipeline import (
    case_add_training,
    case_advance,
    case_close,
    case_create,
    case_record_approval,
    probation_due_on,
)
from orgs.models import Organization

from .calendar import closed_quarters, days_after, demo_today, running_quarter
from .people import STAFF, account

COUNTY = "QH"
ACTIVIST_COURSE = ("入党积极分子培训班", Decimal("8"))
CANDIDATE_COURSE = ("发展对象集中培训（3天）", Decimal("24"))
FIRST_PART = ("发展对象集中培训（第一期，2天）", Decimal("16"))
CLOSED_REASON = "本人外出务工，主动撤回入党申请。"
# Days from the application to the organisation's talk, from the 支部大会 to the 上级党委's
# 审批 (its talk half-way), and from the end of the probation to the 转正 meeting.
TALK_AFTER_DAYS = 10
APPROVAL_AFTER_DAYS = 14
MEETING_AFTER_DAYS = 3


@dataclass(frozen=True)
class CaseStory:
    org: str
    name: str
    born: datetime.date
    female: bool
    job: str
    education: str
    stage: str
    #: ("ago", days before today) or (quarter, days after its first day) where quarter is
    #: "running", "last" or "older": the day the case entered `stage` (for 预备党员 and
    #: 正式党员, the day of admission)
    anchor: tuple[str, int]
    closed: bool = False
    #: has attended only the first part of the 发展对象 training (16 of 24 hours)
    part_trained: bool = False
    #: a 预备党员 whose admission the 上级党委 has not approved yet
    awaits_approval: bool = False


STORIES: tuple[CaseStory, ...] = (
    CaseStory("QH0103", "王晓东", datetime.date(1996, 4, 12), False, Job.OTHER,
              Education.JUNIOR_COLLEGE, Stage.FULL, ("ago", 620)),
    CaseStory("QH0201", "李秀芳", datetime.date(1992, 9, 3), True, Job.WORKER,
              Education.HIGH_SCHOOL, Stage.FULL, ("ago", 700)),
    CaseStory("QH-JG01", "陈思远", datetime.date(1998, 1, 21), False, Job.CIVIL_SERVANT,
              Education.BACHELOR, Stage.FULL, ("ago", 560)),
    CaseStory("QH0202", "赵丽娟", datetime.date(1994, 6, 18), True, Job.FARMER,
              Education.HIGH_SCHOOL, Stage.PROBATIONARY, ("older", 45)),
    CaseStory("QH0301", "刘建明", datetime.date(1990, 11, 7), False, Job.FARMER,
              Education.JUNIOR_OR_BELOW, Stage.PROBATIONARY, ("last", 50)),
    CaseStory("QH-XX01", "郑雨婷", datetime.date(1997, 3, 29), True, Job.PROFESSIONAL,
              Education.BACHELOR, Stage.PROBATIONARY, ("last", 30)),
    CaseStory("QH0105", "孙佳琪", datetime.date(1999, 8, 15), True, Job.OTHER,
              Education.JUNIOR_COLLEGE, Stage.PROBATIONARY, ("running", 25)),
    CaseStory("QH0303", "周海波", datetime.date(1995, 2, 9), False, Job.WORKER,
              Education.SECONDARY_VOCATIONAL, Stage.PROBATIONARY, ("running", 40),
              awaits_approval=True),
    CaseStory("QH0104", "何志刚", datetime.date(1988, 5, 30), False, Job.FARMER,
              Education.HIGH_SCHOOL, Stage.CANDIDATE, ("ago", 100), part_trained=True),
    CaseStory("QH0301", "马晓燕", datetime.date(1996, 12, 2), True, Job.OTHER,
              Education.JUNIOR_COLLEGE, Stage.CANDIDATE, ("ago", 60)),
    # Past the 发展对象 limit (12 months): the stalled case the health page shows.
    CaseStory("QH0305", "赵志远", datetime.date(1985, 7, 19), False, Job.FARMER,
              Education.HIGH_SCHOOL, Stage.CANDIDATE, ("ago", 400)),
    CaseStory("QH0201", "杨帆", datetime.date(2001, 10, 10), False, Job.FARMER,
              Education.HIGH_SCHOOL, Stage.ACTIVIST, ("ago", 200)),
    CaseStory("QH0303", "吴婷", datetime.date(1999, 4, 4), True, Job.OTHER,
              Education.JUNIOR_COLLEGE, Stage.ACTIVIST, ("ago", 300)),
    CaseStory("QH-JG02", "林浩然", datetime.date(2000, 7, 1), False, Job.CIVIL_SERVANT,
              Education.BACHELOR, Stage.ACTIVIST, ("ago", 150)),
    CaseStory("QH0103", "郭静", datetime.date(2002, 2, 14), True, Job.OTHER,
              Education.HIGH_SCHOOL, Stage.APPLICANT, ("ago", 40)),
    CaseStory("QH0302", "黄伟", datetime.date(1993, 9, 26), False, Job.FARMER,
              Education.JUNIOR_OR_BELOW, Stage.APPLICANT, ("ago", 90)),
    CaseStory("QH-XX01", "徐梦琪", datetime.date(2001, 5, 8), True, Job.PROFESSIONAL,
              Education.BACHELOR, Stage.APPLICANT, ("ago", 20)),
    CaseStory("QH0203", "韩磊", datetime.date(1990, 3, 17), False, Job.FARMER,
              Education.JUNIOR_OR_BELOW, Stage.APPLICANT, ("ago", 150), closed=True),
)  # fmt: skip


def id_number(story: CaseStory, index: int) -> str:
    """A valid number of its own region (5134 90…, apart from the roster's), by birth
    date and gender."""
    sequence = index * 2 + (0 if story.female else 1)
    first17 = f"513490{story.born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def anchor_day(anchor: tuple[str, int], today: datetime.date) -> datetime.date:
    where, days = anchor
    if where == "ago":
        return today - datetime.timedelta(days=days)
    older, last = closed_quarters(today)
    quarter = {"running": running_quarter(today), "last": last, "older": older}[where]
    return min(days_after(quarter.first_day, days), quarter.last_day, today)


@dataclass(frozen=True)
class Milestones:
    applied: datetime.date
    activist: datetime.date | None = None
    candidate: datetime.date | None = None
    admitted: datetime.date | None = None


def milestones(story: CaseStory, today: datetime.date) -> Milestones:
    """The stage dates, counted back from the anchor: ≥ 12 months as 积极分子 (DOMAIN.md)."""
    day = anchor_day(story.anchor, today)
    if story.stage == Stage.APPLICANT:
        return Milestones(applied=day)
    if story.stage == Stage.ACTIVIST:
        return Milestones(applied=days_after(day, -100), activist=day)
    if story.stage == Stage.CANDIDATE:
        activist = days_after(day, -400)
        return Milestones(applied=days_after(activist, -100), activist=activist, candidate=day)
    candidate = days_after(day, -150)
    activist = days_after(candidate, -400)
    return Milestones(
        applied=days_after(activist, -100), activist=activist, candidate=candidate, admitted=day
    )


def _introducers(org: Organization) -> str:
    names = (
        Member.objects.active()
        .filter(organization=org, category=Category.FULL)
        .order_by("joined_on", "name")
        .values_list("name", flat=True)[:2]
    )
    return "、".join(names)


def _develop(story: CaseStory, number: str, staff: Any, today: datetime.date) -> None:
    org = Organization.objects.get(code=story.org)
    dates = milestones(story, today)
    case = case_create(
        user=staff,
        organization=org,
        name=story.name,
        id_number=number,
        gender="F" if story.female else "M",
        ethnicity="01",
        education=story.education,
        job=story.job,
        applied_on=dates.applied,
        phone=f"139{int(number[6:14]) % 100_000_000:08d}",
    )
    if story.closed:
        case_close(case=case, user=staff, on=days_after(dates.applied, 120), reason=CLOSED_REASON)
        return
    if dates.activist is None:
        return
    case = case_advance(
        case=case,
        user=staff,
        to_stage=Stage.ACTIVIST,
        on=dates.activist,
        talked_on=days_after(dates.applied, TALK_AFTER_DAYS),
    )
    course, hours = ACTIVIST_COURSE
    case_add_training(
        case=case,
        user=staff,
        course=course,
        hours=hours,
        attended_on=days_after(dates.activist, 30),
    )
    if dates.candidate is None:
        return
    case = case_advance(case=case, user=staff, to_stage=Stage.CANDIDATE, on=dates.candidate)
    course, hours = FIRST_PART if story.part_trained else CANDIDATE_COURSE
    trained = days_after(dates.candidate, 30)
    if trained <= today:
        case_add_training(case=case, user=staff, course=course, hours=hours, attended_on=trained)
    if dates.admitted is None:
        return
    first, last = _publicity(dates.admitted)
    case = case_advance(
        case=case,
        user=staff,
        to_stage=Stage.PROBATIONARY,
        on=dates.admitted,
        political_review_on=days_after(dates.admitted, -30),
        political_review_result="政治审查合格",
        publicity_from=first,
        publicity_to=last,
        pre_review_on=days_after(dates.admitted, -2),
        introducers=_introducers(org),
    )
    approved = days_after(dates.admitted, APPROVAL_AFTER_DAYS)
    if story.awaits_approval or approved > today:
        return
    case = case_record_approval(
        case=case,
        user=staff,
        committee_talk_on=days_after(dates.admitted, APPROVAL_AFTER_DAYS // 2),
        approved_on=approved,
    )
    meeting = days_after(probation_due_on(case), MEETING_AFTER_DAYS)
    if story.stage == Stage.FULL and meeting <= today:
        first, last = _publicity(meeting)
        case_advance(
            case=case,
            user=staff,
            to_stage=Stage.FULL,
            on=meeting,
            publicity_from=first,
            publicity_to=last,
        )


def _publicity(meeting: datetime.date) -> tuple[datetime.date, datetime.date]:
    """A week's 公示 (any seven days in a row hold five working days) ending three days
    before the 支部大会."""
    last = days_after(meeting, -3)
    return days_after(last, -6), last


def load_demo_development() -> str:
    staff = account(STAFF)
    county = Organization.objects.filter(code=COUNTY).first()
    if staff is None or county is None:
        return "发展党员：无演示县，跳过"
    today = demo_today()
    created = 0
    for index, story in enumerate(STORIES, start=1):
        number = id_number(story, index)
        if DevelopmentCase.objects.filter(id_number=number).exists():
            continue
        _develop(story, number, staff, today)
        created += 1
    total = DevelopmentCase.objects.within(county).count()
    return f"发展党员：新增 {created} 人（共 {total} 人）"
