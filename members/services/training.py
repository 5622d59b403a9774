"""Training and education records (教育培训): recording a course and the yearly totals."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import can_edit_path

from ..models import DevelopmentCase, Member, TrainingRecord


@dataclass(frozen=True)
class TrainingTotal:
    organization_id: int
    code: str
    name: str
    depth: int
    hours: Decimal
    people: int
    records: int


def training_totals(org: Organization, year: int) -> list[TrainingTotal]:
    """Hours, people and records of `year` for every organisation of `org`'s subtree that
    recorded training (one query). A record counts where the person belonged when it was
    entered, so later transfers do not move past hours."""
    rows = (
        TrainingRecord.objects.within(org)
        .filter(
            attended_on__gte=datetime.date(year, 1, 1),
            attended_on__lte=datetime.date(year, 12, 31),
        )
        .values(
            "organization_id",
            "organization__code",
            "organization__name",
            "organization__depth",
            "organization__path",
        )
        .annotate(
            hours=Sum("hours"),
            members=Count("member", distinct=True),
            cases=Count("case", distinct=True),
            records=Count("id"),
        )
        .order_by("organization__path")
    )
    return [
        TrainingTotal(
            organization_id=row["organization_id"],
            code=row["organization__code"],
            name=row["organization__name"],
            depth=row["organization__depth"],
            hours=row["hours"] or Decimal("0"),
            people=row["members"] + row["cases"],
            records=row["records"],
        )
        for row in rows
    ]


def record_training(
    *,
    user: Any,
    member: Member | None = None,
    case: DevelopmentCase | None = None,
    course: str,
    hours: Decimal,
    attended_on: datetime.date,
) -> TrainingRecord:
    """Record one course for a member or a development case, in the organisation the
    person belongs to now, with history by `user`."""
    if (member is None) == (case is None):
        raise ValueError("record_training needs exactly one of member or case")
    person = member if member is not None else case
    organization = person.organization
    if not can_edit_path(user, organization.path):
        raise PermissionDenied(_("您不能为该组织的人员登记培训。"))
    if member is not None and not member.is_active:
        raise ValidationError(
            {"member": _("该党员当前不是在册状态（%(s)s）。") % {"s": member.get_status_display()}}
        )
    if attended_on and attended_on > timezone.localdate():
        raise ValidationError({"attended_on": _("不能晚于今天。")})
    record = TrainingRecord(
        organization=organization,
        member=member,
        case=case,
        course=(course or "").strip(),
        hours=hours,
        attended_on=attended_on,
    )
    record.full_clean()
    record._history_user = user
    record.save()
    return record
