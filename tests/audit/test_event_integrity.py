"""An event, once written, is never changed or deleted (except by the retention purge),
and the trail never breaks what it records."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent, AuditKind, ImmutableAuditEvent
from audit.recording import record


@pytest.fixture
def event(db):
    return record(AuditKind.LOGIN, username="alice", target="x")


def test_an_event_cannot_be_edited(event):
    event.target = "changed"
    with pytest.raises(ImmutableAuditEvent):
        event.save()
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent.objects.filter(pk=event.pk).update(target="changed")
    assert AuditEvent.objects.get(pk=event.pk).target == "x"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(ImmutableAuditEvent):
        event.delete()
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_failed_write_never_breaks_what_it_records(bob, monkeypatch, caplog):
    """The audit write is a savepoint of the caller's transaction: its failure is logged
    and the action (here a sign-in's bookkeeping) goes on in a usable transaction."""

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditEvent.objects, "create", broken)
    assert record(AuditKind.LOGIN, user=bob) is None
    assert "Audit event login could not be written" in caplog.text
    bob.full_name = "鲍勃"
    bob.save()  # the transaction is still usable


def test_deleting_a_user_keeps_their_events(bob):
    record(AuditKind.LOGIN, user=bob)
    bob_id = bob.pk
    bob.assignments.all().delete()
    bob.delete()
    (event,) = AuditEvent.objects.filter(kind=AuditKind.LOGIN)
    assert (event.username, event.user_id) == ("bob", bob_id)


def test_a_failing_recorder_never_breaks_the_grant(tree, monkeypatch, caplog):
    from accounts.services import grant
    from audit.receivers import roles

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(roles, "assignment_text", broken)
    assert grant(username="wang", org_code="A1", role="secretary").assignment_created
    assert "Audit recorder assignment_recorded failed" in caplog.text
