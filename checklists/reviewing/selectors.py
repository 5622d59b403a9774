"""What the review pages read: the quarter's lists and their counts, the rectifications
in a user's scope, the overdue ones, and what changed since a list's last submission."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from orgs.models import Organization

from ..choices import ItemStatus, ListStatus, RectificationStatus
from ..models import ChecklistEvidence, ChecklistItem, Rectification, ResponsibilityList

STATUS_ORDER = (
    ListStatus.DRAFT,
    ListStatus.SUBMITTED,
    ListStatus.RETURNED,
    ListStatus.APPROVED,
)


def lists_for_review(user: Any, *, year: int, quarter: int, status: str = "") -> QuerySet:
    """The quarter's lists in the user's scope, optionally of one status; submitted first
    within an organisation order so the reviewer's work is at the top."""
    lists = ResponsibilityList.objects.visible_to(user).filter(year=year, quarter=quarter)
    if status:
        lists = lists.filter(status=status)
    return lists.select_related("organization", "secretary", "reviewed_by").order_by(
        "organization__path"
    )


def status_counts(user: Any, *, year: int, quarter: int) -> dict[str, int]:
    """Lists per status in the user's scope for the quarter, one query."""
    row = (
        ResponsibilityList.objects.visible_to(user)
        .filter(year=year, quarter=quarter)
        .aggregate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in STATUS_ORDER},
            late=Count("pk", filter=Q(late=True)),
        )
    )
    return {key: value or 0 for key, value in row.items()}


def rectifications_for_user(user: Any, *, today: datetime.date, show: str = "open") -> QuerySet:
    """Rectifications in the user's scope: "open" (not closed), "overdue" or "all"."""
    rows = Rectification.objects.visible_to(user)
    if show == "overdue":
        rows = rows.filter(status=RectificationStatus.OPEN, deadline__lt=today)
    elif show != "all":
        rows = rows.exclude(status=RectificationStatus.CLOSED)
    return rows.select_related("item__checklist__organization").order_by("deadline", "pk")


def overdue_rectifications(org: Organization, today: datetime.date) -> QuerySet:
    """Warnings: rectifications of `org`'s subtree past their deadline with no report yet
    (a reported one waits for staff, not for the organisation). One query when iterated."""
    return (
        Rectification.objects.within(org)
        .filter(status=RectificationStatus.OPEN, deadline__lt=today)
        .select_related("item__checklist__organization")
        .order_by("deadline", "pk")
    )


# --- what changed since the last submission ---------------------------------------------


@dataclass(frozen=True)
class ItemChange:
    old_status: str
    new_status: str
    old_account: str
    new_account: str
    new_evidence: int

    @property
    def old_status_label(self) -> str:
        return ItemStatus(self.old_status).label

    @property
    def new_status_label(self) -> str:
        return ItemStatus(self.new_status).label

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def account_changed(self) -> bool:
        return self.old_account != self.new_account


def previous_submission_at(checklist: ResponsibilityList) -> datetime.datetime | None:
    """When the list was submitted the time before the latest submission (None if it was
    submitted once only): the list's history has a run of 已提交 records per submission."""
    starts: list[datetime.datetime] = []
    previous = None
    for status, at in checklist.history.order_by("history_date", "history_id").values_list(
        "status", "history_date"
    ):
        if status == ListStatus.SUBMITTED and previous != ListStatus.SUBMITTED:
            starts.append(at)
        previous = status
    return starts[-2] if len(starts) >= 2 else None


def changes_since_last_submission(checklist: ResponsibilityList) -> dict[int, ItemChange]:
    """Per item id, what the secretary changed (progress, account, new evidence) since the
    previous submission of a list that was sent back; empty for a first submission. Four
    queries whatever the number of items."""
    since = previous_submission_at(checklist)
    if since is None:
        return {}
    then: dict[int, tuple[str, str]] = {}
    for item_id, status, account in (
        ChecklistItem.history.filter(checklist_id=checklist.pk, history_date__lte=since)
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "status", "account")
    ):
        then.setdefault(item_id, (status, account))
    added = dict(
        ChecklistEvidence.objects.filter(item__checklist=checklist, uploaded_at__gt=since)
        .values("item_id")
        .annotate(n=Count("pk"))
        .values_list("item_id", "n")
    )
    changes: dict[int, ItemChange] = {}
    for item in checklist.items.all():
        old_status, old_account = then.get(item.pk, (item.status, item.account))
        change = ItemChange(
            old_status=old_status,
            new_status=item.status,
            old_account=old_account,
            new_account=item.account,
            new_evidence=added.get(item.pk, 0),
        )
        if change.status_changed or change.account_changed or change.new_evidence:
            changes[item.pk] = change
    return changes
