"""The six-month rule (党章 第九条): six complete months in a row without organisation life,
or without dues, is flagged for the branch — never acted on. Organisation life is read from
attendance by name; a month without a meeting recorded by name is no evidence."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from core.periods import add_months
from members.dues.findings import lapse_window, six_month_flags
from members.models import DuesRecord, Member, Transfer
from tests.attendance_helpers import named_meeting
from tests.factories import make_member

TODAY = datetime.date(2024, 9, 15)
#: the window: the six complete months before September, March–August
FIRST, LAST = datetime.date(2024, 3, 1), datetime.date(2024, 8, 1)


def months(first=FIRST, count=6):
    return [add_months(first, i) for i in range(count)]


@pytest.fixture
def people(tree):
    return {
        "away": make_member(tree["A1"], seq=1, name="常缺席"),
        "keen": make_member(tree["A1"], seq=2, name="常出席"),
    }


def flagged(org, today=TODAY):
    return {f.member.name: f for f in six_month_flags(org, today)}


def absent_every_month(bob, org, who, days=None, **kwargs):
    for month in days or months():
        named_meeting(bob, org, month.replace(day=10), absent=[who], **kwargs)


def test_the_window_is_the_six_complete_months_before_this_one():
    assert lapse_window(TODAY) == (FIRST, LAST)


def test_absent_from_every_named_meeting_for_six_months_is_flagged(tree, bob, people):
    absent_every_month(bob, tree["A1"], people["away"])
    flags = flagged(tree["C"])
    assert set(flags) == {"常缺席"}
    flag = flags["常缺席"]
    assert (flag.no_life, flag.no_dues) == (True, False)  # no dues recorded: dues are quiet
    assert flag.reasons == "未参加组织生活"
    assert flag.since == FIRST
    assert flag.last_attended_on is None
    # A flag, never an action.
    assert Member.objects.get(pk=people["away"].pk).status == "active"
    # Only the subtree asked for.
    assert flagged(tree["B"]) == {}


def test_a_month_without_a_named_meeting_gives_no_evidence(tree, bob, people):
    # Five months absent; in June the branch recorded heads only: no run of six.
    absent_every_month(bob, tree["A1"], people["away"], days=[m for m in months() if m.month != 6])
    assert flagged(tree["A1"]) == {}


def test_five_months_are_not_six(tree, bob, people):
    # Absent March to August except that March's meeting fell in February: five months.
    days = [datetime.date(2024, 2, 29), *months()[1:]]
    absent_every_month(bob, tree["A1"], people["away"], days=days)
    assert flagged(tree["A1"]) == {}


def test_the_window_edges_are_the_first_and_last_day_of_the_months(tree, bob, people):
    days = [FIRST, *[m.replace(day=10) for m in months()[1:-1]], datetime.date(2024, 8, 31)]
    absent_every_month(bob, tree["A1"], people["away"], days=days)
    assert "常缺席" in flagged(tree["A1"])
    # The day before and the day after: February and September are outside the window.
    assert flagged(tree["A1"], datetime.date(2024, 10, 1)) == {}  # window April–September


def test_one_meeting_attended_clears_the_flag(tree, bob, people):
    absent_every_month(bob, tree["A1"], people["away"])
    named_meeting(bob, tree["A1"], datetime.date(2024, 8, 20))  # everyone present
    flag_free = flagged(tree["A1"])
    assert "常缺席" not in flag_free


def test_leave_with_a_reason_is_taking_part(tree, bob, people):
    absent_every_month(bob, tree["A1"], people["away"], days=months()[:-1])
    named_meeting(bob, tree["A1"], datetime.date(2024, 8, 10), leave=[people["away"]])
    assert flagged(tree["A1"]) == {}


def test_a_meeting_this_month_does_not_count_yet(tree, bob, people):
    absent_every_month(bob, tree["A1"], people["away"])
    named_meeting(bob, tree["A1"], datetime.date(2024, 9, 2))  # present, but in September
    assert "常缺席" in flagged(tree["A1"])


def test_members_for_less_than_the_window_are_not_flagged(tree, bob, people):
    late = make_member(
        tree["A1"],
        seq=3,
        name="新党员",
        joined_on=datetime.date(2024, 4, 1),
        category="probationary",
        confirmed_on=None,
    )
    # Both absent from every meeting: the new member only from April, after joining.
    named_meeting(bob, tree["A1"], FIRST.replace(day=10), absent=[people["away"]])
    for month in months()[1:]:
        named_meeting(bob, tree["A1"], month.replace(day=10), absent=[people["away"], late])
    assert set(flagged(tree["A1"])) == {"常缺席"}


@pytest.mark.parametrize(
    ("arrived", "flagged_too"),
    [(datetime.date(2024, 3, 31), True), (datetime.date(2024, 4, 1), False)],
)
def test_an_arrival_from_outside_the_county_counts_from_its_arrival(
    tree, bob, people, arrived, flagged_too
):
    """Admitted long ago, but in the county only from the 介绍信's arrival: the months
    before were the sending county's, and its dues are not recorded here."""
    newcomer = make_member(tree["A1"], seq=3, name="外县转入")
    Transfer.objects.create(
        member=newcomer,
        kind="inbound",
        state="accepted",
        to_organization=tree["A1"],
        origin="外县某党支部",
        origin_letter_number="外组〔2024〕第1号",
        origin_letter_date=arrived - datetime.timedelta(days=3),
        reason="工作调动",
        requested_on=arrived,
        decided_on=arrived,
    )
    for month in months():
        pay(people["keen"], month)
        named_meeting(bob, tree["A1"], month.replace(day=28), absent=[people["away"]])
    # The newcomer paid nothing here: a dues lapse only if here for the whole window.
    assert ("外县转入" in flagged(tree["A1"])) is flagged_too
    assert "常缺席" in flagged(tree["A1"])


def pay(member, month, paid="10"):
    DuesRecord.objects.create(
        member=member,
        month=month,
        basis="salary",
        base=Decimal("1000"),
        rate=Decimal("1"),
        amount_due=Decimal("10"),
        amount_paid=Decimal(paid),
        paid_on=month.replace(day=5) if Decimal(paid) else None,
    )


def test_either_condition_is_the_case_and_both_are_named(tree, bob, people):
    # 常出席 attends but pays nothing; 常缺席 pays but never attends; a third does neither.
    neither = make_member(tree["A1"], seq=3, name="都没有")
    for month in months():
        pay(people["keen"], month, paid="0")
        pay(people["away"], month)
        named_meeting(bob, tree["A1"], month.replace(day=10), absent=[people["away"], neither])
    flags = flagged(tree["A1"])
    assert flags["常出席"].reasons == "未交纳党费"
    assert flags["常缺席"].reasons == "未参加组织生活"
    assert flags["常缺席"].last_paid_month == LAST
    assert flags["都没有"].reasons == "未参加组织生活、未交纳党费"
    assert flags["常出席"].last_attended_on == datetime.date(2024, 8, 10)


def test_attendance_at_another_branch_counts(tree, bob, people):
    # Moved to A2 in June: present at A2's meetings from then on.
    absent_every_month(bob, tree["A1"], people["away"], days=months()[:3])
    Member.objects.filter(pk=people["away"].pk).update(organization=tree["A2"])
    for month in months()[3:]:
        named_meeting(bob, tree["A2"], month.replace(day=10))
    assert flagged(tree["C"]) == {}


def test_one_query_whatever_the_number_of_members(tree, bob, people, django_assert_num_queries):
    absent_every_month(bob, tree["A1"], people["away"])
    for seq in range(4, 10):
        make_member(tree["A1"], seq=seq)
    with django_assert_num_queries(1):
        assert six_month_flags(tree["C"], TODAY)
