"""The transfer pages: request from a member, the pending lists, accept or return."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Transfer
from members.services.transfers import transfer_request
from tests.factories import make_member

TODAY = timezone.localdate()


@pytest.fixture
def member(tree):
    return make_member(tree["A1"], name="吴迁")


def pending(bob, member, org):
    return transfer_request(
        user=bob, member=member, to_organization=org, reason="工作调动", on=TODAY
    )


def test_staff_request_an_internal_transfer_from_the_member(client, bob, member, tree):
    client.force_login(bob)
    url = reverse("members:transfer_create", args=[member.pk])
    content = client.get(url).content.decode()
    assert "乙一村支部" in content  # the whole county is offered as the receiver
    response = client.post(
        url,
        {
            "kind": "internal",
            "to_organization": tree["B1"].pk,
            "reason": "工作调动",
            "on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.state, transfer.to_organization) == ("pending", tree["B1"])
    member.refresh_from_db()
    assert member.organization == tree["A1"]


def test_staff_record_a_transfer_out_of_the_county(client, bob, member):
    client.force_login(bob)
    url = reverse("members:transfer_create", args=[member.pk])
    response = client.post(
        url, {"kind": "outbound", "destination": "", "reason": "迁居", "on": TODAY.isoformat()}
    )
    assert response.status_code == 200
    assert "请选择县内接收党组织，或填写转往本县以外的单位" in response.content.decode()
    assert not Transfer.objects.exists()
    response = client.post(
        url,
        {
            "kind": "outbound",
            "destination": "邻县某镇党委",
            "reason": "迁居",
            "on": TODAY.isoformat(),
        },
        follow=True,
    )
    assert "党籍状态为“已转出”" in response.content.decode()
    member.refresh_from_db()
    assert (member.status, member.status_note) == ("transferred_out", "邻县某镇党委")


def test_a_second_pending_transfer_is_a_form_error(client, bob, member, tree):
    pending(bob, member, tree["B1"])
    client.force_login(bob)
    response = client.post(
        reverse("members:transfer_create", args=[member.pk]),
        {
            "kind": "internal",
            "to_organization": tree["A2"].pk,
            "reason": "再次申请",
            "on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "该党员已有一笔待接收的组织关系转接" in response.content.decode()
    assert Transfer.objects.count() == 1


def test_charlie_cannot_open_the_form_for_a_member_of_a_and_sam_cannot_write(
    client, charlie, sam, member, tree
):
    url = reverse("members:transfer_create", args=[member.pk])
    data = {"kind": "outbound", "destination": "外县", "reason": "x", "on": TODAY.isoformat()}
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(sam)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    member.refresh_from_db()
    assert member.status == "active"
    assert not Transfer.objects.exists()


def test_the_receiver_accepts_on_the_page(client, bob, charlie, member, tree):
    transfer = pending(bob, member, tree["B1"])
    client.force_login(charlie)
    listing = client.get(reverse("members:transfers")).content.decode()
    assert "吴迁" in listing
    decide = reverse("members:transfer_decide", args=[transfer.pk])
    assert decide in listing
    response = client.post(decide, {"decision": "accept", "on": TODAY.isoformat(), "note": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.organization == tree["B1"]


def test_the_receiver_returns_with_a_reason(client, bob, charlie, member, tree):
    transfer = pending(bob, member, tree["B1"])
    client.force_login(charlie)
    decide = reverse("members:transfer_decide", args=[transfer.pk])
    response = client.post(decide, {"decision": "return", "on": TODAY.isoformat(), "note": ""})
    assert "退回时请填写原因" in response.content.decode()
    client.post(decide, {"decision": "return", "on": TODAY.isoformat(), "note": "材料不全"})
    transfer.refresh_from_db()
    assert transfer.state == "returned"
    member.refresh_from_db()
    assert member.organization == tree["A1"]


def test_charlie_cannot_accept_a_transfer_into_a_nor_sam(client, bob, charlie, sam, tree):
    incoming_to_a = transfer_request(
        user=charlie,
        member=make_member(tree["B1"], name="郑来"),
        to_organization=tree["A1"],
        reason="工作调动",
        on=TODAY,
    )
    url = reverse("members:transfer_decide", args=[incoming_to_a.pk])
    data = {"decision": "accept", "on": TODAY.isoformat(), "note": ""}
    client.force_login(charlie)
    assert client.get(url).status_code == 403  # he sent it, so he sees it, but cannot decide
    assert client.post(url, data).status_code == 403
    client.force_login(sam)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    other = transfer_request(
        user=charlie,
        member=make_member(tree["B1"], name="冯远"),
        to_organization=tree["B"],
        reason="x",
        on=TODAY,
    )
    client.force_login(bob)
    assert client.get(reverse("members:transfer_decide", args=[other.pk])).status_code == 404
    incoming_to_a.refresh_from_db()
    assert incoming_to_a.state == "pending"


def test_the_list_shows_each_user_only_their_transfers(client, bob, charlie, member, tree):
    pending(bob, member, tree["A2"])
    client.force_login(charlie)
    content = client.get(reverse("members:transfers")).content.decode()
    assert "吴迁" not in content


def test_the_list_query_count_does_not_grow(
    client, bob, charlie, tree, django_assert_max_num_queries
):
    for i in range(15):
        m = make_member(tree["A1"], name="转接甲")
        pending(bob, m, tree["B1"])
        done = make_member(tree["A2"], name="转出乙")
        transfer_request(
            user=bob,
            member=done,
            destination=f"外县{i}",
            reason="x",
            on=TODAY - datetime.timedelta(days=i),
        )
    client.force_login(bob)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:transfers"))
    content = response.content.decode()
    assert content.count("转接甲") == 15
    assert content.count("转出乙") == 15


def test_the_admin_register_shows_both_ends_and_changes_nothing(client, bob, charlie, sam, tree):
    into_a = transfer_request(
        user=charlie,
        member=make_member(tree["B1"], name="郑来"),
        to_organization=tree["A1"],
        reason="工作调动",
        on=TODAY,
    )
    within_b = transfer_request(
        user=charlie,
        member=make_member(tree["B1"], name="冯远"),
        to_organization=tree["B"],
        reason="x",
        on=TODAY,
    )
    changelist = reverse("admin:members_transfer_changelist")
    client.force_login(bob)
    content = client.get(changelist).content.decode()
    assert "郑来" in content
    assert "冯远" not in content
    url = reverse("admin:members_transfer_change", args=[into_a.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"state": "accepted"})
    into_a.refresh_from_db()
    assert into_a.state == "pending"
    assert client.get(reverse("admin:members_transfer_change", args=[within_b.pk])).status_code in (
        302,
        404,
    )
    client.force_login(sam)
    assert client.get(changelist).status_code in (302, 403)


def test_the_member_page_links_staff_to_the_transfer_form(client, bob, sam, tree):
    from django.urls import reverse

    from tests.factories import make_member

    member = make_member(tree["A1"], seq=77)
    url = reverse("members:transfer_create", args=[member.pk])
    client.force_login(bob)
    assert url in client.get(member.get_absolute_url()).content.decode()
    client.force_login(sam)
    assert url not in client.get(member.get_absolute_url()).content.decode()
