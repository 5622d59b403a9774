"""The account list: who holds which role where, inside the staff user's subtree, with
search, role and status filters, sorting and pages."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from accounts.services import grant
from tests.factories import make_user

from .helpers import USERS


def rows(response) -> str:
    """The list's table body (the page around it names the signed-in user too)."""
    content = response.content.decode()
    assert response.status_code == 200
    if "<tbody>" not in content:
        return ""
    return content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_it_shows_the_accounts_of_the_subtree_and_their_roles(
    client, alice, bob, charlie, sam, leo
):
    client.force_login(bob)
    body = rows(client.get(USERS))
    assert "sam" in body
    assert "书记 · 甲一村支部" in body
    assert "bob" in body
    for outsider in ("alice", "charlie", "leo"):
        assert outsider not in body


def test_a_county_sees_every_account_of_the_county(client, alice, bob, charlie, sam, leo):
    client.force_login(alice)
    body = rows(client.get(USERS))
    for username in ("alice", "bob", "charlie", "sam", "leo"):
        assert f">{username}<" in body


def test_roles_outside_the_subtree_are_not_shown_and_the_account_is_not_offered(
    client, bob, sam, tree
):
    grant(username="sam", org_code="B1", role="leader")
    client.force_login(bob)
    body = rows(client.get(USERS))
    assert "书记 · 甲一村支部" in body
    assert "乙一村支部" not in body
    assert "重置密码" not in body  # Sam also works in township B: not Bob's to change
    assert "由上级管理" in body


def test_the_actions_of_an_account_the_user_manages(client, bob, sam):
    client.force_login(bob)
    body = rows(client.get(USERS))
    assert "/accounts/password-reset/?username=sam" in body
    assert "/accounts/deactivate/?username=sam" in body
    # Bob does not manage himself.
    assert "username=bob" not in body


def test_search_by_user_name_name_and_organisation(client, alice, bob, charlie, sam):
    client.force_login(alice)
    assert ">sam<" in rows(client.get(USERS, {"q": "sa"}))
    assert ">bob<" not in rows(client.get(USERS, {"q": "sa"}))
    assert ">sam<" in rows(client.get(USERS, {"q": "甲一村"}))
    assert ">charlie<" in rows(client.get(USERS, {"q": "乙镇"}))
    assert ">sam<" not in rows(client.get(USERS, {"q": "乙镇"}))
    empty = client.get(USERS, {"q": "没有这个人"}).content.decode()
    assert "没有符合条件的账号" in empty


def test_filter_by_role_and_status(client, alice, bob, charlie, sam, leo):
    client.force_login(alice)
    body = rows(client.get(USERS, {"role": "secretary"}))
    assert ">sam<" in body
    assert ">bob<" not in body
    sam.is_active = False
    sam.save()
    assert ">sam<" in rows(client.get(USERS, {"status": "inactive"}))
    assert ">sam<" not in rows(client.get(USERS, {"status": "active"}))


def test_locked_accounts_are_shown_and_counted(client, alice, sam):
    AccessAttempt.objects.create(
        username="sam",
        ip_address="10.0.0.9",
        user_agent="x",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )
    client.force_login(alice)
    content = client.get(USERS).content.decode()
    assert "有 1 个账号因连续输错密码被锁定" in content
    body = rows(client.get(USERS, {"status": "locked"}))
    assert ">sam<" in body
    assert "登录已锁定" in body
    assert "解除锁定" in body
    assert ">alice<" not in body


@pytest.mark.parametrize(
    ("sort", "first"), [("username", "alice"), ("-username", "sam"), ("name", "alice")]
)
def test_sorting(client, alice, bob, sam, sort, first):
    client.force_login(alice)
    body = rows(client.get(USERS, {"sort": sort}))
    order = [name for name in ("alice", "bob", "sam") if f">{name}<" in body]
    positions = sorted(order, key=lambda name: body.index(f">{name}<"))
    assert positions[0] == first


def test_pages_of_fifty(client, alice, tree):
    for i in range(55):
        make_user(f"sec{i:02d}", tree["A1"], "leader")
    client.force_login(alice)
    first = client.get(USERS)
    assert "共 56 个账号" in first.content.decode()
    assert "第 1 / 2 页" in first.content.decode()
    second = rows(client.get(USERS, {"page": 2}))
    assert second.count("<tr>") == 6


def test_the_list_costs_the_same_few_queries_for_many_accounts(
    client, alice, tree, django_assert_max_num_queries
):
    client.force_login(alice)
    for i in range(3):
        make_user(f"few{i}", tree["A1"], "secretary")
    with django_assert_max_num_queries(20):
        client.get(USERS)
    for i in range(40):
        user = make_user(f"many{i:02d}", tree["A2" if i % 2 else "B1"], "secretary")
        grant(username=user.username, org_code="A", role="leader")
    with django_assert_max_num_queries(20):
        response = client.get(USERS)
    assert "共 44 个账号" in response.content.decode()


@pytest.mark.parametrize("who", ["sam", "leo"])
def test_secretaries_and_leaders_have_no_account_list(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(USERS).status_code == 403


def test_staff_see_the_navigation_entry(client, bob, sam):
    client.force_login(bob)
    assert 'href="/accounts/"' in client.get("/orgs/").content.decode()
    client.force_login(sam)
    assert 'href="/accounts/"' not in client.get("/orgs/").content.decode()


def test_the_empty_list_says_what_to_do(client, root):
    from accounts.models import User

    User.objects.exclude(pk=root.pk).delete()
    client.force_login(root)
    content = client.get(USERS, {"role": "leader"}).content.decode()
    assert "没有符合条件的账号" in content


def test_an_odd_parameter_keeps_the_rest_of_the_search(client, alice, bob, sam):
    client.force_login(alice)
    body = rows(client.get(USERS, {"q": "sam", "sort": "password", "role": "nonsense"}))
    assert ">sam<" in body
    assert ">bob<" not in body
