"""免交/少交 of dues approved by the member's branch (DuesWaiver): which approval covers
a month (reads), and recording or withdrawing one (writes), which also computes again the
months already recorded that it covers, so that a recorded month always agrees with the
approvals.

Only staff of the member's subtree record or withdraw an approval; anyone who sees the
member sees them (the member's page).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.periods import add_months, month_start
from orgs.scope import can_edit_path

from ..models import DuesRecord, DuesWaiver, Member, WaiverKind
from .rates import FIGURE_FIELDS, figures_for, load_brackets


# --- reads --------------------------------------------------------------------------------
def waivers_of(
    member_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> dict[int, list[DuesWaiver]]:
    """The approvals of these members that touch the months `first`–`last` (one query)."""
    found: dict[int, list[DuesWaiver]] = {}
    rows = DuesWaiver.objects.filter(
        member_id__in=list(member_ids), first_month__lte=last, last_month__gte=first
    ).order_by("member_id", "first_month")
    for waiver in rows:
        found.setdefault(waiver.member_id, []).append(waiver)
    return found


def covering(waivers: Iterable[DuesWaiver], month: datetime.date) -> DuesWaiver | None:
    """The approval among `waivers` that covers `month` (approvals never overlap)."""
    return next((w for w in waivers if w.covers(month)), None)


def waiver_for(member: Member, month: datetime.date) -> DuesWaiver | None:
    """The approval covering one member's month (one query)."""
    return covering(waivers_of([member.pk], month, month).get(member.pk, ()), month)


def exempt_months(
    member_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> dict[int, set[datetime.date]]:
    """Per member, the months from `first` to `last` approved as 免交 (one query): such a
    month owes nothing even before its record is entered."""
    months: dict[int, set[datetime.date]] = {}
    for member_id, waivers in waivers_of(member_ids, first, last).items():
        for waiver in waivers:
            if waiver.kind != WaiverKind.EXEMPT:
                continue
            month = max(waiver.first_month, first)
            while month <= min(waiver.last_month, last):
                months.setdefault(member_id, set()).add(month)
                month = add_months(month, 1)
    return months


def unrecorded_exempt_months(
    members: Iterable[Member], first: datetime.date, last: datetime.date
) -> dict[int, int]:
    """Per member, how many months from `first` (or the month they joined) to `last` are
    approved as 免交 and have no record yet (two queries): months an arrears count of
    unrecorded months must not count as owed."""
    joined = {m.pk: month_start(m.joined_on) for m in members}
    exempt = exempt_months(joined, first, last)
    if not exempt:
        return {}
    recorded = set(
        DuesRecord.objects.filter(
            member_id__in=list(exempt), month__gte=first, month__lte=last
        ).values_list("member_id", "month")
    )
    return {
        member_id: sum(
            1 for m in months if m >= joined[member_id] and (member_id, m) not in recorded
        )
        for member_id, months in exempt.items()
    }


# --- writes -------------------------------------------------------------------------------
def _check_scope(user: Any, member: Member) -> None:
    if not can_edit_path(user, member.organization.path):
        raise PermissionDenied(_("您不能登记该党员的党费免交或少交。"))


def _apply_to_records(
    *, user: Any, member: Member, months: Iterable[tuple[datetime.date, datetime.date]]
) -> int:
    """Compute again the recorded months inside `months` (ranges) with the approvals as
    they now stand; ValidationError naming each month that can no longer be computed."""
    ranges = list(months)
    first, last = min(r[0] for r in ranges), max(r[1] for r in ranges)
    records = [
        r
        for r in DuesRecord.objects.select_for_update().filter(
            member=member, month__gte=first, month__lte=last
        )
        if any(start <= r.month <= end for start, end in ranges)
    ]
    if not records:
        return 0
    waivers = waivers_of([member.pk], first, last).get(member.pk, [])
    brackets = load_brackets()
    today = timezone.localdate()
    changed, problems = [], []
    for record in records:
        try:
            figures = figures_for(
                member=member,
                month=record.month,
                base=record.base,
                amount_paid=record.amount_paid,
                paid_on=record.paid_on,
                brackets=brackets,
                today=today,
                waiver=covering(waivers, record.month),
                basis=record.basis,
            )
        except ValidationError as exc:
            problems.append(
                _("%(month)s 的党费记录无法按新的批准计算：%(why)s 请先在该月登记表中补全。")
                % {"month": f"{record.month:%Y-%m}", "why": "；".join(exc.messages)}
            )
            continue
        if any(getattr(record, k) != v for k, v in figures.as_dict().items()):
            for key, value in figures.as_dict().items():
                setattr(record, key, value)
            record.updated_at = timezone.now()
            changed.append(record)
    if problems:
        raise ValidationError(problems)
    if changed:
        bulk_update_with_history(
            changed,
            DuesRecord,
            [*FIGURE_FIELDS, "updated_at"],
            default_user=user,
            default_change_reason=_("党费免交/少交批准"),
        )
    return len(changed)


def record_waiver(*, user: Any, waiver: DuesWaiver) -> DuesWaiver:
    """Save a new or changed approval with history by `user`, and compute again the
    months already recorded that it covers now or covered before; all or nothing."""
    member = waiver.member
    _check_scope(user, member)
    adding = waiver.pk is None
    try:
        with transaction.atomic():
            before = None
            if not adding:
                before = DuesWaiver.objects.select_for_update().filter(pk=waiver.pk).first()
                if before is not None and before.member_id != waiver.member_id:
                    raise ValidationError({"member": _("已登记的批准不能改为其他党员的。")})
            waiver.full_clean()
            waiver._history_user = user
            waiver.save()
            months = [(waiver.first_month, waiver.last_month)]
            if before is not None:
                months.append((before.first_month, before.last_month))
            _apply_to_records(user=user, member=member, months=months)
    except ValidationError:
        if adding:  # rolled back: the object is still unsaved
            waiver.pk = None
            waiver._state.adding = True
        raise
    return waiver


def withdraw_waiver(*, user: Any, waiver: DuesWaiver) -> None:
    """Delete an approval entered by mistake (history keeps it) and compute its recorded
    months again by the brackets; refused when a month cannot be computed."""
    member = waiver.member
    _check_scope(user, member)
    months = [(waiver.first_month, waiver.last_month)]
    pk = waiver.pk
    try:
        with transaction.atomic():
            waiver._history_user = user
            waiver.delete()
            _apply_to_records(user=user, member=member, months=months)
    except ValidationError:
        waiver.pk = pk  # rolled back: the approval is still stored
        raise
