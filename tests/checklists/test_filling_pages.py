"""The secretary's pages under /checklists/: my lists, fill in, submit, evidence download.

Sam (secretary of A1) fills A1's list; A2's list is not there for him (404); Bob (staff of
A) and Leo (leader) may look at A1's list read-only and change nothing (403); Charlie
(staff of B) does not find it (404).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from checklists.filling import checklist_submit, items_save
from checklists.issuing import issue_checklists
from checklists.models import ChecklistEvidence, ChecklistItem, ResponsibilityList
from core.periods import Quarter
from tests.test_org_life_services import png_bytes

TODAY = timezone.localdate()
CURRENT = Quarter.of(TODAY)
PNG = png_bytes()  # a real image: uploads are opened by Pillow


def login(client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


@pytest.fixture
def lists(tree, sam, bob, charlie, leo):
    issue_checklists(quarter=CURRENT)
    return {
        c.organization.code: c for c in ResponsibilityList.objects.select_related("organization")
    }


@pytest.fixture
def a1(lists):
    return lists["A1"]


def fill_url(checklist) -> str:
    return reverse("checklists:fill", args=[checklist.pk])


def form_data(checklist, revision=None, action="save", **overrides) -> dict:
    """What the page posts: every item's current values, then `overrides` by position
    (e.g. {"3": ("done", "说明")})."""
    data = {"revision": checklist.revision if revision is None else revision, "action": action}
    for item in checklist.items.all():
        status, account = overrides.get(str(item.position), (item.status, item.account))
        data[f"item-{item.pk}-status"] = status
        data[f"item-{item.pk}-account"] = account
    return data


def test_my_lists_show_the_secretarys_own_lists_current_quarter_first(client, lists, sam):
    older = Quarter(CURRENT.year, CURRENT.number - 1) if CURRENT.number > 1 else None
    if older:
        issue_checklists(quarter=older)
    login(client, "sam")
    response = client.get(reverse("checklists:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(reverse("checklists:fill", args=[lists["A1"].pk])) == 1
    assert "甲二村支部" not in page
    assert "乙一村支部" not in page
    assert "本季度" in page
    assert "未提交" in page
    shown = [c.pk for c in response.context["page"].object_list]
    assert shown[0] == lists["A1"].pk
    assert len(shown) == (2 if older else 1)


def test_my_lists_mark_late_submissions(client, a1, sam):
    a1.deadline = TODAY - datetime.timedelta(days=1)
    a1.save()
    checklist_submit(user=sam, checklist=a1, expected_revision=0)
    login(client, "sam")
    page = client.get(reverse("checklists:mine")).content.decode()
    assert "已提交" in page
    assert "逾期提交" in page


def test_staff_see_no_lists_to_fill_on_my_lists(client, lists):
    login(client, "bob")
    response = client.get(reverse("checklists:mine"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "您负责审核或查看所辖组织的责任清单" in response.content.decode()


def test_my_lists_cost_the_same_for_many_lists(client, tree, sam, django_assert_max_num_queries):
    issue_checklists(quarter=Quarter(CURRENT.year, 1))
    login(client, "sam")
    with CaptureQueriesContext(connection) as one_list:
        client.get(reverse("checklists:mine"))
    for number in range(2, 5):
        issue_checklists(quarter=Quarter(CURRENT.year, number))
    with django_assert_max_num_queries(len(one_list)):
        response = client.get(reverse("checklists:mine"))
    assert len(response.context["page"].object_list) == 4
    assert len(one_list) <= 12


def test_the_secretary_sees_every_item_with_its_fields(client, a1):
    login(client, "sam")
    response = client.get(fill_url(a1))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<input type="radio"') == 3 * 9
    assert page.count("<textarea") == 9
    assert page.count('accept="image/*,application/pdf"') == 9
    assert "落实“三会一课”等组织生活制度" in page
    assert "本季度召开支部党员大会次数" in page
    assert "目标 ≥ 1.0" in page
    assert "保存草稿" in page
    assert f'name="revision" value="{a1.revision}"' in page


def test_saving_a_draft_keeps_everything_and_says_when(client, a1):
    login(client, "sam")
    data = form_data(a1, **{"1": ("done", "召开支部党员大会 1 次"), "2": ("in_progress", "")})
    data[f"item-{a1.items.get(position=1).pk}-files"] = [
        SimpleUploadedFile("会议.png", PNG, content_type="image/png")
    ]
    response = client.post(fill_url(a1), data, follow=True)
    assert response.status_code == 200
    assert "已保存于" in response.content.decode()
    first = a1.items.get(position=1)
    assert (first.status, first.account) == ("done", "召开支部党员大会 1 次")
    assert a1.items.get(position=2).status == "in_progress"
    assert first.evidence.get().original_name == "会议.png"
    a1.refresh_from_db()
    assert a1.revision == 1
    assert "最近保存" in response.content.decode()


def test_done_without_an_account_is_refused_beside_the_item(client, a1):
    login(client, "sam")
    data = form_data(a1, **{"1": ("in_progress", "已安排"), "4": ("done", "")})
    response = client.post(fill_url(a1), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 4 项标为“已完成”，请填写落实情况。" in page
    assert "已安排" in page  # what was typed is still there
    assert a1.items.get(position=1).status == "not_started"


def test_a_stale_page_keeps_what_was_typed_names_the_items_changed_and_saves_next_time(
    client, a1, sam
):
    stale = form_data(a1, revision=0, **{"1": ("in_progress", "我在手机上写的"), "2": ("done", "")})
    # Meanwhile, in another tab, item 3 was saved.
    third = a1.items.get(position=3)
    items_save(
        user=sam,
        checklist=a1,
        changes={third.pk: {"status": "in_progress", "account": "另一个标签页"}},
        expected_revision=0,
    )
    login(client, "sam")
    stale[f"item-{a1.items.get(position=2).pk}-status"] = "in_progress"
    response = client.post(fill_url(a1), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "这份清单刚在别处保存过（第 3 项有改动），您填写的内容未保存" in page
    assert "我在手机上写的" in page  # what was typed is still there
    assert "另一个标签页" in page  # and what was saved elsewhere is shown beside item 3
    assert page.count("此项刚在别处保存过") == 1
    assert 'name="revision" value="1"' in page  # the current revision: the next save works
    assert a1.items.get(position=1).account == ""
    # Saving the re-rendered form (its fields as shown) succeeds, knowingly.
    again = dict(stale)
    again["revision"] = 1
    again[f"item-{third.pk}-status"] = "in_progress"
    again[f"item-{third.pk}-account"] = "另一个标签页"
    response = client.post(fill_url(a1), again)
    assert response.status_code == 302
    assert a1.items.get(position=1).account == "我在手机上写的"
    assert a1.items.get(position=3).account == "另一个标签页"


def test_a_post_to_a_list_submitted_elsewhere_says_so(client, a1, sam):
    checklist_submit(user=sam, checklist=a1, expected_revision=0)
    login(client, "sam")
    response = client.post(
        fill_url(a1), form_data(a1, revision=0, **{"1": ("in_progress", "旧")}), follow=True
    )
    assert "清单已提交，不能再修改" in response.content.decode()
    assert a1.items.get(position=1).account == ""


def test_a_renamed_program_is_refused(client, a1):
    login(client, "sam")
    data = form_data(a1)
    data[f"item-{a1.items.get(position=2).pk}-files"] = [
        SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 64, content_type="image/jpeg")
    ]
    response = client.post(fill_url(a1), data)
    assert response.status_code == 400
    assert "第 2 项佐证材料：“照片.jpg”不是 JPEG、PNG 图片或 PDF 文件" in response.content.decode()
    assert not ChecklistEvidence.objects.exists()


def test_submitting_goes_through_a_confirmation(client, a1):
    login(client, "sam")
    response = client.post(
        fill_url(a1), form_data(a1, action="submit", **{"1": ("done", "已召开")})
    )
    confirm = reverse("checklists:submit", args=[a1.pk])
    assert response.status_code == 302
    assert response["Location"] == confirm
    page = client.get(confirm)
    assert "确认提交" in page.content.decode()
    a1.refresh_from_db()
    assert a1.status == "draft"
    response = client.post(confirm, {"revision": a1.revision}, follow=True)
    a1.refresh_from_db()
    assert a1.status == "submitted"
    assert a1.late is False
    page = response.content.decode()
    assert "已提交，等待审核" in page
    # Read-only now: no fields, no save button, and a POST changes nothing.
    assert "<textarea" not in page
    assert "保存草稿" not in page
    assert "已召开" in page
    response = client.post(fill_url(a1), form_data(a1, **{"1": ("in_progress", "改")}))
    assert response.status_code == 302
    assert a1.items.get(position=1).account == "已召开"


def test_submitting_late_is_marked(client, a1):
    a1.deadline = TODAY - datetime.timedelta(days=2)
    a1.save()
    login(client, "sam")
    confirm = reverse("checklists:submit", args=[a1.pk])
    assert "会标记为逾期提交" in client.get(confirm).content.decode()
    client.post(confirm, {"revision": 0})
    a1.refresh_from_db()
    assert a1.status == "submitted"
    assert a1.late is True
    assert "逾期提交" in client.get(fill_url(a1)).content.decode()


def test_a_returned_list_shows_the_reasons_and_is_editable(client, a1, sam):
    checklist_submit(user=sam, checklist=a1, expected_revision=0)
    ResponsibilityList.objects.filter(pk=a1.pk).update(status="returned")
    ChecklistItem.objects.filter(checklist=a1, position=2).update(
        review_comment="缺少发展党员材料", score=Decimal("4")
    )
    login(client, "sam")
    page = client.get(fill_url(a1)).content.decode()
    assert "退回原因" in page
    assert "缺少发展党员材料" in page
    assert "<textarea" in page


def test_another_villages_list_is_not_found(client, lists):
    login(client, "sam")
    assert client.get(fill_url(lists["A2"])).status_code == 404
    assert client.post(fill_url(lists["A2"]), form_data(lists["A2"])).status_code == 404
    assert client.get(reverse("checklists:submit", args=[lists["A2"].pk])).status_code == 404
    login(client, "charlie")
    assert client.get(fill_url(lists["A1"])).status_code == 404


@pytest.mark.parametrize("username", ["bob", "leo"])
def test_staff_and_leaders_read_but_cannot_save(client, a1, username):
    login(client, username)
    response = client.get(fill_url(a1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "只读查看" in page
    assert "<textarea" not in page
    response = client.post(fill_url(a1), form_data(a1, **{"1": ("in_progress", "代填")}))
    assert response.status_code == 403
    assert (
        client.post(reverse("checklists:submit", args=[a1.pk]), {"revision": 0}).status_code == 403
    )
    a1.refresh_from_db()
    assert (a1.status, a1.items.get(position=1).account) == ("draft", "")


def test_evidence_is_downloaded_only_within_scope(client, a1, sam):
    item = a1.items.get(position=1)
    items_save(
        user=sam,
        checklist=a1,
        changes={},
        files={item.pk: [SimpleUploadedFile("会议.png", PNG)]},
        expected_revision=0,
    )
    evidence = ChecklistEvidence.objects.get()
    url = reverse("checklists:evidence", args=[evidence.pk])
    for username in ("sam", "bob", "leo"):
        login(client, username)
        response = client.get(url + "?download=1")
        assert response.status_code == 200, username
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
    login(client, "charlie")
    assert client.get(url).status_code == 404
    outsider = User.objects.create_user("sue", password="pw-for-tests-1")
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_evidence_is_listed_and_can_be_deleted_on_save(client, a1, sam):
    item = a1.items.get(position=1)
    items_save(
        user=sam,
        checklist=a1,
        changes={},
        files={item.pk: [SimpleUploadedFile("旧照片.png", PNG)]},
        expected_revision=0,
    )
    evidence = ChecklistEvidence.objects.get()
    login(client, "sam")
    page = client.get(fill_url(a1)).content.decode()
    assert "旧照片.png" in page
    assert reverse("checklists:evidence", args=[evidence.pk]) in page
    a1.refresh_from_db()
    data = form_data(a1)
    data["remove"] = [evidence.pk]
    client.post(fill_url(a1), data)
    assert not ChecklistEvidence.objects.exists()


def _queries(client, checklist) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(fill_url(checklist)).status_code == 200
    return len(captured.captured_queries)


def test_the_fill_page_costs_the_same_for_more_items_and_files(client, a1, sam):
    login(client, "sam")
    _queries(client, a1)  # warm the session
    nine = _queries(client, a1)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            checklist=a1,
            position=item.position + 9,
            category=item.category,
            content=item.content,
            requirement=item.requirement,
            points=item.points,
            indicator=item.indicator,
            indicator_target=item.indicator_target,
        )
        for item in a1.items.all()
    )
    eighteen = _queries(client, a1)
    items = list(a1.items.all()[:5])
    a1.refresh_from_db()
    items_save(
        user=sam,
        checklist=a1,
        changes={},
        files={item.pk: [SimpleUploadedFile(f"{n}.png", PNG) for n in range(5)] for item in items},
        expected_revision=a1.revision,
    )
    with_files = _queries(client, a1)
    assert nine == eighteen == with_files
    assert nine <= 16


def test_a_returned_list_after_the_deadline_is_not_said_to_become_late(client, a1, sam):
    checklist_submit(user=sam, checklist=a1, expected_revision=0)
    ResponsibilityList.objects.filter(pk=a1.pk).update(
        status="returned", deadline=TODAY - datetime.timedelta(days=3)
    )
    login(client, "sam")
    assert "将标记为逾期" not in client.get(fill_url(a1)).content.decode()
    confirm = client.get(reverse("checklists:submit", args=[a1.pk])).content.decode()
    assert "会标记为逾期提交" not in confirm
    a1.refresh_from_db()
    client.post(reverse("checklists:submit", args=[a1.pk]), {"revision": a1.revision})
    a1.refresh_from_db()
    assert (a1.status, a1.late) == ("submitted", False)


def test_a_draft_after_the_deadline_is_said_to_become_late(client, a1):
    ResponsibilityList.objects.filter(pk=a1.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    login(client, "sam")
    assert "将标记为逾期" in client.get(fill_url(a1)).content.decode()


@pytest.fixture
def tina(tree):
    from tests.factories import make_user

    return make_user("tina", tree["A"], "secretary")


def test_a_township_secretary_does_not_open_the_villages_lists(client, lists, tina, sam):
    item = lists["A1"].items.get(position=1)
    items_save(
        user=sam,
        checklist=lists["A1"],
        changes={},
        files={item.pk: [SimpleUploadedFile("会议.png", PNG)]},
        expected_revision=0,
    )
    evidence = ChecklistEvidence.objects.get()
    login(client, "tina")
    a1 = ResponsibilityList.objects.get(pk=lists["A1"].pk)
    assert client.get(fill_url(a1)).status_code == 404
    assert client.post(fill_url(a1), form_data(a1, **{"1": ("done", "代填")})).status_code == 404
    submit_url = reverse("checklists:submit", args=[a1.pk])
    assert client.get(submit_url).status_code == 404
    assert client.post(submit_url, {"revision": a1.revision}).status_code == 404
    assert client.get(reverse("checklists:evidence", args=[evidence.pk])).status_code == 404
    assert client.get(reverse("checklists:review", args=[a1.pk])).status_code == 404
    a1.refresh_from_db()
    assert (a1.status, a1.items.get(position=1).account) == ("draft", "")
    # Their own (the township's) list is theirs to fill, and the only one on their page.
    response = client.get(reverse("checklists:mine"))
    assert [c.organization.code for c in response.context["page"].object_list] == ["A"]
    assert "<textarea" in client.get(fill_url(lists["A"])).content.decode()


def test_the_fill_page_shows_each_items_rectification(client, a1, sam, bob):
    from checklists.reviewing.services import checklist_approve, checklist_score

    checklist_submit(user=sam, checklist=a1, expected_revision=0)
    a1.refresh_from_db()
    scores = {
        i.pk: (Decimal("0") if i.position == 2 else i.points, "", False) for i in a1.items.all()
    }
    checklist_score(user=bob, checklist=a1, scores=scores, expected_revision=a1.revision)
    a1.refresh_from_db()
    checklist_approve(user=bob, checklist=a1, expected_revision=a1.revision)
    rectification = a1.items.get(position=2).rectification
    login(client, "sam")
    page = client.get(fill_url(a1)).content.decode()
    assert page.count("整改期限 ") == 1
    assert f"整改期限 {rectification.deadline:%Y-%m-%d}" in page
    assert "整改中" in page
    assert f"{reverse('checklists:rectifications')}#rect-{rectification.pk}" in page


def test_my_lists_link_to_the_rectifications(client, a1):
    login(client, "sam")
    page = client.get(reverse("checklists:mine")).content.decode()
    assert reverse("checklists:rectifications") in page
