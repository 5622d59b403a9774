"""Importing funds: rules, the disbursed total as instalments, scope, idempotence."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from core.importing import run_import
from core.tables import read_table
from funding.models import Disbursement, FundLine
from funding.resources import FundLineResource
from funding.services.funds import disbursement_record
from tests.helpers import FUND_HEADERS, fund_row, xlsx_bytes


def do_import(rows, user=None, dry_run=False):
    dataset = read_table(xlsx_bytes(rows, FUND_HEADERS), "funds.xlsx")
    return run_import(FundLineResource(user=user, source="funds.xlsx"), dataset, dry_run=dry_run)


def messages(report):
    return [str(e) for e in report.errors]


def test_lines_import_and_a_disbursed_total_becomes_an_instalment(tree, bob):
    report = do_import(
        [
            fund_row("F1", "A1", **{"已拨付金额（元）": "30000", "拨付日期": "2026-03-01"}),
            fund_row("F2", "A2", 经费类别="活动经费", 资金来源="党费返还"),
        ],
        user=bob,
    )
    assert report.ok, messages(report)
    line = FundLine.objects.get(code="F1")
    assert line.disbursed == Decimal("30000.00")
    instalment = line.disbursements.get()
    assert (instalment.amount, instalment.paid_on) == (
        Decimal("30000.00"),
        datetime.date(2026, 3, 1),
    )
    assert instalment.recorded_by == bob
    assert FundLine.objects.get(code="F2").disbursed == 0


def test_a_higher_total_adds_the_difference_and_re_import_changes_nothing(tree):
    paid = {"已拨付金额（元）": "30000", "拨付日期": "2026-03-01"}
    do_import([fund_row("F1", "A1", **paid)])
    more = {"已拨付金额（元）": "50000.5", "拨付日期": "2026-06-01"}
    assert do_import([fund_row("F1", "A1", **more)]).updated == 1
    line = FundLine.objects.get()
    assert [d.amount for d in line.disbursements.all()] == [
        Decimal("30000.00"),
        Decimal("20000.50"),
    ]
    assert line.disbursed == Decimal("50000.50")
    history = FundLine.history.count() + Disbursement.history.count()
    again = do_import([fund_row("F1", "A1", **more)])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert FundLine.history.count() + Disbursement.history.count() == history


def test_a_lower_total_than_the_recorded_instalments_is_refused(tree, alice):
    do_import([fund_row("F1", "A1")])
    disbursement_record(
        user=alice,
        fund=FundLine.objects.get(),
        amount=Decimal("1000"),
        paid_on=datetime.date(2026, 2, 1),
    )
    report = do_import(
        [fund_row("F1", "A1", **{"已拨付金额（元）": "500", "拨付日期": "2026-03-01"})]
    )
    assert messages(report) == [
        "第2行 [已拨付金额（元）] 系统中已登记拨付 1,000.00 元，文件中的已拨付金额不能更少；"
        "登记错误的拨付请在经费页面删除。"
    ]
    assert FundLine.objects.get().disbursed == Decimal("1000.00")


def test_the_budget_cannot_drop_below_what_was_paid(tree):
    do_import([fund_row("F1", "A1", **{"已拨付金额（元）": "5000", "拨付日期": "2026-03-01"})])
    report = do_import([fund_row("F1", "A1", **{"预算金额（元）": "4000"})])
    assert messages(report) == [
        "第2行 [预算金额（元）] 不能少于已拨付的 5000.00 元（拨付记录合计）。"
    ]
    assert FundLine.objects.get().budget == Decimal("80000.00")


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"经费编号": ""}, "经费编号", "必填"),
        ({"经费编号": "F 1"}, "经费编号", "字母、数字"),
        ({"年度": "1999"}, "年度", "2000 到 2100"),
        ({"年度": "二〇二六"}, "年度", "不是整数"),
        ({"组织代码": "NOPE"}, "组织代码", "不存在"),
        ({"经费类别": "办公费"}, "经费类别", "不是可选值"),
        ({"资金来源": ""}, "资金来源", "必填"),
        ({"预算金额（元）": "-1"}, "预算金额（元）", "不能小于 0"),
        ({"预算金额（元）": "1.234"}, "预算金额（元）", "最多 2 位小数"),
        ({"预算金额（元）": ""}, "预算金额（元）", "必填"),
        ({"已拨付金额（元）": "90000", "拨付日期": "2026-01-01"}, "已拨付金额（元）", "超过预算"),
        ({"已拨付金额（元）": "100"}, "拨付日期", "已拨付金额大于 0 时必填"),
        ({"已拨付金额（元）": "abc"}, "已拨付金额（元）", "不是数字"),
        ({"摘要": "字" * 201}, "摘要", "不能超过 200 个字符"),
    ],
)
def test_each_rule(tree, overrides, column, fragment):
    report = do_import([fund_row("F0", "A1"), fund_row("F1", "A1", **overrides)])
    assert [(e.row, e.column) for e in report.errors] == [(3, column)], messages(report)
    assert fragment in report.errors[0].message
    assert not FundLine.objects.exists()


def test_scope_rows_for_another_township_and_their_lines_are_refused(tree, bob):
    do_import([fund_row("FB", "B1")])
    report = do_import([fund_row("FA", "A1"), fund_row("FB", "A1"), fund_row("FC", "B1")], user=bob)
    assert messages(report) == [
        "第3行 [经费编号] “FB”已存在，但不在您的管辖范围内，不能修改。",
        "第4行 [组织代码] 组织“B1”不在您的管辖范围内。",
    ]
    assert list(FundLine.objects.values_list("code", flat=True)) == ["FB"]


def test_export_round_trip(tree):
    from portal.exporting import export_file

    do_import([fund_row("F1", "A1", **{"已拨付金额（元）": "100", "拨付日期": "2026-03-01"})])
    content, count = export_file("funds", "xlsx")
    assert count == 1
    dataset = read_table(content, "funds.xlsx")
    assert dataset.headers == FUND_HEADERS
    assert dataset[0][6] == "100.00"
    assert dataset[0][7] == "2026-03-01"
    again = run_import(FundLineResource(), dataset)
    assert again.ok
    assert again.unchanged == 1
