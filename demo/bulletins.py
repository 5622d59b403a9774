"""The demo county's bulletins (seed_demo), built after its data is committed."""

from __future__ import annotations

from accounts.models import User
from core.periods import Period
from orgs.models import Organization
from reports.bulletin_runs import request_bulletin
from reports.models import Bulletin

from .calendar import closed_quarters, demo_today
from .organisations import COUNTY
from .people import STAFF


def build_demo_bulletins() -> str:
    """The county's bulletins of the two closed quarters, through the portal's build path
    (built in this process when Celery runs eagerly, i.e. without REDIS_URL)."""
    county = Organization.objects.filter(code=COUNTY[0]).first()
    staff = User.objects.filter(username=STAFF).first()
    if county is None or staff is None:
        return "进展通报：无演示县，跳过"
    built = []
    for quarter in closed_quarters(demo_today()):
        period = Period.of_quarter(quarter)
        if Bulletin.objects.filter(
            organization=county, period_kind=period.kind, year=period.year, number=period.number
        ).exists():
            continue
        bulletin = request_bulletin(user=staff, org=county, period=period)
        bulletin.refresh_from_db()
        built.append(f"{period.label}{bulletin.get_status_display()}")
    return "进展通报：" + ("、".join(built) if built else "未变")
