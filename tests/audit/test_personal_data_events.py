"""Looking at and exporting personal data in full."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent, AuditKind
from members.identity import mask_id_number
from tests.audit.helpers import events, full_view_permission


def test_each_full_view_of_a_member_is_recorded_with_a_masked_number(client, bob, member_a1, tree):
    bob.user_permissions.add(full_view_permission())
    client.force_login(bob)
    url = reverse("members:detail", args=[member_a1.pk])
    assert member_a1.id_number in client.get(url).content.decode()
    client.get(url)
    viewed = events(AuditKind.FULL_DATA_VIEWED)
    assert len(viewed) == 2
    assert viewed[0].target == f"张一（{mask_id_number(member_a1.id_number)}）"
    assert (viewed[0].user, viewed[0].organization) == (bob, tree["A1"])


def test_a_roster_page_shown_in_full_is_recorded(client, bob, member_a1):
    bob.user_permissions.add(full_view_permission())
    client.force_login(bob)
    assert member_a1.id_number in client.get(reverse("members:list")).content.decode()
    (event,) = events(AuditKind.FULL_DATA_VIEWED)
    assert event.target == f"名册一页 1 人，首位：张一（{mask_id_number(member_a1.id_number)}）"
    assert member_a1.id_number not in event.target


def test_a_masked_view_is_not_recorded(client, bob, member_a1):
    client.force_login(bob)
    client.get(reverse("members:detail", args=[member_a1.pk]))
    client.get(reverse("members:list"))
    assert events(AuditKind.FULL_DATA_VIEWED) == []


@pytest.mark.parametrize(("full", "numbers"), [(False, "已脱敏"), (True, "含完整身份证号和电话")])
def test_an_export_from_the_roster_is_recorded(client, bob, member_a1, full, numbers):
    if full:
        bob.user_permissions.add(full_view_permission())
    client.force_login(bob)
    response = client.get(reverse("members:export"), {"format": "csv", "org": "A"})
    assert response.status_code == 200
    (event,) = events(AuditKind.PERSONAL_DATA_EXPORTED)
    assert event.user == bob
    assert event.scope_label == "甲镇党委（staff）"
    assert event.target.startswith(f"党员 1 行（{numbers}，csv，门户页面，导出记录 #")
    assert event.target.endswith("范围：甲镇党委（A）及下级")


def test_no_full_number_is_ever_stored(client, bob, member_a1):
    """Whatever reaches the text columns (a search for a number, a typed name) is masked."""
    bob.user_permissions.add(full_view_permission())
    client.force_login(bob)
    client.get(reverse("members:detail", args=[member_a1.pk]))
    client.get(reverse("members:export"), {"format": "csv", "q": member_a1.id_number})
    client.logout()
    client.post(reverse("login"), {"username": member_a1.id_number, "password": "x"})
    client.post(reverse("login"), {"username": member_a1.phone, "password": "x"})
    stored = " ".join(
        " ".join(row) for row in AuditEvent.objects.values_list("username", "scope_label", "target")
    )
    assert len(events(AuditKind.LOGIN_FAILED)) == 2
    assert member_a1.id_number not in stored
    assert member_a1.phone not in stored
    assert mask_id_number(member_a1.id_number) in stored
