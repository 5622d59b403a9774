"""A member's page (/members/<pk>/): scope, masking, figures and history."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from members.identity import mask_id_number, mask_phone
from members.models import Member
from members.services.roster import member_update
from tests.factories import make_member


def grant_full_view(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))


def detail_url(member: Member) -> str:
    return reverse("members:detail", args=[member.pk])


@pytest.fixture
def in_a1(tree):
    return make_member(tree["A1"], seq=11, name="张一", birth="1980-05-17")


@pytest.fixture
def in_a2(tree):
    return make_member(tree["A2"], seq=12, name="李二")


def test_staff_open_a_member_of_their_subtree(client, bob, in_a1):
    client.force_login(bob)
    response = client.get(detail_url(in_a1))
    assert response.status_code == 200
    content = response.content.decode()
    assert "张一" in content
    assert "甲一村支部" in content
    assert f"{in_a1.age} 岁" in content
    assert "在册" in content


def test_an_outsider_gets_404(client, charlie, in_a1):
    client.force_login(charlie)
    assert client.get(detail_url(in_a1)).status_code == 404


def test_a_secretary_opens_the_own_branch_only(client, sam, in_a1, in_a2):
    client.force_login(sam)
    assert client.get(detail_url(in_a1)).status_code == 200
    assert client.get(detail_url(in_a2)).status_code == 404


def test_a_missing_member_is_404(client, bob, db):
    client.force_login(bob)
    assert client.get(reverse("members:detail", args=[999999])).status_code == 404


def test_personal_data_is_masked_without_the_permission(client, bob, in_a1):
    client.force_login(bob)
    content = client.get(detail_url(in_a1)).content.decode()
    assert in_a1.id_number not in content
    assert mask_id_number(in_a1.id_number) in content
    assert in_a1.phone not in content
    assert mask_phone(in_a1.phone) in content


def test_personal_data_is_shown_in_full_with_the_permission(client, bob, in_a1):
    grant_full_view(bob)
    client.force_login(bob)
    content = client.get(detail_url(in_a1)).content.decode()
    assert in_a1.id_number in content
    assert in_a1.phone in content


def test_staff_with_write_scope_get_the_edit_link(client, bob, in_a1):
    client.force_login(bob)
    assert (
        reverse("members:edit", args=[in_a1.pk]) in client.get(detail_url(in_a1)).content.decode()
    )


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_read_only_roles_get_no_edit_link(client, request, in_a1, reader):
    client.force_login(request.getfixturevalue(reader))
    content = client.get(detail_url(in_a1)).content.decode()
    assert reverse("members:edit", args=[in_a1.pk]) not in content


def test_mobile_members_show_destination_and_last_contact(client, bob, tree):
    member = make_member(
        tree["A1"],
        seq=13,
        name="王三",
        is_mobile=True,
        mobile_destination="广东省深圳市",
        last_contact_on=datetime.date(2024, 12, 1),
    )
    client.force_login(bob)
    content = client.get(detail_url(member)).content.decode()
    assert "广东省深圳市" in content
    assert "2024-12-01" in content


# --- history -----------------------------------------------------------------------------


@pytest.fixture
def changed(bob, tree, in_a1):
    """Bob moved 张一 to A2, changed the phone and the education, giving a reason."""
    in_a1.phone = "13700001111"
    in_a1.education = "postgraduate"
    in_a1.organization = tree["A2"]
    member_update(user=bob, member=in_a1, reason="调整支部")
    return in_a1


def test_history_shows_who_when_why_and_what_changed_newest_first(client, bob, changed):
    client.force_login(bob)
    response = client.get(detail_url(changed))
    history = response.context["history"]
    assert [entry.action for entry in history] == ["已修改", "已创建"]
    newest = history[0]
    assert newest.user == bob
    assert newest.reason == "调整支部"
    changes = {change.label: (change.old, change.new) for change in newest.changes}
    assert changes["学历"] == ("大学本科", "研究生")
    assert changes["所在党组织"] == ("甲一村支部", "甲二村支部")
    content = response.content.decode()
    assert "调整支部" in content
    assert "大学本科 → 研究生" in content


def test_history_masks_personal_data_without_the_permission(client, bob, changed):
    client.force_login(bob)
    content = client.get(detail_url(changed)).content.decode()
    assert "13912345678" not in content
    assert "13700001111" not in content
    assert f"{mask_phone('13912345678')} → {mask_phone('13700001111')}" in content


def test_history_shows_personal_data_in_full_with_the_permission(client, bob, changed):
    grant_full_view(bob)
    client.force_login(bob)
    content = client.get(detail_url(changed)).content.decode()
    assert "13912345678 → 13700001111" in content


def test_history_hides_names_of_organisations_outside_the_readers_scope(client, tree, alice, sam):
    member = make_member(tree["B1"], seq=14, name="赵四")
    member.organization = tree["A1"]
    member_update(user=alice, member=member, reason="转入")
    client.force_login(sam)
    content = client.get(detail_url(member)).content.decode()
    assert "乙一村支部" not in content
    assert "（管辖范围外的组织） → 甲一村支部" in content


def test_the_detail_page_takes_a_constant_number_of_queries(
    client, bob, changed, django_assert_max_num_queries
):
    for n in range(5):
        changed.status_note = f"说明{n}"
        member_update(user=bob, member=changed)
    client.force_login(bob)
    # 14: the page lists the member's 免交/少交 approvals and 民主评议 results (one query each).
    with django_assert_max_num_queries(14):
        assert client.get(detail_url(changed)).status_code == 200
