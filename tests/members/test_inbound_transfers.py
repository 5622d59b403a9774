"""Transfers into the county from outside: registered by the receiving staff with the
sending unit's 介绍信, confirmed by the receiver (then 在册), the 回执 recorded; the person's
details checked as the roster checks them, and the one "already a member" answer."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import Member, Transfer
from members.models.member import ALREADY_A_MEMBER
from members.services.transfers import (
    inbound_register,
    pending_transfers_for,
    transfer_accept,
    transfer_record_receipt,
    transfer_request,
    transfer_return,
)
from tests.factories import make_member
from tests.helpers import id_number

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
ORIGIN = "中共杭州市西湖区翠苑街道工作委员会"


def person(**fields) -> Member:
    values = {
        "name": "孙归来",
        "id_number": id_number("1985-03-09", seq=901),
        "gender": "M",
        "ethnicity": "01",
        "education": "bachelor",
        "job": "worker",
        "category": "full",
        "joined_on": datetime.date(2010, 7, 1),
        "confirmed_on": datetime.date(2011, 7, 1),
        "phone": "13812345678",
    }
    values.update(fields)
    return Member(**values)


def register(user, org, *, on=YESTERDAY, **fields):
    transfer_fields = {
        "origin": ORIGIN,
        "origin_letter_number": "浙组字〔2026〕第15号",
        "origin_letter_date": on,
        "reason": "工作调动",
    }
    person_fields = {k: v for k, v in fields.items() if k not in transfer_fields}
    transfer_fields.update({k: v for k, v in fields.items() if k in transfer_fields})
    return inbound_register(
        user=user, person=person(**person_fields), to_organization=org, on=on, **transfer_fields
    )


def test_an_arrival_waits_outside_the_roster_until_confirmed(bob, tree):
    transfer = register(bob, tree["A1"])
    assert (transfer.kind, transfer.state, transfer.from_organization) == (
        "inbound",
        "pending",
        None,
    )
    assert (transfer.origin, transfer.origin_letter_number) == (ORIGIN, "浙组字〔2026〕第15号")
    member = transfer.member
    assert (member.organization, member.status) == (tree["A1"], "transferred_out")
    assert not Member.objects.active().filter(pk=member.pk).exists()
    assert pending_transfers_for(bob)["incoming"] == [transfer]
    assert str(transfer) == f"孙归来：{ORIGIN} → 甲一村支部"


def test_confirming_puts_the_member_on_the_roster_from_that_day(bob, tree):
    transfer = register(bob, tree["A1"])
    transfer = transfer_accept(user=bob, transfer=transfer, on=TODAY, note="已报到")
    member = Member.objects.get(pk=transfer.member_id)
    assert (member.status, member.status_changed_on, member.organization) == (
        "active",
        TODAY,
        tree["A1"],
    )
    assert (member.joined_on, member.category) == (datetime.date(2010, 7, 1), "full")
    assert member.history.first().history_change_reason == f"组织关系由 {ORIGIN} 转入 甲一村支部"


def test_returning_an_arrival_leaves_the_person_off_the_roster(bob, tree):
    transfer = register(bob, tree["A1"])
    transfer_return(user=bob, transfer=transfer, on=TODAY, note="介绍信已过有效期")
    member = Member.objects.get(pk=transfer.member_id)
    assert member.status == "transferred_out"
    # Registered again with a new letter, the same record is found.
    again = register(bob, tree["A1"], origin_letter_number="浙组字〔2026〕第20号")
    assert again.member_id == member.pk
    assert Member.objects.count() == 1


def test_a_member_who_left_the_county_is_found_again(bob, charlie, tree):
    member = make_member(tree["B1"], name="孙归来", phone="13700000000")
    transfer_request(
        user=charlie, member=member, destination=ORIGIN, reason="外出务工", on=YESTERDAY
    )
    # Back, confirmed 正式 while away, in township A this time: no second record.
    transfer = register(
        bob,
        tree["A1"],
        id_number=member.id_number,
        birth_date=member.birth_date,
        joined_on=member.joined_on,
        confirmed_on=member.confirmed_on,
        phone="",
        education="postgraduate",
    )
    assert transfer.member_id == member.pk
    assert Member.objects.count() == 1
    member.refresh_from_db()
    assert (member.status, member.education, member.phone) == (
        "transferred_out",
        "postgraduate",
        "13700000000",  # a blank phone keeps the one on record
    )
    transfer_accept(user=bob, transfer=transfer, on=TODAY)
    member.refresh_from_db()
    assert (member.status, member.organization) == ("active", tree["A1"])


def test_someone_on_the_roster_gets_the_one_answer_inside_or_outside_the_scope(bob, tree):
    for org in (tree["A2"], tree["B1"]):  # Bob's own township, and another one
        on_roster = make_member(org, name="周在册")
        with pytest.raises(ValidationError) as exc:
            register(
                bob,
                tree["A1"],
                id_number=on_roster.id_number,
                birth_date=on_roster.birth_date,
            )
        assert exc.value.message_dict == {"id_number": [str(ALREADY_A_MEMBER)]}
        on_roster.refresh_from_db()
        assert on_roster.status == "active"
    assert not Transfer.objects.exists()


def test_the_person_is_checked_as_the_roster_checks_members(bob, tree):
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"], gender="F", joined_on=TODAY + datetime.timedelta(days=1))
    assert set(exc.value.message_dict) >= {"gender", "joined_on"}
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"], id_number="513401198503090001")
    assert "id_number" in exc.value.message_dict
    assert not Member.objects.exists()


def test_the_letter_fields_are_required_and_dated(bob, tree):
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"], origin="", origin_letter_number="", reason="")
    assert set(exc.value.message_dict) == {"origin", "origin_letter_number", "reason"}
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"], on=YESTERDAY, origin_letter_date=TODAY)
    assert exc.value.message_dict == {
        "origin_letter_date": [f"不能晚于收到介绍信的日期（{YESTERDAY.isoformat()}）。"]
    }
    assert register(bob, tree["A1"], on=TODAY, origin_letter_date=TODAY).requested_on == TODAY
    assert not Transfer.objects.exclude(requested_on=TODAY).exists()


def test_only_the_receiving_staff_register_and_confirm(bob, charlie, sam, tree):
    for user in (charlie, sam):
        with pytest.raises(PermissionDenied):
            register(user, tree["A1"])
    assert not Member.objects.exists()
    transfer = register(bob, tree["A1"])
    for user in (charlie, sam):
        with pytest.raises(PermissionDenied):
            transfer_accept(user=user, transfer=transfer, on=TODAY)
        with pytest.raises(PermissionDenied):
            transfer_record_receipt(user=user, transfer=transfer, on=TODAY)
    assert pending_transfers_for(charlie) == {"incoming": [], "outgoing": []}


def test_the_receipt_follows_the_confirmation(bob, tree):
    transfer = register(bob, tree["A1"], on=YESTERDAY)
    with pytest.raises(ValidationError, match="须先确认报到"):
        transfer_record_receipt(user=bob, transfer=transfer, on=TODAY)
    transfer_accept(user=bob, transfer=transfer, on=TODAY)
    with pytest.raises(ValidationError) as exc:
        transfer_record_receipt(user=bob, transfer=transfer, on=YESTERDAY)
    assert exc.value.message_dict == {"on": [f"不能早于确认报到日期（{TODAY.isoformat()}）。"]}
    with pytest.raises(ValidationError) as exc:
        transfer_record_receipt(user=bob, transfer=transfer, on=TODAY + datetime.timedelta(days=1))
    assert exc.value.message_dict == {"on": ["不能晚于今天。"]}
    assert transfer_record_receipt(user=bob, transfer=transfer, on=TODAY).receipt_on == TODAY
    with pytest.raises(ValidationError, match="回执已于"):
        transfer_record_receipt(user=bob, transfer=transfer, on=TODAY)


# --- the pages ---------------------------------------------------------------------------
def form_data(org, **overrides):
    data = {
        "to_organization": org.pk,
        "origin": ORIGIN,
        "origin_letter_number": "浙组字〔2026〕第15号",
        "origin_letter_date": YESTERDAY.isoformat(),
        "on": TODAY.isoformat(),
        "reason": "工作调动",
        "name": "孙归来",
        "id_number": id_number("1985-03-09", seq=901),
        "gender": "M",
        "ethnicity": "01",
        "birth_date": "",
        "education": "bachelor",
        "job": "worker",
        "phone": "",
        "category": "full",
        "joined_on": "2010-07-01",
        "confirmed_on": "2011-07-01",
    }
    data.update(overrides)
    return data


def test_staff_register_confirm_and_send_the_receipt_on_the_pages(client, bob, tree):
    client.force_login(bob)
    url = reverse("members:transfer_inbound")
    assert url in client.get(reverse("members:transfers")).content.decode()
    response = client.post(url, form_data(tree["A1"]))
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    detail = reverse("members:transfer_detail", args=[transfer.pk])
    assert response["Location"] == detail
    page = client.get(detail).content.decode()
    assert "浙组字〔2026〕第15号" in page
    assert ORIGIN in page
    listing = client.get(reverse("members:transfers")).content.decode()
    assert "确认报到或退回" in listing
    decide = reverse("members:transfer_decide", args=[transfer.pk])
    assert "报到日期" in client.get(decide).content.decode()
    response = client.post(decide, {"decision": "accept", "on": TODAY.isoformat(), "note": ""})
    assert response.status_code == 302
    assert Member.objects.get().status == "active"
    receipt = reverse("members:transfer_receipt", args=[transfer.pk])
    assert receipt in client.get(detail).content.decode()
    client.post(receipt, {"on": TODAY.isoformat()})
    transfer.refresh_from_db()
    assert transfer.receipt_on == TODAY


def test_bad_input_on_the_form_names_the_field(client, bob, tree):
    client.force_login(bob)
    url = reverse("members:transfer_inbound")
    response = client.post(url, form_data(tree["A1"], origin="", gender="F", confirmed_on=""))
    text = response.content.decode()
    assert response.status_code == 200
    assert "与身份证号码第 17 位不一致" in text
    assert "正式党员须填写转正日期。" in text
    assert not Member.objects.exists()
    on_roster = make_member(tree["B1"], name="周在册")
    response = client.post(
        url,
        form_data(tree["A1"], id_number=on_roster.id_number, birth_date="1980-05-17"),
    )
    assert str(ALREADY_A_MEMBER) in response.content.decode()
    assert "乙一村支部" not in response.content.decode()  # never where


def test_another_subtree_sees_and_changes_nothing(client, bob, charlie, sam, tree):
    transfer = register(bob, tree["A1"])
    detail = reverse("members:transfer_detail", args=[transfer.pk])
    decide = reverse("members:transfer_decide", args=[transfer.pk])
    receipt = reverse("members:transfer_receipt", args=[transfer.pk])
    client.force_login(charlie)
    assert client.get(detail).status_code == 404
    assert client.post(decide, {"decision": "accept", "on": TODAY.isoformat()}).status_code == 404
    assert client.post(receipt, {"on": TODAY.isoformat()}).status_code == 404
    # Registering into A is refused: A1 is no choice for Charlie.
    response = client.post(
        reverse("members:transfer_inbound"), form_data(tree["A1"], id_number=id_number(seq=902))
    )
    assert response.status_code == 200
    assert Transfer.objects.count() == 1
    client.force_login(sam)
    assert client.get(detail).status_code == 200  # the branch's secretary reads
    assert client.get(reverse("members:transfer_inbound")).status_code == 403
    assert client.post(decide, {"decision": "accept", "on": TODAY.isoformat()}).status_code == 403
    transfer.refresh_from_db()
    assert transfer.state == "pending"


def test_the_transfer_list_reads_in_a_bounded_number_of_queries(
    client, bob, tree, django_assert_max_num_queries
):
    client.force_login(bob)
    register(bob, tree["A1"])
    done = register(bob, tree["A2"], id_number=id_number("1985-03-09", seq=909), name="冯来客")
    transfer_accept(user=bob, transfer=done, on=TODAY)
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("members:transfers"))
    for n in range(6):
        transfer = register(
            bob, tree["A2"], id_number=id_number("1985-03-09", seq=910 + n), name="冯来客"
        )
        if n % 2:
            transfer_accept(user=bob, transfer=transfer, on=TODAY)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("members:transfers")).status_code == 200
