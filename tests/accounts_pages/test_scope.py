"""Staff change only the accounts they could have made: township B's staff neither see
nor change township A's accounts (404, as for an account that does not exist), and an
account that also works elsewhere is nobody's below the level that covers both."""

from __future__ import annotations

import pytest

from accounts.manage.scope import managed_users
from accounts.services import grant
from tests.factories import make_user

from .helpers import DEACTIVATE, PASSWORD, REACTIVATE, RESET, UNLOCK, USERS

ACTIONS = [RESET, UNLOCK, DEACTIVATE, REACTIVATE]


def unchanged(user) -> bool:
    password, active = user.password, user.is_active
    user.refresh_from_db()
    return user.password == password and user.is_active == active and user.check_password(PASSWORD)


@pytest.mark.parametrize("url", ACTIONS)
def test_township_b_staff_cannot_see_or_change_a_township_a_account(client, charlie, sam, url):
    client.force_login(charlie)
    assert ">sam<" not in client.get(USERS).content.decode()
    assert client.get(url, {"username": "sam"}).status_code == 404
    assert client.post(url, {"username": "sam"}).status_code == 404
    assert unchanged(sam)


@pytest.mark.parametrize("url", ACTIONS)
def test_an_unknown_account_gets_the_same_answer(client, charlie, url):
    client.force_login(charlie)
    assert client.get(url, {"username": "nobody-at-all"}).status_code == 404
    assert client.get(url).status_code == 404


def test_an_account_with_a_role_outside_the_subtree_cannot_be_changed(client, bob, alice, sam):
    grant(username="sam", org_code="B1", role="secretary")
    client.force_login(bob)
    assert client.get(RESET, {"username": "sam"}).status_code == 404
    assert client.post(DEACTIVATE, {"username": "sam"}).status_code == 404
    assert unchanged(sam)
    # The county covers both: Alice may.
    client.force_login(alice)
    assert client.get(RESET, {"username": "sam"}).status_code == 200


def test_staff_do_not_manage_peers_superiors_superusers_or_themselves(
    client, alice, bob, tree, root
):
    peer = make_user("bob2", tree["A"], "staff")
    colleague = make_user("alice2", tree["C"], "staff")
    assert set(managed_users(bob).values_list("username", flat=True)) == set()
    managed_by_alice = set(managed_users(alice).values_list("username", flat=True))
    assert "bob" in managed_by_alice
    assert "bob2" in managed_by_alice
    assert "alice2" not in managed_by_alice
    assert "alice" not in managed_by_alice
    assert "root" not in managed_by_alice
    client.force_login(bob)
    assert client.get(RESET, {"username": peer.username}).status_code == 404
    client.force_login(alice)
    assert client.get(RESET, {"username": colleague.username}).status_code == 404
    assert client.get(RESET, {"username": "root"}).status_code == 404
    assert client.get(RESET, {"username": "alice"}).status_code == 404


def test_a_superuser_manages_everyone_but_themselves(root, alice, sam):
    managed = set(managed_users(root).values_list("username", flat=True))
    assert {"alice", "sam"} <= managed
    assert "root" not in managed


def test_leaders_and_secretaries_manage_nothing(leo, sam, bob):
    assert not managed_users(leo).exists()
    assert not managed_users(sam).exists()
