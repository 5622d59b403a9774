"""Deactivating and reactivating an account, each after a confirmation page."""

from __future__ import annotations

from django.test import Client

from accounts.models import User
from audit.models import AuditKind

from .helpers import DEACTIVATE, PASSWORD, REACTIVATE, events, sign_in


def test_a_deactivated_account_cannot_sign_in_and_its_session_ends(client, bob, sam):
    open_session = Client()
    open_session.force_login(sam)
    client.force_login(bob)
    page = client.get(DEACTIVATE, {"username": "sam"}).content.decode()
    assert "确认停用" in page
    assert "取消" in page
    assert User.objects.get(pk=sam.pk).is_active  # nothing yet

    response = client.post(DEACTIVATE, {"username": "sam"}, follow=True)
    assert "已停用账号 sam" in response.content.decode()
    assert not User.objects.get(pk=sam.pk).is_active
    refused = sign_in(Client(), "sam", PASSWORD)
    assert refused.status_code == 200  # the login form again
    # The same words as for a wrong password: the page says nothing about the account.
    wrong = sign_in(Client(), "bob", "not-the-password-1")
    assert refused.context["form"].errors == wrong.context["form"].errors
    assert open_session.get("/orgs/").status_code == 302


def test_a_reactivated_account_signs_in_with_its_password(client, bob, sam):
    client.force_login(bob)
    client.post(DEACTIVATE, {"username": "sam"})
    assert "重新启用" in client.get(REACTIVATE, {"username": "sam"}).content.decode()
    client.post(REACTIVATE, {"username": "sam"})
    assert sign_in(Client(), "sam", PASSWORD).status_code == 302


def test_both_are_recorded_once(client, bob, sam):
    client.force_login(bob)
    client.post(DEACTIVATE, {"username": "sam"})
    client.post(DEACTIVATE, {"username": "sam"})  # already: nothing more
    client.post(REACTIVATE, {"username": "sam"})
    [off] = events(AuditKind.ACCOUNT_DEACTIVATED)
    [on] = events(AuditKind.ACCOUNT_REACTIVATED)
    assert off.user == bob
    assert on.user == bob
    assert off.target == "sam：停用账号"
