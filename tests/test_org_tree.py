"""The organisation tree: constraints, moves, deletes, terms."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.periods import add_years
from orgs.models import Organization
from orgs.services import move_organization
from orgs.terms import default_term_years, term_status
from tests.factories import make_org


def problems() -> bool:
    return any(Organization.objects.find_problems())


def test_codes_are_unique_in_the_database(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_org(tree["A"], code="A1")


def test_term_years_other_than_3_or_5_are_refused_by_the_database(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(code="A1").update(term_years=4)


def test_term_years_default_by_kind_and_level(tree):
    assert tree["A1"].term_years == 5  # village
    organ = make_org(tree["C"], code="J1", level="other", domain="organ")
    assert organ.term_years == 3
    assert default_term_years("committee", "other") == 5


def test_moving_keeps_the_tree_consistent_and_records_history(tree, alice):
    moved = move_organization(tree["A1"], tree["B"], user=alice)
    assert moved.parent_node().code == "B"
    assert not problems()
    assert moved.history.first().history_user == alice
    assert set(Organization.objects.within(tree["B"]).values_list("code", flat=True)) == {
        "B",
        "B1",
        "A1",
    }


def test_moving_under_a_descendant_is_refused(tree):
    with pytest.raises(ValidationError, match="循环"):
        move_organization(tree["A"], tree["A1"])
    assert not problems()


def test_a_child_may_not_rank_above_its_parent(tree):
    township = make_org(tree["C"], code="T9", level="township", kind="committee")
    with pytest.raises(ValidationError, match="不能高于上级"):
        move_organization(township, tree["A1"])


def test_deleting_removes_the_subtree(tree):
    Organization.objects.filter(code="A").delete()
    assert set(Organization.objects.values_list("code", flat=True)) == {"C", "B", "B1"}
    assert not problems()


def test_saving_a_stale_instance_never_rewrites_its_tree_position(tree):
    stale = Organization.objects.get(code="A1")
    move_organization(Organization.objects.get(code="A1"), tree["B"])
    stale.name = "新名称"
    stale.save()  # carries the old path in memory
    fresh = Organization.objects.get(code="A1")
    assert fresh.name == "新名称"
    assert fresh.parent_node().code == "B"
    assert not problems()


@pytest.mark.parametrize(
    ("started", "years", "today", "expected"),
    [
        (None, 5, datetime.date(2026, 1, 1), "unknown"),
        (datetime.date(2021, 11, 22), 5, datetime.date(2026, 11, 22), "expired"),  # ends today
        (datetime.date(2021, 11, 23), 5, datetime.date(2026, 11, 22), "expiring"),
        (datetime.date(2022, 5, 22), 5, datetime.date(2026, 11, 22), "expiring"),  # 6 months
        (datetime.date(2022, 5, 23), 5, datetime.date(2026, 11, 22), "normal"),
        (datetime.date(2024, 2, 29), 3, datetime.date(2027, 2, 27), "expiring"),
    ],
)
def test_term_status_edges(started, years, today, expected):
    ends = add_years(started, years) if started else None
    assert term_status(ends, today) == expected


def test_dates_in_the_future_are_invalid(tree):
    org = tree["A1"]
    org.founded_on = datetime.date(2999, 1, 1)
    with pytest.raises(ValidationError) as exc:
        org.full_clean(exclude=["path", "depth", "numchild"])
    assert "成立日期不能晚于今天" in str(exc.value)
