"""Staff pages: the issue button and template maintenance (copy-on-edit, 100 points)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checklists.issuing import issue_checklists
from checklists.models import ChecklistTemplate, ResponsibilityList, TemplateItem
from checklists.template_choice import current_templates
from core.periods import Quarter

YEAR = timezone.localdate().year
Q4 = f"{YEAR}Q4"


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    """The button's task runs in-process, as in the embedded default, also when CI's
    second pass points Celery at a real Redis (tests that need the broker say so)."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def village_template(db) -> ChecklistTemplate:
    return current_templates(YEAR)["village"]


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def press_issue(client, django_capture_on_commit_callbacks):
    """Press 下发清单 as the logged-in user: the page answers at once, the task runs on
    commit (eagerly, as in the embedded default), the result arrives as a notification."""

    def press(quarter: str = Q4):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("checklists:issue"), {"quarter": quarter}, follow=True)

    return press


def result_notice(user) -> str:
    from core.models import Notification

    return Notification.objects.filter(user=user, event_key__startswith="checklists-issued:")


# --- issuing -----------------------------------------------------------------------------


def test_the_issue_page_asks_for_confirmation_with_the_current_quarter(client, alice):
    page = login(client, alice).get(reverse("checklists:issue")).content.decode()
    assert f'value="{Quarter.of(timezone.localdate())}"' in page
    assert "确认下发" in page
    assert ResponsibilityList.objects.count() == 0


def test_county_staff_issue_for_the_whole_county(client, alice, sam, press_issue):
    login(client, alice)
    response = press_issue()
    assert f"已开始下发 {Q4} 的责任清单" in response.content.decode()
    assert ResponsibilityList.objects.count() == 5
    notice = result_notice(alice).get()
    assert notice.text.startswith(f"{Q4}：新下发 5 份清单，已存在 0 份。")
    assert "4 个组织没有书记账号（甲镇党委、甲二村支部、乙镇党委、乙一村支部）" in notice.text
    assert notice.url == f"{reverse('checklists:review_list')}?year={YEAR}&quarter=4"
    press_issue()
    texts = list(result_notice(alice).order_by("pk").values_list("text", flat=True))
    assert len(texts) == 2
    assert texts[1].startswith(f"{Q4}：新下发 0 份清单，已存在 5 份。")
    assert (
        ResponsibilityList.objects.get(organization__code="A1").history.first().history_user
        == alice
    )


def test_the_button_only_starts_the_task(
    client, alice, tree, monkeypatch, django_capture_on_commit_callbacks
):
    from checklists import tasks
    from core.models import OutboxTask

    started = []
    monkeypatch.setattr(tasks.issue_checklists_for_user, "run", lambda *args: started.append(args))
    login(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("checklists:issue"), {"quarter": Q4})
    assert response.status_code == 302
    # Queued through the outbox with ids only; nothing was issued in the request itself.
    row = OutboxTask.objects.get()
    assert row.args[:3] == [Q4, [tree["C"].pk], alice.pk]
    assert [list(args[:3]) for args in started] == [row.args[:3]]
    assert ResponsibilityList.objects.count() == 0


def test_with_the_broker_down_the_issuing_waits_in_the_outbox(
    client, alice, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from checklists import tasks
    from config.celery import app
    from core.models import OutboxTask

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.issue_checklists_for_user, "apply_async", down)
    login(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("checklists:issue"), {"quarter": Q4}, follow=True)
    assert "已开始下发" in response.content.decode()
    row = OutboxTask.objects.get()
    assert (row.status, row.attempts) == (OutboxTask.Status.PENDING, 1)
    assert "connection refused" in row.last_error
    assert ResponsibilityList.objects.count() == 0


def test_the_task_issues_only_where_the_user_is_staff(tree, bob, charlie):
    from checklists.tasks import issue_checklists_for_user

    result = issue_checklists_for_user(Q4, [tree["A"].pk, tree["B"].pk], bob.pk, "run-1")
    assert result["created"] == 3
    assert sorted(ResponsibilityList.objects.values_list("organization__code", flat=True)) == [
        "A",
        "A1",
        "A2",
    ]
    # A redelivered run tells the user once.
    issue_checklists_for_user(Q4, [tree["A"].pk], bob.pk, "run-1")
    assert result_notice(bob).count() == 1


def test_township_staff_issue_for_their_subtree_only(client, bob, press_issue):
    login(client, bob)
    press_issue()
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


@pytest.mark.parametrize("quarter", ["0001Q1", "9999Q4", "1920Q4", "2101Q1"])
def test_a_quarter_outside_the_portals_years_is_named_and_nothing_is_issued(client, alice, quarter):
    response = login(client, alice).post(reverse("checklists:issue"), {"quarter": quarter})
    assert response.status_code == 400
    assert "季度：年份应在 1921 到 2100 之间。" in response.content.decode()
    assert ResponsibilityList.objects.count() == 0


def test_a_template_not_totalling_100_is_shown_and_not_issued(
    client, alice, village_template, press_issue
):
    TemplateItem.objects.filter(template=village_template, position=1).update(points=Decimal(1))
    page = login(client, alice).get(reverse("checklists:issue")).content.decode()
    assert "该层级没有 100 分的模板，不会下发" in page
    press_issue()
    assert f"模板总分不是 100 分，未下发：{village_template}。" in result_notice(alice).get().text
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


def test_the_issue_page_shows_a_new_version_being_edited_and_the_one_used(
    client, alice, tree, village_template
):
    from checklists.template_editing import template_copy

    draft = template_copy(user=alice, source=village_template)
    draft.items.filter(position=1).delete()
    page = login(client, alice).get(reverse("checklists:issue")).content.decode()
    assert "按此下发" in page
    assert "修改中的新版本，未满 100 分，暂按上一完整版本下发" in page
    assert reverse("checklists:template", args=[draft.pk]) in page


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
    url = reverse("admin:checklists_checklisttemplate_change", args=[village_template.pk])
    assert 'name="items-0-content"' in client.get(url).content.decode()
    issue_checklists(quarter=Quarter(YEAR, 4))
    assert 'name="items-0-content"' not in client.get(url).content.decode()


def test_admin_lists_are_scoped(client, bob, charlie, tree):
    issue_checklists(quarter=Quarter(YEAR, 4))
    url = reverse("admin:checklists_responsibilitylist_changelist")
    page = login(client, bob).get(url).content.decode()
    assert "甲一村支部" in page
    assert "乙一村支部" not in page
    b1 = ResponsibilityList.objects.get(organization__code="B1")
    change = reverse("admin:checklists_responsibilitylist_change", args=[b1.pk])
    assert client.get(change).status_code in (302, 404)
    assert login(client, charlie).get(change).status_code == 200
