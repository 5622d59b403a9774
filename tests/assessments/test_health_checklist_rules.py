"""The responsibility lists' warnings among the health findings: a list past its deadline
and not (re)submitted, a rectification past its deadline with no report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.health.rules import findings_for
from checklists.choices import ListStatus
from checklists.issuing import issue_checklists
from checklists.models import Rectification, ResponsibilityList
from checklists.reviewing.rectifications import rectification_report
from checklists.reviewing.services import checklist_approve, checklist_return, checklist_score
from core.periods import Quarter

# The current quarter: its lists are issued now, before any date the tests ask about.
QUARTER = Quarter.of(timezone.localdate())
DAY = datetime.timedelta(days=1)


def rule_findings(org, rule: str, today: datetime.date) -> dict[str, str]:
    return {f.code: f.message for f in findings_for(org, today=today) if f.rule == rule}


@pytest.fixture
def lists(tree, sam):
    issue_checklists(quarter=QUARTER)
    return {c.organization.code: c for c in ResponsibilityList.objects.select_related()}


def submit(checklist: ResponsibilityList) -> None:
    checklist.status = ListStatus.SUBMITTED
    checklist.submitted_at = timezone.now()
    checklist.save()


def test_a_list_not_submitted_is_overdue_the_day_after_its_deadline(tree, lists):
    deadline = lists["A1"].deadline
    assert rule_findings(tree["A"], "checklist_overdue", deadline) == {}
    found = rule_findings(tree["A"], "checklist_overdue", deadline + DAY)
    assert set(found) == {"A", "A1", "A2"}  # the township has its own list
    assert found["A1"] == (
        f"书记抓基层党建工作责任清单未提交：{QUARTER.year} 年第 {QUARTER.number} 季度"
        f"（截止 {deadline.isoformat()}，已逾期 1 天）。"
    )
    # Another township's lists are not findings of township A.
    assert "B1" not in found
    submit(lists["A1"])
    assert set(rule_findings(tree["A"], "checklist_overdue", deadline + DAY)) == {"A", "A2"}


def test_a_list_sent_back_is_overdue_again_until_resubmitted(tree, lists, bob):
    submit(lists["A1"])
    checklist = ResponsibilityList.objects.get(pk=lists["A1"].pk)
    item = checklist.items.order_by("position").first()
    checklist_return(
        user=bob, checklist=checklist, reasons={item.pk: "补材料"}, expected_revision=0
    )
    found = rule_findings(tree["A1"], "checklist_overdue", checklist.deadline + 3 * DAY)
    assert "退回后未重新提交" in found["A1"]
    assert "已逾期 3 天" in found["A1"]


def test_an_open_rectification_past_its_deadline_until_reported(tree, lists, bob, sam):
    checklist = lists["A1"]
    submit(checklist)
    checklist = ResponsibilityList.objects.get(pk=checklist.pk)
    scores = {
        item.pk: (Decimal("1") if item.position == 1 else item.points, "", False)
        for item in checklist.items.all()
    }
    checklist_score(user=bob, checklist=checklist, scores=scores, expected_revision=0)
    checklist = ResponsibilityList.objects.get(pk=checklist.pk)
    checklist_approve(user=bob, checklist=checklist, expected_revision=1)
    rectification = Rectification.objects.select_related("item").get()
    due = rectification.deadline
    assert rule_findings(tree["C"], "rectification_overdue", due) == {}
    found = rule_findings(tree["C"], "rectification_overdue", due + DAY)
    what = f"{rectification.item.content}（{due.isoformat()}）"
    assert found == {"A1": f"1 项整改超过期限仍未报告整改情况：{what}。"}
    assert rule_findings(tree["B"], "rectification_overdue", due + DAY) == {}
    rectification_report(user=sam, rectification=rectification, report="已整改")
    assert rule_findings(tree["C"], "rectification_overdue", due + DAY) == {}
