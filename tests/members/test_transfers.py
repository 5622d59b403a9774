"""Transfers (组织关系转接): pending → accepted or returned; outbound is 已转出 at once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from members.models import Member, Transfer
from members.services.transfers import (
    pending_transfers_for,
    transfer_accept,
    transfer_request,
    transfer_return,
)
from tests.factories import make_member

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def member(tree):
    return make_member(tree["A1"], name="吴迁")


def request_to(user, member, org, on=YESTERDAY):
    return transfer_request(user=user, member=member, to_organization=org, reason="工作调动", on=on)


def test_an_internal_transfer_waits_and_the_sender_stays_responsible(bob, member, tree):
    transfer = request_to(bob, member, tree["B1"])
    assert (transfer.state, transfer.kind) == ("pending", "internal")
    assert (transfer.from_organization, transfer.to_organization) == (tree["A1"], tree["B1"])
    assert transfer.requested_by == bob
    member.refresh_from_db()
    assert member.organization == tree["A1"]
    assert Member.objects.within(tree["A"]).filter(pk=member.pk).exists()


def test_accepting_moves_the_one_member_record_with_history(bob, charlie, member, tree):
    transfer = request_to(bob, member, tree["B1"])
    transfer = transfer_accept(user=charlie, transfer=transfer, on=TODAY, note="已报到")
    assert (transfer.state, transfer.decided_on, transfer.decided_by) == (
        "accepted",
        TODAY,
        charlie,
    )
    member.refresh_from_db()
    assert member.organization == tree["B1"]
    assert Member.objects.count() == 1
    last = member.history.first()
    assert last.history_user == charlie
    assert last.history_change_reason == "组织关系由 甲一村支部 转入 乙一村支部"
    assert list(transfer.history.values_list("state", flat=True)) == ["accepted", "pending"]


def test_returning_leaves_the_member_where_it_was(bob, charlie, member, tree):
    transfer = request_to(bob, member, tree["B1"])
    with pytest.raises(ValidationError) as exc:
        transfer_return(user=charlie, transfer=transfer, on=TODAY, note="")
    assert exc.value.message_dict == {"note": ["退回时请填写原因。"]}
    transfer = transfer_return(user=charlie, transfer=transfer, on=TODAY, note="材料不全")
    assert (transfer.state, transfer.decision_note) == ("returned", "材料不全")
    member.refresh_from_db()
    assert member.organization == tree["A1"]
    # once returned, a new transfer may be requested
    assert request_to(bob, member, tree["A2"]).state == "pending"


def test_a_decided_transfer_cannot_be_decided_again(bob, charlie, member, tree):
    transfer = request_to(bob, member, tree["B1"])
    transfer_accept(user=charlie, transfer=transfer, on=TODAY)
    with pytest.raises(ValidationError, match="已办结"):
        transfer_return(user=charlie, transfer=transfer, on=TODAY, note="x")


def test_outbound_is_recorded_at_once_as_transferred_out(bob, member, tree):
    transfer = transfer_request(
        user=bob, member=member, destination="外省某市某街道党工委", reason="迁居", on=YESTERDAY
    )
    assert (transfer.kind, transfer.state, transfer.decided_on) == (
        "outbound",
        "completed",
        YESTERDAY,
    )
    member.refresh_from_db()
    assert member.status == "transferred_out"
    assert member.status_changed_on == YESTERDAY
    assert member.status_note == "外省某市某街道党工委"
    assert member.organization == tree["A1"]
    assert member.history.first().history_user == bob
    with pytest.raises(ValidationError, match="已转出"):
        request_to(bob, member, tree["A2"])


def test_a_second_pending_transfer_is_refused_kindly(bob, member, tree):
    request_to(bob, member, tree["B1"])
    with pytest.raises(ValidationError) as exc:
        request_to(bob, member, tree["A2"])
    assert exc.value.messages == ["该党员已有一笔待接收的组织关系转接，请先等待对方接收或退回。"]
    with pytest.raises(ValidationError):
        transfer_request(user=bob, member=member, destination="外县", reason="x", on=TODAY)
    assert Transfer.objects.count() == 1


def test_the_database_also_refuses_a_second_pending_transfer(bob, member, tree):
    """A request racing past the friendly check still meets the constraint."""
    from unittest import mock

    request_to(bob, member, tree["B1"])
    with mock.patch("members.services.transfers.Transfer.objects.filter") as filter_:
        filter_.return_value.exists.return_value = False
        with pytest.raises(ValidationError, match="已有一笔待接收"):
            request_to(bob, member, tree["A2"])
    assert Transfer.objects.count() == 1


def test_bad_requests_name_the_field(bob, member, tree):
    with pytest.raises(ValidationError) as exc:
        transfer_request(user=bob, member=member, reason="", on=TODAY)
    assert set(exc.value.message_dict) == {"reason", "to_organization"}
    with pytest.raises(ValidationError) as exc:
        request_to(bob, member, tree["A1"])
    assert exc.value.message_dict["to_organization"] == ["接收党组织与所在党组织相同。"]
    with pytest.raises(ValidationError) as exc:
        request_to(bob, member, tree["B1"], on=TODAY + datetime.timedelta(days=1))
    assert exc.value.message_dict == {"on": ["不能晚于今天。"]}
    assert not Transfer.objects.exists()


def test_only_sending_staff_request_and_only_receiving_staff_decide(
    alice, bob, charlie, sam, member, tree
):
    for user in (charlie, sam):
        with pytest.raises(PermissionDenied):
            request_to(user, member, tree["B1"])
    assert not Transfer.objects.exists()

    into_a = request_to(charlie, make_member(tree["B1"], name="郑来"), tree["A1"])
    for user in (charlie, sam):
        with pytest.raises(PermissionDenied):
            transfer_accept(user=user, transfer=into_a, on=TODAY)
        with pytest.raises(PermissionDenied):
            transfer_return(user=user, transfer=into_a, on=TODAY, note="x")
    into_a.refresh_from_db()
    assert into_a.state == "pending"
    assert transfer_accept(user=bob, transfer=into_a, on=TODAY).state == "accepted"


def test_a_decision_may_not_precede_the_request(bob, charlie, member, tree):
    transfer = request_to(bob, member, tree["B1"], on=TODAY)
    with pytest.raises(ValidationError) as exc:
        transfer_accept(user=charlie, transfer=transfer, on=YESTERDAY)
    assert "不能早于申请日期" in exc.value.message_dict["on"][0]


def test_pending_transfers_are_incoming_for_the_receiver_and_outgoing_for_the_sender(
    bob, charlie, sam, member, tree, django_assert_max_num_queries
):
    transfer = request_to(bob, member, tree["B1"])
    with django_assert_max_num_queries(3):
        bobs = pending_transfers_for(bob)
    assert (bobs["incoming"], bobs["outgoing"]) == ([], [transfer])
    charlies = pending_transfers_for(charlie)
    assert (charlies["incoming"], charlies["outgoing"]) == ([transfer], [])
    assert pending_transfers_for(sam)["outgoing"] == [transfer]
