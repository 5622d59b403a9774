"""How long audit events are kept, and the purge of older ones."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import AuditEvent

logger = logging.getLogger(__name__)

#: The Cybersecurity Law (art. 21) asks for network logs to be kept at least six months.
MIN_RETENTION_DAYS = 180


def retention_problem(value: object) -> str | None:
    """Why `value` is no valid AUDIT_RETENTION_DAYS, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"AUDIT_RETENTION_DAYS must be a whole number of days, not {value!r}."
    if value < MIN_RETENTION_DAYS:
        return (
            f"AUDIT_RETENTION_DAYS is {value}: audit events must be kept at least "
            f"{MIN_RETENTION_DAYS} days."
        )
    return None


def retention_days() -> int:
    """The configured period; refuses (ImproperlyConfigured) one below the minimum, so
    that a purge never runs with it, whatever started the purge."""
    value = settings.AUDIT_RETENTION_DAYS
    if problem := retention_problem(value):
        raise ImproperlyConfigured(problem)
    return value


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete the events older than the retention period; returns how many."""
    days = retention_days()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    count = AuditEvent.objects.purge_before(cutoff)
    logger.info("Purged %d audit events older than %d days", count, days)
    return count
