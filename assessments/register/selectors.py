"""The weak-and-lax register's reads: the entries of a subtree narrowed by the list's
filters, the counts by status, overdue entries, the labels pages and files show, and an
entry's history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.history import HistoryEntry, display_value, history_entries
from orgs.models import Organization

from ..choices import WeakLaxSituation, WeakLaxStatus
from ..models import WeakLaxEntry


def status_label(status: str) -> str:
    return str(WeakLaxStatus(status).label)


def situation_labels(codes: list[str]) -> list[str]:
    return [str(WeakLaxSituation(code).label) for code in codes if code in WeakLaxSituation.values]


def registered_on(entry: WeakLaxEntry) -> datetime.date:
    """The day the entry was registered (its creation, in local time)."""
    return timezone.localdate(entry.created_at)


OVERDUE = "overdue"  # a filter value beside the statuses: 整顿中 past its deadline


def overdue_q(today: datetime.date) -> Q:
    return Q(status=WeakLaxStatus.RECTIFYING, deadline__lt=today)


def filter_register(
    entries: QuerySet,
    *,
    year: int | None = None,
    status: str = "",
    org_path: str = "",
    today: datetime.date | None = None,
) -> QuerySet:
    """Narrow (already scoped) entries; `status` may also be OVERDUE."""
    if year:
        entries = entries.filter(year=year)
    if org_path:
        entries = entries.within(org_path)
    if status == OVERDUE:
        entries = entries.filter(overdue_q(today or timezone.localdate()))
    elif status:
        entries = entries.filter(status=status)
    return entries


def register_for(org: Organization, year: int | None = None) -> QuerySet:
    """The entries of `org`'s subtree (of `year`), with their organisation, newest year
    first and in tree order. The caller has checked that the user may see `org`."""
    return (
        filter_register(WeakLaxEntry.objects.all(), year=year, org_path=org.path)
        .select_related("organization")
        .order_by("-year", "organization__path")
    )


@dataclass(frozen=True)
class RegisterSummary:
    total: int
    rectifying: int
    closed: int
    reviewed: int
    overdue: int

    @property
    def flagged(self) -> int:
        return self.rectifying


def summary_of(entries: QuerySet, today: datetime.date | None = None) -> RegisterSummary:
    """Counts by status and the overdue ones, in one query."""
    today = today or timezone.localdate()
    row = entries.order_by().aggregate(
        total=Count("pk"),
        rectifying=Count("pk", filter=Q(status=WeakLaxStatus.RECTIFYING)),
        closed=Count("pk", filter=Q(status=WeakLaxStatus.CLOSED)),
        reviewed=Count("pk", filter=Q(status=WeakLaxStatus.REVIEW)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    return RegisterSummary(**row)


def register_summary(
    org: Organization, year: int | None = None, today: datetime.date | None = None
) -> RegisterSummary:
    return summary_of(register_for(org, year), today)


def register_years(entries: QuerySet) -> list[int]:
    """The years that have entries, newest first, and this year."""
    years = set(entries.order_by().values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def is_overdue(entry: WeakLaxEntry, today: datetime.date | None = None) -> bool:
    return entry.status == WeakLaxStatus.RECTIFYING and entry.deadline < (
        today or timezone.localdate()
    )


# --- history ------------------------------------------------------------------------------
HISTORY_LIMIT = 30
# Bookkeeping columns whose change says nothing to the reader.
HIDDEN_CHANGES = ("created_by", "organization", "created_at")


def _display(field_name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if field_name == "situations":
        return "、".join(situation_labels(value))
    return display_value(WeakLaxEntry, field_name, value)


def entry_history(
    *, entry: WeakLaxEntry, limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` history records of `entry`, each with the fields it changed,
    and whether older ones exist (one query)."""
    return history_entries(
        entry.history, limit=limit, display=_display, excluded_fields=HIDDEN_CHANGES
    )
