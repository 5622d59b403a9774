"""Quorum: a vote needs more than half of the 正式党员 with voting rights present; 预备党员
attend but do not count. From the names where they were recorded, estimated from the head
counts otherwise."""

from __future__ import annotations

import datetime

import pytest

from orgs.life.selectors import attendance_of
from tests.attendance_helpers import meeting, named
from tests.factories import make_member

DAY = datetime.date(2024, 4, 12)


@pytest.fixture
def branch(tree):
    """Four 正式党员 and two 预备党员 in A1."""
    a1 = tree["A1"]
    full = [
        make_member(a1, seq=i + 1, name=n) for i, n in enumerate(["甲一", "甲二", "甲三", "甲四"])
    ]
    probationers = [
        make_member(
            a1,
            seq=10 + i,
            name=n,
            category="probationary",
            confirmed_on=None,
            joined_on=datetime.date(2024, 1, 10),
        )
        for i, n in enumerate(["预一", "预二"])
    ]
    return full, probationers


def quorum(record):
    return attendance_of([record])[record.pk][1]


@pytest.mark.parametrize(("absent_full", "quorate"), [(2, False), (1, True), (0, True)])
def test_more_than_half_of_the_full_members(tree, bob, branch, absent_full, quorate):
    full, probationers = branch
    record = meeting(tree["A1"], DAY)
    named(bob, record, absent=full[:absent_full])
    result = quorum(record)
    assert (result.expected, result.present) == (4, 4 - absent_full)
    assert result.quorate is quorate
    assert not result.estimated


def test_probationary_members_attend_but_do_not_count(tree, bob, branch):
    full, probationers = branch
    record = meeting(tree["A1"], DAY)
    # 4 of 6 present: more than half of the heads, but only 2 of the 4 with a vote.
    named(bob, record, absent=full[:2])
    record.refresh_from_db()
    assert (record.present, record.expected) == (4, 6)
    assert record.quorate  # the head-count estimate would say yes
    assert not quorum(record).quorate


@pytest.mark.parametrize(
    ("confirmed", "voters"),
    [(DAY - datetime.timedelta(days=1), 5), (DAY, 5), (DAY + datetime.timedelta(days=1), 4)],
)
def test_a_vote_from_the_confirmation_day_on(tree, bob, branch, confirmed, voters):
    make_member(
        tree["A1"],
        seq=20,
        name="刚转正",
        joined_on=confirmed.replace(year=confirmed.year - 1),
        confirmed_on=confirmed,
    )
    record = meeting(tree["A1"], DAY)
    named(bob, record)
    assert quorum(record).expected == voters


@pytest.mark.parametrize(("present", "quorate"), [(5, False), (6, True)])
def test_head_counts_only_give_an_estimate(tree, present, quorate):
    record = meeting(tree["A1"], DAY)
    record.expected, record.present = 10, present
    record.save()
    result = quorum(record)
    assert result.estimated
    assert (result.expected, result.present, result.quorate) == (10, present, quorate)
