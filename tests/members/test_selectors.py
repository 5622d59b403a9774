"""Member figures: right numbers, a constant number of queries whatever the tree size."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from members import selectors
from members.models import DuesRecord
from tests.factories import make_member, make_org

TODAY = datetime.date(2026, 11, 22)


def birth_for_age(age: int, *, days_after_birthday: int = 0) -> str:
    return (
        TODAY.replace(year=TODAY.year - age) - datetime.timedelta(days=days_after_birthday)
    ).isoformat()


RECENT = {"joined_on": datetime.date(2020, 1, 1), "confirmed_on": datetime.date(2021, 1, 1)}


@pytest.fixture
def people(tree):
    a1, a2, b1 = tree["A1"], tree["A2"], tree["B1"]
    return [
        make_member(a1, seq=1, birth=birth_for_age(29, days_after_birthday=364), **RECENT),
        make_member(a1, seq=2, birth=birth_for_age(30), female=True, **RECENT),  # 30 today
        make_member(a2, seq=3, birth=birth_for_age(40), education="postgraduate"),
        make_member(a2, seq=4, birth=birth_for_age(59, days_after_birthday=364)),
        make_member(b1, seq=5, birth=birth_for_age(60), category="probationary",
                    confirmed_on=None, joined_on=datetime.date(2026, 10, 1)),
        make_member(b1, seq=6, status="transferred_out",
                    status_changed_on=datetime.date(2026, 1, 1)),  # not counted
    ]  # fmt: skip


def test_counts_by_dimension_include_zero_categories(tree, people):
    assert selectors.member_total(tree["C"]) == 5
    by_gender = {label: n for _v, label, n in selectors.counts_by(tree["C"], "gender")}
    assert by_gender == {"男": 4, "女": 1}
    by_category = {label: n for _v, label, n in selectors.counts_by(tree["A"], "category")}
    assert by_category == {"正式党员": 4, "预备党员": 0}
    education = {v: n for v, _l, n in selectors.counts_by(tree["A2"], "education")}
    assert education["postgraduate"] == 1
    assert len(selectors.counts_by(tree["C"], "ethnicity")) == 56


def test_age_bands_on_their_edges(tree, people):
    bands = {v: n for v, _l, n in selectors.counts_by_age_band(tree["C"], today=TODAY)}
    assert bands == {"lt30": 1, "30-39": 1, "40-49": 1, "50-59": 1, "ge60": 1}


def test_new_members_in_a_period(tree, people):
    q4 = (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert selectors.new_members(tree["C"], *q4) == 1
    assert selectors.new_members(tree["A"], *q4) == 0


def test_counts_by_child_cover_whole_subtrees(tree, people):
    by_child = selectors.counts_by_child(tree["C"])
    assert by_child == {tree["A"].pk: 4, tree["B"].pk: 1}


def test_org_member_figures_feed_the_health_rules(tree, people):
    figures = selectors.org_member_figures(tree["C"], today=TODAY)
    assert figures[tree["A1"].pk] == {"total": 2, "female": 1, "under_40": 2, "full": 2}
    assert figures[tree["B1"].pk] == {"total": 1, "female": 0, "under_40": 0, "full": 0}
    assert tree["A"].pk not in figures  # no direct members


def test_dues_collection_rate(tree, people):
    month = datetime.date(2026, 10, 1)
    for member, due, paid in ((people[0], "10.00", "10.00"), (people[2], "30.00", "0")):
        DuesRecord.objects.create(
            member=member,
            month=month,
            basis="salary",
            amount_due=Decimal(due),
            amount_paid=Decimal(paid),
            paid_on=month if Decimal(paid) else None,
        )
    result = selectors.dues_collection(tree["A"], month, datetime.date(2026, 12, 31))
    assert result == {"due": Decimal("40.00"), "paid": Decimal("10.00"), "rate": Decimal("25.0")}
    assert selectors.dues_collection(tree["B"], month, month)["rate"] is None


def test_query_counts_do_not_grow_with_the_tree(tree, people, django_assert_num_queries):
    for i in range(20):
        village = make_org(tree["B"], code=f"BX{i}")
        make_member(village, seq=100 + i)
    county = tree["C"]
    with django_assert_num_queries(1):
        selectors.counts_by(county, "education")
    with django_assert_num_queries(1):
        selectors.counts_by_age_band(county)
    with django_assert_num_queries(6):
        selectors.member_structure(county)
    with django_assert_num_queries(2):
        selectors.counts_by_child(county)
    with django_assert_num_queries(1):
        selectors.org_member_figures(county)
    with django_assert_num_queries(1):
        selectors.active_member_counts([o.pk for o in tree.values()])
