"""Reviewing responsibility lists: scoring bounds, the concurrent-review conflict, sending
back with reasons, approving (total, rectifications at the threshold), rectification
report/close permissions, the overdue selector and the "what changed" view."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from checklists.choices import ItemStatus, ListStatus, RectificationStatus
from checklists.issuing import issue_checklists
from checklists.models import ChecklistEvidence, ChecklistItem, Rectification, ResponsibilityList
from checklists.reviewing.rectifications import rectification_close, rectification_report
from checklists.reviewing.selectors import changes_since_last_submission, overdue_rectifications
from checklists.reviewing.services import (
    ReviewConflict,
    checklist_approve,
    checklist_return,
    checklist_review,
    checklist_score,
)
from config.celery import app
from core.periods import Quarter

YEAR = timezone.localdate().year
QUARTER = Quarter(YEAR, 1)
TODAY = timezone.localdate()


def submit(checklist: ResponsibilityList, user=None) -> ResponsibilityList:
    """What the secretary's submit does, as far as reviewing cares (status, history)."""
    checklist.status = ListStatus.SUBMITTED
    checklist.submitted_at = timezone.now()
    checklist._history_user = user
    checklist.save()
    return checklist


def fresh(checklist: ResponsibilityList) -> ResponsibilityList:
    return ResponsibilityList.objects.select_related("organization", "secretary").get(
        pk=checklist.pk
    )


def items_of(checklist: ResponsibilityList) -> list[ChecklistItem]:
    return list(checklist.items.order_by("position"))


def full_marks(checklist: ResponsibilityList, **overrides) -> dict:
    """A score for every item: full points, except {position: score} in overrides."""
    return {
        item.pk: (overrides.get(f"p{item.position}", item.points), "", False)
        for item in items_of(checklist)
    }


@pytest.fixture
def lists(tree, sam):
    issue_checklists(quarter=QUARTER)
    return {
        c.organization.code: c for c in ResponsibilityList.objects.select_related("organization")
    }


@pytest.fixture
def a1(lists, sam):
    return fresh(submit(lists["A1"], sam))


def test_it_saves_scores_with_history_and_bumps_the_revision(a1, bob):
    first = items_of(a1)[0]
    checklist_score(
        user=bob,
        checklist=a1,
        scores={first.pk: (Decimal("15.5"), " 记录不全 ", True)},
        expected_revision=a1.revision,
    )
    first.refresh_from_db()
    assert (first.score, first.review_comment, first.needs_rectification) == (
        Decimal("15.5"),
        "记录不全",
        True,
    )
    assert fresh(a1).revision == 1
    assert first.history.first().history_user == bob
    assert fresh(a1).history.first().history_user == bob


@pytest.mark.parametrize(
    ("score", "message"),
    [
        (Decimal("20.5"), "第 1 项评分应在 0 到 20.0 分之间。"),
        (Decimal("-1"), "第 1 项评分应在 0 到 20.0 分之间。"),
        (Decimal("12.25"), "第 1 项评分最多保留一位小数。"),
    ],
)
def test_it_rejects_scores_out_of_bounds_naming_the_item(a1, bob, score, message):
    first = items_of(a1)[0]
    with pytest.raises(ValidationError) as caught:
        checklist_score(
            user=bob, checklist=a1, scores={first.pk: (score, "", False)}, expected_revision=0
        )
    assert caught.value.message_dict[f"score_{first.pk}"] == [message]
    first.refresh_from_db()
    assert first.score is None
    assert fresh(a1).revision == 0


def test_the_bounds_themselves_are_allowed(a1, bob):
    first, second = items_of(a1)[:2]
    checklist_score(
        user=bob,
        checklist=a1,
        scores={first.pk: (Decimal("20"), "", False), second.pk: (Decimal("0"), "", False)},
        expected_revision=0,
    )
    assert [i.score for i in items_of(a1)[:2]] == [Decimal("20"), Decimal("0")]


def test_two_reviewers_on_the_same_revision_do_not_overwrite_each_other(a1, alice, bob):
    first = items_of(a1)[0]
    loaded_by_alice = fresh(a1)
    loaded_by_bob = fresh(a1)
    checklist_score(
        user=alice,
        checklist=loaded_by_alice,
        scores={first.pk: (Decimal("18"), "alice", False)},
        expected_revision=loaded_by_alice.revision,
    )
    with pytest.raises(ReviewConflict) as caught:
        checklist_score(
            user=bob,
            checklist=loaded_by_bob,
            scores={first.pk: (Decimal("5"), "bob", True)},
            expected_revision=loaded_by_bob.revision,
        )
    assert caught.value.messages == ["该清单已被他人修改（第 1 版），请刷新后再评分。"]
    first.refresh_from_db()
    assert (first.score, first.review_comment) == (Decimal("18"), "alice")
    # Approving or returning from the stale page is refused the same way.
    with pytest.raises(ReviewConflict):
        checklist_approve(user=bob, checklist=fresh(a1), expected_revision=0)
    with pytest.raises(ReviewConflict):
        checklist_return(
            user=bob, checklist=fresh(a1), reasons={first.pk: "x"}, expected_revision=0
        )


def test_only_staff_of_the_subtree_review(a1, charlie, sam, leo):
    first = items_of(a1)[0]
    for outsider in (charlie, sam, leo):
        with pytest.raises(PermissionDenied):
            checklist_score(
                user=outsider,
                checklist=a1,
                scores={first.pk: (Decimal("1"), "", False)},
                expected_revision=0,
            )
        with pytest.raises(PermissionDenied):
            checklist_approve(user=outsider, checklist=a1, expected_revision=0)
        with pytest.raises(PermissionDenied):
            checklist_return(
                user=outsider, checklist=a1, reasons={first.pk: "x"}, expected_revision=0
            )
    assert fresh(a1).revision == 0


def test_a_townships_own_list_is_reviewed_from_above_not_by_its_own_staff(lists, alice, bob):
    from checklists.reviewing.permissions import can_close_rectification, can_review

    township = fresh(submit(lists["A"]))
    first = items_of(township)[0]
    assert not can_review(bob, township)
    assert can_review(bob, fresh(lists["A1"]))
    assert can_review(alice, township)
    with pytest.raises(PermissionDenied):
        checklist_score(
            user=bob,
            checklist=township,
            scores={first.pk: (Decimal("1"), "", False)},
            expected_revision=0,
        )
    checklist_score(
        user=alice, checklist=township, scores=full_marks(township), expected_revision=0
    )
    checklist_approve(user=alice, checklist=fresh(township), expected_revision=1)
    assert fresh(township).reviewed_by == alice
    # The township's rectifications are the county's to change and close.
    item = items_of(township)[0]
    rectification = Rectification.objects.create(
        item=item, requirement="补", responsible_person="甲书记", deadline=TODAY
    )
    assert not can_close_rectification(bob, rectification)
    assert can_close_rectification(alice, rectification)
    with pytest.raises(PermissionDenied):
        rectification_close(user=bob, rectification=rectification)


def test_only_a_submitted_list_is_scored(lists, bob):
    draft = fresh(lists["A2"])
    first = items_of(draft)[0]
    with pytest.raises(ValidationError, match="只有“已提交”的清单可以审核"):
        checklist_score(
            user=bob,
            checklist=draft,
            scores={first.pk: (Decimal("1"), "", False)},
            expected_revision=0,
        )


def test_an_item_of_another_list_is_refused(a1, lists, bob):
    foreign = items_of(lists["A2"])[0]
    with pytest.raises(ValidationError):
        checklist_score(
            user=bob,
            checklist=a1,
            scores={foreign.pk: (Decimal("1"), "", False)},
            expected_revision=0,
        )
    foreign.refresh_from_db()
    assert foreign.score is None


def test_return_puts_the_reasons_on_the_items(a1, bob):
    first, second = items_of(a1)[:2]
    checklist_return(
        user=bob,
        checklist=a1,
        reasons={first.pk: "请补充支部党员大会记录", second.pk: "  "},
        expected_revision=0,
    )
    checklist = fresh(a1)
    assert checklist.status == ListStatus.RETURNED
    assert checklist.revision == 1
    shown = dict(checklist.items.values_list("position", "review_comment"))
    assert shown[1] == "请补充支部党员大会记录"
    assert shown[2] == ""
    assert checklist.history.first().history_user == bob


def test_return_needs_at_least_one_reason(a1, bob):
    first = items_of(a1)[0]
    with pytest.raises(ValidationError, match="至少为一项填写退回理由"):
        checklist_return(user=bob, checklist=a1, reasons={first.pk: " "}, expected_revision=0)
    assert fresh(a1).status == ListStatus.SUBMITTED


def test_approve_needs_every_item_scored(a1, bob):
    scores = full_marks(a1)
    unscored = items_of(a1)[2]
    del scores[unscored.pk]
    checklist_score(user=bob, checklist=a1, scores=scores, expected_revision=0)
    with pytest.raises(ValidationError, match="第 3 项尚未评分"):
        checklist_approve(user=bob, checklist=fresh(a1), expected_revision=1)
    assert fresh(a1).status == ListStatus.SUBMITTED


def test_approve_computes_the_total_and_raises_rectifications_at_the_threshold(a1, bob, tree):
    tree["A1"].secretary_name = "张书记"
    tree["A1"].save()
    # Item 1 (20 points): 12 is exactly 60 % → fine. Item 3 (10): 5.9 < 6 → rectify.
    # Item 4 (10): full marks but marked 需整改 with a comment. Item 8 (5): 2.9 < 3.
    scores = full_marks(a1, p1=Decimal("12"), p3=Decimal("5.9"), p8=Decimal("2.9"))
    item4 = items_of(a1)[3]
    scores[item4.pk] = (item4.points, "流动党员联系记录需补齐", True)
    checklist_score(user=bob, checklist=a1, scores=scores, expected_revision=0)
    checklist_approve(user=bob, checklist=fresh(a1), expected_revision=1)

    checklist = fresh(a1)
    assert checklist.status == ListStatus.APPROVED
    assert checklist.total_score == Decimal("100") - 8 - Decimal("4.1") - Decimal("2.1")
    assert checklist.reviewed_by == bob
    assert checklist.reviewed_at is not None
    rectifications = {
        r.item.position: r
        for r in Rectification.objects.filter(item__checklist=checklist).select_related("item")
    }
    assert sorted(rectifications) == [3, 4, 8]
    assert rectifications[4].requirement == "流动党员联系记录需补齐"
    assert rectifications[3].requirement.startswith("第 3 项“按时足额收缴党费”得分 5.9 / 10.0 分")
    assert {r.responsible_person for r in rectifications.values()} == {"张书记"}
    assert {r.deadline for r in rectifications.values()} == {TODAY + datetime.timedelta(days=30)}
    assert {r.created_by for r in rectifications.values()} == {bob}
    assert rectifications[3].history.first().history_user == bob


def test_the_threshold_and_deadline_come_from_settings(a1, bob, settings):
    settings.CHECKLIST_RECTIFY_BELOW_PERCENT = 70
    settings.CHECKLIST_RECTIFY_DAYS = 10
    checklist_score(
        user=bob, checklist=a1, scores=full_marks(a1, p1=Decimal("13.9")), expected_revision=0
    )
    checklist_approve(user=bob, checklist=fresh(a1), expected_revision=1)
    rectification = Rectification.objects.get(item__checklist=a1)
    assert rectification.item.position == 1
    assert rectification.deadline == TODAY + datetime.timedelta(days=10)
    # Without secretary_name, the secretary account's name is responsible.
    assert rectification.responsible_person == "sam"


def test_approving_twice_is_impossible_and_rectifications_are_made_once(a1, bob, alice):
    checklist_score(
        user=bob, checklist=a1, scores=full_marks(a1, p1=Decimal("0")), expected_revision=0
    )
    checklist_approve(user=bob, checklist=fresh(a1), expected_revision=1)
    with pytest.raises(ValidationError, match="不能重复审核"):
        checklist_approve(user=alice, checklist=fresh(a1), expected_revision=2)
    assert Rectification.objects.count() == 1
    assert fresh(a1).reviewed_by == bob


def test_the_combined_review_is_all_or_nothing(a1, bob):
    scores = full_marks(a1)
    del scores[items_of(a1)[0].pk]
    with pytest.raises(ValidationError, match="第 1 项尚未评分"):
        checklist_review(
            user=bob, checklist=a1, scores=scores, decision="approve", expected_revision=0
        )
    checklist = fresh(a1)
    assert checklist.revision == 0
    assert checklist.items.filter(score__isnull=False).count() == 0


def test_the_combined_return_uses_the_comments_as_reasons(a1, bob):
    scores = full_marks(a1)
    first = items_of(a1)[0]
    scores[first.pk] = (Decimal("10"), "会议记录缺照片", False)
    checklist_review(user=bob, checklist=a1, scores=scores, decision="return", expected_revision=0)
    checklist = fresh(a1)
    assert checklist.status == ListStatus.RETURNED
    assert checklist.revision == 2
    first.refresh_from_db()
    assert (first.score, first.review_comment) == (Decimal("10"), "会议记录缺照片")


@pytest.fixture
def rectification(a1, bob):
    checklist_score(
        user=bob, checklist=a1, scores=full_marks(a1, p1=Decimal("1")), expected_revision=0
    )
    checklist_approve(user=bob, checklist=fresh(a1), expected_revision=1)
    return Rectification.objects.select_related("item__checklist__organization").get()


def test_the_secretary_reports_and_staff_close(rectification, sam, bob):
    rectification_report(user=sam, rectification=rectification, report=" 已补开支部党员大会 ")
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.REPORTED
    assert rectification.report == "已补开支部党员大会"
    assert rectification.history.first().history_user == sam
    rectification_close(user=bob, rectification=rectification)
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CLOSED
    assert rectification.closed_at is not None
    with pytest.raises(ValidationError):
        rectification_report(user=sam, rectification=rectification, report="再报")
    with pytest.raises(ValidationError):
        rectification_close(user=bob, rectification=rectification)


def test_a_report_needs_text(rectification, sam):
    with pytest.raises(ValidationError) as caught:
        rectification_report(user=sam, rectification=rectification, report="  ")
    assert caught.value.message_dict == {"report": ["整改情况：必填，请写明整改了什么。"]}


def test_others_can_neither_report_nor_close(rectification, bob, charlie, leo, tree):
    from tests.factories import make_user

    other_secretary = make_user("sue", tree["A2"], "secretary")
    township_secretary = make_user("tina", tree["A"], "secretary")
    for user in (bob, charlie, leo, other_secretary, township_secretary):
        with pytest.raises(PermissionDenied):
            rectification_report(user=user, rectification=rectification, report="做了")
    for user in (charlie, leo, other_secretary, township_secretary):
        with pytest.raises(PermissionDenied):
            rectification_close(user=user, rectification=rectification)
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN


def test_overdue_rectifications_of_a_subtree(rectification, tree, sam, django_assert_num_queries):
    due = rectification.deadline
    assert list(overdue_rectifications(tree["A"], due)) == []
    later = due + datetime.timedelta(days=1)
    with django_assert_num_queries(1):
        found = [
            (r.pk, r.item.checklist.organization.code)
            for r in overdue_rectifications(tree["C"], later)
        ]
    assert found == [(rectification.pk, "A1")]
    assert list(overdue_rectifications(tree["B"], later)) == []
    # Once reported, it waits for staff rather than for the organisation.
    rectification_report(user=sam, rectification=rectification, report="已整改")
    assert list(overdue_rectifications(tree["A"], later)) == []


def test_what_changed_since_the_previous_submission(a1, bob, sam, django_assert_max_num_queries):
    assert changes_since_last_submission(fresh(a1)) == {}
    first, second, third = items_of(a1)[:3]
    checklist_return(user=bob, checklist=a1, reasons={first.pk: "补材料"}, expected_revision=0)
    first.status = ItemStatus.DONE
    first.account = "三次支部党员大会"
    first._history_user = sam
    first.save()
    ChecklistEvidence.objects.create(
        item=third,
        file="checklists/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=3,
    )
    resubmitted = fresh(submit(fresh(a1), sam))
    with django_assert_max_num_queries(4):
        changes = changes_since_last_submission(resubmitted)
    assert set(changes) == {first.pk, third.pk}
    change = changes[first.pk]
    assert (change.old_status_label, change.new_status_label) == ("未开展", "已完成")
    assert (change.old_account, change.new_account) == ("", "三次支部党员大会")
    assert changes[third.pk].new_evidence == 1
    assert not changes[third.pk].account_changed
    assert second.pk not in changes


def test_a_return_clears_the_reasons_of_an_earlier_return(a1, bob, sam):
    first, second = items_of(a1)[:2]
    checklist_return(user=bob, checklist=a1, reasons={first.pk: "补会议记录"}, expected_revision=0)
    resubmitted = fresh(submit(fresh(a1), sam))
    checklist_return(
        user=bob,
        checklist=resubmitted,
        reasons={second.pk: "补发展党员材料"},
        expected_revision=resubmitted.revision,
    )
    shown = dict(fresh(a1).items.values_list("position", "review_comment"))
    assert shown[1] == ""
    assert shown[2] == "补发展党员材料"
    first.refresh_from_db()
    assert first.history.first().history_user == bob


def test_the_return_and_approval_are_mailed_once(
    a1, bob, sam, settings, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setitem(app.conf, "task_always_eager", True)  # the mail task, in-process
    settings.EMAIL_HOST = "mail.example.org"
    sam.email = "sam@example.org"
    sam.save()
    a1 = fresh(a1)
    first = items_of(a1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        checklist_return(user=bob, checklist=a1, reasons={first.pk: "补材料"}, expected_revision=0)
    assert [m.to for m in mailoutbox] == [["sam@example.org"]]
    assert "被退回修改" in mailoutbox[0].subject
    submit(fresh(a1), sam)
    checklist_score(user=bob, checklist=fresh(a1), scores=full_marks(a1), expected_revision=1)
    with django_capture_on_commit_callbacks(execute=True):
        checklist_approve(user=bob, checklist=fresh(a1), expected_revision=2)
    assert len(mailoutbox) == 2
    assert "已审核，得分 100" in mailoutbox[1].subject
    # The daily job finds both notifications made: it mails nothing again.
    from checklists.reminders import send_reminders

    send_reminders(today=TODAY)
    assert len(mailoutbox) == 2


def test_the_secretary_is_notified_once_of_return_and_approval(
    a1, bob, sam, django_capture_on_commit_callbacks
):
    from core.models import Notification

    first = items_of(a1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        checklist_return(user=bob, checklist=a1, reasons={first.pk: "补材料"}, expected_revision=0)
    texts = list(Notification.objects.filter(user=sam).values_list("text", flat=True))
    assert len(texts) == 1
    assert "被退回修改" in texts[0]
    submit(fresh(a1), sam)
    checklist_score(user=bob, checklist=fresh(a1), scores=full_marks(a1), expected_revision=1)
    with django_capture_on_commit_callbacks(execute=True):
        checklist_approve(user=bob, checklist=fresh(a1), expected_revision=2)
    assert Notification.objects.filter(user=sam, text__contains="已审核，得分 100").count() == 1


def test_a_report_on_a_rectification_closed_meanwhile_is_refused(rectification, sam, bob):
    # Both pages were loaded while it was open; the close lands first.
    seen_by_sam = Rectification.objects.select_related("item__checklist__organization").get(
        pk=rectification.pk
    )
    rectification_close(user=bob, rectification=rectification)
    with pytest.raises(ValidationError, match="已销号"):
        rectification_report(user=sam, rectification=seen_by_sam, report="已整改")
    rectification.refresh_from_db()
    assert (rectification.status, rectification.report) == (RectificationStatus.CLOSED, "")
    with pytest.raises(ValidationError, match="已销号"):
        rectification_close(user=bob, rectification=seen_by_sam)


def test_the_reviewer_changes_a_rectification_with_history(rectification, bob):
    from checklists.reviewing.rectifications import rectification_update

    later = TODAY + datetime.timedelta(days=60)
    rectification_update(
        user=bob,
        rectification=rectification,
        requirement=" 补开支部党员大会并上传记录 ",
        deadline=later,
        responsible_person="李副书记",
    )
    rectification.refresh_from_db()
    assert (
        rectification.requirement,
        rectification.deadline,
        rectification.responsible_person,
    ) == (
        "补开支部党员大会并上传记录",
        later,
        "李副书记",
    )
    assert rectification.history.first().history_user == bob
    assert rectification.history.first().history_change_reason == "修改整改要求、期限或责任人"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline": TODAY - datetime.timedelta(days=1)}, "deadline", "整改期限：不能早于今天"),
        ({"deadline": None}, "deadline", "整改期限：必填"),
        ({"responsible_person": " "}, "responsible_person", "责任人：必填。"),
        ({"responsible_person": "张" * 31}, "responsible_person", "责任人不能超过 30 个字符"),
        ({"requirement": ""}, "requirement", "整改要求：必填。"),
    ],
)
def test_a_rectification_change_is_checked_field_by_field(
    rectification, bob, changes, field, message
):
    from checklists.reviewing.rectifications import rectification_update

    values = {
        "requirement": "新要求",
        "deadline": TODAY + datetime.timedelta(days=5),
        "responsible_person": "李副书记",
        **changes,
    }
    with pytest.raises(ValidationError) as caught:
        rectification_update(user=bob, rectification=rectification, **values)
    assert caught.value.message_dict[field][0].startswith(message)
    before = rectification.requirement
    rectification.refresh_from_db()
    assert rectification.requirement == before


def test_an_overdue_deadline_may_be_kept_while_the_person_changes(rectification, bob):
    from checklists.reviewing.rectifications import rectification_update

    past = TODAY - datetime.timedelta(days=3)
    Rectification.objects.filter(pk=rectification.pk).update(deadline=past)
    rectification.refresh_from_db()
    rectification_update(
        user=bob,
        rectification=rectification,
        requirement=rectification.requirement,
        deadline=past,
        responsible_person="新书记",
    )
    rectification.refresh_from_db()
    assert (rectification.deadline, rectification.responsible_person) == (past, "新书记")


def test_only_the_reviewer_changes_an_open_rectification(rectification, sam, charlie, leo, bob):
    from checklists.reviewing.rectifications import rectification_update

    values = {
        "requirement": "新要求",
        "deadline": TODAY + datetime.timedelta(days=5),
        "responsible_person": "某人",
    }
    for user in (sam, charlie, leo):
        with pytest.raises(PermissionDenied):
            rectification_update(user=user, rectification=rectification, **values)
    rectification_close(user=bob, rectification=rectification)
    with pytest.raises(ValidationError, match="已销号"):
        rectification_update(user=bob, rectification=rectification, **values)
    rectification.refresh_from_db()
    assert rectification.requirement != "新要求"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # Q1's lists are due 10 April: reviewed until 25 April, then Q2 is shown.
        (datetime.date(2026, 4, 1), (2026, 1)),
        (datetime.date(2026, 4, 25), (2026, 1)),
        (datetime.date(2026, 4, 26), (2026, 2)),
        (datetime.date(2026, 6, 30), (2026, 2)),
        # January: the previous year's fourth quarter.
        (datetime.date(2027, 1, 5), (2026, 4)),
    ],
)
def test_the_review_list_opens_on_the_quarter_under_review(today, expected):
    from checklists.reviewing.rules import default_review_quarter

    quarter = default_review_quarter(today)
    assert (quarter.year, quarter.number) == expected


def test_the_thresholds_are_settings(settings):
    """Their defaults live in config/settings/base.py only; the rules read the settings."""
    from checklists.issuing import deadline_for
    from checklists.reviewing.rules import rectify_below_percent, rectify_days

    assert rectify_below_percent() == Decimal(60)
    assert rectify_days() == 30
    assert deadline_for(Quarter(2026, 1)) == datetime.date(2026, 4, 10)
    settings.CHECKLIST_RECTIFY_BELOW_PERCENT = 50
    settings.CHECKLIST_RECTIFY_DAYS = 14
    settings.CHECKLIST_DEADLINE_DAYS = 5
    assert rectify_below_percent() == Decimal(50)
    assert rectify_days() == 14
    assert deadline_for(Quarter(2026, 1)) == datetime.date(2026, 4, 5)
