"""Importing and exporting 民主评议党员 results: key (member, year), the importer's scope,
Chinese messages naming the row and column, all-or-nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.importing import run_import
from core.registry import get_kind
from core.tables import read_table
from members.models import Appraisal
from members.resources.appraisals import AppraisalResource
from members.services.appraisals import appraisal_create
from portal.exporting import export_file
from portal.models import ExportLog
from tests.factories import make_member
from tests.helpers import xlsx_bytes

HEADERS = ["公民身份号码", "姓名", "年度", "评议结果", "处置", "处置日期", "备注"]
TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1


def row(member, **overrides):
    values = {
        "公民身份号码": member.id_number,
        "姓名": member.name,
        "年度": str(LAST_YEAR),
        "评议结果": "合格",
        "处置": "",
        "处置日期": "",
        "备注": "",
    }
    values.update(overrides)
    return values


def do_import(rows, user=None, headers=None, dry_run=False):
    dataset = read_table(xlsx_bytes(rows, headers or HEADERS), "appraisals.xlsx")
    return run_import(
        AppraisalResource(user=user, source="appraisals.xlsx"), dataset, dry_run=dry_run
    )


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


@pytest.fixture
def member(tree):
    return make_member(tree["A1"], name="吴导入")


@pytest.fixture
def other(tree):
    return make_member(tree["B1"], name="郑外组")


def test_the_table_is_registered_as_personal_data():
    kind = get_kind("appraisals")
    assert (kind.label, kind.resource, kind.personal) == ("民主评议党员", AppraisalResource, True)


def test_it_imports_results_with_history_and_the_year_organisation(bob, member, tree):
    second = make_member(tree["A2"], name="钱二村")
    report = do_import(
        [
            row(member, 评议结果="优秀党员"),
            row(
                second,
                年度=f"{LAST_YEAR}年度",
                评议结果="不合格",
                处置="限期整改",
                处置日期=TODAY.isoformat(),
                备注="限期三个月",
            ),
        ],
        user=bob,
    )
    assert report.ok, messages(report)
    assert report.new == 2
    first = Appraisal.objects.get(member=member)
    assert (first.year, first.result, first.organization) == (LAST_YEAR, "excellent", tree["A1"])
    assert first.recorded_by == bob
    assert first.history.first().history_user == bob
    failed = Appraisal.objects.get(member=second)
    assert (failed.result, failed.disposition, failed.note) == (
        "unqualified",
        "rectify",
        "限期三个月",
    )
    second.refresh_from_db()
    assert second.status == "active"  # a 处置 never changes the member by itself


def test_header_aliases_are_read(bob, member):
    headers = ["身份证号", "党员姓名", "评议年度", "评议等次", "处置方式", "处置时间", "说明"]
    values = [member.id_number, member.name, str(LAST_YEAR), "基本合格", "", "", ""]
    report = do_import([dict(zip(headers, values, strict=True))], user=bob, headers=headers)
    assert report.ok, messages(report)
    assert Appraisal.objects.get().result == "basic"


def test_it_is_idempotent_and_updates_by_member_and_year(bob, member):
    assert do_import([row(member)], user=bob).new == 1
    history = Appraisal.history.count()
    again = do_import([row(member)], user=bob)
    assert (again.unchanged, Appraisal.history.count()) == (1, history)
    changed = do_import([row(member, 评议结果="优秀")], user=bob)
    assert changed.updated == 1
    assert Appraisal.objects.get().result == "excellent"


def test_bad_rows_name_the_row_and_column_in_chinese(bob, member, tree):
    other = make_member(tree["A2"], name="钱二村")
    third = make_member(tree["A2"], name="孙三村")
    report = do_import(
        [
            row(member, 评议结果="称职"),
            row(other, 年度=str(TODAY.year + 1)),
            row(third, 评议结果="合格", 处置="除名", 处置日期=TODAY.isoformat()),
            row(member, 姓名="王五"),
        ],
        user=bob,
    )
    assert not report.ok
    found = messages(report)
    assert "第2行 [评议结果] “称职”不是可选值，只能填写：优秀、合格、基本合格、不合格。" in found, (
        found
    )
    assert any(m.startswith("第3行 [年度] ") and "不是有效年度" in m for m in found), found
    assert "第4行 [处置] 只有评议结果为“不合格”的党员才有处置，请留空。" in found, found
    assert any(m.startswith("第5行 [公民身份号码] 与第2行重复") for m in found), found
    assert not Appraisal.objects.exists()  # all or nothing


def test_a_disposition_date_before_the_year_is_refused(bob, member):
    day = datetime.date(LAST_YEAR - 1, 12, 31).isoformat()
    report = do_import([row(member, 评议结果="不合格", 处置="劝退", 处置日期=day)], user=bob)
    assert messages(report) == [f"第2行 [处置日期] 不能早于评议年度（{LAST_YEAR}年）。"]


def test_outside_the_scope_is_the_same_answer_as_unknown(charlie, member, tree):
    unknown = make_member(tree["B1"], name="郑外组")
    number = unknown.id_number
    unknown.delete()
    report = do_import([row(member), row(unknown, 公民身份号码=number)], user=charlie)
    found = messages(report)
    assert found == [
        "第2行 [公民身份号码] 您的管辖范围内没有该公民身份号码的党员。",
        "第3行 [公民身份号码] 您的管辖范围内没有该公民身份号码的党员。",
    ]
    assert not Appraisal.objects.exists()


def test_a_result_recorded_by_another_subtree_cannot_be_overwritten(bob, charlie, member, tree):
    from members.services.transfers import transfer_accept, transfer_request

    appraisal_create(user=bob, member=member, year=LAST_YEAR, result="excellent")
    moved_on = datetime.date(TODAY.year, 1, 1)
    transfer = transfer_request(
        user=bob, member=member, to_organization=tree["B1"], reason="工作调动", on=moved_on
    )
    transfer_accept(user=charlie, transfer=transfer, on=moved_on)
    # The member is now Charlie's, last year's result stays A1's.
    report = do_import([row(member, 评议结果="不合格")], user=charlie)
    assert messages(report) == [
        "第2行 [公民身份号码] 该党员这一年度的评议结果已由其他党组织录入，"
        "不在您的管辖范围内，不能修改。"
    ]
    fresh = do_import(
        [row(make_member(tree["B1"], name="郑新"), 年度=str(TODAY.year))], user=charlie
    )
    assert fresh.ok, messages(fresh)
    # A year the member spent in A1 is not Charlie's to record either.
    earlier = do_import([row(member, 年度=str(LAST_YEAR - 1))], user=charlie)
    assert messages(earlier) == [
        "第2行 [年度] 该党员这一年度所在的党组织不在您的管辖范围内，请由该组织录入。"
    ]
    assert Appraisal.objects.get(member=member).result == "excellent"


def test_secretaries_and_leaders_do_not_import(sam, leo, member):
    for user in (sam, leo):
        report = do_import([row(member)], user=user)
        assert messages(report) == ["第1行 [表头] 只有组织部工作人员可以导入数据。"]


def test_exports_are_masked_logged_and_stay_inside_the_scope(bob, charlie, member, other):
    appraisal_create(user=bob, member=member, year=LAST_YEAR, result="excellent")
    appraisal_create(user=charlie, member=other, year=LAST_YEAR, result="basic")
    content, rows = export_file("appraisals", "xlsx", user=bob)
    text = str(read_table(content, "x.xlsx").dict)
    assert rows == 1
    assert member.masked_id_number in text
    assert member.id_number not in text
    assert "郑外组" not in text
    assert "甲一村支部" in text  # the appraising organisation, for reading
    log = ExportLog.objects.get(kind="appraisals")
    assert (log.user, log.rows, log.unmasked) == (bob, 1, False)
    assert export_file("appraisals", "csv", user=charlie)[1] == 1


def test_an_unmasked_export_imports_back_unchanged(bob, member):
    appraisal_create(user=bob, member=member, year=LAST_YEAR, result="excellent")
    bob.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    bob = type(bob).objects.get(pk=bob.pk)
    content, _rows = export_file("appraisals", "xlsx", user=bob)
    again = run_import(AppraisalResource(user=bob), read_table(content, "appraisals.xlsx"))
    assert again.ok, messages(again)
    assert again.unchanged == 1


def test_a_masked_export_is_refused_as_a_whole(bob, member):
    appraisal_create(user=bob, member=member, year=LAST_YEAR, result="excellent")
    content, _rows = export_file("appraisals", "xlsx", user=bob)
    report = run_import(AppraisalResource(user=bob), read_table(content, "appraisals.xlsx"))
    assert len(report.errors) == 1
    assert "这是脱敏导出文件" in str(report.errors[0])
