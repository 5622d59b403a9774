"""Attendance by name of organisation life records (三会一课): who is listed, the rules, and
the writes; and what the organisation life pages read of it (orgs.life.providers).

Who is listed: the members of the record's organisation (and its subtree: a 党总支's
党员大会) on the meeting day who are still in it, or the members of one 党小组 for a 党小组会;
anyone already recorded stays listed. A 支委会 counts heads only: the portal does not keep
the committee's members. Everyone listed is expected (应到) and present unless marked 请假
(with the reason) or absent; the record's head counts follow from the names.

Who may record: whoever may change the record (orgs.life.services.can_change_life_record:
staff of the organisation, or the secretary who recorded it).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from orgs.choices import MeetingKind
from orgs.life.providers import (
    AttendanceTally,
    BranchBodies,
    register_attendance_provider,
    register_bodies_provider,
    takes_names,
)
from orgs.life.services import can_change_life_record
from orgs.models import Organization, OrgLifeRecord
from orgs.scope import subtree_q

from ..as_of import THEN_PATH, THEN_PREFIX, member_on_q, path_on
from ..models import Attendance, AttendanceStatus, Member, PartyGroup
from ..models.attendance import REASON_MAX


@dataclass(frozen=True)
class AttendanceLine:
    """One listed member: their row, or the default (present)."""

    member: Member
    status: str
    reason: str
    #: 正式党员 on the meeting day (has a vote)
    voter: bool
    recorded: bool


@dataclass(frozen=True)
class AttendanceEntry:
    """What the form says of one member."""

    member_id: int
    status: str
    reason: str = ""


@dataclass(frozen=True)
class AttendanceResult:
    expected: int
    present: int
    created: int
    updated: int


def _members_on(record: OrgLifeRecord, group: PartyGroup | None) -> list[Member]:
    """Members of the organisation on the meeting day who are still in it (one query):
    a member who moved in later is not listed; one of `group` if given."""
    org, day = record.organization, record.held_on
    members = Member.objects.within(org) if group is None else group.members.all()
    return list(
        members.filter(member_on_q(day))
        .annotate(**{THEN_PATH: path_on(day)})
        .filter(subtree_q(org, THEN_PREFIX))
        .order_by("name", "pk")
    )


def attendance_sheet(
    record: OrgLifeRecord, group: PartyGroup | None = None
) -> list[AttendanceLine]:
    """Everyone listed for `record`, with their row or present by default (two queries).
    A 党小组会 lists the members of `group` (none until one is chosen)."""
    rows = {
        row.member_id: row
        for row in Attendance.objects.filter(record=record).select_related("member")
    }
    if record.kind == MeetingKind.GROUP_MEETING and group is None:
        listed: list[Member] = []
    else:
        listed = _members_on(record, group)
    members = {m.pk: m for m in listed}
    for member_id, row in rows.items():
        members.setdefault(member_id, row.member)
    lines = []
    for member in sorted(members.values(), key=lambda m: (m.name, m.pk)):
        row = rows.get(member.pk)
        lines.append(
            AttendanceLine(
                member=member,
                status=row.status if row else AttendanceStatus.PRESENT,
                reason=row.reason if row else "",
                voter=member.confirmed_on is not None and member.confirmed_on <= record.held_on,
                recorded=row is not None,
            )
        )
    return lines


def _entry_problems(
    entries: Sequence[AttendanceEntry], lines: dict[int, AttendanceLine]
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    seen: set[int] = set()
    for entry in entries:
        line = lines.get(entry.member_id)
        if line is None:
            problems["__all__"] = [
                _("有党员不在本次会议的名单中（名单可能已变化），请重新打开页面后再保存。")
            ]
            continue
        name = line.member.name
        if entry.member_id in seen:
            problems.setdefault("__all__", []).append(_("%(name)s：重复出现。") % {"name": name})
            continue
        seen.add(entry.member_id)
        if entry.status not in AttendanceStatus.values:
            problems[f"status_{entry.member_id}"] = [
                _("%(name)s：请选择出席、请假或缺席。") % {"name": name}
            ]
            continue
        reason = (entry.reason or "").strip()
        if entry.status == AttendanceStatus.LEAVE and not reason:
            problems[f"reason_{entry.member_id}"] = [
                _("%(name)s：请假须填写请假事由。") % {"name": name}
            ]
        elif len(reason) > REASON_MAX:
            problems[f"reason_{entry.member_id}"] = [
                _("%(name)s：请假事由不能超过 %(max)d 个字符（现为 %(len)d 个）。")
                % {"name": name, "max": REASON_MAX, "len": len(reason)}
            ]
    if not seen and not problems:
        problems["__all__"] = [_("名单为空：本组织在会议当天没有党员，只能按人数登记。")]
    return problems


def save_attendance(
    *,
    user: Any,
    record: OrgLifeRecord,
    entries: Sequence[AttendanceEntry],
    group: PartyGroup | None = None,
) -> AttendanceResult:
    """Record who was present, on leave and absent, all or nothing, with history by
    `user`; the record's 应到/实到 follow from the names. Rows equal to the stored ones are
    left alone; members recorded before and not in `entries` keep their rows."""
    if not can_change_life_record(user, record):
        raise PermissionDenied(_("您不能登记这次会议的出席情况。"))
    if not takes_names(record.kind):
        raise ValidationError(_("支委会只按人数登记出席情况。"))
    with transaction.atomic():
        locked = (
            OrgLifeRecord.objects.select_for_update()
            .select_related("organization")
            .get(pk=record.pk)
        )
        lines = {line.member.pk: line for line in attendance_sheet(locked, group)}
        problems = _entry_problems(entries, lines)
        if problems:
            raise ValidationError(problems)
        existing = {
            row.member_id: row
            for row in Attendance.objects.select_for_update().filter(record=locked)
        }
        to_create: list[Attendance] = []
        to_update: list[Attendance] = []
        for entry in entries:
            reason = entry.reason.strip() if entry.status == AttendanceStatus.LEAVE else ""
            row = existing.get(entry.member_id)
            if row is None:
                row = Attendance(
                    record=locked, member_id=entry.member_id, status=entry.status, reason=reason
                )
                existing[entry.member_id] = row
                to_create.append(row)
            elif (row.status, row.reason) != (entry.status, reason):
                row.status, row.reason = entry.status, reason
                to_update.append(row)
        reason_text = _("出席名单：%(topic)s（%(day)s）") % {
            "topic": locked.topic,
            "day": locked.held_on.isoformat(),
        }
        if to_create:
            bulk_create_with_history(
                to_create, Attendance, default_user=user, default_change_reason=reason_text
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                Attendance,
                ["status", "reason"],
                default_user=user,
                default_change_reason=reason_text,
            )
        expected = len(existing)
        present = sum(1 for row in existing.values() if row.status == AttendanceStatus.PRESENT)
        _set_counts(locked, user, expected, present)
    return AttendanceResult(
        expected=expected, present=present, created=len(to_create), updated=len(to_update)
    )


def _set_counts(record: OrgLifeRecord, user: Any, expected: int, present: int) -> None:
    if (record.expected, record.present) == (expected, present):
        return
    record.expected, record.present = expected, present
    record._history_user = user
    record._change_reason = _("按出席名单计算：应到 %(e)d 人，实到 %(p)d 人") % {
        "e": expected,
        "p": present,
    }
    record.save()


@transaction.atomic
def clear_attendance(*, user: Any, record: OrgLifeRecord) -> int:
    """Remove the names (e.g. the wrong 党小组 was listed): the record counts heads again,
    keeping the counts the names gave. Returns the number of rows removed."""
    if not can_change_life_record(user, record):
        raise PermissionDenied(_("您不能修改这次会议的出席情况。"))
    rows = list(Attendance.objects.select_for_update().filter(record=record))
    for row in rows:
        row._history_user = user
        row.delete()
    return len(rows)


# --- what the organisation life pages read (orgs.life.providers) ---------------------------
def tallies_by_record(record_ids: Sequence[int]) -> dict[int, AttendanceTally]:
    """The attendance of each record recorded by name, counted (one query). A member has a
    vote from their 转正日期 on: 预备党员 on the meeting day do not count for the quorum."""
    voter = Q(member__confirmed_on__lte=F("record__held_on"))
    present = Q(status=AttendanceStatus.PRESENT)
    rows = (
        Attendance.objects.filter(record_id__in=list(record_ids))
        .values("record_id")
        .annotate(
            expected=Count("pk"),
            present=Count("pk", filter=present),
            on_leave=Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
            voters_expected=Count("pk", filter=voter),
            voters_present=Count("pk", filter=voter & present),
        )
        .order_by()
    )
    return {
        row["record_id"]: AttendanceTally(
            expected=row["expected"],
            present=row["present"],
            on_leave=row["on_leave"],
            absent=row["absent"],
            voters_expected=row["voters_expected"],
            voters_present=row["voters_present"],
        )
        for row in rows
    }


def _count(queryset: Any) -> Coalesce:
    counted = queryset.order_by().values("organization").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def bodies_by_organization(org_ids: Sequence[int], day: datetime.date) -> dict[int, BranchBodies]:
    """Each organisation's 正式党员 on `day` (members then, full from their 转正日期, in
    the organisation they are in now) and its 党小组 formed by then (one query)."""
    full = Member.objects.filter(organization=OuterRef("pk"), confirmed_on__lte=day).filter(
        member_on_q(day)
    )
    groups = PartyGroup.objects.filter(organization=OuterRef("pk"), formed_on__lte=day)
    rows = (
        Organization.objects.filter(pk__in=list(org_ids))
        .annotate(full=_count(full), groups=_count(groups))
        .values_list("pk", "full", "groups")
    )
    return {pk: BranchBodies(full_members=f, party_groups=g) for pk, f, g in rows}


def register_life_providers() -> None:
    """Registering twice is harmless."""
    register_attendance_provider(tallies_by_record)
    register_bodies_provider(bodies_by_organization)
