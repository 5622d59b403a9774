"""Demo responsibility lists of the demo county: the two closed quarters reported and
reviewed, the running quarter's lists being filled in.

Everything goes through the lists' services, each act at its own moment of the past
(demo/clock.py): issued on the quarter's first day, filled in with evidence
photos and submitted by the organisation's secretary (demo/people.py), scored and
approved or sent back by the staff above it (青石镇's villages by `town_staff`, the rest
by `staff`), rectifications reported by the secretary and closed by the reviewer.

The older quarter: every list approved, 城北社区's after being sent back and fixed,
李家沟村's late and poor, its rectifications still open. The last quarter: most lists
approved with their rectifications reported and closed, one reported and waiting, one
open; 西关村's sent back and fixed; 柳林村's sent back with one item to fix (the demo
`secretary` finds it); 新华社区's submitted late and waiting for review; 李家沟村's never
submitted. The running quarter: a few secretaries have started, 柳林村's among them.

Idempotent: a quarter whose lists exist is left alone.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from checklists.choices import ItemCategory, ItemStatus
from checklists.filling import checklist_submit, items_save
from checklists.issuing import deadline_for, issue_checklists
from checklists.models import ChecklistTemplate, Rectification, ResponsibilityList
from checklists.reviewing.rectifications import rectification_close, rectification_report
from checklists.reviewing.rules import falls_short
from checklists.reviewing.services import checklist_approve, checklist_return, checklist_score
from checklists.template_choice import choose_templates
from checklists.template_editing import template_copy
from core.periods import Quarter
from orgs.choices import OrgLevel
from orgs.models import Organization
from orgs.scope import in_subtree

from .calendar import closed_quarters, days_after, demo_today, running_quarter
from .checklist_texts import (
    FIXED,
    GOOD,
    IN_PROGRESS,
    POOR,
    RECTIFIED,
    RETURN_REASON,
    SCORE_PATTERNS,
    SHORT_COMMENT,
    account_for,
    evidence_for,
)
from .clock import demo_clock, moment
from .people import STAFF, TOWN_STAFF, account, secretary_of

ON_TIME, LATE, RETURNED_FIXED, RETURNED_OPEN, NEVER, UNREVIEWED = (
    "on_time", "late", "returned_fixed", "returned_open", "never", "unreviewed",
)  # fmt: skip
#: what happens to a list of the older ([0]) and the last ([1]) closed quarter
STORIES: tuple[dict[str, str], dict[str, str]] = (
    {"QH0102": RETURNED_FIXED, "QH0204": LATE},
    {"QH0103": RETURNED_FIXED, "QH0301": RETURNED_OPEN, "QH0403": UNREVIEWED, "QH0204": NEVER},
)
#: the township whose villages its own staff (`town_staff`) review
REVIEWING_TOWNSHIP = "QH02"
#: of the last quarter's rectifications (in tree order): reported and awaiting closing,
#: and left open
AWAITING_CLOSE, LEFT_OPEN = 1, 2
#: organisations that have started the running quarter's list besides every third one
STARTED_NOW = ("QH0301",)


def _fresh(checklist: ResponsibilityList) -> ResponsibilityList:
    return ResponsibilityList.objects.select_related("organization").get(pk=checklist.pk)


def _changes(checklist: ResponsibilityList, *, done: bool, upto: int | None = None) -> dict:
    """Every item (or the first `upto`) done with its account, or one left in progress."""
    changes = {}
    for item in checklist.items.order_by("position")[:upto]:
        if done or item.position != 2:
            changes[item.pk] = {"status": ItemStatus.DONE, "account": account_for(item)}
        else:
            changes[item.pk] = {"status": ItemStatus.IN_PROGRESS, "account": IN_PROGRESS}
    return changes


def _files(checklist: ResponsibilityList, *, upto: int | None, skip_life: bool) -> dict:
    files = {}
    for item in checklist.items.order_by("position")[:upto]:
        if skip_life and item.category == ItemCategory.LIFE:
            continue
        uploads = evidence_for(item, checklist)
        if uploads:
            files[item.pk] = uploads
    return files


def _fill(
    checklist: ResponsibilityList,
    secretary: Any,
    when: datetime.datetime,
    *,
    done: bool = True,
    upto: int | None = None,
    skip_life: bool = False,
) -> ResponsibilityList:
    """The secretary's draft: items reported with evidence (saved, not submitted)."""
    with demo_clock(when):
        return items_save(
            user=secretary,
            checklist=checklist,
            changes=_changes(checklist, done=done, upto=upto),
            files=_files(checklist, upto=upto, skip_life=skip_life),
            expected_revision=checklist.revision,
        )


def _submit(
    checklist: ResponsibilityList, secretary: Any, when: datetime.datetime
) -> ResponsibilityList:
    with demo_clock(when):
        return checklist_submit(
            user=secretary, checklist=checklist, expected_revision=checklist.revision
        )


def _send_back(
    checklist: ResponsibilityList, reviewer: Any, when: datetime.datetime
) -> ResponsibilityList:
    life = checklist.items.filter(category=ItemCategory.LIFE).order_by("position").first()
    with demo_clock(when):
        return checklist_return(
            user=reviewer,
            checklist=_fresh(checklist),
            reasons={life.pk: RETURN_REASON},
            expected_revision=checklist.revision,
        )


def _fix(
    checklist: ResponsibilityList, secretary: Any, when: datetime.datetime
) -> ResponsibilityList:
    """The secretary adds what was asked for and submits again."""
    life = checklist.items.filter(category=ItemCategory.LIFE).order_by("position").first()
    with demo_clock(when):
        saved = items_save(
            user=secretary,
            checklist=checklist,
            changes={life.pk: {"account": f"{account_for(life)}{FIXED}"}},
            files={life.pk: evidence_for(life, checklist)},
            expected_revision=checklist.revision,
        )
        return checklist_submit(user=secretary, checklist=saved, expected_revision=saved.revision)


def _approve(
    checklist: ResponsibilityList,
    reviewer: Any,
    pattern: tuple[Decimal, ...],
    when: datetime.datetime,
) -> ResponsibilityList:
    checklist = _fresh(checklist)
    items = list(checklist.items.order_by("position"))
    scores = {}
    for index, item in enumerate(items):
        score = (item.points * pattern[index % len(pattern)]).quantize(Decimal("0.1"))
        item.score = score
        scores[item.pk] = (score, SHORT_COMMENT if falls_short(item) else "", False)
    with demo_clock(when):
        checklist_score(
            user=reviewer, checklist=checklist, scores=scores, expected_revision=checklist.revision
        )
        return checklist_approve(
            user=reviewer, checklist=checklist, expected_revision=checklist.revision
        )


def _reviewer(org: Organization, staff: Any, town_staff: Any) -> Any:
    town = Organization.objects.filter(code=REVIEWING_TOWNSHIP).first()
    if org.level == OrgLevel.VILLAGE and town and in_subtree(org.path, town):
        return town_staff
    return staff


def _story(
    checklist: ResponsibilityList,
    index: int,
    story: str,
    quarter: Quarter,
    staff: Any,
    town_staff: Any,
) -> bool:
    """One list of a closed quarter; True when it ends approved."""
    org = checklist.organization
    secretary = checklist.secretary or secretary_of(org)
    reviewer = _reviewer(org, staff, town_staff)
    deadline = deadline_for(quarter)
    if story == NEVER:
        _fill(
            checklist, secretary, moment(days_after(quarter.last_day, -12), 20), done=False, upto=3
        )
        return False
    submitted = days_after(quarter.last_day, 2 + index % 7)
    if story in (LATE, UNREVIEWED):
        submitted = days_after(deadline, 6 if story == LATE else 20)
    weak = story == LATE
    checklist = _fill(
        checklist,
        secretary,
        moment(submitted, 15),
        done=not weak,
        skip_life=story in (RETURNED_FIXED, RETURNED_OPEN),
    )
    checklist = _submit(checklist, secretary, moment(submitted, 16))
    if story == UNREVIEWED:
        return False
    reviewed = days_after(max(submitted, deadline), 1 + index % 4)
    pattern = POOR if weak else SCORE_PATTERNS[index % len(SCORE_PATTERNS)]
    if story in (RETURNED_FIXED, RETURNED_OPEN):
        checklist = _send_back(checklist, reviewer, moment(reviewed, 10))
        if story == RETURNED_OPEN:
            return False
        fixed = days_after(reviewed, 3)
        checklist = _fix(checklist, secretary, moment(fixed, 15))
        reviewed, pattern = days_after(fixed, 2), GOOD
    _approve(checklist, reviewer, pattern, moment(reviewed, 11))
    return True


def _rectify(quarter: Quarter, older: bool, staff: Any, town_staff: Any) -> tuple[int, int]:
    """Reports and closings of the quarter's rectifications (see the module docstring)."""
    rows = (
        Rectification.objects.filter(
            item__checklist__year=quarter.year, item__checklist__quarter=quarter.number
        )
        .select_related("item__checklist__organization", "item__checklist__reviewed_by")
        .order_by("item__checklist__organization__path", "item__position")
    )
    reported = closed = 0
    for index, rectification in enumerate(rows):
        checklist = rectification.item.checklist
        org = checklist.organization
        if older and STORIES[0].get(org.code) == LATE:
            continue  # the weak village's rectifications are still open
        if not older and index == LEFT_OPEN:
            continue
        approved = timezone.localdate(checklist.reviewed_at)
        secretary = checklist.secretary or secretary_of(org)
        with demo_clock(moment(days_after(approved, 18), 17)):
            rectification = rectification_report(
                user=secretary, rectification=rectification, report=RECTIFIED
            )
        reported += 1
        if not older and index == AWAITING_CLOSE:
            continue
        with demo_clock(moment(days_after(approved, 24), 10)):
            rectification_close(user=_reviewer(org, staff, town_staff), rectification=rectification)
        closed += 1
    return reported, closed


def _templates_for(year: int, staff: Any) -> None:
    """The shipped templates are of the year the portal was installed: a closed quarter
    of the year before (the demo run early in a year) is issued from a copy of them."""
    current = choose_templates(year).current
    for level in ChecklistTemplate.objects.values_list("level", flat=True).distinct():
        if level not in current:
            source = ChecklistTemplate.objects.filter(level=level).order_by("year", "version")
            template_copy(user=staff, source=source.first(), year=year)


def _closed_quarter(quarter: Quarter, older: bool, staff: Any, town_staff: Any) -> str:
    _templates_for(quarter.year, staff)
    with demo_clock(moment(quarter.first_day, 8)):
        issued = issue_checklists(quarter=quarter, user=staff).created
    stories = STORIES[0 if older else 1]
    approved = 0
    for index, checklist in enumerate(issued):
        story = stories.get(checklist.organization.code, ON_TIME)
        approved += _story(checklist, index, story, quarter, staff, town_staff)
    reported, closed = _rectify(quarter, older, staff, town_staff)
    return (
        f"{quarter} 下发 {len(issued)} 份、审核通过 {approved} 份，"
        f"整改 {reported} 项已报告、{closed} 项已销号"
    )


def _running_quarter(quarter: Quarter, today: datetime.date, staff: Any) -> str:
    with demo_clock(moment(quarter.first_day, 8)):
        issued = issue_checklists(quarter=quarter, user=staff).created
    started = 0
    for index, checklist in enumerate(issued):
        org = checklist.organization
        if index % 3 and org.code not in STARTED_NOW:
            continue
        secretary = checklist.secretary or secretary_of(org)
        day = min(days_after(quarter.first_day, 35 + index), today)
        _fill(checklist, secretary, moment(day, 20), done=False, upto=3)
        started += 1
    return f"{quarter} 下发 {len(issued)} 份（{started} 份已开始填报）"


def load_demo_checklists() -> str:
    staff, town_staff = account(STAFF), account(TOWN_STAFF)
    if staff is None or town_staff is None:
        return "责任清单：无演示账号，跳过"
    today = demo_today()
    parts = []
    with transaction.atomic():
        for older, demo_quarter in zip((True, False), closed_quarters(today), strict=True):
            quarter = Quarter(demo_quarter.year, demo_quarter.number)
            if ResponsibilityList.objects.filter(
                year=quarter.year, quarter=quarter.number
            ).exists():
                continue
            parts.append(_closed_quarter(quarter, older, staff, town_staff))
        current = running_quarter(today)
        quarter = Quarter(current.year, current.number)
        if not ResponsibilityList.objects.filter(
            year=quarter.year, quarter=quarter.number
        ).exists():
            parts.append(_running_quarter(quarter, today, staff))
    return "责任清单：" + ("；".join(parts) if parts else "未变")
