"""Demo responsibility lists of the demo county, so that the lists pages, the dashboard and
the bulletin have a quarter to show: last quarter's lists reported and reviewed (most
approved with varied scores, one late, one sent back, one never submitted, rectification
items where an item fell short) and this quarter's lists issued, a few in progress.

The secretaries' side (filling, submitting) is written directly — the demo has one
secretary account, the organisations' secretaries are names only; the reviewers' side
goes through the reviewing services as the demo `staff` account, so scores, totals and
rectifications follow the real rules. Idempotent: nothing happens once last quarter's
lists exist.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .checklist_models import ResponsibilityList
from .choices import ItemStatus, ListStatus
from .issuing import Quarter, issue_checklists
from .reviewing import checklist_approve, checklist_return, checklist_score

REVIEWER = "staff"
# Share of each item's points given, by the list's position in tree order (cycled): most
# lists do well, some fall short on one item (a rectification), one poorly.
SCORE_PATTERNS: tuple[tuple[Decimal, ...], ...] = (
    (Decimal("1"),),
    (Decimal("0.9"), Decimal("1")),
    (Decimal("1"), Decimal("0.8"), Decimal("1")),
    (Decimal("0.9"), Decimal("0.4"), Decimal("1")),
    (Decimal("0.7"), Decimal("0.9")),
    (Decimal("0.5"), Decimal("0.6"), Decimal("0.8")),
)
ACCOUNT = "已按要求完成，相关会议记录和照片已归档。"


def _previous_quarter(today: datetime.date) -> Quarter:
    current = Quarter.of(today)
    if current.number > 1:
        return Quarter(current.year, current.number - 1)
    return Quarter(current.year - 1, 4)


def _report(checklist: ResponsibilityList, submitted_at: datetime.datetime) -> None:
    """What the secretary's page stores: every item done with an account, submitted."""
    checklist.items.update(status=ItemStatus.DONE, account=ACCOUNT)
    checklist.status = ListStatus.SUBMITTED
    checklist.submitted_at = submitted_at
    checklist.late = timezone.localdate(submitted_at) > checklist.deadline
    checklist.save()


def _score(checklist: ResponsibilityList, pattern: tuple[Decimal, ...], reviewer) -> None:
    items = list(checklist.items.order_by("position"))
    scores = {
        item.pk: (
            (item.points * pattern[index % len(pattern)]).quantize(Decimal("0.1")),
            "",
            False,
        )
        for index, item in enumerate(items)
    }
    checklist_score(
        user=reviewer, checklist=checklist, scores=scores, expected_revision=checklist.revision
    )


def load_demo_checklists() -> str:
    reviewer = get_user_model().objects.filter(username=REVIEWER).first()
    today = timezone.localdate()
    last = _previous_quarter(today)
    if (
        reviewer is None
        or ResponsibilityList.objects.filter(year=last.year, quarter=last.number).exists()
    ):
        return "责任清单：未变"
    with transaction.atomic():
        issued_last = issue_checklists(quarter=last, user=reviewer).created
        issued_now = issue_checklists(quarter=Quarter.of(today), user=reviewer).created
        on_time = timezone.make_aware(
            datetime.datetime.combine(last.last_day, datetime.time(16, 0))
        )
        approved = returned = 0
        for index, checklist in enumerate(issued_last):
            if index == len(issued_last) - 1:
                continue  # never submitted: overdue, a health finding
            late = index == 2
            _report(
                checklist,
                on_time + datetime.timedelta(days=15 if late else index % 5),
            )
            checklist = ResponsibilityList.objects.get(pk=checklist.pk)
            if index == 1:
                first = checklist.items.order_by("position").first()
                checklist_return(
                    user=reviewer,
                    checklist=checklist,
                    reasons={first.pk: "请补充支部党员大会会议记录的照片。"},
                    expected_revision=checklist.revision,
                )
                returned += 1
                continue
            _score(checklist, SCORE_PATTERNS[index % len(SCORE_PATTERNS)], reviewer)
            checklist = ResponsibilityList.objects.get(pk=checklist.pk)
            checklist_approve(
                user=reviewer, checklist=checklist, expected_revision=checklist.revision
            )
            approved += 1
        for checklist in issued_now[:3]:
            checklist.items.filter(position__lte=2).update(
                status=ItemStatus.IN_PROGRESS, account="正在推进。"
            )
    return (
        f"责任清单：{last} 下发 {len(issued_last)} 份（审核通过 {approved}、退回 {returned}），"
        f"本季度下发 {len(issued_now)} 份"
    )
