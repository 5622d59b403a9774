"""Importing and exporting organisation life records (the "life" table)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.importing import run_import
from core.registry import get_kind, kind_names
from core.tables import read_table
from orgs.life.resources import OrgLifeRecordResource
from orgs.models import MeetingRequirement, OrgLifeRecord
from portal.exporting import export_file
from tests.helpers import csv_bytes, xlsx_bytes

LIFE_HEADERS = ["组织代码", "会议类型", "召开日期", "主题", "应到人数", "实到人数", "会议记录"]


def life_row(org: str = "A1", **overrides: str) -> dict[str, str]:
    row = {
        "组织代码": org,
        "会议类型": "支部党员大会",
        "召开日期": "2024-04-12",
        "主题": "学习党章",
        "应到人数": "12",
        "实到人数": "9",
        "会议记录": "传达上级精神。",
    }
    row.update(overrides)
    return row


def import_life(rows, user=None, fmt="xlsx"):
    data = xlsx_bytes(rows, LIFE_HEADERS) if fmt == "xlsx" else csv_bytes(rows, LIFE_HEADERS)
    dataset = read_table(data, f"life.{fmt}")
    return run_import(OrgLifeRecordResource(user=user, source=f"life.{fmt}"), dataset)


def messages(report):
    return [str(e) for e in report.errors]


def test_the_life_table_is_registered():
    assert "life" in kind_names()
    kind = get_kind("life")
    assert (kind.label, kind.resource, kind.org_prefix) == (
        "组织生活",
        OrgLifeRecordResource,
        "organization__",
    )


def test_rows_import_with_history_and_a_reimport_changes_nothing(tree, bob):
    rows = [life_row(), life_row("A2", 会议类型="主题党日", 主题="植树", 实到人数="12")]
    report = import_life(rows, user=bob)
    assert report.ok, messages(report)
    assert report.new == 2
    record = OrgLifeRecord.objects.get(organization__code="A1")
    assert (record.kind, record.held_on, record.expected, record.present) == (
        "branch_assembly",
        datetime.date(2024, 4, 12),
        12,
        9,
    )
    assert record.recorded_by == bob
    assert record.history.get().history_user == bob
    again = import_life(rows, user=bob, fmt="csv")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert OrgLifeRecord.objects.count() == 2
    assert record.history.count() == 1


def test_the_composite_key_updates_the_same_meeting(tree, bob):
    import_life([life_row()], user=bob)
    report = import_life([life_row(实到人数="5"), life_row(主题="学习党史")], user=bob)
    assert (report.new, report.updated) == (1, 1), messages(report)
    assert sorted(OrgLifeRecord.objects.values_list("topic", "present")) == [
        ("学习党史", 9),
        ("学习党章", 5),
    ]


def test_duplicate_rows_in_one_file_are_reported(tree, bob):
    report = import_life([life_row(), life_row(实到人数="3")], user=bob)
    assert messages(report) == ["第3行 [组织代码] 与第2行重复。"]
    assert not OrgLifeRecord.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"实到人数": "13"}, "第2行 [实到人数] 实到人数（13）不能多于应到人数（12）。"),
        ({"应到人数": "0", "实到人数": "0"}, "第2行 [应到人数] 应到人数至少为 1。"),
        ({"会议类型": "党委会"}, "第2行 [会议类型] “党委会”不是可选值"),
        ({"召开日期": "2024/04/31"}, "第2行 [召开日期] “2024/04/31”不是有效日期"),
        ({"主题": ""}, "第2行 [主题] 必填，不能为空。"),
        ({"应到人数": "十二"}, "第2行 [应到人数] “十二”不是整数。"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_imported(tree, bob, overrides, message):
    report = import_life([life_row("A2"), life_row(**overrides)], user=bob)
    assert not report.ok
    assert any(m.startswith(message.replace("第2行", "第3行")) for m in messages(report)), messages(
        report
    )
    assert not OrgLifeRecord.objects.exists()


def test_a_future_date_is_refused(tree, bob):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    report = import_life([life_row(召开日期=tomorrow)], user=bob)
    assert not report.ok
    assert "不能晚于今天" in " ".join(messages(report))


def test_rows_outside_the_scope_are_refused(tree, charlie, bob):
    report = import_life([life_row("B1"), life_row("A1")], user=charlie)
    assert messages(report) == ["第3行 [组织代码] 组织“A1”不在您的管辖范围内。"]
    assert not OrgLifeRecord.objects.exists()
    # A record that exists in A cannot be reached from B either.
    import_life([life_row("A1")], user=bob)
    assert not import_life([life_row("A1", 实到人数="1")], user=charlie).ok
    assert OrgLifeRecord.objects.get().present == 9


def test_only_staff_import(tree, sam):
    report = import_life([life_row("A1")], user=sam)
    assert messages(report) == ["第1行 [表头] 只有组织部工作人员可以导入数据。"]
    assert not OrgLifeRecord.objects.exists()


def test_the_export_is_scoped_and_reimports_unchanged(tree, bob, charlie, tmp_path):
    import_life([life_row("A1"), life_row("A2"), life_row("B1")])
    content, rows = export_file("life", "xlsx", user=bob)
    assert rows == 2
    dataset = read_table(content, "life.xlsx")
    assert dataset.headers == LIFE_HEADERS
    assert sorted(dataset["组织代码"]) == ["A1", "A2"]
    report = run_import(OrgLifeRecordResource(user=bob, source="export"), dataset)
    assert (report.unchanged, report.new, report.updated) == (2, 0, 0), messages(report)
    _content, charlie_rows = export_file("life", "csv", user=charlie)
    assert charlie_rows == 1
    out = tmp_path / "life.csv"
    call_command("export_data", "life", "--format", "csv", "--out", str(out), "--org", "A")
    assert out.read_text(encoding="utf-8-sig").count("支部党员大会") == 2


# --- admin -------------------------------------------------------------------------
def test_the_admin_lists_records_of_the_subtree_only(client, tree, charlie):
    import_life([life_row("A1", 主题="甲一村的会"), life_row("B1", 主题="乙一村的会")])
    client.force_login(charlie)
    html = client.get(reverse("admin:orgs_orgliferecord_changelist")).content.decode()
    assert "乙一村的会" in html
    assert "甲一村的会" not in html
    a1 = OrgLifeRecord.objects.get(organization__code="A1")
    out_of_scope = client.get(reverse("admin:orgs_orgliferecord_change", args=[a1.pk]))
    assert out_of_scope.status_code == 302  # the admin's "does not exist" redirect


def test_the_admin_form_applies_the_same_rules(client, tree, bob):
    client.force_login(bob)
    response = client.post(
        reverse("admin:orgs_orgliferecord_add"),
        {
            "organization": tree["A1"].pk,
            "kind": "theme_day",
            "held_on": "2024-05-04",
            "topic": "植树",
            "expected": "5",
            "present": "6",
            "minutes": "",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert "实到人数（6）不能多于应到人数（5）" in response.content.decode()
    assert not OrgLifeRecord.objects.exists()


def test_only_county_staff_change_the_meeting_requirements(client, tree, alice, bob):
    requirement = MeetingRequirement.objects.get(kind="theme_day")
    url = reverse("admin:orgs_meetingrequirement_change", args=[requirement.pk])
    data = {"kind": "theme_day", "period_months": "3", "times_per_period": "2"}
    client.force_login(bob)
    assert client.get(url).status_code == 200  # reads it
    assert client.post(url, data).status_code == 403
    requirement.refresh_from_db()
    assert (requirement.period_months, requirement.times_per_period) == (1, 1)
    client.force_login(alice)
    assert client.post(url, data).status_code == 302
    requirement.refresh_from_db()
    assert (requirement.period_months, requirement.times_per_period) == (3, 2)
    assert requirement.history.order_by("-history_id").first().history_user == alice
