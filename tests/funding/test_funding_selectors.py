"""Fund figures of a subtree and year: totals, by category, by source, by child."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from funding.models import FundLine
from funding.selectors.funds import (
    FundTotals,
    fund_overview,
    fund_totals,
    fund_years,
    lines_of,
    own_totals,
    totals_by_category,
    totals_by_child,
    totals_by_source,
)
from funding.services.funds import disbursement_record
from tests.factories import make_org

YEAR = 2025


def make_line(
    org, code, budget, *, paid="0", year=YEAR, category="work", source="fiscal", user=None
):
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
            user=user, fund=line, amount=Decimal(paid), paid_on=datetime.date(year, 3, 1)
        )
        line.refresh_from_db()
    return line


@pytest.fixture
def lines(tree):
    """A1: 80,000 work (30,000 paid) + 10,000 activity from dues; A2: 80,000 work, none
    paid; A itself: 5,000 education (5,000 paid); B1: 80,000 work (80,000 paid); a line of
    the previous year in A1 that must not count."""
    return [
        make_line(tree["A1"], "F-A1-W", "80000", paid="30000"),
        make_line(tree["A1"], "F-A1-H", "10000", category="activity", source="dues_return"),
        make_line(tree["A2"], "F-A2-W", "80000"),
        make_line(tree["A"], "F-A-E", "5000", paid="5000", category="education"),
        make_line(tree["B1"], "F-B1-W", "80000", paid="80000"),
        make_line(tree["A1"], "F-A1-OLD", "70000", year=YEAR - 1, paid="70000"),
    ]


def test_it_sums_the_whole_subtree_of_the_year(tree, lines):
    totals = fund_totals(tree["A"], YEAR)
    assert totals == FundTotals(Decimal("175000"), Decimal("35000"), 4)
    assert totals.remaining == Decimal("140000")
    assert totals.rate == Decimal("20.0")
    assert fund_totals(tree["C"], YEAR).budget == Decimal("255000")
    assert fund_totals(tree["A1"], YEAR - 1).rate == Decimal("100.0")


def test_a_subtree_without_lines_has_zeros_and_no_rate(tree, lines):
    empty = make_org(tree["B"], code="B2")
    totals = fund_totals(empty, YEAR)
    assert (totals.budget, totals.disbursed, totals.lines, totals.rate) == (0, 0, 0, None)


def test_it_breaks_down_by_category_and_source_with_every_choice(tree, lines):
    categories = {row.key: row.totals for row in totals_by_category(tree["A"], YEAR)}
    assert len(categories) == 8
    assert categories["work"] == FundTotals(Decimal("160000"), Decimal("30000"), 2)
    assert categories["activity"].budget == Decimal("10000")
    assert categories["education"].rate == Decimal("100.0")
    assert categories["venue"] == FundTotals()
    sources = {row.key: (row.label, row.totals.budget) for row in totals_by_source(tree["A"], YEAR)}
    assert sources["fiscal"] == ("财政预算", Decimal("165000"))
    assert sources["dues_return"] == ("党费返还", Decimal("10000"))
    assert sources["donation"] == ("社会捐助", Decimal("0"))


def test_it_gives_each_child_its_whole_subtree_for_the_drill_down(tree, lines):
    group = make_org(tree["A1"], code="A1-1", name="甲一村第一党小组支部")
    make_line(group, "F-A11", "2000", paid="1000", category="activity")
    county = {row.key: row.totals for row in totals_by_child(tree["C"], YEAR)}
    assert list(county) == ["A", "B"]
    assert county["A"] == FundTotals(Decimal("177000"), Decimal("36000"), 5)
    assert county["B"].rate == Decimal("100.0")
    township = {row.key: row for row in totals_by_child(tree["A"], YEAR)}
    assert township["A1"].totals == FundTotals(Decimal("92000"), Decimal("31000"), 3)
    assert township["A1"].org == tree["A1"]
    assert township["A2"].totals.rate == Decimal("0.0")
    # The township's own line is not any child's: children + own = the whole subtree.
    own = own_totals(tree["A"], YEAR)
    assert own == FundTotals(Decimal("5000"), Decimal("5000"), 1)
    children = sum((row.totals for row in township.values()), FundTotals())
    assert children + own == fund_totals(tree["A"], YEAR)


def test_children_without_lines_are_listed_with_zeros(tree):
    rows = totals_by_child(tree["A"], YEAR)
    assert [(row.label, row.totals.lines) for row in rows] == [("甲一村支部", 0), ("甲二村支部", 0)]


def test_lines_of_one_organisation_exclude_its_subtree(tree, lines):
    assert [line.code for line in lines_of(tree["A"], YEAR)] == ["F-A-E"]
    assert [line.code for line in lines_of(tree["A1"])] == ["F-A1-H", "F-A1-W", "F-A1-OLD"]


def test_years_offer_the_subtree_years_and_the_current_one(tree, lines):
    current = timezone.localdate().year
    assert fund_years(tree["A1"]) == sorted({YEAR, YEAR - 1, current}, reverse=True)
    assert fund_years(tree["B1"], include=2019) == sorted({YEAR, current, 2019}, reverse=True)


def test_execution_rate_rounds_half_up_to_one_decimal_and_is_none_without_budget():
    assert FundTotals(Decimal("3"), Decimal("1")).rate == Decimal("33.3")
    assert FundTotals(Decimal("400"), Decimal("49")).rate == Decimal("12.3")
    assert FundTotals(Decimal("0"), Decimal("0")).rate is None


@pytest.mark.parametrize("count", [1, 30])
def test_the_figures_take_a_constant_number_of_queries(tree, count, django_assert_num_queries):
    for i in range(count):
        village = make_org(tree["A"], code=f"V{i:02d}")
        make_line(village, f"F-V{i:02d}", "1000", paid="10")
    with django_assert_num_queries(5):
        fund_totals(tree["C"], YEAR)
        totals_by_category(tree["C"], YEAR)
        totals_by_source(tree["C"], YEAR)
        totals_by_child(tree["A"], YEAR)


def test_the_overview_gives_the_same_figures_in_three_queries(
    tree, lines, django_assert_num_queries
):
    county = tree["C"]
    with django_assert_num_queries(3):
        overview = fund_overview(county, YEAR)
    assert overview.totals == fund_totals(county, YEAR)
    assert overview.by_category == totals_by_category(county, YEAR)
    assert overview.by_source == totals_by_source(county, YEAR)
    assert overview.by_child == totals_by_child(county, YEAR)
    assert overview.own == own_totals(county, YEAR) == FundTotals()
    township = fund_overview(tree["A"], YEAR)
    assert township.own == FundTotals(Decimal("5000"), Decimal("5000"), 1)
    village = fund_overview(tree["A1"], YEAR)
    assert village.by_child == []
    assert village.own == village.totals == fund_totals(tree["A1"], YEAR)
