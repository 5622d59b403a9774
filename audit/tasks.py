"""Scheduled work of the audit trail."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="audit.tasks.purge_audit_events", acks_late=True)
def purge_audit_events() -> int:
    """Daily (beat): delete the events older than AUDIT_RETENTION_DAYS. Idempotent."""
    from .retention import purge_expired

    return purge_expired()
