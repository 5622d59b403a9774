"""Saving a branch's monthly dues sheet: one record per member and month, all or nothing,
with history by the acting user, each month's amount due by the brackets or by the
approved 免交/少交 (writes)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.periods import month_start
from orgs.models import Organization
from orgs.scope import can_edit_path

from ..models import DuesRecord, Member
from .rates import FIGURE_FIELDS, figures_for, load_brackets
from .sheet import SheetEntry, sheet_members
from .waivers import covering, waivers_of

FIELD_LABELS = {
    "base": "缴费基数（元）",
    "amount_paid": "实缴金额（元）",
    "paid_on": "缴纳日期",
    "month": "月份",
    "member": "党员",
}


@dataclass(frozen=True)
class SheetProblem:
    row: int
    member: Member | None
    field: str
    message: str

    def __str__(self) -> str:
        who = self.member.name if self.member is not None else _("未知党员")
        label = FIELD_LABELS.get(self.field, self.field)
        return _("第%(row)d行 %(who)s [%(label)s] %(message)s") % {
            "row": self.row,
            "who": who,
            "label": label,
            "message": self.message,
        }


class DuesSheetError(Exception):
    """The sheet was refused as a whole; `problems` names every bad row."""

    def __init__(self, problems: list[SheetProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class SheetResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def save_month_sheet(
    *,
    user: Any,
    organization: Organization,
    month: datetime.date,
    rows: Sequence[SheetEntry],
    today: datetime.date | None = None,
) -> SheetResult:
    """Write one record per member for `month`, all or nothing, with history by `user`.

    Rows equal to the stored record are left alone (no history row); a single bad row
    refuses the whole sheet with every problem named (DuesSheetError).
    """
    if not can_edit_path(user, organization.path):
        raise PermissionDenied(_("您不能登记该组织的党费。"))
    month = month_start(month)
    today = today or timezone.localdate()
    result = SheetResult()
    with transaction.atomic():
        members = {m.pk: m for m in sheet_members(organization, month)}
        brackets = load_brackets()
        waivers = waivers_of(list(members), month, month)
        existing = {
            r.member_id: r
            for r in DuesRecord.objects.select_for_update().filter(
                member_id__in=list(members), month=month
            )
        }
        problems: list[SheetProblem] = []
        seen: set[int] = set()
        to_create: list[DuesRecord] = []
        to_update: list[DuesRecord] = []
        for number, entry in enumerate(rows, start=1):
            member = members.get(entry.member_id)
            if member is None:
                problems.append(
                    SheetProblem(number, None, "member", _("不是本组织该月的在册党员。"))
                )
                continue
            if member.pk in seen:
                problems.append(SheetProblem(number, member, "member", _("重复出现。")))
                continue
            seen.add(member.pk)
            try:
                figures = figures_for(
                    member=member,
                    month=month,
                    base=entry.base,
                    amount_paid=entry.amount_paid,
                    paid_on=entry.paid_on,
                    brackets=brackets,
                    today=today,
                    waiver=covering(waivers.get(member.pk, ()), month),
                )
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    problems.extend(SheetProblem(number, member, key, m) for m in messages)
                continue
            record = existing.get(member.pk)
            if record is None:
                to_create.append(DuesRecord(member=member, month=month, **figures.as_dict()))
            elif any(getattr(record, k) != v for k, v in figures.as_dict().items()):
                for key, value in figures.as_dict().items():
                    setattr(record, key, value)
                record.updated_at = timezone.now()
                to_update.append(record)
            else:
                result.unchanged += 1
        if problems:
            raise DuesSheetError(problems)
        reason = _("党费登记表 %(month)s") % {"month": f"{month:%Y-%m}"}
        if to_create:
            bulk_create_with_history(
                to_create, DuesRecord, default_user=user, default_change_reason=reason
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                DuesRecord,
                [*FIGURE_FIELDS, "updated_at"],
                default_user=user,
                default_change_reason=reason,
            )
    result.created = len(to_create)
    result.updated = len(to_update)
    return result
