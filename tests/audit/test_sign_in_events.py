"""Sign-ins, failures, lockouts, unlocks and sign-outs are recorded as they happen."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.urls import reverse

from audit.models import AuditKind
from tests.audit.helpers import events

LOGIN = reverse("login")
PASSWORD = "pw-for-tests-1"


def sign_in(client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_a_sign_in_is_recorded_with_the_users_scope_and_address(client, alice, tree):
    assert sign_in(client, "alice", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    (event,) = events(AuditKind.LOGIN)
    assert (event.user, event.username, event.ip_address) == (alice, "alice", "198.51.100.7")
    assert event.scope_label == "测试县委（staff）"
    assert event.organization == tree["C"]


def test_a_wrong_password_is_recorded_with_the_name_as_typed(client, bob, tree):
    assert sign_in(client, "bob", "wrong", REMOTE_ADDR="203.0.113.9").status_code == 200
    (event,) = events(AuditKind.LOGIN_FAILED)
    assert event.user is None
    assert (event.username, event.ip_address, event.target) == ("bob", "203.0.113.9", "")
    assert event.organization == tree["A"]  # township A's staff account: read in its scope
    assert "wrong" not in f"{event.username}{event.target}{event.scope_label}"
    assert events(AuditKind.LOGIN) == []


def test_an_unknown_name_is_recorded_without_an_organisation(client, tree):
    sign_in(client, "nosuchuser", "whatever")
    (event,) = events(AuditKind.LOGIN_FAILED)
    assert (event.username, event.organization_id) == ("nosuchuser", None)


def test_the_address_is_the_one_the_throttle_counts(client, bob):
    sign_in(client, "bob", "wrong", REMOTE_ADDR="203.0.113.9")
    (event,) = events(AuditKind.LOGIN_FAILED)
    assert event.ip_address == AccessAttempt.objects.get(username="bob").ip_address


def test_six_wrong_passwords_lock_the_account_once(client, bob):
    for _ in range(6):
        response = sign_in(client, "bob", "wrong")
    assert response.status_code == 429
    (lock,) = events(AuditKind.LOCKED_OUT)
    assert (lock.username, lock.ip_address) == ("bob", "127.0.0.1")
    assert lock.target == "bob：连续 5 次登录失败"
    failures = events(AuditKind.LOGIN_FAILED)
    assert len(failures) == 6
    # The sixth attempt was refused by the lock, its password never checked.
    assert [f.target for f in failures] == [""] * 5 + ["账号锁定期间的登录尝试，未校验密码"]


def test_the_right_password_during_the_lock_is_a_refused_attempt(client, bob):
    for _ in range(5):
        sign_in(client, "bob", "wrong")
    assert sign_in(client, "bob", PASSWORD).status_code == 429
    assert events(AuditKind.LOGIN) == []
    assert events(AuditKind.LOGIN_FAILED)[-1].target == "账号锁定期间的登录尝试，未校验密码"
    assert len(events(AuditKind.LOCKED_OUT)) == 1


def lock_bob(client) -> None:
    for _ in range(5):
        sign_in(client, "bob", "wrong")
    assert AccessAttempt.objects.filter(username="bob").exists()


def test_deleting_the_lock_in_the_admin_is_an_unlock_by_that_user(client, bob, root, tree):
    lock_bob(client)
    attempt = AccessAttempt.objects.get(username="bob")
    admin = client.__class__()
    admin.force_login(root)
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    (event,) = events(AuditKind.UNLOCKED)
    assert (event.user, event.username, event.target) == (root, "root", "bob（127.0.0.1）")
    assert event.scope_label == "系统管理员"
    assert event.organization == tree["A"]
    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_a_reset_from_the_command_line_is_an_unlock_by_nobody(client, bob):
    lock_bob(client)
    assert reset(username="bob") == 1
    (event,) = events(AuditKind.UNLOCKED)
    assert (event.user, event.username, event.ip_address) == (None, "", None)
    assert event.actor_label == "部署人员（命令行）"


def test_clearing_failures_below_the_limit_is_no_unlock(client, bob):
    sign_in(client, "bob", "wrong")
    assert sign_in(client, "bob", PASSWORD).status_code == 302  # axes clears the failure
    assert not AccessAttempt.objects.exists()
    assert events(AuditKind.UNLOCKED) == []


def test_a_sign_out_is_recorded(client, bob):
    sign_in(client, "bob", PASSWORD)
    assert client.post(reverse("logout")).status_code == 302
    (event,) = events(AuditKind.LOGOUT)
    assert (event.user, event.username, event.target) == (bob, "bob", "")
