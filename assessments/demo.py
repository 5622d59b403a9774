"""Demo weak-and-lax register of the demo county: one village under rectification, so
that its 软弱涣散 flag comes from the register like every other (orgs/demo.py leaves the
column blank). Idempotent: an organisation that has an entry is left alone."""

from __future__ import annotations

import datetime

from django.utils import timezone

from orgs.models import Organization

from .choices import WeakLaxSituation
from .models import WeakLaxEntry
from .register import entry_create

DEMO_ORG = "QH0304"


def load_demo_register() -> str:
    org = Organization.objects.filter(code=DEMO_ORG).first()
    if org is None or WeakLaxEntry.objects.filter(organization=org).exists():
        return "软弱涣散整顿台账：未变"
    today = timezone.localdate()
    entry_create(
        user=None,
        organization=org,
        year=today.year,
        situations=[WeakLaxSituation.ORGANISATION_INACTIVE, WeakLaxSituation.LIFE_IRREGULAR],
        measures="县委常委联系包村，选派第一书记驻村；规范“三会一课”，每月督导一次。",
        responsible_person="县委组织部 王干事",
        deadline=today + datetime.timedelta(days=120),
    )
    return f"软弱涣散整顿台账：登记 1 条（{org.name}）"
