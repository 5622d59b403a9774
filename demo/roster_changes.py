"""The demo county's year on the roster beyond admissions: a transfer between townships, a
transfer out of the county and a death, done by county staff through the services, and
the number of villages and communities each township governs. The party statistics
(`partystats`) then show every kind of change of the year.

Idempotent: a member who has already moved or gone is left alone.
"""

from __future__ import annotations

import datetime

from members.choices import MemberStatus
from members.models import Member, Transfer
from members.services.roster import member_update
from members.services.transfers import transfer_accept, transfer_request
from orgs.models import Organization

from .calendar import demo_today
from .people import STAFF, account

#: township code → (administrative villages, communities) it governs; 城关镇 and 柳林乡
#: each have a village without a party organisation of its own yet
PLACES = {"QH01": (4, 2), "QH02": (4, 0), "QH03": (6, 0), "QH04": (0, 3)}
MOVE_FROM, MOVE_TO = "QH0201", "QH0102"
OUT_FROM, DECEASED_IN = "QH0302", "QH0104"
DESTINATION = "中共杭州市西湖区翠苑街道工作委员会"


def _day(today: datetime.date, days_back: int) -> datetime.date:
    """A day of this year, `days_back` before today (1 January at the earliest)."""
    return max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=days_back))


def _first_active(code: str, **filters) -> Member | None:
    return (
        Member.objects.filter(organization__code=code, status=MemberStatus.ACTIVE, **filters)
        .order_by("joined_on", "pk")
        .first()
    )


def _places() -> int:
    changed = 0
    for code, (villages, communities) in PLACES.items():
        org = Organization.objects.filter(code=code).first()
        if org is None or (org.villages_count, org.communities_count) == (villages, communities):
            continue
        org.villages_count, org.communities_count = villages, communities
        org._change_reason = "演示数据：辖建制村、社区数"
        org.save()
        changed += 1
    return changed


def load_demo_roster_changes() -> str:
    staff = account(STAFF)
    if staff is None or not Organization.objects.filter(code=MOVE_TO).exists():
        return "党员变动：无演示县，跳过"
    today = demo_today()
    done = []
    if not Transfer.objects.filter(from_organization__code=MOVE_FROM).exists():
        member = _first_active(MOVE_FROM, joined_on__lt=datetime.date(today.year - 1, 1, 1))
        if member is not None:
            transfer = transfer_request(
                user=staff,
                member=member,
                reason="工作调动",
                on=_day(today, 200),
                to_organization=Organization.objects.get(code=MOVE_TO),
            )
            transfer_accept(user=staff, transfer=transfer, on=_day(today, 190))
            done.append("县内转接 1 人")
    if not Transfer.objects.filter(from_organization__code=OUT_FROM).exists():
        member = _first_active(OUT_FROM, joined_on__lt=datetime.date(today.year - 1, 1, 1))
        if member is not None:
            transfer_request(
                user=staff,
                member=member,
                reason="外出务工，随工作单位转移组织关系",
                on=_day(today, 120),
                destination=DESTINATION,
            )
            done.append("转出本县 1 人")
    if not Member.objects.filter(
        organization__code=DECEASED_IN, status=MemberStatus.DECEASED
    ).exists():
        member = _first_active(DECEASED_IN, birth_date__lt=datetime.date(1950, 1, 1))
        member = member or _first_active(DECEASED_IN)
        if member is not None:
            member.status = MemberStatus.DECEASED
            member.status_changed_on = _day(today, 60)
            member.status_note = "因病去世"
            member_update(user=staff, member=member, reason="党员去世")
            done.append("去世 1 人")
    places = _places()
    if places:
        done.append(f"填写 {places} 个乡镇（街道）的辖村、社区数")
    return "党员变动：" + ("、".join(done) if done else "已有，未改动")
