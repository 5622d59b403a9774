"""Demo assessment of the demo county's organisations: the weak-and-lax register and the
标准化规范化 score sheets (demo/standards.py).

The register, through its services, each act on its day (demo/clock.py):
南岭村 was registered before the older closed quarter, closed (销号) in the last one and
passed its follow-up check (回头看) this quarter; 李家沟村 was registered this quarter
and is under rectification, so it is the county's flagged organisation. Idempotent: an
organisation that has an entry is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from assessments.choices import WeakLaxSituation
from assessments.models import WeakLaxEntry
from assessments.register.services import entry_close, entry_create, entry_review
from orgs.models import Organization

from .calendar import closed_quarters, days_after, demo_today, running_quarter
from .clock import demo_clock, moment
from .people import STAFF, account
from .standards import load_demo_standards

RESPONSIBLE = "县委组织部 王干事"


@dataclass(frozen=True)
class Rectification:
    code: str
    situations: tuple[str, ...]
    measures: str
    registered: datetime.date
    deadline_days: int
    closed: datetime.date | None = None
    close_note: str = ""
    reviewed: datetime.date | None = None
    review_result: str = ""


def rectifications(today: datetime.date) -> list[Rectification]:
    older, last = closed_quarters(today)
    running = running_quarter(today)
    return [
        Rectification(
            code="QH0304",
            situations=(WeakLaxSituation.ORGANISATION_INACTIVE, WeakLaxSituation.LIFE_IRREGULAR),
            measures="县委常委联系包村，选派第一书记驻村；规范“三会一课”，每月督导一次。",
            registered=days_after(older.first_day, -21),
            deadline_days=180,
            closed=days_after(last.first_day, 58),
            close_note="班子调整到位，“三会一课”按月开展，群众满意度测评合格。",
            reviewed=days_after(running.first_day, 50),
            review_result="组织生活正常，整顿成效巩固，未发现反弹。",
        ),
        Rectification(
            code="QH0204",
            situations=(WeakLaxSituation.LIFE_IRREGULAR, WeakLaxSituation.WEAK_ECONOMY),
            measures="乡党委书记包联；帮助制定集体经济发展方案；督促按月开展组织生活。",
            registered=min(days_after(running.first_day, 14), today),
            deadline_days=120,
        ),
    ]


def _replay(plan: Rectification, org: Organization, staff: Any, today: datetime.date) -> None:
    with demo_clock(moment(plan.registered, 9)):
        entry = entry_create(
            user=staff,
            organization=org,
            year=plan.registered.year,
            situations=list(plan.situations),
            measures=plan.measures,
            responsible_person=RESPONSIBLE,
            deadline=days_after(plan.registered, plan.deadline_days),
        )
    if plan.closed is None or plan.closed > today:
        return
    with demo_clock(moment(plan.closed, 15)):
        entry = entry_close(user=staff, entry=entry, on=plan.closed, note=plan.close_note)
    if plan.reviewed is None or plan.reviewed > today:
        return
    with demo_clock(moment(plan.reviewed, 15)):
        entry_review(
            user=staff, entry=entry, on=plan.reviewed, result=plan.review_result, passed=True
        )


def load_demo_register() -> str:
    """The register, then the score sheets (both are the assessments' demo)."""
    staff = account(STAFF)
    today = demo_today()
    registered = []
    for plan in rectifications(today):
        org = Organization.objects.filter(code=plan.code).first()
        if staff is None or org is None or WeakLaxEntry.objects.filter(organization=org).exists():
            continue
        _replay(plan, org, staff, today)
        registered.append(org.name)
    register = (
        f"软弱涣散整顿台账：登记 {len(registered)} 条（{'、'.join(registered)}）"
        if registered
        else "软弱涣散整顿台账：未变"
    )
    return "\n".join([register, load_demo_standards()])
