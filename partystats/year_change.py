"""The year's change of the number of members (两年党员数综合比较).

The start (31 December of the year before) and the end (the as-of day) are counted in the
database; the increases and decreases come from the members whose year changed something
(admitted, gone, moved inside the county), classified one by one by what the roster
records. "Start + increases − decreases = end" is then a check, not an identity, in every
column; members whose change has no recorded reason are listed by name for staff to explain.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from members.as_of import path_on_day, split_on, was_member_on
from members.choices import MemberStatus
from members.models import Member, Transfer, TransferKind, TransferState
from orgs.models import Organization
from orgs.scope import subtree_q

from .categories import StatRow
from .shapes import Column, Line, Table, column_key, grouped_counts

ADDED = (
    ("developed", _lazy("发展党员")),
    ("transferred_in", _lazy("转入")),
    ("other_added", _lazy("其他增加")),
)
REMOVED = (
    ("transferred_out", _lazy("转出")),
    ("deceased", _lazy("去世")),
    ("expelled", _lazy("出党")),
    ("suspended", _lazy("停止党籍")),
    ("other_removed", _lazy("其他减少")),
)
REMOVED_BY_STATUS = {
    MemberStatus.TRANSFERRED_OUT: "transferred_out",
    MemberStatus.DECEASED: "deceased",
    MemberStatus.EXPELLED: "expelled",
    MemberStatus.SUSPENDED: "suspended",
}
#: the reasons staff must explain: the roster records no cause for the change
UNEXPLAINED = ("other_added", "other_removed")


@dataclass(frozen=True)
class Place:
    path: str
    name: str = ""


@dataclass(frozen=True)
class Move:
    """What `members.as_of.path_on_day` reads of a transfer."""

    pk: int
    decided_on: datetime.date
    from_organization: Place


@dataclass
class Candidate:
    """A member whose year may have changed the count: the fields the rules read, as plain
    values (a city has tens of thousands; full records would decrypt personal data)."""

    pk: int
    name: str
    joined_on: datetime.date
    status: str
    status_changed_on: datetime.date | None
    organization: Place
    moves: list[Move]
    #: the day an arrival from outside the county was confirmed, when after 31 December
    arrived_on: datetime.date | None = None

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])


@dataclass
class Change:
    """One member's change in one column (or in the whole subtree: column None)."""

    member: Candidate
    reason: str
    column: str | None


@dataclass
class YearChange:
    start_day: datetime.date
    end_day: datetime.date
    start: dict[str, int]
    end: dict[str, int]
    #: every change, per column and for the whole subtree (column None)
    changes: list[Change] = field(default_factory=list)

    @cached_property
    def _counts(self) -> Counter:
        # Every cell of the table asks: a city's year has tens of thousands of changes.
        return Counter((c.reason, c.column) for c in self.changes)

    def count(self, reason: str, column: str | None = None) -> int:
        return self._counts[(reason, column)]

    def added(self, column: str | None = None) -> int:
        return sum(self.count(key, column) for key, _label in ADDED)

    def removed(self, column: str | None = None) -> int:
        return sum(self.count(key, column) for key, _label in REMOVED)

    @property
    def start_total(self) -> int:
        return sum(self.start.values())

    @property
    def end_total(self) -> int:
        return sum(self.end.values())

    def difference(self, column: str | None = None) -> int:
        """end − (start + added − removed); 0 when the records account for every change."""
        start = self.start_total if column is None else self.start.get(column, 0)
        end = self.end_total if column is None else self.end.get(column, 0)
        return end - (start + self.added(column) - self.removed(column))

    def people(self, reason: str, column: str | None = None) -> Any:
        """The members behind a figure, as a queryset of the roster (one query)."""
        pks = [c.member.pk for c in self.changes if c.reason == reason and c.column == column]
        return (
            Member.objects.filter(pk__in=pks).select_related("organization").order_by("name", "pk")
        )

    @property
    def unexplained(self) -> list[Change]:
        return [c for c in self.changes if c.column is None and c.reason in UNEXPLAINED]

    def table(self, columns: list[Column]) -> Table:
        def line(key: str, label: Any, total: int, cell) -> Line:
            return Line(key, str(label), total, [cell(column.path) for column in columns])

        lines = [
            line(
                "start",
                _("上年底党员数（%(day)s）") % {"day": _date(self.start_day)},
                self.start_total,
                lambda path: self.start.get(path, 0),
            )
        ]
        lines += [
            line(
                key, _("增加：%(reason)s") % {"reason": label}, self.count(key), _counter(self, key)
            )
            for key, label in ADDED
        ]
        lines += [
            line(
                key, _("减少：%(reason)s") % {"reason": label}, self.count(key), _counter(self, key)
            )
            for key, label in REMOVED
        ]
        lines.append(
            line(
                "end",
                _("本期末党员数（%(day)s）") % {"day": _date(self.end_day)},
                self.end_total,
                lambda path: self.end.get(path, 0),
            )
        )
        lines.append(line("difference", _("差额（应为 0）"), self.difference(), self.difference))
        return Table(
            "change",
            _("党员数量变化（两年党员数综合比较）"),
            lines,
            note=_(
                "年初数 + 增加 − 减少 = 期末数。县内转接在转出、转入两个组织分别计减少和增加；"
                "“其他增加”“其他减少”是档案中没有记录原因的变化，请逐人说明。"
            ),
        )


def _counter(change: YearChange, reason: str):
    return lambda path: change.count(reason, path)


def _date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def start_of_year(day: datetime.date) -> datetime.date:
    """The day the year's change starts from: 31 December of the year before."""
    return datetime.date(day.year - 1, 12, 31)


def _totals(org: Organization, day: datetime.date) -> dict[str, int]:
    """Members on `day` per column."""
    return dict(grouped_counts(org, split_on(day), (StatRow("n", "", Q()),))["n"])


def _candidates(org: Organization, first: datetime.date, day: datetime.date) -> list[Candidate]:
    """Members whose year may have changed the count: admitted, gone or moved in the year."""
    in_year = (first, day)
    moves = Transfer.objects.filter(kind=TransferKind.INTERNAL, state=TransferState.ACCEPTED)
    moved_in_year = moves.filter(decided_on__range=in_year)
    arrivals = Transfer.objects.filter(
        kind=TransferKind.INBOUND, state=TransferState.ACCEPTED, decided_on__gt=start_of_year(day)
    )
    touched = (
        Q(joined_on__range=in_year)
        | (~Q(status=MemberStatus.ACTIVE) & Q(status_changed_on__range=in_year))
        | Q(pk__in=moved_in_year.values("member_id"))
        | Q(pk__in=arrivals.values("member_id"))
    )
    # Members who were in the subtree at one end of the year: where they are now, or at
    # either end of a transfer (the few rows are then looked at one by one).
    near = (
        subtree_q(org, "organization__")
        | Q(pk__in=moves.filter(subtree_q(org, "from_organization__")).values("member_id"))
        | Q(pk__in=moves.filter(subtree_q(org, "to_organization__")).values("member_id"))
    )
    # Only a move decided after 31 December places a member elsewhere on a day of the year
    # (31 December, the day of admission or the as-of day): the year's moves in one query.
    later: dict[int, list[Move]] = defaultdict(list)
    for pk, member_id, decided_on, from_path in moves.filter(
        decided_on__gt=start_of_year(day)
    ).values_list("pk", "member_id", "decided_on", "from_organization__path"):
        later[member_id].append(Move(pk, decided_on, Place(from_path)))
    arrived: dict[int, datetime.date] = {}
    for member_id, decided_on in arrivals.values_list("member_id", "decided_on"):
        arrived[member_id] = max(decided_on, arrived.get(member_id, decided_on))
    rows = (
        Member.objects.filter(touched & near)
        .order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "joined_on",
            "status",
            "status_changed_on",
            "organization__path",
            "organization__name",
        )
    )
    return [
        Candidate(
            pk,
            name,
            joined,
            status,
            changed,
            Place(path, org_name),
            later.get(pk, []),
            arrived.get(pk),
        )
        for pk, name, joined, status, changed, path, org_name in rows
    ]


def year_change(
    org: Organization,
    day: datetime.date,
    columns: list[Column],
    *,
    end: dict[str, int] | None = None,
) -> YearChange:
    """The year's change up to `day`; `end`: the members on `day` per column when the caller
    has counted them already."""
    start_day = start_of_year(day)
    changes: list[Change] = []
    for member in _candidates(org, datetime.date(day.year, 1, 1), day):
        was = was_member_on(member, start_day, member.arrived_on)
        is_ = was_member_on(member, day, member.arrived_on)
        before = column_key(org, path_on_day(member, member.moves, start_day)) if was else None
        after = column_key(org, path_on_day(member, member.moves, day)) if is_ else None
        if not was and start_day < member.joined_on <= day:
            # Admitted in the year: 发展党员 where admitted, as the 发展党员 table counts it;
            # a later move or departure is then counted from there like anyone else's.
            before = column_key(org, path_on_day(member, member.moves, member.joined_on))
            if before is not None:
                changes.append(Change(member, "developed", None))
                changes.append(Change(member, "developed", before))
            was = True
        if before == after:
            continue
        # The whole subtree first (a move between two of its columns changes nothing there),
        # then each column.
        places: list[tuple[str | None, str | None, str | None]] = []
        if (before is None) != (after is None):
            places.append((None, before, after))
        places.append(("column", before, after))
        for scope, start_col, end_col in places:
            if end_col is not None:
                arrived = member.arrived_on is not None and member.arrived_on <= day
                reason = "transferred_in" if was or arrived else "other_added"
                changes.append(Change(member, reason, end_col if scope else None))
            if start_col is not None:
                reason = _removed_reason(member, is_)
                changes.append(Change(member, reason, start_col if scope else None))
    return YearChange(
        start_day=start_day,
        end_day=day,
        start=_totals(org, start_day),
        end=_totals(org, day) if end is None else end,
        changes=changes,
    )


def _removed_reason(member: Candidate, still_member: bool) -> str:
    if still_member:
        return "transferred_out"
    return REMOVED_BY_STATUS.get(member.status, "other_removed")
