"""Demo training records (教育培训) of the demo county's members this year: the winter
training every branch holds, a discipline-education session, and a practical course for
rural members; not everyone attends everything. Recorded by county staff through the
training service. Idempotent: a member's course already recorded is not recorded again."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from members.models import Member, TrainingRecord
from members.services.training import record_training
from orgs.choices import OrgDomain
from orgs.models import Organization

from .calendar import demo_today
from .people import STAFF, account

COUNTY = "QH"
# (course, hours, month, day, share of members attending, rural members only)
COURSES: tuple[tuple[str, Decimal, int, int, float, bool], ...] = (
    ("党员冬训：学习党章党规", Decimal("8"), 2, 26, 0.9, False),
    ("党纪学习教育专题培训", Decimal("4"), 6, 18, 0.6, False),
    ("乡村振兴实用技术培训", Decimal("6"), 9, 12, 0.4, True),
)


def load_demo_training() -> str:
    staff = account(STAFF)
    county = Organization.objects.filter(code=COUNTY).first()
    if staff is None or county is None:
        return "教育培训：无演示县，跳过"
    today = demo_today()
    members = list(
        Member.objects.active()
        .within(county)
        .select_related("organization")
        .order_by("organization__path", "name", "birth_date")
    )
    done = set(TrainingRecord.objects.filter(member__in=members).values_list("member_id", "course"))
    created = 0
    for course, hours, month, day, share, rural_only in COURSES:
        held_on = datetime.date(today.year, month, day)
        if held_on > today:
            continue
        for member in members:
            rnd = random.Random(f"{course}-{member.organization.code}-{member.name}")
            if (
                (member.pk, course) in done
                or member.joined_on > held_on
                or (rural_only and member.organization.domain != OrgDomain.RURAL)
                or rnd.random() >= share
            ):
                continue
            record_training(
                user=staff, member=member, course=course, hours=hours, attended_on=held_on
            )
            created += 1
    return f"教育培训：新增 {created} 条"
