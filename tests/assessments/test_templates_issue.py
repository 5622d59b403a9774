"""Staff pages: the issue button and template maintenance (copy-on-edit, 100 points)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.checklist_models import ChecklistTemplate, ResponsibilityList, TemplateItem
from assessments.issuing import Quarter, current_templates, issue_checklists

YEAR = timezone.localdate().year
Q4 = f"{YEAR}Q4"


@pytest.fixture
def village_template(db) -> ChecklistTemplate:
    return current_templates(YEAR)["village"]


def login(client, user):
    client.force_login(user)
    return client


# --- issuing -----------------------------------------------------------------------------


def test_the_issue_page_asks_for_confirmation_with_the_current_quarter(client, alice):
    page = login(client, alice).get(reverse("checklists:issue")).content.decode()
    assert f'value="{Quarter.of(timezone.localdate())}"' in page
    assert "确认下发" in page
    assert ResponsibilityList.objects.count() == 0


def test_county_staff_issue_for_the_whole_county(client, alice, sam):
    response = login(client, alice).post(reverse("checklists:issue"), {"quarter": Q4})
    page = response.content.decode()
    assert f"{Q4}：新下发 5 份清单，已存在 0 份。" in page
    assert "4 个组织还没有书记账号" in page
    assert "甲二村支部（A2）" in page
    assert ResponsibilityList.objects.count() == 5
    again = client.post(reverse("checklists:issue"), {"quarter": Q4}).content.decode()
    assert f"{Q4}：新下发 0 份清单，已存在 5 份。" in again
    assert (
        ResponsibilityList.objects.get(organization__code="A1").history.first().history_user
        == alice
    )


def test_township_staff_issue_for_their_subtree_only(client, bob):
    login(client, bob).post(reverse("checklists:issue"), {"quarter": Q4})
    assert sorted(ResponsibilityList.objects.values_list("organization__code", flat=True)) == [
        "A",
        "A1",
        "A2",
    ]


@pytest.mark.parametrize("who", ["sam", "leo"])
def test_only_staff_may_issue(client, request, who):
    user = request.getfixturevalue(who)
    login(client, user)
    assert client.get(reverse("checklists:issue")).status_code == 403
    assert client.post(reverse("checklists:issue"), {"quarter": Q4}).status_code == 403
    assert ResponsibilityList.objects.count() == 0


def test_a_bad_quarter_is_named_and_nothing_is_issued(client, alice):
    response = login(client, alice).post(reverse("checklists:issue"), {"quarter": "2026-4"})
    assert response.status_code == 400
    assert "季度：季度格式应为 2026Q4" in response.content.decode()
    assert ResponsibilityList.objects.count() == 0


def test_a_template_not_totalling_100_is_shown_and_not_issued(client, alice, village_template):
    TemplateItem.objects.filter(template=village_template, position=1).update(points=Decimal(1))
    page = login(client, alice).get(reverse("checklists:issue")).content.decode()
    assert "不是 100 分，不会下发" in page
    result = client.post(reverse("checklists:issue"), {"quarter": Q4}).content.decode()
    assert "以下模板总分不是 100 分" in result
    assert sorted(ResponsibilityList.objects.values_list("organization__code", flat=True)) == [
        "A",
        "B",
    ]


def test_issuing_needs_post_with_csrf(alice, client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    assert csrf_client.post(reverse("checklists:issue"), {"quarter": Q4}).status_code == 403
    assert ResponsibilityList.objects.count() == 0


# --- templates ---------------------------------------------------------------------------


def test_the_templates_page_shows_each_template_with_its_total(
    client, bob, django_assert_max_num_queries
):
    login(client, bob)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("checklists:templates")).content.decode()
    assert "村级" in page
    assert "乡镇级" in page
    assert "100.0" in page
    assert "模板由县委组织部维护" in page  # township staff read only
    assert "新建模板" not in page


def test_a_template_page_lists_items_and_total(client, alice, village_template):
    page = (
        login(client, alice)
        .get(reverse("checklists:template", args=[village_template.pk]))
        .content.decode()
    )
    assert "落实“三会一课”等组织生活制度" in page
    assert "总分 100.0 分。" in page
    assert "添加条目" in page


def test_secretaries_do_not_see_templates(client, sam, village_template):
    login(client, sam)
    assert client.get(reverse("checklists:templates")).status_code == 403
    assert client.get(reverse("checklists:template", args=[village_template.pk])).status_code == 403


def test_editing_an_unused_template_changes_it_in_place(client, alice, village_template):
    login(client, alice)
    response = client.post(reverse("checklists:template_edit", args=[village_template.pk]))
    assert response.url == reverse("checklists:template", args=[village_template.pk])
    item = village_template.items.get(position=1)
    data = {
        "position": 1,
        "category": item.category,
        "content": "改过的内容",
        "requirement": item.requirement,
        "points": "20",
        "evidence_expected": "",
        "due_in_days": "",
        "indicator": "",
        "indicator_target": "",
    }
    response = client.post(
        reverse("checklists:template_item", args=[village_template.pk, item.pk]), data
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.content == "改过的内容"
    assert item.history.first().history_user == alice
    assert ChecklistTemplate.objects.filter(level="village", year=YEAR).count() == 1


def test_editing_a_used_template_makes_a_copy(client, alice, tree, village_template):
    issue_checklists(quarter=Quarter(YEAR, 4))
    login(client, alice)
    page = client.get(reverse("checklists:template", args=[village_template.pk])).content.decode()
    assert "复制为新版本并修改" in page
    assert "添加条目" not in page
    response = client.post(reverse("checklists:template_edit", args=[village_template.pk]))
    copy = ChecklistTemplate.objects.get(copied_from=village_template)
    assert response.url == reverse("checklists:template", args=[copy.pk])
    assert (copy.level, copy.year, copy.version) == ("village", YEAR, village_template.version + 1)
    assert list(copy.items.values_list("content", "points")) == list(
        village_template.items.values_list("content", "points")
    )
    assert copy.created_by == alice
    assert current_templates(YEAR)["village"] == copy
    # The used version itself cannot be changed, even by a crafted request.
    item = village_template.items.get(position=1)
    client.post(reverse("checklists:template_item_delete", args=[village_template.pk, item.pk]))
    assert TemplateItem.objects.filter(pk=item.pk).exists()


def test_adding_an_item_with_bad_input_names_the_field_and_saves_nothing(
    client, alice, village_template
):
    login(client, alice)
    before = village_template.items.count()
    response = client.post(
        reverse("checklists:template_item_new", args=[village_template.pk]),
        {"position": 99, "category": "life", "content": "新", "requirement": "", "points": "0"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "工作要求：必填。" in page
    assert "分值：" in page
    assert village_template.items.count() == before


def test_a_duplicate_position_is_refused(client, alice, village_template):
    login(client, alice)
    response = client.post(
        reverse("checklists:template_item_new", args=[village_template.pk]),
        {"position": 1, "category": "life", "content": "新", "requirement": "要求", "points": "5"},
    )
    assert "序号：本模板已有第 1 项。" in response.content.decode()


def test_deleting_an_item_leaves_a_template_that_is_not_issued(
    client, alice, tree, village_template
):
    login(client, alice)
    item = village_template.items.get(position=1)
    client.post(reverse("checklists:template_item_delete", args=[village_template.pk, item.pk]))
    assert not TemplateItem.objects.filter(pk=item.pk).exists()
    page = client.get(reverse("checklists:template", args=[village_template.pk])).content.decode()
    assert "须为 100 分" in page
    result = issue_checklists(quarter=Quarter(YEAR, 4))
    assert result.invalid_templates == [village_template]


def test_a_new_template_copies_the_current_one(client, alice, village_template):
    login(client, alice)
    client.post(
        reverse("checklists:template_new"),
        {"level": "village", "year": YEAR + 1, "name": "明年村级清单", "copy_current": "on"},
    )
    new = ChecklistTemplate.objects.get(year=YEAR + 1)
    assert (new.version, new.name, new.copied_from) == (1, "明年村级清单", village_template)
    assert new.items.count() == village_template.items.count()


@pytest.mark.parametrize("who", ["bob", "charlie", "sam"])
def test_only_county_staff_may_change_templates(client, request, who, village_template):
    login(client, request.getfixturevalue(who))
    item = village_template.items.get(position=1)
    urls = [
        reverse("checklists:template_edit", args=[village_template.pk]),
        reverse("checklists:template_item_new", args=[village_template.pk]),
        reverse("checklists:template_item", args=[village_template.pk, item.pk]),
        reverse("checklists:template_item_delete", args=[village_template.pk, item.pk]),
        reverse("checklists:template_new"),
    ]
    for url in urls:
        assert (
            client.post(
                url, {"content": "x", "level": "village", "year": YEAR, "name": "x"}
            ).status_code
            == 403
        )
    assert ChecklistTemplate.objects.count() == 2
    item.refresh_from_db()
    assert item.content == "落实“三会一课”等组织生活制度"


# --- admin -------------------------------------------------------------------------------


def test_admin_items_are_read_only_once_the_template_was_used(
    client, alice, tree, village_template
):
    login(client, alice)
    url = reverse("admin:assessments_checklisttemplate_change", args=[village_template.pk])
    assert 'name="items-0-content"' in client.get(url).content.decode()
    issue_checklists(quarter=Quarter(YEAR, 4))
    assert 'name="items-0-content"' not in client.get(url).content.decode()


def test_admin_lists_are_scoped(client, bob, charlie, tree):
    issue_checklists(quarter=Quarter(YEAR, 4))
    url = reverse("admin:assessments_responsibilitylist_changelist")
    page = login(client, bob).get(url).content.decode()
    assert "甲一村支部" in page
    assert "乙一村支部" not in page
    b1 = ResponsibilityList.objects.get(organization__code="B1")
    change = reverse("admin:assessments_responsibilitylist_change", args=[b1.pk])
    assert client.get(change).status_code in (302, 404)
    assert login(client, charlie).get(change).status_code == 200
