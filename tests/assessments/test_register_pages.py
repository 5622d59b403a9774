"""The weak-and-lax register pages and admin: list, entry, register/edit/close/review,
export, each scoped (Charlie outside A; Sam and Leo read only)."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.choices import WeakLaxSituation, WeakLaxStatus
from assessments.models import WeakLaxEntry
from assessments.register.services import entry_close, entry_create
from orgs.models import Organization
from tests.factories import make_org

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=60)
YEAR = TODAY.year


def login(client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def flagged(code: str) -> bool:
    return Organization.objects.get(code=code).is_weak_and_lax


def add_entry(user, org, **overrides) -> WeakLaxEntry:
    values = {
        "year": YEAR,
        "situations": [WeakLaxSituation.SECRETARY_UNFIT],
        "measures": "调整书记，县领导包联。",
        "responsible_person": "王书记",
        "deadline": LATER,
    }
    values.update(overrides)
    return entry_create(user=user, organization=org, **values)


@pytest.fixture
def entries(alice, bob, charlie, sam, leo, tree):
    a1 = add_entry(alice, tree["A1"], responsible_person="甲一负责人")
    a2 = add_entry(alice, tree["A2"], responsible_person="甲二负责人")
    WeakLaxEntry.objects.filter(pk=a2.pk).update(deadline=TODAY - datetime.timedelta(days=3))
    b1 = add_entry(alice, tree["B1"], responsible_person="乙一负责人")
    return {"A1": a1, "A2": WeakLaxEntry.objects.get(pk=a2.pk), "B1": b1}


def entry_url(entry: WeakLaxEntry, action: str = "") -> str:
    name = f"assessments:register_{action}" if action else "assessments:register_entry"
    return reverse(name, args=[entry.pk])


# --- list ------------------------------------------------------------------------------
def test_the_list_lives_under_health(db):
    assert reverse("assessments:register") == "/health/weak-lax/"


def test_it_lists_the_entries_of_the_users_subtree(client, entries):
    login(client, "bob")
    page = client.get(reverse("assessments:register")).content.decode()
    assert "甲一村支部" in page
    assert "甲二村支部" in page
    assert "乙一村支部" not in page
    login(client, "charlie")
    page = client.get(reverse("assessments:register")).content.decode()
    assert "乙一村支部" in page
    assert "甲一村支部" not in page
    assert "甲二村支部" not in page


def test_a_secretary_sees_only_their_branch_and_no_register_button(client, entries):
    login(client, "sam")
    page = client.get(reverse("assessments:register")).content.decode()
    assert "甲一村支部" in page
    assert "甲二村支部" not in page
    assert reverse("assessments:register_create") not in page


def test_a_leader_reads_everything_but_cannot_register(client, entries):
    login(client, "leo")
    page = client.get(reverse("assessments:register")).content.decode()
    assert all(name in page for name in ("甲一村支部", "甲二村支部", "乙一村支部"))
    assert reverse("assessments:register_create") not in page


def test_overdue_entries_are_marked_and_counted(client, entries):
    login(client, "bob")
    response = client.get(reverse("assessments:register"))
    summary = response.context["summary"]
    assert (summary.total, summary.rectifying, summary.overdue) == (2, 2, 1)
    rows = {e.organization.code: e for e in response.context["page"].object_list}
    assert rows["A2"].overdue
    assert not rows["A1"].overdue
    page = response.content.decode()
    assert page.count('badge badge--danger">逾期</span>') == 1


def test_filters_by_status_year_and_subtree(client, alice, entries, tree):
    add_entry(alice, tree["A1"], year=YEAR - 1)
    entry_close(user=alice, entry=entries["B1"], on=TODAY, note="完成")
    login(client, "alice")
    url = reverse("assessments:register")

    def codes(**params) -> list[tuple[str, int]]:
        objects = client.get(url, params).context["page"].object_list
        return [(e.organization.code, e.year) for e in objects]

    assert codes(status="overdue") == [("A2", YEAR)]
    assert codes(status="closed") == [("B1", YEAR)]
    assert codes(year=YEAR - 1) == [("A1", YEAR - 1)]
    assert codes(org="A") == [("A1", YEAR), ("A2", YEAR), ("A1", YEAR - 1)]
    assert codes(org="B", status="rectifying") == []


def test_a_filter_outside_the_scope_is_ignored(client, entries):
    login(client, "charlie")
    response = client.get(reverse("assessments:register"), {"org": "A"})
    assert [e.organization.code for e in response.context["page"].object_list] == ["B1"]
    assert "甲一村支部" not in response.content.decode()


def test_the_list_runs_a_constant_number_of_queries(
    client, alice, tree, django_assert_max_num_queries
):
    for index in range(30):
        org = make_org(tree["A"], code=f"V{index:02d}", name=f"村{index:02d}")
        add_entry(alice, org)
    login(client, "alice")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assessments:register"))
    assert len(response.context["page"].object_list) == 30


# --- entry -----------------------------------------------------------------------------
def test_the_entry_shows_facts_and_history(client, entries):
    login(client, "bob")
    response = client.get(entry_url(entries["A1"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "书记长期缺职、不胜任现职或工作不在状态" in page
    assert "甲一负责人" in page
    assert "当前标记为软弱涣散" in page
    assert "修改记录" in page
    assert "· 原因：登记</p>" in page
    assert reverse("assessments:register_close", args=[entries["A1"].pk]) in page


def test_an_entry_of_another_subtree_is_not_found(client, entries):
    login(client, "charlie")
    for action in ("", "edit", "close", "review"):
        assert client.get(entry_url(entries["A1"], action)).status_code in (404, 405)
        assert client.post(entry_url(entries["A1"], action), {}).status_code == 404
    login(client, "sam")
    assert client.get(entry_url(entries["A2"])).status_code == 404


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_readers_see_the_entry_without_forms_and_cannot_post(client, entries, reader):
    login(client, reader)
    page = client.get(entry_url(entries["A1"])).content.decode()
    assert "甲一负责人" in page
    assert reverse("assessments:register_close", args=[entries["A1"].pk]) not in page
    assert client.get(entry_url(entries["A1"], "edit")).status_code == 403
    response = client.post(entry_url(entries["A1"], "close"), {"on": TODAY, "note": "完成"})
    assert response.status_code == 403
    assert client.post(reverse("assessments:register_create"), {}).status_code == 403
    assert WeakLaxEntry.objects.get(pk=entries["A1"].pk).status == WeakLaxStatus.RECTIFYING
    assert flagged("A1")


# --- register and edit -----------------------------------------------------------------
def form_data(org: Organization | None = None, **overrides) -> dict:
    data = {
        "year": YEAR,
        "situations": [WeakLaxSituation.WEAK_ECONOMY, WeakLaxSituation.AFFAIRS_CHAOTIC],
        "measures": "清理村务财务，成立合作社。",
        "responsible_person": "赵干部",
        "deadline": LATER.isoformat(),
    }
    if org is not None:
        data["organization"] = org.pk
    data.update(overrides)
    return data


def test_staff_register_an_organisation_and_it_is_flagged(client, bob, tree):
    login(client, "bob")
    form_page = client.get(reverse("assessments:register_create")).content.decode()
    assert "甲一村支部" in form_page
    assert "乙一村支部" not in form_page
    response = client.post(reverse("assessments:register_create"), form_data(tree["A2"]))
    entry = WeakLaxEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == entry_url(entry)
    assert entry.organization == tree["A2"]
    assert entry.created_by == bob
    assert flagged("A2")


def test_a_bad_form_names_the_fields_and_saves_nothing(client, bob, tree):
    login(client, "bob")
    response = client.post(
        reverse("assessments:register_create"),
        form_data(tree["A2"], situations=[], deadline=(TODAY - datetime.timedelta(days=1))),
    )
    page = response.content.decode()
    assert "请至少选择一种存在情形。" in page
    assert "整顿期限不能早于登记日期" in page
    assert not WeakLaxEntry.objects.exists()
    assert not flagged("A2")


def test_a_second_entry_for_the_same_year_is_refused_in_words(client, bob, entries, tree):
    login(client, "bob")
    response = client.post(reverse("assessments:register_create"), form_data(tree["A1"]))
    assert f"“甲一村支部”{YEAR} 年已有整顿台账" in response.content.decode()
    assert WeakLaxEntry.objects.filter(organization=tree["A1"]).count() == 1


def test_staff_cannot_register_outside_their_subtree(client, charlie, tree):
    login(client, "charlie")
    response = client.post(reverse("assessments:register_create"), form_data(tree["A1"]))
    assert "请选择您管辖范围内的党组织。" in response.content.decode()
    assert not WeakLaxEntry.objects.exists()
    assert not flagged("A1")


def test_editing_keeps_the_organisation_and_the_status(client, bob, entries, tree):
    login(client, "bob")
    response = client.post(
        entry_url(entries["A1"], "edit"),
        form_data(tree["B1"], responsible_person="新负责人", status="closed"),
    )
    assert response.status_code == 302
    entry = WeakLaxEntry.objects.get(pk=entries["A1"].pk)
    assert entry.organization == tree["A1"]
    assert entry.responsible_person == "新负责人"
    assert entry.status == WeakLaxStatus.RECTIFYING
    assert flagged("A1")


# --- close and review ------------------------------------------------------------------
def test_closing_on_the_page_unflags_and_a_failed_review_flags_again(client, bob, entries):
    login(client, "bob")
    entry = entries["A1"]
    response = client.post(entry_url(entry, "close"), {"on": TODAY, "note": "验收合格"})
    assert response.status_code == 302
    assert not flagged("A1")
    page = client.get(entry_url(entry)).content.decode()
    assert "销号：验收合格" in page
    assert reverse("assessments:register_review", args=[entry.pk]) in page

    response = client.post(
        entry_url(entry, "review"), {"on": TODAY, "result": "问题反弹", "passed": "0"}
    )
    assert response.status_code == 302
    assert WeakLaxEntry.objects.get(pk=entry.pk).status == WeakLaxStatus.RECTIFYING
    assert flagged("A1")
    page = client.get(response["Location"]).content.decode()
    assert "重新标记为软弱涣散" in page


def test_a_passed_review_on_the_page(client, bob, entries):
    login(client, "bob")
    entry = entries["A1"]
    client.post(entry_url(entry, "close"), {"on": TODAY, "note": "验收合格"})
    client.post(entry_url(entry, "review"), {"on": TODAY, "result": "巩固", "passed": "1"})
    assert WeakLaxEntry.objects.get(pk=entry.pk).status == WeakLaxStatus.REVIEW
    assert not flagged("A1")


def test_a_bad_close_is_shown_on_the_entry(client, bob, entries):
    login(client, "bob")
    response = client.post(entry_url(entries["A1"], "close"), {"on": "", "note": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写日期。" in page
    assert "请填写销号说明（整改成效）。" in page
    assert flagged("A1")


def test_reviewing_an_open_entry_is_refused(client, bob, entries):
    login(client, "bob")
    response = client.post(
        entry_url(entries["A1"], "review"), {"on": TODAY, "result": "好", "passed": "1"}
    )
    assert response.status_code == 400
    assert "销号后才能回头看。" in response.content.decode()


# --- export ----------------------------------------------------------------------------
def export(client, **params):
    return client.get(reverse("assessments:register_export"), params)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export_holds_the_users_scope_only(client, entries):
    login(client, "charlie")
    response = export(client, format="csv")
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["年度", "组织代码", "组织名称"]
    assert [row[1] for row in rows[1:]] == ["B1"]


def test_the_export_follows_the_filters_and_marks_overdue(client, entries):
    login(client, "bob")
    rows = csv_rows(export(client, format="csv", status="overdue"))
    assert [row[1] for row in rows[1:]] == ["A2"]
    assert rows[1][rows[0].index("是否逾期")] == "是"


def test_the_xlsx_export_for_a_secretary(client, entries):
    login(client, "sam")
    response = export(client, format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in values[1:]] == ["A1"]


def test_the_export_of_another_subtree_is_not_found(client, entries):
    login(client, "charlie")
    assert export(client, format="csv", org="A").status_code == 404
    assert export(client, format="pdf").status_code == 404


def test_exported_cells_cannot_run_as_formulas(client, bob, tree):
    add_entry(bob, tree["A1"], measures="=1+1", responsible_person="+王")
    login(client, "bob")
    row = csv_rows(export(client, format="csv"))[1]
    assert "'=1+1" in row
    assert "'+王" in row
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, format="xlsx").content)).active
    cells = [cell.value for cell in next(sheet.iter_rows(min_row=2))]
    assert "'=1+1" in cells


# --- admin -----------------------------------------------------------------------------
def test_the_admin_lists_only_the_users_subtree(client, entries):
    login(client, "charlie")
    response = client.get(reverse("admin:assessments_weaklaxentry_changelist"))
    page = response.content.decode()
    assert "乙一村支部" in page
    assert "甲一村支部" not in page
    change = reverse("admin:assessments_weaklaxentry_change", args=[entries["A1"].pk])
    assert client.get(change).status_code in (302, 404)


def test_the_admin_saves_through_the_services(client, bob, entries):
    entry = entry_close(user=bob, entry=entries["A1"], on=TODAY, note="完成")
    login(client, "bob")
    url = reverse("admin:assessments_weaklaxentry_change", args=[entry.pk])
    response = client.post(
        url,
        {
            "year": YEAR,
            "situations": [WeakLaxSituation.INTERFERENCE],
            "measures": "扫黑除恶",
            "responsible_person": "后台改",
            "deadline": LATER.isoformat(),
            "status": "rectifying",
        },
    )
    assert response.status_code == 302
    entry = WeakLaxEntry.objects.get(pk=entry.pk)
    assert entry.responsible_person == "后台改"
    assert entry.status == WeakLaxStatus.CLOSED  # read-only here
    assert not flagged("A1")
    assert entry.history.first().history_user == bob


def test_the_admin_add_form_validates_like_the_portal(client, bob, tree):
    login(client, "bob")
    url = reverse("admin:assessments_weaklaxentry_add")
    data = form_data(tree["A2"], situations=[])
    response = client.post(url, data)
    assert "请至少选择一种存在情形。" in response.content.decode()
    assert not WeakLaxEntry.objects.exists()
    response = client.post(url, form_data(tree["A2"]))
    assert response.status_code == 302
    assert flagged("A2")


def test_deleting_in_the_admin_unflags(client, bob, entries):
    login(client, "bob")
    url = reverse("admin:assessments_weaklaxentry_delete", args=[entries["A1"].pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not WeakLaxEntry.objects.filter(pk=entries["A1"].pk).exists()
    assert not flagged("A1")
