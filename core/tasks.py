"""Housekeeping jobs of the whole portal."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task(name="core.tasks.clean_duplicate_history", acks_late=True)
def clean_duplicate_history(minutes: int = 60 * 24 + 60) -> int:
    """Remove history rows identical to their predecessor (simple-history writes one on
    every save). Looks back a little more than a day; idempotent, so safe to re-run."""
    from io import StringIO

    out = StringIO()
    call_command("clean_duplicate_history", "--auto", minutes=minutes, stdout=out)
    return sum(int(word) for word in out.getvalue().split() if word.isdigit())
