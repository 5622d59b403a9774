"""Arrears and the six-month rule: flagged for the branch, never acted on; the overview."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.periods import add_months, month_start
from members.dues.findings import arrears, six_month_flags
from members.models import DuesRecord, Member
from tests.factories import make_member

D = Decimal
TODAY = datetime.date(2024, 9, 15)
AUGUST = datetime.date(2024, 8, 1)


def pay(member, month, *, due="40", paid="40"):
    return DuesRecord.objects.create(
        member=member,
        month=month,
        basis="salary",
        base=D("4000"),
        rate=D("1"),
        amount_due=D(due),
        amount_paid=D(paid),
        paid_on=month.replace(day=10) if D(paid) else None,
    )


def pay_months(member, last, count, **kwargs):
    for i in range(count):
        pay(member, add_months(last, -i), **kwargs)


@pytest.fixture
def people(tree):
    return {
        "regular": make_member(tree["A1"], job="worker", name="按时缴"),
        "lapsed": make_member(tree["A1"], job="worker", name="半年未缴"),
        "partial": make_member(tree["A2"], job="worker", name="少缴了"),
        "recent": make_member(
            tree["A2"],
            job="worker",
            name="新党员",
            category="probationary",
            confirmed_on=None,
            joined_on=datetime.date(2024, 6, 20),
        ),  # fmt: skip
        "outside": make_member(tree["B1"], job="worker", name="乙村人"),
    }


def test_six_consecutive_unpaid_months_are_flagged_and_nothing_else(tree, people):
    pay_months(people["regular"], AUGUST, 12)
    # Paid up to February, then nothing for March–August: six months.
    pay_months(people["lapsed"], datetime.date(2024, 2, 1), 6)
    pay(people["lapsed"], datetime.date(2024, 5, 1), paid="0")  # recorded, unpaid
    # Part-paid every month: arrears, but not the constitution's case.
    pay_months(people["partial"], AUGUST, 12, paid="10")
    flags = six_month_flags(tree["C"], TODAY)
    assert [f.member.name for f in flags] == ["半年未缴", "乙村人"]
    lapsed = flags[0]
    assert (lapsed.last_paid_month, lapsed.since) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 3, 1),
    )
    assert flags[1].last_paid_month is None
    # The portal only flags: status is untouched.
    assert Member.objects.get(pk=people["lapsed"].pk).status == "active"
    # The new member has not been a member for six months yet.
    assert "新党员" not in {f.member.name for f in flags}
    # Only the subtree asked for.
    assert [f.member.name for f in six_month_flags(tree["A"], TODAY)] == ["半年未缴"]


def test_quiet_until_dues_are_recorded_in_the_portal(tree, people):
    # Nothing recorded in the window for the subtree: nobody can act on "everyone lapsed".
    assert six_month_flags(tree["C"], TODAY) == []
    pay(people["regular"], datetime.date(2024, 4, 1))
    assert {f.member.name for f in six_month_flags(tree["C"], TODAY)} == {
        "半年未缴",
        "少缴了",
        "乙村人",
    }


def test_one_payment_in_the_window_clears_the_flag(tree, people):
    pay(people["lapsed"], datetime.date(2024, 6, 1))
    assert "半年未缴" not in {f.member.name for f in six_month_flags(tree["A"], TODAY)}


def test_the_window_length_is_a_setting(tree, people, settings):
    # Last paid in May: June–August is three months without dues, March–August is not six.
    pay_months(people["lapsed"], datetime.date(2024, 5, 1), 4)
    pay(people["regular"], datetime.date(2024, 7, 1), paid="0")  # recorded, unpaid
    settings.DUES_LAPSE_MONTHS = 3
    assert [f.member.name for f in six_month_flags(tree["A1"], TODAY)] == ["半年未缴", "按时缴"]
    settings.DUES_LAPSE_MONTHS = 6
    assert [f.member.name for f in six_month_flags(tree["A1"], TODAY)] == ["按时缴"]
    pay_months(people["regular"], AUGUST, 1)
    assert six_month_flags(tree["A1"], TODAY) == []


def test_arrears_count_unpaid_and_missing_months(tree, people):
    pay_months(people["regular"], AUGUST, 12)
    pay_months(people["partial"], AUGUST, 12, paid="10")
    pay(people["recent"], AUGUST)  # joined in June: June and July are missing
    owed = {a.member.name: a for a in arrears(tree["A"], TODAY)}
    assert set(owed) == {"半年未缴", "少缴了", "新党员"}
    assert (owed["少缴了"].unpaid_months, owed["少缴了"].missing_months) == (12, 0)
    assert owed["少缴了"].amount_owed == D("360.00")
    assert (owed["半年未缴"].missing_months, owed["半年未缴"].amount_owed) == (12, D("0"))
    assert (owed["新党员"].months, owed["新党员"].missing_months) == (2, 2)
    # The current month is not yet overdue; another subtree is not counted.
    assert all(a.member.name != "乙村人" for a in arrears(tree["A"], TODAY))


def test_the_selectors_cost_one_query_each(tree, people, django_assert_num_queries):
    pay_months(people["partial"], AUGUST, 12, paid="10")
    # and one for the months approved as 免交 (none here)
    with django_assert_num_queries(2):
        assert arrears(tree["C"], TODAY)
    with django_assert_num_queries(1):
        assert six_month_flags(tree["C"], TODAY)


# --- the overview page ----------------------------------------------------------------
def overview(client, **params):
    return client.get(reverse("members:dues"), params)


def test_the_overview_shows_collection_per_organisation_and_the_flags(client, bob, tree, people):
    this_month = month_start(timezone.localdate())
    pay_months(people["regular"], this_month, 13)
    pay(people["partial"], this_month, paid="10")
    client.force_login(bob)
    response = overview(client, org="A", month=f"{this_month:%Y-%m}")
    assert response.status_code == 200
    content = response.content.decode()
    assert "甲一村支部" in content
    assert "甲二村支部" in content
    assert response.context["collection"] == {"due": D("80"), "paid": D("50"), "rate": D("62.5")}
    rows = {row.organization.code: row for row, _url, _o, _f in response.context["rows"]}
    owing = {row.organization.code: (o, f) for row, _url, o, f in response.context["rows"]}
    # A1: only 半年未缴 owes and is flagged; A2: neither has paid in the past six months.
    assert owing == {"A1": (1, 1), "A2": (2, 2)}
    assert (rows["A1"].members, rows["A1"].recorded, rows["A1"].missing) == (2, 1, 1)
    assert rows["A2"].rate == D("25.0")
    assert reverse("members:dues_sheet", args=["A1", this_month.year, this_month.month]) in content
    assert "半年未缴" in content  # never paid anything: flagged
    assert "不会自动改变" in content
    assert "乙村人" not in content


def test_the_summary_and_the_rows_round_the_collection_rate_alike(client, bob, tree, people):
    # 49 of 400 is 12.25 %: half up everywhere (core.numbers.rate), never 12.2 in one place.
    this_month = month_start(timezone.localdate())
    pay(people["regular"], this_month, due="400", paid="49")
    client.force_login(bob)
    response = overview(client, org="A1", month=f"{this_month:%Y-%m}")
    content = response.content.decode()
    assert response.context["collection"]["rate"] == D("12.3")
    assert [row.rate for row, _url, _o, _f in response.context["rows"]] == [D("12.3")]
    assert content.count("12.3%") == 2
    assert "12.2%" not in content


def test_the_overview_stays_inside_the_scope(client, charlie, sam, tree, people):
    client.force_login(charlie)
    content = overview(client, org="A").content.decode()
    assert "甲一村支部" not in content
    assert "按时缴" not in content
    client.force_login(sam)
    response = overview(client, org="A2")
    content = response.content.decode()
    assert "甲二村支部" not in content
    assert "少缴了" not in content
    assert response.context["org"].code == "A1"


def test_a_bad_month_is_reported(client, bob, tree):
    client.force_login(bob)
    response = overview(client, org="A", month="2024-13")
    assert "YYYY-MM" in response.content.decode()
    assert response.context["month"] == month_start(timezone.localdate())


def test_the_overview_costs_a_constant_number_of_queries(client, alice, tree, people):
    client.force_login(alice)
    overview(client)
    with CaptureQueriesContext(connection) as small:
        overview(client)
    for code in ("A1", "A2", "B1"):
        for i in range(10):
            make_member(tree[code], job="worker", name=f"党员{chr(0x4E00 + i)}")
    with CaptureQueriesContext(connection) as large:
        overview(client)
    assert len(large) == len(small) <= 14
