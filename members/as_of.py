"""The roster as it stood on a past day, rebuilt from the dates the records keep.

A person was a member on `day` when admitted by then (入党日期), not yet gone (a status
other than 在册 takes effect on its 状态变更日期) and not arrived from outside the county only
after it (an accepted transfer in, from its 办结日期; a member who left and came back counts
from the return). They belonged where they were before any
accepted transfer inside the county decided after that day: the earliest such transfer's
sending organisation, else the organisation the roster shows now. Transfers out of the county
end membership through the status they set. Organisations count in their present place in
the tree.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .choices import MemberStatus
from .models import Member, Transfer, TransferKind, TransferState

#: the annotation holding the tree path of the member's organisation on the day; subtree
#: filters reach it with orgs.scope.subtree_q(org, THEN_PREFIX)
THEN_PREFIX = "then_"
THEN_PATH = f"{THEN_PREFIX}path"


def member_on_q(day: Any) -> Q:
    """Members on `day` (a date or an expression such as F("joined_on")): admitted by then,
    not gone by then, and not arrived from outside the county only after it."""
    return (
        Q(joined_on__lte=day)
        & (Q(status=MemberStatus.ACTIVE) | Q(status_changed_on__gt=day))
        & ~Exists(_arrivals_after(day))
    )


def _arrivals_after(day: Any):
    return Transfer.objects.filter(
        member=OuterRef("pk"),
        kind=TransferKind.INBOUND,
        state=TransferState.ACCEPTED,
        decided_on__gt=day,
    )


def _moves_after(day: Any):
    return Transfer.objects.filter(
        member=OuterRef("pk"),
        kind=TransferKind.INTERNAL,
        state=TransferState.ACCEPTED,
        decided_on__gt=day,
    )


def moved_since(day: Any) -> Exists:
    """Whether the member changed organisation inside the county after `day`."""
    return Exists(_moves_after(day))


def path_on(day: Any) -> Coalesce:
    """The tree path of the member's organisation on `day`."""
    earliest = _moves_after(day).order_by("decided_on", "pk").values("from_organization__path")
    return Coalesce(Subquery(earliest[:1]), F("organization__path"))


def roster_on(day: datetime.date, queryset: Any = None) -> Any:
    """Members on `day`, each with THEN_PATH: filter by subtree with
    `subtree_q(org, THEN_PREFIX)`. For counting a large roster, split by `moved_since(day)`
    instead (`split_on`): the path subquery then runs only for the few who moved."""
    queryset = Member.objects.all() if queryset is None else queryset
    return queryset.filter(member_on_q(day)).annotate(**{THEN_PATH: path_on(day)})


def split_at(queryset: Any, day: Any) -> tuple[Any, Any]:
    """`queryset` as two querysets with THEN_PATH, the organisation on `day` (a date, or
    OuterRef("joined_on") for each member's own day): those where they are now (a plain
    join) and those who moved since (a subquery, run only for these few)."""
    stayed = queryset.filter(~moved_since(day)).annotate(**{THEN_PATH: F("organization__path")})
    moved = queryset.filter(moved_since(day)).annotate(**{THEN_PATH: path_on(day)})
    return stayed, moved


def split_on(day: datetime.date, queryset: Any = None) -> tuple[Any, Any]:
    """Members on `day` (see `split_at`): how a large roster is counted."""
    queryset = Member.objects.all() if queryset is None else queryset
    return split_at(queryset.filter(member_on_q(day)), day)


def path_on_day(member: Member, transfers: list[Transfer], day: datetime.date) -> str:
    """The same rule in Python, for the few members whose year is looked at one by one
    (`transfers`: the member's accepted internal transfers with their organisations)."""
    later = sorted(
        (t for t in transfers if t.decided_on and t.decided_on > day),
        key=lambda t: (t.decided_on, t.pk),
    )
    return later[0].from_organization.path if later else member.organization.path


def was_member_on(member: Any, day: datetime.date, arrived_on: datetime.date | None = None) -> bool:
    """The same rule in Python; `arrived_on`: the day the member's latest accepted arrival
    from outside the county was confirmed, if any."""
    if arrived_on is not None and arrived_on > day:
        return False
    return member.joined_on <= day and (
        member.status == MemberStatus.ACTIVE
        or (member.status_changed_on is not None and member.status_changed_on > day)
    )
