"""Every account action is in the audit trail with who did it, readable by the staff of
the account's subtree."""

from __future__ import annotations

from django.test import Client

from audit.models import AuditEvent, AuditKind

from .helpers import BULK, DEACTIVATE, REACTIVATE, RESET, TOKEN, UNLOCK, events, sign_in


def test_each_action_writes_its_event_with_the_actor(client, alice, bob, named):
    client.force_login(alice)
    client.post(BULK, {"within": "A", "submission": TOKEN})
    created = events(AuditKind.ACCOUNT_CREATED)
    assert [e.target.split("：")[0] for e in created] == ["a", "a1", "a2"]
    assert all(e.user == alice and e.username == "alice" for e in created)
    assert created[2].organization.code == "A2"
    assert "书记 · 甲二村支部" in created[2].target
    # The roles the creation gave are recorded too, by the same actor.
    assigned = AuditEvent.objects.filter(kind=AuditKind.ROLE_ASSIGNED, user=alice)
    assert assigned.count() == 3

    for _ in range(5):
        sign_in(Client(), "a2", "wrong-password-1")
    client.post(UNLOCK, {"username": "a2"})
    client.post(RESET, {"username": "a2"})
    client.post(DEACTIVATE, {"username": "a2"})
    client.post(REACTIVATE, {"username": "a2"})
    for kind in (
        AuditKind.ACCOUNT_UNLOCKED,
        AuditKind.PASSWORD_RESET,
        AuditKind.ACCOUNT_DEACTIVATED,
        AuditKind.ACCOUNT_REACTIVATED,
    ):
        [event] = events(kind)
        assert event.user == alice, kind
        assert event.target.startswith("a2："), kind
        assert event.organization.code == "A2", kind


def test_township_staff_read_the_events_of_their_accounts(client, alice, bob, charlie, sam):
    client.force_login(alice)
    client.post(DEACTIVATE, {"username": "sam"})
    event = AuditEvent.objects.get(kind=AuditKind.ACCOUNT_DEACTIVATED)
    assert AuditEvent.objects.visible_to(bob).filter(pk=event.pk).exists()
    assert not AuditEvent.objects.visible_to(charlie).filter(pk=event.pk).exists()


def test_the_audit_page_offers_the_new_kinds(client, alice):
    client.force_login(alice)
    page = client.get("/audit/").content.decode()
    for label in ("开通账号", "重置密码", "解除账号锁定", "停用账号", "重新启用账号"):
        assert label in page
