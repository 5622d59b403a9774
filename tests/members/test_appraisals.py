"""民主评议党员: one result per member and year, its 处置 (never automatic), the
organisation of the year, scope, and the counts the pages and the dashboard read."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Appraisal
from members.services.appraisals import (
    appraisal_create,
    appraisal_update,
    counts_by_path_prefix,
    latest_year_counts,
    member_appraisals,
    organization_in_year,
)
from members.services.transfers import transfer_accept, transfer_request
from tests.factories import make_member

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1


@pytest.fixture
def member(tree):
    return make_member(tree["A1"], name="吴评议")


def record(user, member, year=LAST_YEAR, result="qualified", **fields):
    return appraisal_create(user=user, member=member, year=year, result=result, **fields)


def test_a_result_is_recorded_by_the_members_branch_with_history(bob, member, tree):
    appraisal = record(bob, member, result="excellent")
    assert (appraisal.organization, appraisal.year, appraisal.result) == (
        tree["A1"],
        LAST_YEAR,
        "excellent",
    )
    assert appraisal.recorded_by == bob
    assert appraisal.history.first().history_user == bob
    assert member_appraisals(member) == [appraisal]


def test_one_result_per_member_and_year_with_a_friendly_message(bob, member):
    record(bob, member)
    with pytest.raises(ValidationError) as exc:
        record(bob, member, result="excellent")
    assert exc.value.message_dict["__all__"] == [
        "该党员这一年度已有民主评议结果，请修改原有记录，不要重复录入。"
    ]
    # Another year is another record.
    record(bob, member, year=LAST_YEAR - 1)
    assert Appraisal.objects.filter(member=member).count() == 2


def test_the_database_refuses_a_second_result_of_the_year(bob, member, tree):
    first = record(bob, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisal.objects.create(
            member=member, organization=tree["A1"], year=first.year, result="basic"
        )


def test_a_race_past_the_check_still_gets_the_friendly_message(bob, member):
    from unittest import mock

    record(bob, member)
    with (
        mock.patch.object(Appraisal, "validate_constraints"),
        pytest.raises(ValidationError) as exc,
    ):
        record(bob, member, result="basic")
    assert "已有民主评议结果" in exc.value.message_dict["year"][0]
    assert Appraisal.objects.count() == 1


def test_a_disposition_only_for_unqualified(bob, member):
    with pytest.raises(ValidationError) as exc:
        record(bob, member, result="basic", disposition="rectify", disposition_on=TODAY)
    assert exc.value.message_dict["disposition"] == [
        "只有评议结果为“不合格”的党员才有处置，请留空。"
    ]
    appraisal = record(
        bob, member, result="unqualified", disposition="rectify", disposition_on=TODAY
    )
    assert appraisal.get_disposition_display() == "限期改正"


def test_a_disposition_and_its_date_go_together(bob, member):
    with pytest.raises(ValidationError) as exc:
        record(bob, member, result="unqualified", disposition="remove")
    assert exc.value.message_dict == {"disposition_on": ["填写处置时须填写处置日期。"]}
    with pytest.raises(ValidationError) as exc:
        record(bob, member, result="unqualified", disposition_on=TODAY)
    assert exc.value.message_dict == {"disposition_on": ["没有处置时请留空（或填写处置）。"]}


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (datetime.date(LAST_YEAR - 1, 12, 31), False),  # the day before the year
        (datetime.date(LAST_YEAR, 1, 1), True),  # its first day
        (datetime.date(LAST_YEAR, 1, 2), True),
        (TODAY, True),
        (TODAY + datetime.timedelta(days=1), False),
    ],
)
def test_a_disposition_date_not_before_the_year_nor_after_today(bob, member, day, ok):
    fields = {"result": "unqualified", "disposition": "rectify", "disposition_on": day}
    if ok:
        assert record(bob, member, **fields).disposition_on == day
        return
    with pytest.raises(ValidationError) as exc:
        record(bob, member, **fields)
    expected = "不能晚于今天。" if day > TODAY else f"不能早于评议年度（{LAST_YEAR}年）。"
    assert exc.value.message_dict == {"disposition_on": [expected]}


def test_a_removal_is_recorded_and_never_changes_the_member(bob, member):
    appraisal = record(bob, member, result="unqualified")
    appraisal_update(
        user=bob,
        appraisal=appraisal,
        result="unqualified",
        disposition="remove",
        disposition_on=TODAY,
    )
    member.refresh_from_db()
    assert member.status == "active"
    appraisal.refresh_from_db()
    assert appraisal.history.first().history_change_reason == "登记处置：除名"


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (TODAY.year + 1, f"应在 1921 到 {TODAY.year} 之间（不能评议尚未到来的年度）。"),
        (2004, "该党员 2005-07-01 入党，不能评议此前的年度。"),
    ],
)
def test_the_year_is_one_the_member_was_a_member_in(bob, member, year, message):
    with pytest.raises(ValidationError) as exc:
        record(bob, member, year=year)
    assert exc.value.message_dict == {"year": [message]}
    # The year of joining itself is fine (joined 2005-07-01).
    assert record(bob, member, year=2005).year == 2005


def test_not_a_year_after_the_member_left(bob, member):
    member.status, member.status_changed_on = "deceased", datetime.date(LAST_YEAR - 1, 6, 1)
    member.save()
    with pytest.raises(ValidationError) as exc:
        record(bob, member)
    assert "起党籍状态为“去世”" in exc.value.message_dict["year"][0]
    assert record(bob, member, year=LAST_YEAR - 1).year == LAST_YEAR - 1


def test_the_organisation_of_the_year_follows_transfers(alice, bob, charlie, member, tree):
    moved_on = datetime.date(TODAY.year, 1, 1)
    transfer = transfer_request(
        user=bob, member=member, to_organization=tree["B1"], reason="工作调动", on=moved_on
    )
    transfer_accept(user=charlie, transfer=transfer, on=moved_on)
    member.refresh_from_db()
    assert organization_in_year(member, LAST_YEAR) == tree["A1"]
    assert organization_in_year(member, TODAY.year) == tree["B1"]
    # Last year's result belongs to A1: Bob (township A) records it, Charlie may not.
    with pytest.raises(PermissionDenied):
        record(charlie, member)
    assert record(bob, member).organization == tree["A1"]
    assert record(charlie, member, year=TODAY.year).organization == tree["B1"]


def test_another_subtree_records_and_changes_nothing(bob, charlie, sam, member):
    for user in (charlie, sam):
        with pytest.raises(PermissionDenied):
            record(user, member)
    appraisal = record(bob, member)
    for user in (charlie, sam):
        with pytest.raises(PermissionDenied):
            appraisal_update(user=user, appraisal=appraisal, result="unqualified")
    appraisal.refresh_from_db()
    assert appraisal.result == "qualified"


def test_counts_by_child_and_by_path_prefix(bob, charlie, tree, django_assert_max_num_queries):
    for n, result in enumerate(["excellent", "qualified", "qualified", "unqualified"]):
        record(bob, make_member(tree["A1" if n < 3 else "A2"], name="甲党员"), result=result)
    record(charlie, make_member(tree["B1"], name="乙党员"), result="basic")
    record(bob, make_member(tree["A"], name="镇直属"), result="qualified")
    with django_assert_max_num_queries(3):
        county = latest_year_counts(tree["C"], TODAY.year)
    assert county.year == LAST_YEAR
    assert [(row.organization.code, row.cells()) for row in county.rows] == [
        ("A", [1, 3, 0, 1]),
        ("B", [0, 0, 1, 0]),
    ]
    assert (county.totals(), county.total) == ([1, 3, 1, 1], 6)
    town = latest_year_counts(tree["A"], TODAY.year)
    assert [(r.organization and r.organization.code, r.cells()) for r in town.rows] == [
        ("A1", [1, 2, 0, 0]),
        ("A2", [0, 0, 0, 1]),
        (None, [0, 1, 0, 0]),  # the township's own member
    ]
    by_prefix = counts_by_path_prefix(tree["C"], LAST_YEAR, len(tree["A1"].path))
    assert by_prefix[tree["A1"].path]["qualified"] == 2
    assert latest_year_counts(tree["C"], LAST_YEAR - 1) is None
