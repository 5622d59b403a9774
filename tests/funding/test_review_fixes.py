"""Regression tests for the funding review: totals stay equal to the instalments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from core.importing import run_import
from core.tables import read_table
from funding.models import FundLine
from funding.resources import FundLineResource
from funding.services.funds import disbursement_record
from funding.services.standards import funding_warnings
from tests.helpers import FUND_HEADERS, fund_row, xlsx_bytes


def import_funds(rows, user=None):
    dataset = read_table(xlsx_bytes(rows, FUND_HEADERS), "funds.xlsx")
    return run_import(FundLineResource(user=user, source="funds.xlsx"), dataset)


def paid(line, user, amount="50000"):
    return disbursement_record(
        user=user, fund=line, amount=Decimal(amount), paid_on=datetime.date(2026, 3, 1)
    )


def test_a_stale_line_saved_later_keeps_the_recorded_total(tree, bob):
    import_funds([fund_row("F1", "A1")])
    stale = FundLine.objects.get()
    paid(stale, bob)
    stale.summary = "改摘要"
    stale.save()  # as a form or a restored version would, with disbursed still 0 in memory
    line = FundLine.objects.get()
    assert line.disbursed == Decimal("50000.00")
    assert line.summary == "改摘要"
    assert line.history.first().disbursed == Decimal("50000.00")


def test_restoring_an_old_version_in_the_admin_is_refused(client, tree, bob):
    import_funds([fund_row("F1", "A1")])
    line = FundLine.objects.get()
    first_version = line.history.earliest()
    paid(line, bob)
    line = FundLine.objects.get()
    line.summary = "后来的摘要"
    line.save()
    client.force_login(bob)
    url = reverse("admin:funding_fundline_simple_history", args=[line.pk, first_version.history_id])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["organization"] = line.organization_id
    # History is read-only: an old version would skip the line's services and rules.
    assert client.post(url, data).status_code == 403
    kept = FundLine.objects.get()
    assert kept.summary == "后来的摘要"
    assert kept.disbursed == Decimal("50000.00")


def test_the_import_cannot_move_a_line_that_has_paid_out(tree, bob):
    import_funds([fund_row("F1", "A1")])
    paid(FundLine.objects.get(), bob)
    report = import_funds([fund_row("F1", "A2", 年度="2027")])
    assert {(e.column, e.message[:8]) for e in report.errors} == {
        ("年度", "该经费已拨付 5"),
        ("组织代码", "该经费已拨付 5"),
    }
    line = FundLine.objects.get()
    assert (line.organization.code, line.year) == ("A1", 2026)


def test_an_instalment_date_years_before_the_budget_year_is_refused(tree):
    report = import_funds(
        [fund_row("F1", "A1", **{"已拨付金额（元）": "10", "拨付日期": "2024-12-31"})]
    )
    assert [e.column for e in report.errors] == ["拨付日期"]


def test_a_huge_amount_is_a_clear_row_error(tree):
    report = import_funds([fund_row("F1", "A1", **{"预算金额（元）": "1e30"})])
    assert [(e.column, e.message) for e in report.errors] == [
        ("预算金额（元）", "“1e30”数值过大。")
    ]


def test_the_not_disbursed_warning_does_not_divide_as_integers(tree, bob):
    year = timezone.localdate().year - 1  # the year is over: every line should be fully paid
    import_funds([fund_row("F1", "A1", 年度=str(year), **{"预算金额（元）": "199"})])
    line = FundLine.objects.get()
    disbursement_record(
        user=bob, fund=line, amount=Decimal("198.99"), paid_on=datetime.date(year, 6, 1)
    )
    rules = {f.rule for f in funding_warnings(tree["C"], year) if f.line_code == "F1"}
    assert "fund_not_disbursed" in rules


def test_execution_rates_round_half_up(tree):
    line = FundLine(budget=Decimal("20000"), disbursed=Decimal("12490"))
    assert line.execution_rate == Decimal("62.5")
