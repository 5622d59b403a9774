"""The review pages: the quarter's lists by status, one list with its scoring form, and the
rectifications; each scoped (Charlie outside A, Sam the secretary of A1 reads only)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from checklists.choices import ListStatus, RectificationStatus
from checklists.issuing import issue_checklists
from checklists.models import ChecklistEvidence, Rectification, ResponsibilityList
from checklists.reviewing.services import checklist_approve, checklist_score
from core.periods import Quarter
from tests.factories import make_org, make_user

YEAR = timezone.localdate().year
QUARTER = Quarter(YEAR, 2)
PERIOD = {"year": YEAR, "quarter": 2}


def login(client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def submit(checklist: ResponsibilityList, *, late: bool = False) -> ResponsibilityList:
    checklist.status = ListStatus.SUBMITTED
    checklist.submitted_at = timezone.now()
    checklist.late = late
    checklist.save()
    return checklist


@pytest.fixture
def lists(tree, sam, alice, bob, charlie, leo):
    issue_checklists(quarter=QUARTER)
    found = {c.organization.code: c for c in ResponsibilityList.objects.all()}
    submit(found["A1"], late=True)
    submit(found["B1"])
    return {code: ResponsibilityList.objects.get(pk=c.pk) for code, c in found.items()}


def post_scores(checklist: ResponsibilityList, decision: str, revision=None, **overrides):
    """The review form as the page posts it: every item at full points unless overridden
    ({"score_<position>": "…", "comment_<position>": "…", "rectify_<position>": "on"})."""
    data = {"revision": checklist.revision if revision is None else revision, "decision": decision}
    for item in checklist.items.all():
        data[f"score_{item.pk}"] = overrides.get(f"score_{item.position}", str(item.points))
        data[f"comment_{item.pk}"] = overrides.get(f"comment_{item.position}", "")
        if overrides.get(f"rectify_{item.position}"):
            data[f"rectify_{item.pk}"] = "on"
    return data


def review_url(checklist: ResponsibilityList) -> str:
    return reverse("checklists:review", args=[checklist.pk])


# --- the list of lists ------------------------------------------------------------------


def test_it_shows_the_subtrees_lists_with_counts_and_late_marks(client, lists):
    login(client, "bob")
    response = client.get(reverse("checklists:review_list"), PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "甲一村支部" in page
    assert "甲二村支部" in page
    assert "甲镇党委" in page
    assert "乙一村支部" not in page
    tabs = {t["value"]: t["count"] for t in response.context["tabs"]}
    assert tabs == {"draft": 2, "submitted": 1, "returned": 0, "approved": 0}
    assert response.context["late"] == 1
    assert "逾期" in page


def test_it_filters_by_status(client, lists):
    login(client, "alice")
    response = client.get(reverse("checklists:review_list"), {**PERIOD, "status": "submitted"})
    codes = [c.organization.code for c in response.context["page"].object_list]
    assert codes == ["A1", "B1"]


def test_another_quarter_is_empty(client, lists):
    login(client, "alice")
    response = client.get(reverse("checklists:review_list"), {"year": YEAR, "quarter": 3})
    assert response.context["page"].paginator.count == 0
    assert "所选季度没有符合条件的责任清单" in response.content.decode()


def test_the_outsider_sees_only_their_own_subtree(client, lists):
    login(client, "charlie")
    response = client.get(reverse("checklists:review_list"), PERIOD)
    codes = [c.organization.code for c in response.context["page"].object_list]
    assert codes == ["B", "B1"]


def test_the_list_page_runs_a_constant_number_of_queries(
    client, lists, tree, django_assert_max_num_queries
):
    for n in range(12):
        make_org(tree["A"], code=f"AX{n}")
    issue_checklists(quarter=QUARTER)
    login(client, "alice")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("checklists:review_list"), PERIOD)
    assert response.context["page"].paginator.count == 17


# --- one list -------------------------------------------------------------------------


def test_a_reviewer_sees_the_items_and_the_scoring_form(client, lists):
    item = lists["A1"].items.get(position=1)
    item.account = "召开支部党员大会一次"
    item.measured_value = Decimal("1")
    item.save()
    ChecklistEvidence.objects.create(
        item=item,
        file="checklists/a.pdf",
        original_name="会议记录.pdf",
        content_type="application/pdf",
        size=3,
    )
    login(client, "bob")
    response = client.get(review_url(lists["A1"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "召开支部党员大会一次" in page
    assert "会议记录.pdf" in page
    assert 'name="revision"' in page
    assert "审核通过" in page
    assert "退回修改" in page
    assert "保存评分" in page
    assert "逾期提交" in page


def test_scope_of_the_review_page(client, lists):
    login(client, "charlie")
    assert client.get(review_url(lists["A1"])).status_code == 404
    assert client.post(review_url(lists["A1"]), post_scores(lists["A1"], "save")).status_code == 404
    login(client, "sam")
    assert client.get(review_url(lists["A2"])).status_code == 404
    response = client.get(review_url(lists["A1"]))
    assert response.status_code == 200
    assert 'value="approve"' not in response.content.decode()
    for username in ("sam", "leo"):
        login(client, username)
        assert (
            client.post(review_url(lists["A1"]), post_scores(lists["A1"], "approve")).status_code
            == 403
        )
    assert ResponsibilityList.objects.get(pk=lists["A1"].pk).status == ListStatus.SUBMITTED


def test_saving_scores(client, lists):
    login(client, "bob")
    response = client.post(
        review_url(lists["A1"]),
        post_scores(lists["A1"], "save", score_1="15.5", comment_1="记录不全"),
    )
    assert response.status_code == 302
    item = lists["A1"].items.get(position=1)
    assert (item.score, item.review_comment) == (Decimal("15.5"), "记录不全")
    assert "已保存评分" in client.get(response.url).content.decode()


def test_a_score_out_of_bounds_is_named_and_nothing_is_saved(client, lists):
    login(client, "bob")
    response = client.post(review_url(lists["A1"]), post_scores(lists["A1"], "save", score_2="11"))
    assert response.status_code == 400
    assert "第 2 项评分应在 0 到 10.0 分之间。" in response.content.decode()
    assert not lists["A1"].items.filter(score__isnull=False).exists()
    response = client.post(
        review_url(lists["A1"]), post_scores(lists["A1"], "save", score_3="很好")
    )
    assert "第 3 项评分：请填写数字。" in response.content.decode()


def test_a_stale_page_gets_the_conflict_message(client, lists, alice):
    stale = lists["A1"].revision
    first = lists["A1"].items.get(position=1)
    checklist_score(
        user=alice,
        checklist=lists["A1"],
        scores={first.pk: (Decimal("18"), "alice", False)},
        expected_revision=stale,
    )
    login(client, "bob")
    response = client.post(
        review_url(lists["A1"]), post_scores(lists["A1"], "save", revision=stale, score_1="3")
    )
    assert response.status_code == 409  # as on the secretary's page
    assert "该清单已被他人修改（第 1 版），请刷新后再评分。" in response.content.decode()
    first.refresh_from_db()
    assert first.score == Decimal("18")


def test_sending_back_with_reasons(client, lists):
    login(client, "bob")
    response = client.post(
        review_url(lists["A1"]), post_scores(lists["A1"], "return", comment_1="请补充会议照片")
    )
    assert response.status_code == 302
    checklist = ResponsibilityList.objects.get(pk=lists["A1"].pk)
    assert checklist.status == ListStatus.RETURNED
    assert checklist.items.get(position=1).review_comment == "请补充会议照片"


def test_sending_back_without_a_reason_is_refused(client, lists):
    login(client, "bob")
    response = client.post(review_url(lists["A1"]), post_scores(lists["A1"], "return"))
    assert response.status_code == 400
    assert "至少为一项填写退回理由" in response.content.decode()
    assert ResponsibilityList.objects.get(pk=lists["A1"].pk).status == ListStatus.SUBMITTED


def test_approving_from_the_page(client, lists):
    login(client, "bob")
    response = client.post(
        review_url(lists["A1"]),
        post_scores(lists["A1"], "approve", score_1="11.9", rectify_4="on", comment_4="补联系记录"),
    )
    assert response.status_code == 302
    checklist = ResponsibilityList.objects.get(pk=lists["A1"].pk)
    assert (checklist.status, checklist.total_score) == (ListStatus.APPROVED, Decimal("91.9"))
    assert sorted(
        Rectification.objects.filter(item__checklist=checklist).values_list(
            "item__position", flat=True
        )
    ) == [1, 4]
    page = client.get(response.url).content.decode()
    assert "91.9" in page
    assert 'value="approve"' not in page


def assert_typed_input_kept(page: str, checklist: ResponsibilityList) -> None:
    first, fourth = checklist.items.get(position=1), checklist.items.get(position=4)
    assert f'name="score_{first.pk}" value="15.5"' in page
    assert "记录不全</textarea>" in page
    assert f'name="rectify_{fourth.pk}" id="id_rectify_{fourth.pk}" checked' in page


def test_approving_with_unscored_items_names_them_and_keeps_what_was_typed(client, lists):
    login(client, "bob")
    response = client.post(
        review_url(lists["A1"]),
        post_scores(
            lists["A1"],
            "approve",
            score_1="15.5",
            comment_1="记录不全",
            score_2="",
            score_3=" ",
            rectify_4="on",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 2、3 项尚未评分，全部评分后才能审核通过。" in page
    assert_typed_input_kept(page, lists["A1"])
    checklist = ResponsibilityList.objects.get(pk=lists["A1"].pk)
    assert checklist.status == ListStatus.SUBMITTED
    assert not checklist.items.filter(score__isnull=False).exists()


def test_reviewing_a_list_not_submitted_is_refused_on_the_page_keeping_the_input(client, lists):
    login(client, "bob")
    response = client.post(
        review_url(lists["A2"]),
        post_scores(lists["A2"], "save", score_1="15.5", comment_1="记录不全", rectify_4="on"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "只有“已提交”的清单可以审核，该清单当前为“未提交”。" in page
    assert_typed_input_kept(page, lists["A2"])
    assert not lists["A2"].items.filter(score__isnull=False).exists()


def test_the_review_page_runs_a_constant_number_of_queries(
    client, lists, django_assert_max_num_queries
):
    for item in lists["A1"].items.all():
        ChecklistEvidence.objects.create(
            item=item,
            file="checklists/a.pdf",
            original_name="a.pdf",
            content_type="application/pdf",
            size=3,
        )
    login(client, "bob")
    with django_assert_max_num_queries(14):
        assert client.get(review_url(lists["A1"])).status_code == 200


# --- rectifications ---------------------------------------------------------------------


@pytest.fixture
def rectification(lists, bob):
    checklist = lists["A1"]
    scores = {
        i.pk: (Decimal("0") if i.position == 1 else i.points, "", False)
        for i in checklist.items.all()
    }
    checklist_score(user=bob, checklist=checklist, scores=scores, expected_revision=0)
    checklist_approve(
        user=bob, checklist=ResponsibilityList.objects.get(pk=checklist.pk), expected_revision=1
    )
    return Rectification.objects.get()


def rect_url(rectification: Rectification, action: str) -> str:
    return reverse(f"checklists:rectification_{action}", args=[rectification.pk])


def test_the_secretary_sees_and_reports_their_rectification(client, rectification):
    login(client, "sam")
    page = client.get(reverse("checklists:rectifications")).content.decode()
    assert "甲一村支部" in page
    assert "报告整改情况" in page
    assert "销号</button>" not in page
    response = client.post(rect_url(rectification, "report"), {"report": "已补开支部党员大会"})
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert (rectification.status, rectification.report) == (
        RectificationStatus.REPORTED,
        "已补开支部党员大会",
    )
    assert client.post(rect_url(rectification, "close")).status_code == 403


def test_an_empty_report_is_refused_with_a_message(client, rectification):
    login(client, "sam")
    response = client.post(rect_url(rectification, "report"), {"report": " "}, follow=True)
    assert "整改情况：必填" in response.content.decode()
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN


def test_staff_close_and_may_not_report(client, rectification):
    login(client, "bob")
    assert client.post(rect_url(rectification, "report"), {"report": "x"}).status_code == 403
    assert client.post(rect_url(rectification, "close")).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CLOSED
    page = client.get(reverse("checklists:rectifications")).content.decode()
    assert "没有符合条件的整改事项" in page
    page = client.get(reverse("checklists:rectifications"), {"show": "all"}).content.decode()
    assert "已整改销号" in page


def test_outsiders_see_and_change_no_rectification(client, rectification, tree):
    make_user("sue", tree["A2"], "secretary")
    for username in ("charlie", "sue"):
        login(client, username)
        page = client.get(reverse("checklists:rectifications")).content.decode()
        assert "甲一村支部" not in page
        assert client.post(rect_url(rectification, "report"), {"report": "x"}).status_code == 404
        assert client.post(rect_url(rectification, "close")).status_code == 404
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN


def test_overdue_rectifications_are_marked(client, rectification):
    Rectification.objects.filter(pk=rectification.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    login(client, "leo")
    response = client.get(reverse("checklists:rectifications"), {"show": "overdue"})
    page = response.content.decode()
    assert "已逾期" in page
    assert "报告整改情况" not in page
    assert "销号</button>" not in page


def test_the_rectifications_page_runs_a_constant_number_of_queries(
    client, rectification, lists, alice, django_assert_max_num_queries
):
    b1 = lists["B1"]
    zero = {i.pk: (Decimal("0"), "", False) for i in b1.items.all()}
    checklist_score(user=alice, checklist=b1, scores=zero, expected_revision=0)
    checklist_approve(
        user=alice, checklist=ResponsibilityList.objects.get(pk=b1.pk), expected_revision=1
    )
    login(client, "alice")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("checklists:rectifications"))
    assert len(response.context["rows"]) == 10


# --- who sees what, and the ways between the pages --------------------------------------


def test_the_review_list_opens_on_the_quarter_under_review(client, lists, monkeypatch):
    import checklists.views.reviewing as views
    from checklists.issuing import deadline_for

    season_end = deadline_for(QUARTER) + datetime.timedelta(days=15)
    monkeypatch.setattr(views.timezone, "localdate", lambda: season_end)
    login(client, "alice")
    response = client.get(reverse("checklists:review_list"))
    assert (response.context["year"], response.context["quarter"]) == (YEAR, 2)
    assert response.context["page"].paginator.count == 5
    monkeypatch.setattr(views.timezone, "localdate", lambda: season_end + datetime.timedelta(1))
    response = client.get(reverse("checklists:review_list"))
    assert (response.context["year"], response.context["quarter"]) == (YEAR, 3)


def test_staff_find_the_issue_and_template_pages_from_the_review_list(client, lists):
    login(client, "bob")
    page = client.get(reverse("checklists:review_list"), PERIOD).content.decode()
    assert reverse("checklists:issue") in page
    assert reverse("checklists:templates") in page
    login(client, "leo")
    page = client.get(reverse("checklists:review_list"), PERIOD).content.decode()
    assert reverse("checklists:issue") not in page


def test_the_secretary_does_not_see_scores_while_the_list_is_under_review(client, lists, bob):
    checklist = lists["A1"]
    first = checklist.items.get(position=1)
    checklist_score(
        user=bob,
        checklist=checklist,
        scores={first.pk: (Decimal("3"), "草稿意见：记录太简略", True)},
        expected_revision=0,
    )
    login(client, "sam")
    for url in (review_url(checklist), reverse("checklists:fill", args=[checklist.pk])):
        page = client.get(url).content.decode()
        assert "草稿意见" not in page, url
        assert "3.0 / 20.0" not in page, url
        assert "需整改" not in page, url
    # Staff and leaders over it see the reviewer's work in progress.
    login(client, "leo")
    page = client.get(review_url(checklist)).content.decode()
    assert "草稿意见：记录太简略" in page
    assert "3.0 / 20.0" in page


def test_the_secretary_sees_the_reasons_once_sent_back_and_the_scores_once_approved(
    client, lists, bob
):
    login(client, "bob")
    client.post(
        review_url(lists["A1"]),
        post_scores(lists["A1"], "return", score_1="3", comment_1="请补充会议照片"),
    )
    login(client, "sam")
    page = client.get(review_url(lists["A1"])).content.decode()
    assert "请补充会议照片" in page
    assert "3.0 / 20.0" not in page
    fill_page = client.get(reverse("checklists:fill", args=[lists["A1"].pk])).content.decode()
    assert "退回原因" in fill_page
    assert "请补充会议照片" in fill_page
    submit(ResponsibilityList.objects.get(pk=lists["A1"].pk))
    login(client, "bob")
    checklist = ResponsibilityList.objects.get(pk=lists["A1"].pk)
    client.post(review_url(checklist), post_scores(checklist, "approve", score_1="3"))
    login(client, "sam")
    page = client.get(review_url(checklist)).content.decode()
    assert "3.0 / 20.0" in page
    assert "整改中" in page  # item 1's rectification


def test_a_township_secretary_cannot_report_on_a_villages_rectification(
    client, rectification, tree
):
    make_user("tina", tree["A"], "secretary")
    login(client, "tina")
    page = client.get(reverse("checklists:rectifications")).content.decode()
    assert "甲一村支部" not in page
    assert client.post(rect_url(rectification, "report"), {"report": "代报"}).status_code == 404
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN


def test_a_township_list_is_not_scored_by_the_townships_own_staff(client, lists):
    township = submit(lists["A"])
    login(client, "bob")
    response = client.get(review_url(township))
    assert response.status_code == 200
    assert 'value="approve"' not in response.content.decode()
    assert client.post(review_url(township), post_scores(township, "approve")).status_code == 403
    login(client, "alice")
    assert 'value="approve"' in client.get(review_url(township)).content.decode()


def test_the_rectification_notice_leads_to_the_report_form(client, rectification):
    from checklists.reminders import send_reminders
    from core.models import Notification

    send_reminders(today=rectification.deadline)
    notice = Notification.objects.get(event_key=f"rectification:{rectification.pk}:due")
    path, _hash, anchor = notice.url.partition("#")
    assert path == reverse("checklists:rectifications")
    login(client, "sam")
    page = client.get(path).content.decode()
    assert f'id="{anchor}"' in page
    assert reverse("checklists:rectification_report", args=[rectification.pk]) in page


def edit_url(rectification: Rectification) -> str:
    return reverse("checklists:rectification_edit", args=[rectification.pk])


def test_the_reviewer_edits_a_rectification_on_its_page(client, rectification):
    login(client, "bob")
    page = client.get(reverse("checklists:rectifications")).content.decode()
    assert edit_url(rectification) in page
    form = client.get(edit_url(rectification))
    assert form.status_code == 200
    assert "整改期限" in form.content.decode()
    later = timezone.localdate() + datetime.timedelta(days=45)
    response = client.post(
        edit_url(rectification),
        {"requirement": "补开大会", "deadline": later.isoformat(), "responsible_person": "李委员"},
    )
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert (
        rectification.requirement,
        rectification.deadline,
        rectification.responsible_person,
    ) == (
        "补开大会",
        later,
        "李委员",
    )
    assert rectification.history.first().history_user.username == "bob"


def test_a_bad_rectification_edit_names_the_fields_and_saves_nothing(client, rectification):
    login(client, "bob")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        edit_url(rectification),
        {"requirement": "补开大会", "deadline": yesterday.isoformat(), "responsible_person": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "整改期限：不能早于今天" in page
    assert "责任人：必填。" in page
    response = client.post(
        edit_url(rectification),
        {"requirement": "补开大会", "deadline": "明天", "responsible_person": "李"},
    )
    assert "整改期限：请按 2026-05-31 的格式填写日期。" in response.content.decode()
    before = rectification.requirement
    rectification.refresh_from_db()
    assert rectification.requirement == before


@pytest.mark.parametrize("username", ["sam", "leo", "charlie"])
def test_others_cannot_edit_a_rectification(client, rectification, username):
    login(client, username)
    later = (timezone.localdate() + datetime.timedelta(days=45)).isoformat()
    data = {"requirement": "改", "deadline": later, "responsible_person": "某"}
    expected = 404 if username == "charlie" else 403
    assert client.get(edit_url(rectification)).status_code == expected
    assert client.post(edit_url(rectification), data).status_code == expected
    rectification.refresh_from_db()
    assert rectification.requirement != "改"
