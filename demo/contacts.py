"""Demo contacts with the demo county's mobile members (流动党员): the branches reached
each of them this quarter or the last, except 唐志强 of 李家沟村, out of contact (and
paying no dues) for over six months: the case the health rules flag.
Recorded through the mobile-member service. Idempotent: a member with a contact recorded
is left alone."""

from __future__ import annotations

from members.models import Member
from members.services.mobile import mobile_members, record_contact
from orgs.models import Organization

from .calendar import closed_quarters, days_after, demo_today, running_quarter
from .people import STAFF, account

COUNTY = "QH"
#: (organisation, name) of the mobile member out of contact
OUT_OF_CONTACT = ("QH0204", "唐志强")


def load_demo_contacts() -> str:
    staff = account(STAFF)
    county = Organization.objects.filter(code=COUNTY).first()
    if staff is None or county is None:
        return "流动党员联系：无演示县，跳过"
    today = demo_today()
    quarters = (running_quarter(today), closed_quarters(today)[1])
    members = (
        mobile_members(Member.objects.within(county))
        .filter(last_contact_on__isnull=True)
        .select_related("organization")
        .order_by("organization__path", "name")
    )
    recorded = 0
    for index, member in enumerate(members):
        if (member.organization.code, member.name) == OUT_OF_CONTACT:
            continue
        quarter = quarters[index % 2]
        on = min(days_after(quarter.first_day, 5 + index * 3 % 40), today)
        record_contact(user=staff, member=member, on=on)
        recorded += 1
    return f"流动党员联系：登记 {recorded} 人次"
