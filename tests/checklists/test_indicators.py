"""Measured indicators: computed from the records the portal holds, per subtree and quarter."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from checklists.choices import Indicator
from checklists.indicators import measure, measure_items, meets_target
from checklists.issuing import issue_checklists
from checklists.models import ChecklistItem, ResponsibilityList
from core.periods import Quarter
from funding.models import FundLine
from funding.services.funds import disbursement_record
from members.models import DuesRecord
from orgs.models import OrgLifeRecord
from tests.factories import make_member

# A past quarter, so that members may have joined in it (no date in the future).
Q3 = Quarter(2024, 3)
D = datetime.date


def life(org, kind, day):
    return OrgLifeRecord.objects.create(
        organization=org, kind=kind, held_on=day, topic="学习", expected=10, present=8
    )


def dues(member, month, due, paid):
    return DuesRecord.objects.create(
        member=member,
        month=month,
        basis="salary",
        base=Decimal("4000"),
        rate=Decimal("1"),
        amount_due=Decimal(due),
        amount_paid=Decimal(paid),
        paid_on=month.replace(day=10) if Decimal(paid) else None,
    )


def fund(org, code, budget, paid="0", year=2024):
    line = FundLine.objects.create(
        code=code, year=year, organization=org, category="work", source="fiscal", budget=budget
    )
    if Decimal(paid):
        disbursement_record(user=None, fund=line, amount=Decimal(paid), paid_on=D(year, 3, 1))
    return line


def test_branch_assemblies_counts_the_quarters_assemblies_of_the_subtree(tree):
    life(tree["A1"], "branch_assembly", D(2024, 7, 5))
    life(tree["A2"], "branch_assembly", D(2024, 9, 30))
    life(tree["A1"], "committee_meeting", D(2024, 8, 1))  # another kind
    life(tree["A1"], "branch_assembly", D(2024, 6, 30))  # the quarter before
    life(tree["B1"], "branch_assembly", D(2024, 8, 1))  # another township
    assert measure(Indicator.BRANCH_ASSEMBLIES, tree["A1"], Q3) == 1
    assert measure(Indicator.BRANCH_ASSEMBLIES, tree["A"], Q3) == 2
    assert measure(Indicator.BRANCH_ASSEMBLIES, tree["A2"], Quarter(2024, 2)) == 0


def test_life_records_counts_every_kind(tree):
    life(tree["A1"], "branch_assembly", D(2024, 7, 5))
    life(tree["A1"], "committee_meeting", D(2024, 8, 1))
    life(tree["A2"], "party_lecture", D(2024, 9, 1))
    life(tree["A1"], "theme_day", D(2024, 10, 1))  # next quarter
    assert measure(Indicator.LIFE_RECORDS, tree["A"], Q3) == 3
    assert measure(Indicator.LIFE_RECORDS, tree["A1"], Q3) == 2
    assert measure(Indicator.LIFE_RECORDS, tree["B"], Q3) == 0


def test_new_members_counts_those_admitted_in_the_quarter(tree):
    probationary = {"category": "probationary", "confirmed_on": None}
    make_member(tree["A1"], joined_on=D(2024, 7, 1), **probationary)
    make_member(tree["A2"], joined_on=D(2024, 9, 30), **probationary)
    make_member(tree["A1"], joined_on=D(2024, 6, 30), **probationary)
    make_member(tree["A1"])  # joined long ago
    assert measure(Indicator.NEW_MEMBERS, tree["A1"], Q3) == 1
    assert measure(Indicator.NEW_MEMBERS, tree["A"], Q3) == 2


def test_dues_rate_is_paid_over_due_in_the_quarter(tree):
    one, two = make_member(tree["A1"]), make_member(tree["A1"])
    dues(one, D(2024, 7, 1), "40", "40")
    dues(two, D(2024, 8, 1), "40", "20")
    dues(two, D(2024, 4, 1), "40", "0")  # the quarter before
    assert measure(Indicator.DUES_RATE, tree["A1"], Q3) == Decimal("75.0")
    # Nothing due: no rate rather than a misleading 0 %.
    assert measure(Indicator.DUES_RATE, tree["A2"], Q3) is None


def test_funds_execution_is_the_years_rate_of_the_subtree(tree):
    fund(tree["A1"], "F1", "80000", paid="30000")
    fund(tree["A2"], "F2", "20000", paid="20000")
    fund(tree["A1"], "F0", "50000", paid="50000", year=2023)  # another year
    fund(tree["B1"], "F3", "10000")
    assert measure(Indicator.FUNDS_EXECUTION, tree["A1"], Q3) == Decimal("37.5")
    assert measure(Indicator.FUNDS_EXECUTION, tree["A"], Q3) == Decimal("50.0")
    assert measure(Indicator.FUNDS_EXECUTION, tree["C"], Quarter(2022, 1)) is None


def test_no_indicator_measures_nothing(tree):
    assert measure("", tree["A1"], Q3) is None


def test_measure_items_measures_each_indicator_once(tree, django_assert_max_num_queries):
    # Lists are issued from the shipped templates, which exist for the current year.
    quarter = Quarter(timezone.localdate().year, 1)
    life(tree["A1"], "branch_assembly", quarter.first_day)
    issue_checklists(quarter=quarter)
    checklist = ResponsibilityList.objects.get(organization__code="A1")
    # Twice as many items with the same indicators cost no more queries.
    extra = [
        ChecklistItem(
            checklist=checklist,
            position=item.position + 9,
            category=item.category,
            content=item.content,
            requirement=item.requirement,
            points=item.points,
            indicator=item.indicator,
            indicator_target=item.indicator_target,
        )
        for item in checklist.items.all()
    ]
    ChecklistItem.objects.bulk_create(extra)
    items = list(checklist.items.select_related("checklist__organization"))
    assert len(items) == 18
    with django_assert_max_num_queries(4):  # four indicator kinds on the village template
        values = measure_items(items)
    by_indicator = {item.indicator: values[item.pk] for item in items if item.indicator}
    assert by_indicator == {
        "branch_assemblies": Decimal("1"),
        "new_members": Decimal("0"),
        "dues_rate": None,
        "funds_execution": None,
    }
    assert all(item.pk not in values for item in items if not item.indicator)


@pytest.mark.parametrize(
    ("value", "target", "met"),
    [("1", "1", True), ("0", "1", False), (None, "1", None), ("3", None, None)],
)
def test_meets_target_is_at_least(value, target, met):
    def as_decimal(v):
        return None if v is None else Decimal(v)

    assert meets_target(as_decimal(value), as_decimal(target)) is met
