"""What the organisation life pages learn from the members app without importing it.

orgs sits below members (DESIGN.md), yet a meeting's quorum follows its attendance by name
and a branch's requirements follow the bodies it has (a 支部委员会, 党小组), which the
members app records. The members app registers one provider of each here; with none
registered every record counts heads only and no branch has full members or 党小组.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..choices import MeetingKind

#: kinds recorded by head count only: the portal does not know who sits on a 支部委员会
HEADS_ONLY_KINDS: tuple[str, ...] = (MeetingKind.COMMITTEE_MEETING,)


def takes_names(kind: str) -> bool:
    """Whether attendance at a meeting of `kind` can be recorded by name."""
    return kind not in HEADS_ONLY_KINDS


@dataclass(frozen=True)
class AttendanceTally:
    """A record's attendance by name, counted."""

    expected: int
    present: int
    on_leave: int
    absent: int
    #: 正式党员 on the meeting day among those listed, and among those present: the
    #: members with a vote (预备党员 attend but do not vote)
    voters_expected: int
    voters_present: int


@dataclass(frozen=True)
class BranchBodies:
    """What an organisation has on a day: its 正式党员 (a 支部委员会 from a number of them
    on) and its 党小组."""

    full_members: int = 0
    party_groups: int = 0


AttendanceProvider = Callable[[Sequence[int]], dict[int, AttendanceTally]]
BodiesProvider = Callable[[Sequence[int], datetime.date], dict[int, BranchBodies]]

_attendance: list[AttendanceProvider] = []
_bodies: list[BodiesProvider] = []


def register_attendance_provider(provider: AttendanceProvider) -> None:
    if provider not in _attendance:
        _attendance.append(provider)


def register_bodies_provider(provider: BodiesProvider) -> None:
    if provider not in _bodies:
        _bodies.append(provider)


def attendance_tallies(record_ids: Sequence[int]) -> dict[int, AttendanceTally]:
    """The records among `record_ids` with attendance by name, by id (one query a
    provider); the others are not in the answer."""
    ids = list(record_ids)
    tallies: dict[int, AttendanceTally] = {}
    if not ids:
        return tallies
    for provider in _attendance:
        for record_id, tally in provider(ids).items():
            tallies.setdefault(record_id, tally)
    return tallies


def branch_bodies(org_ids: Sequence[int], day: datetime.date) -> dict[int, BranchBodies]:
    """Every organisation of `org_ids` with what it has on `day` (one query a provider)."""
    ids = list(org_ids)
    bodies = dict.fromkeys(ids, BranchBodies())
    if not ids:
        return bodies
    for provider in _bodies:
        for org_id, found in provider(ids, day).items():
            bodies[org_id] = found
    return bodies
