"""Building meetings with attendance by name for the tests (through the services)."""

from __future__ import annotations

import datetime

from members.services.attendance import AttendanceEntry, attendance_sheet, save_attendance
from orgs.models import OrgLifeRecord


def meeting(org, day: datetime.date, *, kind: str = "theme_day", topic: str = "") -> OrgLifeRecord:
    return OrgLifeRecord.objects.create(
        organization=org,
        kind=kind,
        held_on=day,
        topic=topic or f"{kind} {day}",
        expected=1,
        present=1,
    )


def named(user, record, *, absent=(), leave=(), group=None):
    """Everyone listed present except `absent` and `leave` (members); returns the result."""
    absent_ids = {m.pk for m in absent}
    leave_ids = {m.pk for m in leave}
    entries = []
    for line in attendance_sheet(record, group):
        pk = line.member.pk
        if pk in absent_ids:
            entries.append(AttendanceEntry(pk, "absent"))
        elif pk in leave_ids:
            entries.append(AttendanceEntry(pk, "leave", "外出务工"))
        else:
            entries.append(AttendanceEntry(pk, "present"))
    return save_attendance(user=user, record=record, entries=entries, group=group)


def named_meeting(user, org, day, **kwargs) -> OrgLifeRecord:
    record = meeting(org, day, kind=kwargs.pop("kind", "theme_day"))
    named(user, record, **kwargs)
    record.refresh_from_db()
    return record
