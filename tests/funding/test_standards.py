"""Yearly standards and the funding warnings, each at its edge: exactly at the standard is
fine, one cent below is a warning."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from funding.models import FiscalRevenue, FundingStandard, FundLine, Payroll
from funding.services.funds import disbursement_record
from funding.services.standards import (
    COUNTY_BELOW_BUDGET_LINE,
    FISCAL_REVENUE_MISSING,
    FUND_BELOW_STANDARD,
    FUND_NOT_DISBURSED,
    PAYROLL_MISSING,
    fiscal_revenue_record,
    funding_warnings,
    payroll_record,
    required_execution,
    standard_for,
)
from tests.factories import make_org

YEAR = 2025
# Before the first disbursement checkpoint of YEAR: only the standards are checked.
EARLY = datetime.date(YEAR, 3, 1)


def make_line(org, code, budget, *, paid="0", category="work", source="fiscal", year=YEAR):
    line = FundLine.objects.create(
        code=code,
        year=year,
        organization=org,
        category=category,
        source=source,
        budget=Decimal(budget),
    )
    if Decimal(paid):
        disbursement_record(
            user=None, fund=line, amount=Decimal(paid), paid_on=datetime.date(year, 3, 1)
        )
    return line


def findings(org, rule, today=EARLY, year=YEAR):
    return [f for f in funding_warnings(org, year, today=today) if f.rule == rule]


def by_org(org, rule, **kwargs):
    return {f.org_code: f for f in findings(org, rule, **kwargs)}


# --- the standard in force -----------------------------------------------------------------


def test_a_year_uses_its_own_standard_or_the_latest_earlier_one(db):
    assert standard_for(YEAR).village_work_fund == Decimal("80000.00")  # the 2000 defaults
    FundingStandard.objects.create(
        year=2026,
        county_budget_rate=Decimal("5"),
        village_work_fund=Decimal("100000"),
        community_work_fund=Decimal("150000"),
        organ_activity_rate=Decimal("2"),
    )
    assert standard_for(2025).village_work_fund == Decimal("80000.00")
    assert standard_for(2026).village_work_fund == Decimal("100000.00")
    assert standard_for(2030).year == 2026
    assert standard_for(1999) is None


# --- villages and communities --------------------------------------------------------------


def test_a_village_exactly_at_the_standard_is_fine_one_cent_below_is_warned(tree):
    make_line(tree["A1"], "W-A1", "80000")
    make_line(tree["A2"], "W-A2", "79999.99")
    warned = by_org(tree["A"], FUND_BELOW_STANDARD)
    assert "A1" not in warned
    finding = warned["A2"]
    assert finding.org_name == "甲二村支部"
    assert finding.severity == "warning"
    assert finding.message == (
        "2025 年工作经费预算 79,999.99 元，低于村级组织工作经费标准 80,000.00 元（差 0.01 元）。"
    )


def test_only_work_funds_of_the_year_count_and_a_village_without_lines_is_warned(tree):
    make_line(tree["A1"], "H-A1", "90000", category="activity")
    make_line(tree["A2"], "W-A2-OLD", "80000", year=YEAR - 1)
    warned = by_org(tree["C"], FUND_BELOW_STANDARD)
    assert set(warned) == {"A1", "A2", "B1"}
    assert "工作经费预算 0.00 元" in warned["A1"].message


def test_a_village_counts_the_work_funds_of_its_branches_and_they_are_not_villages(tree):
    branch = make_org(tree["A1"], code="A1-1", name="甲一村第一支部")
    make_line(tree["A1"], "W-A1", "50000")
    make_line(branch, "W-A1-1", "30000")
    warned = by_org(tree["A"], FUND_BELOW_STANDARD)
    assert "A1" not in warned
    assert "A1-1" not in warned
    # Seen from the branch itself, it is still part of a village, not one of its own.
    assert findings(branch, FUND_BELOW_STANDARD) == []


def test_a_community_has_its_own_standard(tree):
    exact = make_org(tree["B"], code="S1", name="乙镇一社区支部", domain="community")
    short = make_org(tree["B"], code="S2", name="乙镇二社区支部", domain="community")
    make_line(exact, "W-S1", "150000")
    make_line(short, "W-S2", "149999.99")
    warned = by_org(tree["B"], FUND_BELOW_STANDARD)
    assert "S1" not in warned
    assert "低于社区工作经费标准 150,000.00 元" in warned["S2"].message


def test_a_later_standard_applies_from_its_year(tree):
    make_line(tree["A1"], "W-A1", "80000")
    FundingStandard.objects.create(
        year=YEAR,
        county_budget_rate=Decimal("5"),
        village_work_fund=Decimal("90000"),
        community_work_fund=Decimal("150000"),
        organ_activity_rate=Decimal("2"),
    )
    assert "标准 90,000.00 元" in by_org(tree["A1"], FUND_BELOW_STANDARD)["A1"].message


# --- organ branches --------------------------------------------------------------------------


@pytest.fixture
def organs(tree):
    committee = make_org(
        tree["C"],
        code="JG",
        name="县直机关工委",
        kind="working_committee",
        level="county",
        domain="organ",
    )
    finance = make_org(committee, code="JG1", name="财政局机关支部", level="other", domain="organ")
    tax = make_org(committee, code="JG2", name="税务局机关支部", level="other", domain="organ")
    return {"JG": committee, "JG1": finance, "JG2": tax}


def test_organ_activity_funds_are_checked_against_the_share_of_payroll(tree, organs):
    Payroll.objects.create(organization=organs["JG1"], year=YEAR, amount=Decimal("1000000"))
    Payroll.objects.create(organization=organs["JG2"], year=YEAR, amount=Decimal("1000000"))
    make_line(organs["JG1"], "H-JG1", "20000", category="activity", source="employer")
    make_line(organs["JG2"], "H-JG2", "19999.99", category="activity", source="employer")
    warned = by_org(organs["JG"], FUND_BELOW_STANDARD)
    assert set(warned) == {"JG2"}
    assert warned["JG2"].message == (
        "2025 年活动经费预算 19,999.99 元，低于工资总额 1,000,000.00 元的 2%（20,000.00 元）。"
    )
    assert findings(organs["JG"], PAYROLL_MISSING) == []


def test_an_organ_without_payroll_is_told_to_record_it(tree, organs):
    Payroll.objects.create(organization=organs["JG1"], year=YEAR - 1, amount=Decimal("1000000"))
    missing = by_org(tree["C"], PAYROLL_MISSING)
    # The working committee coordinates; only the organs' branches have a payroll.
    assert set(missing) == {"JG1", "JG2"}
    assert missing["JG1"].severity == "info"
    assert missing["JG1"].message == (
        "未登记 2025 年工资总额，无法核对活动经费是否达到工资总额的 2%。"
    )


# --- the county's 5 % line -------------------------------------------------------------------


def county_budget(tree, amount):
    make_line(tree["C"], "C-FISCAL", amount, category="other")
    make_line(tree["A1"], "C-DUES", "1000000", source="dues_return")  # not 财政预算


def test_the_county_exactly_at_five_percent_of_last_years_revenue_is_fine(tree):
    FiscalRevenue.objects.create(organization=tree["C"], year=YEAR - 1, revenue=Decimal("1000"))
    county_budget(tree, "420000")
    make_line(tree["A1"], "W-A1", "80000")  # 420,000 + 80,000 = 5 % of 1,000 万元
    assert findings(tree["C"], COUNTY_BELOW_BUDGET_LINE) == []
    assert findings(tree["C"], FISCAL_REVENUE_MISSING) == []


def test_the_county_one_cent_below_the_line_is_warned_with_the_figures(tree):
    FiscalRevenue.objects.create(organization=tree["C"], year=YEAR - 1, revenue=Decimal("1000"))
    county_budget(tree, "499999.99")
    [finding] = findings(tree["C"], COUNTY_BELOW_BUDGET_LINE)
    assert (finding.org_code, finding.severity) == ("C", "danger")
    assert finding.message == (
        "2025 年财政预算安排的党建经费 499,999.99 元，占上年（2024 年）一般公共预算收入 "
        "1,000.00 万元的 5.0%，低于 5% 的要求（应不少于 500,000.00 元）。"
    )


def test_the_revenue_of_the_same_year_does_not_replace_the_previous_years(tree):
    FiscalRevenue.objects.create(organization=tree["C"], year=YEAR, revenue=Decimal("1000"))
    [finding] = findings(tree["C"], FISCAL_REVENUE_MISSING)
    assert finding.org_code == "C"
    assert finding.message == (
        "未登记 2024 年一般公共预算收入，无法核对 2025 年党建经费是否达到上年财政收入的 5%。"
    )
    assert findings(tree["C"], COUNTY_BELOW_BUDGET_LINE) == []


def test_a_townships_subtree_has_no_county_line(tree):
    assert findings(tree["A"], FISCAL_REVENUE_MISSING) == []
    assert findings(tree["A"], COUNTY_BELOW_BUDGET_LINE) == []


def test_counties_under_a_city_are_each_checked_but_not_their_county_level_units(db):
    city = make_org(code="CITY", name="某市委", kind="committee", level="city", domain="other")
    east = make_org(city, code="E", name="东县委", kind="committee", level="county")
    make_org(east, code="E-JG", kind="working_committee", level="county", domain="organ")
    make_org(city, code="W", name="西县委", kind="committee", level="county")
    FiscalRevenue.objects.create(organization=east, year=YEAR - 1, revenue=Decimal("0"))
    assert set(by_org(city, FISCAL_REVENUE_MISSING)) == {"W"}
    assert findings(city, COUNTY_BELOW_BUDGET_LINE) == []  # 0 revenue: 0 元 is enough


# --- money budgeted but not disbursed --------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2025, 9, 30), None),
        (datetime.date(2025, 10, 1), (9, Decimal("50"))),
        (datetime.date(2025, 12, 31), (9, Decimal("50"))),
        (datetime.date(2026, 1, 1), (12, Decimal("100"))),
    ],
)
def test_the_checkpoints_are_the_end_of_the_third_quarter_and_of_the_year(today, expected):
    assert required_execution(YEAR, today) == expected


def test_after_the_third_quarter_lines_below_half_executed_are_warned(tree):
    make_line(tree["A1"], "L-HALF", "80000", paid="40000")
    make_line(tree["A2"], "L-LOW", "80000", paid="39999.99")
    make_line(tree["A2"], "L-ZERO-BUDGET", "0")
    october = datetime.date(YEAR, 10, 1)
    [finding] = findings(tree["C"], FUND_NOT_DISBURSED, today=october)
    assert (finding.line_code, finding.org_code, finding.severity) == ("L-LOW", "A2", "warning")
    assert finding.message == (
        "经费 L-LOW（工作经费）预算 80,000.00 元，已拨付 39,999.99 元，执行率 50.0%；"
        "2025 年第三季度结束后应达到 50%。"
    )
    assert findings(tree["C"], FUND_NOT_DISBURSED, today=datetime.date(YEAR, 9, 30)) == []


def test_after_the_year_every_line_not_fully_disbursed_is_warned(tree):
    make_line(tree["A1"], "L-FULL", "80000", paid="80000")
    make_line(tree["A2"], "L-CENT", "80000", paid="79999.99")
    january = datetime.date(YEAR + 1, 1, 1)
    [finding] = findings(tree["C"], FUND_NOT_DISBURSED, today=january)
    assert finding.line_code == "L-CENT"
    assert "2025 年度结束后应达到 100%" in finding.message


def test_the_checkpoints_come_from_the_settings(tree, settings):
    settings.FUND_EXECUTION_CHECKPOINTS = [(6, 30)]
    make_line(tree["A1"], "L-30", "10000", paid="3000")
    make_line(tree["A2"], "L-29", "10000", paid="2999.99")
    july = datetime.date(YEAR, 7, 1)
    assert [f.line_code for f in findings(tree["C"], FUND_NOT_DISBURSED, today=july)] == ["L-29"]
    assert (
        "2025 年第二季度结束后应达到 30%"
        in findings(tree["C"], FUND_NOT_DISBURSED, today=july)[0].message
    )
    assert findings(tree["C"], FUND_NOT_DISBURSED, today=datetime.date(YEAR, 6, 30)) == []


def test_findings_come_most_serious_first_then_in_tree_order(tree):
    make_line(tree["B1"], "L-B1", "80000")
    FiscalRevenue.objects.create(organization=tree["C"], year=YEAR - 1, revenue=Decimal("10000"))
    result = funding_warnings(tree["C"], YEAR, today=datetime.date(YEAR, 11, 1))
    assert [(f.rule, f.org_code) for f in result] == [
        (COUNTY_BELOW_BUDGET_LINE, "C"),
        (FUND_BELOW_STANDARD, "A1"),
        (FUND_BELOW_STANDARD, "A2"),
        (FUND_NOT_DISBURSED, "B1"),  # B1 meets the standard but has paid nothing out
    ]


@pytest.mark.parametrize("count", [1, 30])
def test_the_warnings_take_a_bounded_number_of_queries(
    tree, organs, count, django_assert_max_num_queries
):
    FiscalRevenue.objects.create(organization=tree["C"], year=YEAR - 1, revenue=Decimal("1000"))
    for i in range(count):
        village = make_org(tree["A"], code=f"V{i:02d}")
        make_line(village, f"W-V{i:02d}", "1000", paid="10")
        unit = make_org(organs["JG"], code=f"JG-U{i:02d}", level="other", domain="organ")
        make_line(unit, f"H-U{i:02d}", "100", category="activity")
    with django_assert_max_num_queries(7):
        result = funding_warnings(tree["C"], YEAR, today=datetime.date(YEAR, 11, 1))
    assert len([f for f in result if f.rule == FUND_NOT_DISBURSED]) == count * 2


# --- recording revenue and payrolls ----------------------------------------------------------


def test_county_staff_record_and_correct_the_fiscal_revenue_with_history(tree, alice):
    fiscal_revenue_record(user=alice, organization=tree["C"], year=2024, revenue=Decimal("800"))
    record = fiscal_revenue_record(
        user=alice, organization=tree["C"], year=2024, revenue=Decimal("850.5")
    )
    assert FiscalRevenue.objects.get().revenue == Decimal("850.50")
    assert [h.history_user for h in record.history.all()] == [alice, alice]


def test_fiscal_revenue_belongs_to_a_county_and_inside_the_scope(tree, alice, bob):
    with pytest.raises(ValidationError) as refused:
        fiscal_revenue_record(user=alice, organization=tree["A"], year=2024, revenue=Decimal("1"))
    assert refused.value.message_dict["organization"] == [
        "财政收入只能登记在县（区）级党组织上，“甲镇党委”不是。"
    ]
    with pytest.raises(PermissionDenied):
        fiscal_revenue_record(user=bob, organization=tree["C"], year=2024, revenue=Decimal("1"))
    assert not FiscalRevenue.objects.exists()


def test_payrolls_belong_to_organ_organisations(tree, alice, organs):
    payroll_record(user=alice, organization=organs["JG1"], year=YEAR, amount=Decimal("500000"))
    assert Payroll.objects.get().amount == Decimal("500000")
    with pytest.raises(ValidationError) as refused:
        payroll_record(user=alice, organization=tree["A1"], year=YEAR, amount=Decimal("1"))
    assert "只能登记在机关党组织上" in refused.value.message_dict["organization"][0]
    assert Payroll.objects.count() == 1


# --- the admin -------------------------------------------------------------------------------

STANDARD_FORM = {
    "year": "2000",
    "county_budget_rate": "5.00",
    "village_work_fund": "100000.00",
    "community_work_fund": "150000.00",
    "organ_activity_rate": "2.00",
}


def test_only_county_staff_change_the_standards_in_the_admin(client, alice, bob):
    standard = FundingStandard.objects.get(year=2000)
    url = reverse("admin:funding_fundingstandard_change", args=[standard.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 200  # staff read the standards
    assert client.post(url, STANDARD_FORM).status_code == 403
    standard.refresh_from_db()
    assert standard.village_work_fund == Decimal("80000.00")
    client.force_login(alice)
    assert client.post(url, STANDARD_FORM).status_code == 302
    standard.refresh_from_db()
    assert standard.village_work_fund == Decimal("100000.00")
    assert standard.history.first().history_user == alice


def test_fiscal_revenue_in_the_admin_goes_through_the_service(client, alice, bob, tree):
    url = reverse("admin:funding_fiscalrevenue_add")
    form = {"organization": tree["C"].pk, "year": "2024", "revenue": "1000"}
    client.force_login(bob)  # township staff: the county is not his to record
    response = client.post(url, form)
    assert response.status_code == 200
    assert not FiscalRevenue.objects.exists()
    client.force_login(alice)
    response = client.post(url, {**form, "organization": tree["A"].pk})
    assert response.status_code == 200
    assert not FiscalRevenue.objects.exists()
    assert client.post(url, form).status_code == 302
    record = FiscalRevenue.objects.get()
    assert (record.revenue, record.history.get().history_user) == (Decimal("1000.00"), alice)


def test_instalments_are_read_only_in_the_fund_line_admin(client, alice, tree):
    line = make_line(tree["A1"], "F-ADMIN", "1000", paid="400")
    client.force_login(alice)
    response = client.get(reverse("admin:funding_fundline_change", args=[line.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "拨付记录（在门户的经费页面登记或删除）" in body
    assert 'name="disbursements-0-amount"' not in body
    assert 'name="disbursed"' not in body


def test_funding_findings_show_on_the_organisation_page(client, tree, alice):
    """A village below the work-fund standard is named on its township's page."""
    from decimal import Decimal

    from django.urls import reverse
    from django.utils import timezone

    from funding.models import FundLine

    FundLine.objects.create(
        code="W-A1",
        year=timezone.localdate().year,
        organization=tree["A1"],
        category="work",
        source="fiscal",
        budget=Decimal("1000"),
    )
    client.force_login(alice)
    page = client.get(reverse("orgs:detail", args=["A"])).content.decode()
    assert "甲一村支部：" in page
    assert "80,000.00" in page
