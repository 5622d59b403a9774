"""The daily reminders: each event notified once, whatever the number of runs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from checklists.issuing import deadline_for, issue_checklists
from checklists.models import ChecklistTemplate, Rectification, ResponsibilityList, TemplateItem
from checklists.reminders import send_reminders
from checklists.tasks import send_checklist_reminders
from core.models import Notification
from core.periods import Quarter
from tests.factories import make_user
from tests.helpers import running_worker

YEAR = timezone.localdate().year
Q4 = Quarter(YEAR, 4)
DEADLINE = deadline_for(Q4)


def _issue(tree, sam):
    issue_checklists(quarter=Q4)
    return ResponsibilityList.objects.get(organization__code="A1")


def texts(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_it_tells_the_secretary_once_that_the_list_was_issued(tree, sam):
    _issue(tree, sam)
    first = send_reminders(today=DEADLINE - datetime.timedelta(days=30))
    again = send_reminders(today=DEADLINE - datetime.timedelta(days=30))
    assert first.created["issued"] == 1
    assert again.total == 0
    assert texts(sam) == [f"甲一村支部 {YEAR} 年第 4 季度责任清单已下发，请于 {DEADLINE} 前填报。"]
    # Organisations without a secretary account have nobody to tell.
    assert Notification.objects.count() == 1


def test_three_days_before_the_deadline_once(tree, sam):
    _issue(tree, sam)
    assert send_reminders(today=DEADLINE - datetime.timedelta(days=4)).created["deadline"] == 0
    assert send_reminders(today=DEADLINE - datetime.timedelta(days=3)).created["deadline"] == 1
    assert send_reminders(today=DEADLINE - datetime.timedelta(days=1)).created["deadline"] == 0
    assert sum("将于" in t for t in texts(sam)) == 1


def test_no_deadline_reminder_for_a_submitted_list(tree, sam):
    checklist = _issue(tree, sam)
    checklist.status = "submitted"
    checklist.submitted_at = timezone.now()
    checklist.save()
    result = send_reminders(today=DEADLINE - datetime.timedelta(days=2))
    assert result.created["deadline"] == 0
    assert result.created["issued"] == 0


def test_sent_back_once_per_return(tree, sam):
    checklist = _issue(tree, sam)
    checklist.status = "returned"
    checklist.submitted_at = timezone.now() - datetime.timedelta(days=2)
    checklist.save()
    today = DEADLINE - datetime.timedelta(days=20)
    assert send_reminders(today=today).created["returned"] == 1
    # The secretary saves a draft (the revision moves on): no second notice.
    checklist.revision += 1
    checklist.save()
    assert send_reminders(today=today).created["returned"] == 0
    # Resubmitted and sent back again: a new return, a new notice.
    checklist.submitted_at = timezone.now()
    checklist.save()
    assert send_reminders(today=today).created["returned"] == 1
    assert sum("退回修改" in t for t in texts(sam)) == 2


def test_approved_once_with_the_score(tree, sam, alice):
    checklist = _issue(tree, sam)
    checklist.status = "approved"
    checklist.total_score = Decimal("92.5")
    checklist.reviewed_by = alice
    checklist.reviewed_at = timezone.now()
    checklist.save()
    today = timezone.localdate()
    assert send_reminders(today=today).created["approved"] == 1
    assert send_reminders(today=today).created["approved"] == 0
    assert f"甲一村支部 {YEAR} 年第 4 季度责任清单已审核，得分 92.5。" in texts(sam)


def test_rectification_due_within_three_days_or_overdue_once(tree, sam):
    checklist = _issue(tree, sam)
    today = DEADLINE + datetime.timedelta(days=30)
    items = list(checklist.items.order_by("position")[:3])
    due = [today + datetime.timedelta(days=3), today - datetime.timedelta(days=1), today]
    for item, deadline in zip(items, due, strict=True):
        Rectification.objects.create(
            item=item,
            requirement="补开支部党员大会",
            responsible_person="王书记",
            deadline=deadline,
        )
    Rectification.objects.create(
        item=checklist.items.get(position=4),
        requirement="还早",
        responsible_person="王书记",
        deadline=today + datetime.timedelta(days=4),
    )
    Rectification.objects.create(
        item=checklist.items.get(position=5),
        requirement="已整改",
        responsible_person="王书记",
        deadline=today,
        status="closed",
    )
    assert send_reminders(today=today).created["rectification"] == 3
    assert send_reminders(today=today).created["rectification"] == 0
    assert sum("已于" in t for t in texts(sam)) == 1  # the overdue one
    # Each notice leads to the rectification on the page where it is reported on.
    from django.urls import reverse

    urls = set(
        Notification.objects.filter(event_key__startswith="rectification:").values_list(
            "url", flat=True
        )
    )
    page = reverse("checklists:rectifications")
    assert urls == {
        f"{page}#rect-{pk}"
        for pk in Rectification.objects.filter(
            status="open", deadline__lte=today + datetime.timedelta(days=3)
        ).values_list("pk", flat=True)
    }


def test_a_secretary_whose_account_came_after_the_list_is_reminded(tree, sam):
    issue_checklists(quarter=Q4)
    sue = make_user("sue", tree["A2"], "secretary")
    today = DEADLINE - datetime.timedelta(days=2)
    result = send_reminders(today=today)
    assert result.created["issued"] == 2  # sam's and, now, sue's
    assert result.created["deadline"] == 2
    assert f"甲二村支部 {YEAR} 年第 4 季度责任清单已下发，请于 {DEADLINE} 前填报。" in texts(sue)
    a2 = ResponsibilityList.objects.get(organization__code="A2")
    assert a2.secretary == sue
    assert a2.history.first().history_change_reason == "按现任书记账号更新收件人"
    assert send_reminders(today=today).total == 0


def test_running_the_job_twice_creates_nothing_new(tree, sam):
    _issue(tree, sam)
    today = DEADLINE - datetime.timedelta(days=2)
    send_reminders(today=today)
    count = Notification.objects.count()
    assert send_reminders(today=today).total == 0
    assert Notification.objects.count() == count == 2


def test_the_job_queries_a_fixed_number_of_times(tree, django_assert_max_num_queries):
    from tests.factories import make_org

    for n in range(12):
        org = make_org(tree["A"], code=f"V{n:02d}")
        make_user(f"sec{n:02d}", org, "secretary")
    issue_checklists(quarter=Q4)
    with django_assert_max_num_queries(12):
        result = send_reminders(today=DEADLINE - datetime.timedelta(days=1))
    assert result.created["issued"] == 12
    assert result.created["deadline"] == 12


@pytest.mark.celery_worker
def test_a_real_worker_sends_the_daily_reminders_once(transactional_db, tree, sam):
    # transactional_db flushes the rows data migrations made: load the templates again.
    from checklists.default_templates import load_default_templates

    load_default_templates(ChecklistTemplate, TemplateItem, year=YEAR)
    issue_checklists(quarter=Quarter.of(timezone.localdate()))
    with running_worker():
        first = send_checklist_reminders.delay().get(timeout=60)
        second = send_checklist_reminders.delay().get(timeout=60)
    assert first["issued"] == 1  # sam is the only secretary with an account
    assert sum(second.values()) == 0
    assert len(texts(sam)) == 1
