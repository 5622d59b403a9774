"""Importing venue projects and collective-economy records."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.importing import run_import
from core.tables import read_table
from funding.models import EconomyRecord, StageChange, VenueProject
from funding.resources import EconomyRecordResource, VenueProjectResource
from tests.helpers import ECONOMY_HEADERS, SITE_HEADERS, economy_row, site_row, xlsx_bytes


def import_sites(rows, user=None):
    dataset = read_table(xlsx_bytes(rows, SITE_HEADERS), "sites.xlsx")
    return run_import(VenueProjectResource(user=user, source="sites.xlsx"), dataset)


def import_economy(rows, user=None):
    dataset = read_table(xlsx_bytes(rows, ECONOMY_HEADERS), "economy.xlsx")
    return run_import(EconomyRecordResource(user=user, source="economy.xlsx"), dataset)


def messages(report):
    return [str(e) for e in report.errors]


def test_a_project_imports_with_rooms_and_its_first_stage(tree, bob):
    report = import_sites([site_row("S1", "A1")], user=bob)
    assert report.ok, messages(report)
    project = VenueProject.objects.get()
    assert project.rooms == ["party_activity", "meeting", "office"]
    assert "便民超市" in project.missing_rooms
    assert "党员活动室" not in project.missing_rooms
    change = StageChange.objects.get()
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", "design", bob)
    assert import_sites([site_row("S1", "A1")]).unchanged == 1


def test_moving_forward_records_the_change_and_going_back_is_refused(tree):
    import_sites([site_row("S1", "A1")])
    forward = site_row(
        "S1", "A1", 状态="在建", 开工日期="2026-04-01", **{"已完成投资（万元）": "70"}
    )
    assert import_sites([forward]).updated == 1
    project = VenueProject.objects.get()
    assert project.stage == "construction"
    assert project.over_plan  # 70 of 60 planned: flagged, not refused
    assert [c.to_stage for c in project.stage_changes.all()] == ["design", "construction"]
    back = import_sites([site_row("S1", "A1", 状态="规划设计")])
    assert messages(back) == [
        "第2行 [状态] 不能从“在建”退回“规划设计”：退回请在项目页面操作并填写原因。"
    ]


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"项目名称": ""}, "项目名称", "必填"),
        ({"项目类型": "办公楼"}, "项目类型", "不是可选值"),
        ({"建设性质": ""}, "建设性质", "必填"),
        ({"计划投资（万元）": "0"}, "计划投资（万元）", "应大于 0"),
        ({"已完成投资（万元）": "-1"}, "已完成投资（万元）", "不能小于 0"),
        ({"建筑面积（㎡）": "0"}, "建筑面积（㎡）", "应大于 0"),
        ({"状态": "在建"}, "开工日期", "在建及以后时必填"),
        ({"状态": "已竣工", "开工日期": "2026-01-01"}, "竣工日期", "已竣工或已验收时必填"),
        (
            {"状态": "已竣工", "开工日期": "2026-05-01", "竣工日期": "2026-04-01"},
            "竣工日期",
            "不能早于开工日期",
        ),
        ({"竣工日期": "2026-04-01"}, "竣工日期", "尚未竣工时请留空"),
        ({"功能配置": "党员活动室、游泳池"}, "功能配置", "“游泳池”不是可选的功能室"),
    ],
)
def test_each_site_rule(tree, overrides, column, fragment):
    report = import_sites([site_row("S0", "A1"), site_row("S1", "A1", **overrides)])
    assert [(e.row, e.column) for e in report.errors] == [(3, column)], messages(report)
    assert fragment in report.errors[0].message
    assert not VenueProject.objects.exists()


def test_economy_is_keyed_on_organisation_and_year(tree):
    report = import_economy([economy_row("A1", "2024"), economy_row("A1", "2025")])
    assert report.ok, messages(report)
    again = import_economy([economy_row("A1", "2025", **{"集体经济总收入（万元）": "20"})])
    assert (again.new, again.updated) == (0, 1)
    assert EconomyRecord.objects.get(year=2025).total_income == Decimal("20.00")
    assert EconomyRecord.objects.count() == 2
    duplicate = import_economy([economy_row("A2"), economy_row("A2")])
    assert messages(duplicate) == ["第3行 [年度] 与第2行重复。"]


def test_economy_rules_and_scope(tree, bob):
    report = import_economy(
        [
            economy_row("A", "2025"),
            economy_row("A1", "2025", **{"经营性收入（万元）": "13"}),
            economy_row("B1", "2025"),
        ],
        user=bob,
    )
    assert messages(report) == [
        "第2行 [组织代码] “A”不是村级组织（集体经济只登记村级组织）。",
        "第3行 [经营性收入（万元）] 不能大于集体经济总收入 12.50 万元。",
        "第4行 [组织代码] 组织“B1”不在您的管辖范围内。",
    ]
    assert not EconomyRecord.objects.exists()
    import_economy([economy_row("B1", "2025")])
    outside = import_economy([economy_row("B1", "2025")], user=bob)
    assert "不在您的管辖范围内" in outside.errors[0].message
