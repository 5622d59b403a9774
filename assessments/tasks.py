"""Celery tasks of the assessments app: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .issuing import issue_current_quarter


@shared_task(acks_late=True)
def issue_quarter_checklists() -> dict[str, int]:
    """First day of each quarter (beat): issue the quarter's lists. Idempotent, so a
    redelivered or repeated run creates nothing new."""
    result = issue_current_quarter()
    return {
        "created": len(result.created),
        "existing": result.existing,
        "without_secretary": len(result.without_secretary),
    }
