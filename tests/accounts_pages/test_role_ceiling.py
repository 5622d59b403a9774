"""Staff never give a role above their own or outside their subtree: secretary and leader
accounts inside the subtree; staff accounts only by county staff, strictly below them."""

from __future__ import annotations

import pytest

from accounts.manage.scope import grantable_roles, may_grant
from accounts.models import Assignment, User

from .helpers import CREATE, TOKEN


def post(client, **data):
    return client.post(CREATE, {"submission": TOKEN, "full_name": "", "username": "", **data})


@pytest.mark.parametrize(
    ("who", "org", "role", "allowed"),
    [
        ("bob", "A1", "secretary", True),
        ("bob", "A", "leader", True),
        ("bob", "A1", "staff", False),  # township staff never make staff
        ("bob", "B1", "secretary", False),  # outside the subtree
        ("bob", "C", "leader", False),  # above it
        ("alice", "A", "staff", True),  # county staff, below the county
        ("alice", "C", "staff", False),  # not at their own level
        ("alice", "B1", "secretary", True),
        ("root", "C", "staff", True),
        ("sam", "A1", "leader", False),
        ("leo", "A1", "secretary", False),
    ],
)
def test_who_may_give_which_role_where(
    request, tree, alice, bob, sam, leo, root, who, org, role, allowed
):
    actor = request.getfixturevalue(who)
    assert may_grant(actor, tree[org], role) is allowed


def test_the_form_offers_only_the_roles_and_organisations_one_may_give(client, bob, alice):
    assert grantable_roles(bob) == ["secretary", "leader"]
    assert grantable_roles(alice) == ["staff", "secretary", "leader"]
    client.force_login(bob)
    page = client.get(CREATE).content.decode()
    assert 'value="staff"' not in page
    assert 'value="A1"' in page
    assert 'value="B1"' not in page
    assert 'value="C"' not in page


def test_township_staff_cannot_post_a_staff_account(client, bob):
    client.force_login(bob)
    response = post(client, organization="A1", role="staff")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Assignment.objects.filter(role="staff", organization__code="A1").exists()


def test_township_staff_cannot_post_an_organisation_outside_their_subtree(client, bob):
    client.force_login(bob)
    response = post(client, organization="B1", role="secretary")
    assert "请选择您管辖范围内的党组织" in response.content.decode()
    assert not Assignment.objects.filter(organization__code="B1").exists()


def test_county_staff_cannot_make_a_colleague_at_their_own_level(client, alice):
    client.force_login(alice)
    response = post(client, organization="C", role="staff")
    assert "您不能在该组织授予这个角色" in response.content.decode()
    assert list(Assignment.objects.filter(organization__code="C", role="staff")) == list(
        Assignment.objects.filter(user=alice)
    )


def test_county_staff_make_a_township_staff_account(client, alice):
    client.force_login(alice)
    response = post(client, organization="A", role="staff", full_name="甲镇组织委员")
    assert response.status_code == 302
    user = User.objects.get(username="a-zzb")
    assert user.full_name == "甲镇组织委员"
    assert user.must_change_password
    assert Assignment.objects.filter(user=user, organization__code="A", role="staff").exists()
