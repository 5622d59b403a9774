"""Retention: at least 180 days, checked at start; the purge deletes only older events."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from audit.checks import retention_check
from audit.models import AuditEvent, AuditKind
from audit.retention import purge_expired
from audit.tasks import purge_audit_events


def event_aged(days: float) -> AuditEvent:
    return AuditEvent.objects.create(
        kind=AuditKind.LOGIN,
        username=f"aged-{days}",
        created_at=timezone.now() - datetime.timedelta(days=days),
    )


@pytest.mark.parametrize("days", [0, 30, 179, -1, "365"])
def test_a_retention_below_six_months_is_refused(settings, db, days):
    settings.AUDIT_RETENTION_DAYS = days
    (error,) = retention_check(None)
    assert error.id == "audit.E001"
    with pytest.raises(ImproperlyConfigured):
        purge_expired()
    with pytest.raises(ImproperlyConfigured):
        purge_audit_events()


def test_the_default_and_the_minimum_pass(settings):
    assert settings.AUDIT_RETENTION_DAYS == 365
    assert retention_check(None) == []
    settings.AUDIT_RETENTION_DAYS = 180
    assert retention_check(None) == []


def test_the_purge_deletes_only_older_events(db, capsys):
    kept = [event_aged(0), event_aged(364)]
    event_aged(366)
    event_aged(1000)
    call_command("purge_audit")
    assert "已删除 2 条超过 365 天的审计记录。" in capsys.readouterr().out
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {e.pk for e in kept}
    assert purge_audit_events() == 0  # idempotent


def test_the_purge_follows_the_setting(settings, db):
    settings.AUDIT_RETENTION_DAYS = 200
    event_aged(199)
    event_aged(201)
    assert purge_expired() == 1


def test_beat_purges_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-audit-events"]
    assert entry["task"] == purge_audit_events.name
    assert entry["schedule"].hour == {4}
