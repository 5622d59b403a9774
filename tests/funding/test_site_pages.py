"""The venue-project pages: list, detail, create/edit and export, each scoped."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.importing import run_import
from funding.models import StageChange, VenueProject
from funding.resources import VenueProjectResource
from funding.selectors.sites import site_figures
from tests.helpers import SITE_HEADERS, site_row

ALL_ROOMS = (
    "党员活动室、会议室、办公室、便民服务室、远程教育室、图书阅览室、文化活动室、卫生室、"
    "便民超市、文体广场"
)


def add_projects(*rows: dict) -> None:
    """Projects enter as staff enter them: through the sites import."""
    dataset = tablib.Dataset(*[[r[h] for h in SITE_HEADERS] for r in rows], headers=SITE_HEADERS)
    report = run_import(VenueProjectResource(source="test"), dataset)
    assert report.ok, [str(e) for e in report.errors]


@pytest.fixture
def projects(tree):
    add_projects(
        site_row("XM-A1", "A1", 项目名称="甲一村活动场所", **{"已完成投资（万元）": "30"}),
        site_row(
            "XM-A2",
            "A2",
            项目名称="甲二村党群服务中心",
            项目类型="党群服务中心",
            状态="在建",
            开工日期="2025-03-01",
            **{"已完成投资（万元）": "80", "计划投资（万元）": "50"},
        ),
        site_row("XM-B1", "B1", 项目名称="乙一村活动场所", 功能配置=ALL_ROOMS),
    )
    return {p.code: p for p in VenueProject.objects.all()}


def login(client, username):
    client.force_login(User.objects.get(username=username))


# --- list -------------------------------------------------------------------------------
def test_it_lists_only_the_projects_of_the_users_subtree(client, projects, bob, charlie):
    login(client, "bob")
    page = client.get(reverse("funding:sites")).content.decode()
    assert "甲一村活动场所" in page
    assert "甲二村党群服务中心" in page
    assert "乙一村活动场所" not in page

    login(client, "charlie")
    page = client.get(reverse("funding:sites")).content.decode()
    assert "乙一村活动场所" in page
    assert "甲一村活动场所" not in page
    assert "甲二村党群服务中心" not in page


def test_the_secretary_sees_only_her_village(client, projects, sam):
    login(client, "sam")
    page = client.get(reverse("funding:sites")).content.decode()
    assert "甲一村活动场所" in page
    assert "甲二村党群服务中心" not in page
    assert "新增项目" not in page  # read-only


def test_progress_shows_at_a_glance(client, projects, bob):
    login(client, "bob")
    page = client.get(reverse("funding:sites")).content.decode()
    # XM-A2: 80 of 50 planned is flagged; XM-A1 is a village venue with 3 of 10 rooms.
    assert "超计划" in page
    assert "完成 160.0%" in page
    assert "缺 7 项" in page
    assert "进度：在建（第 3 步，共 5 步）" in page
    assert "不适用" in page  # a service centre is not held to the village layout


def test_filters_narrow_the_list_and_the_counts_follow(client, projects, alice):
    login(client, "alice")
    url = reverse("funding:sites")
    response = client.get(url, {"project_type": "village_venue"})
    assert [p.code for p in response.context["page"].object_list] == ["XM-A1", "XM-B1"]
    assert response.context["figures"].total == 2
    assert response.context["figures"].count_of("design") == 2

    response = client.get(url, {"org": "A"})
    assert [p.code for p in response.context["page"].object_list] == ["XM-A1", "XM-A2"]

    response = client.get(url, {"stage": "construction"})
    assert [p.code for p in response.context["page"].object_list] == ["XM-A2"]
    # The counts by stage ignore the stage filter, so that each stays a link.
    counts = {link["item"].stage: link["item"].count for link in response.context["stage_links"]}
    assert counts["design"] == 2
    assert counts["construction"] == 1

    response = client.get(url, {"q": "乙一"})
    assert [p.code for p in response.context["page"].object_list] == ["XM-B1"]
    response = client.get(url, {"q": "xm-a2"})
    assert [p.code for p in response.context["page"].object_list] == ["XM-A2"]


def test_the_year_is_the_start_year_or_else_the_entry_year(client, projects, alice):
    login(client, "alice")
    url = reverse("funding:sites")
    this_year = timezone.localdate().year
    started = client.get(url, {"year": "2025"}).context["page"].object_list
    assert [p.code for p in started] == ["XM-A2"]
    entered = client.get(url, {"year": str(this_year)}).context["page"].object_list
    assert [p.code for p in entered] == ["XM-A1", "XM-B1"]


def test_an_organisation_outside_the_scope_is_no_filter_option(client, projects, charlie):
    login(client, "charlie")
    response = client.get(reverse("funding:sites"), {"org": "A"})
    assert "org" in response.context["form"].errors
    assert [p.code for p in response.context["page"].object_list] == ["XM-B1"]


def test_the_list_sorts_by_investment_done(client, projects, alice):
    login(client, "alice")
    url = reverse("funding:sites")
    rows = client.get(url, {"sort": "-rate"}).context["page"].object_list
    assert [p.code for p in rows] == ["XM-A2", "XM-A1", "XM-B1"]
    rows = client.get(url, {"sort": "stage"}).context["page"].object_list
    assert [p.code for p in rows][-1] == "XM-A2"


def test_the_list_answers_with_a_constant_number_of_queries(
    client, tree, alice, django_assert_max_num_queries
):
    add_projects(*(site_row(f"XM-{i:03d}", "A1") for i in range(60)))
    login(client, "alice")
    with django_assert_max_num_queries(13):
        response = client.get(reverse("funding:sites"))
    assert response.context["page"].paginator.count == 60
    add_projects(*(site_row(f"XM-{i:03d}", "B1") for i in range(60, 120)))
    with django_assert_max_num_queries(13):
        client.get(reverse("funding:sites"), {"sort": "-rate", "org": "C", "stage": "design"})


# --- detail -----------------------------------------------------------------------------
def test_the_detail_shows_fields_rooms_and_stage_history(client, projects, bob):
    login(client, "bob")
    page = client.get(reverse("funding:site", args=["XM-A1"])).content.decode()
    assert "甲一村活动场所" in page
    assert "XM-A1" in page
    assert "60.00 万元" in page
    assert "30.00 万元" in page
    assert "300.00 ㎡" in page
    assert (
        "缺少 7 项：便民服务室、远程教育室、图书阅览室、文化活动室、卫生室、便民超市、文体广场"
        in page
    )
    assert "变更状态" in page
    assert "上传照片或文件" in page


def test_complete_rooms_are_shown_as_complete(client, projects, alice):
    login(client, "alice")
    page = client.get(reverse("funding:site", args=["XM-B1"])).content.decode()
    assert "已达到“八室一超市一广场”标准配置" in page


def test_an_outsider_gets_404_for_a_project(client, projects, charlie, sam):
    login(client, "charlie")
    assert client.get(reverse("funding:site", args=["XM-A1"])).status_code == 404
    login(client, "sam")
    assert client.get(reverse("funding:site", args=["XM-A2"])).status_code == 404


@pytest.mark.parametrize("username", ["sam", "leo"])
def test_readers_see_the_project_but_no_forms(client, projects, sam, leo, username):
    login(client, username)
    response = client.get(reverse("funding:site", args=["XM-A1"]))
    assert response.status_code == 200
    assert "stage_form" not in response.context
    assert "upload_form" not in response.context
    page = response.content.decode()
    assert reverse("funding:site_edit", args=["XM-A1"]) not in page
    assert client.get(reverse("funding:site_edit", args=["XM-A1"])).status_code == 403


def test_the_detail_page_lists_what_changed_and_who_changed_it(client, projects, bob):
    login(client, "bob")
    client.post(reverse("funding:site_edit", args=["XM-A1"]), form_data("XM-A1", name="新名称"))
    page = client.get(reverse("funding:site", args=["XM-A1"])).content.decode()
    assert "项目名称：甲一村活动场所 → 新名称" in page
    assert "页面修改" in page


# --- create / edit ----------------------------------------------------------------------
def form_data(code: str, **overrides) -> dict:
    project = VenueProject.objects.filter(code=code).select_related("organization").first()
    data = {
        "code": code,
        "name": "新建活动场所",
        "organization": str(project.organization_id) if project else "",
        "project_type": "village_venue",
        "nature": "new",
        "planned_investment": "40",
        "completed_investment": "",
        "area": "",
        "stage": "survey",
        "started_on": "",
        "completed_on": "",
        "rooms": ["party_activity", "square"],
    }
    if project is not None:
        data.update(
            name=project.name,
            planned_investment=str(project.planned_investment),
            completed_investment=str(project.completed_investment),
            area=str(project.area or ""),
            stage=project.stage,
            started_on=project.started_on.isoformat() if project.started_on else "",
            rooms=list(project.rooms),
        )
    data.update(overrides)
    return data


def test_staff_create_a_project_with_rooms_as_checkboxes(client, tree, bob):
    login(client, "bob")
    page = client.get(reverse("funding:site_create")).content.decode()
    assert 'type="checkbox" name="rooms" value="square"' in page
    response = client.post(
        reverse("funding:site_create"),
        form_data("XM-NEW", organization=str(tree["A1"].pk)),
    )
    project = VenueProject.objects.get(code="XM-NEW")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.rooms == ["party_activity", "square"]
    assert project.organization == tree["A1"]
    change = StageChange.objects.get(project=project)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", "survey", bob)
    record = project.history.get()
    assert record.history_user == bob
    assert record.history_change_reason == "页面新增"


def test_the_form_applies_the_import_rules_and_saves_nothing_on_error(client, tree, bob):
    login(client, "bob")
    response = client.post(
        reverse("funding:site_create"),
        form_data(
            "XM-BAD",
            organization=str(tree["A1"].pk),
            stage="construction",
            planned_investment="0",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["started_on"] == ["状态为在建及以后时必填。"]
    assert errors["planned_investment"] == ["应大于 0。"]
    assert "未保存" in response.content.decode()
    assert not VenueProject.objects.exists()


def test_dates_of_a_finished_project_must_be_in_order(client, tree, bob):
    login(client, "bob")
    response = client.post(
        reverse("funding:site_create"),
        form_data(
            "XM-BAD",
            organization=str(tree["A1"].pk),
            stage="completed",
            started_on="2025-05-01",
            completed_on="2025-04-01",
        ),
    )
    assert response.context["form"].errors["completed_on"] == ["不能早于开工日期 2025-05-01。"]
    assert not VenueProject.objects.exists()


def test_a_project_cannot_be_placed_outside_the_scope(client, tree, bob):
    login(client, "bob")
    response = client.post(
        reverse("funding:site_create"), form_data("XM-B", organization=str(tree["B1"].pk))
    )
    assert "organization" in response.context["form"].errors
    assert not VenueProject.objects.exists()


@pytest.mark.parametrize("code", ["new", "XM-A1"])
def test_reserved_and_taken_codes_are_refused(client, projects, bob, code):
    login(client, "bob")
    response = client.post(
        reverse("funding:site_create"),
        form_data(code, organization=str(projects["XM-A1"].organization_id)),
    )
    assert "code" in response.context["form"].errors
    assert VenueProject.objects.count() == 3


@pytest.mark.parametrize("username", ["sam", "leo"])
def test_readers_cannot_create(client, tree, sam, leo, username):
    login(client, username)
    assert client.get(reverse("funding:site_create")).status_code == 403
    response = client.post(
        reverse("funding:site_create"), form_data("X1", organization=str(tree["A1"].pk))
    )
    assert response.status_code == 403
    assert not VenueProject.objects.exists()


def test_staff_edit_a_project_but_not_its_stage(client, projects, bob):
    login(client, "bob")
    url = reverse("funding:site_edit", args=["XM-A1"])
    data = form_data("XM-A1", name="甲一村活动场所（扩建）", stage="accepted", rooms=["meeting"])
    response = client.post(url, data)
    assert response.status_code == 302
    project = VenueProject.objects.get(code="XM-A1")
    assert project.name == "甲一村活动场所（扩建）"
    assert project.rooms == ["meeting"]
    assert project.stage == "design"  # the stage field is disabled on edit
    assert project.history.latest().history_user == bob


def test_an_outsider_cannot_edit(client, projects, charlie):
    login(client, "charlie")
    url = reverse("funding:site_edit", args=["XM-A1"])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data("XM-A1", name="改名")).status_code == 404
    assert VenueProject.objects.get(code="XM-A1").name == "甲一村活动场所"


# --- export -----------------------------------------------------------------------------
def exported_codes(response) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_export_holds_the_users_projects(client, projects, bob):
    login(client, "bob")
    response = client.get(reverse("funding:sites_export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert exported_codes(response) == ["XM-A1", "XM-A2"]
    response = client.get(reverse("funding:sites_export"), {"format": "xlsx", "org": "A2"})
    assert exported_codes(response) == ["XM-A2"]
    csv = client.get(reverse("funding:sites_export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "XM-A1" in csv
    assert "XM-B1" not in csv


def test_an_outsider_cannot_export_another_subtree(client, projects, charlie, sam):
    login(client, "charlie")
    assert client.get(reverse("funding:sites_export"), {"org": "A"}).status_code == 404
    assert exported_codes(client.get(reverse("funding:sites_export"))) == ["XM-B1"]
    login(client, "sam")
    assert client.get(reverse("funding:sites_export"), {"org": "A2"}).status_code == 404
    assert exported_codes(client.get(reverse("funding:sites_export"))) == ["XM-A1"]


def test_pages_need_a_login(client, projects):
    for url in (
        reverse("funding:sites"),
        reverse("funding:site", args=["XM-A1"]),
        reverse("funding:sites_export"),
    ):
        assert client.get(url).status_code == 302


def test_the_figures_of_a_subtree_come_in_one_query(projects, tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = site_figures(org=tree["C"])
    assert figures.total == 3
    assert figures.planned == Decimal("170.00")
    assert figures.completed == Decimal("110.00")
    assert figures.over_plan == 1
    assert figures.rate == Decimal("64.7")
    assert [(s.label, s.count) for s in figures.by_stage] == [
        ("调研论证", 0),
        ("规划设计", 2),
        ("在建", 1),
        ("已竣工", 0),
        ("已验收", 0),
    ]
    assert site_figures(org=tree["A"], year=2025).total == 1
