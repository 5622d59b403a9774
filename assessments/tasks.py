"""Celery tasks of the assessments app: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .issuing import issue_current_quarter
from .reminders import send_reminders


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


@shared_task(acks_late=True)
def send_checklist_reminders() -> dict[str, int]:
    """Daily (beat): the lists' reminders. Idempotent, so a redelivered run notifies
    nobody twice."""
    return send_reminders(today=timezone.localdate()).created
