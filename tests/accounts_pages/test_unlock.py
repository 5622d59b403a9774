"""Releasing the login throttle's lock: staff see who is locked, unlock, and the user can
sign in again at once."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.test import Client

from audit.models import AuditKind

from .helpers import PASSWORD, UNLOCK, USERS, events, sign_in


def lock(username: str) -> None:
    for _ in range(5):
        sign_in(Client(), username, "wrong-password-1")


def test_a_locked_secretary_can_sign_in_again_once_unlocked(client, bob, sam):
    lock("sam")
    assert sign_in(Client(), "sam", PASSWORD).status_code == 429  # axes' lockout page

    client.force_login(bob)
    assert "登录已锁定" in client.get(USERS, {"status": "locked"}).content.decode()
    response = client.post(UNLOCK, {"username": "sam"}, follow=True)
    assert "已解除 sam 的登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="sam").exists()
    assert sign_in(Client(), "sam", PASSWORD).status_code == 302


def test_the_unlock_is_recorded_with_who_did_it(client, bob, sam):
    lock("sam")
    client.force_login(bob)
    client.post(UNLOCK, {"username": "sam"})
    [event] = events(AuditKind.ACCOUNT_UNLOCKED)
    assert event.user == bob
    assert event.target.startswith("sam：")
    assert event.organization.code == "A1"


def test_unlocking_an_account_that_is_not_locked_says_so(client, bob, sam):
    client.force_login(bob)
    response = client.post(UNLOCK, {"username": "sam"}, follow=True)
    assert "当前没有被锁定" in response.content.decode()
    assert events(AuditKind.ACCOUNT_UNLOCKED) == []


def test_the_unlock_page_asks_first(client, bob, sam):
    lock("sam")
    client.force_login(bob)
    page = client.get(UNLOCK, {"username": "sam"}).content.decode()
    assert "解除登录锁定" in page
    assert "登录已锁定" in page
    assert AccessAttempt.objects.filter(username="sam").exists()
