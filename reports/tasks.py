"""Celery tasks of the bulletins and the dashboard figures: thin wrappers around
`reports.bulletin_runs` and `reports.figures`.

PDF work is memory-hungry (WeasyPrint may not give memory back to the system), so it runs
in the worker, whose processes are recycled by `CELERY_WORKER_MAX_MEMORY_PER_CHILD`, under
the bulletin's own time limits.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.periods import Period

from . import bulletin_runs as bulletins
from .figures import refresh, snapshot

logger = logging.getLogger(__name__)


def retry_delay(retries: int) -> int:
    """Seconds before the next attempt: the base delay, doubled after each failure."""
    return settings.BULLETIN_RETRY_DELAY * 2**retries


@shared_task(
    bind=True,
    name=bulletins.GENERATE_TASK,
    # Safe to redeliver: generate() runs a record only while it is queued.
    acks_late=True,
    max_retries=settings.BULLETIN_MAX_RETRIES,
    soft_time_limit=settings.BULLETIN_SOFT_TIME_LIMIT,
    time_limit=settings.BULLETIN_TIME_LIMIT,
)
def generate_bulletin(self, bulletin_id: int) -> str | None:
    """Build one bulletin record. A curable failure is retried with a growing delay; the
    last one leaves the record FAILED with its reason on the bulletin page."""
    retries = self.max_retries or 0
    if self.request.is_eager:
        # The embedded default: Celery would raise its Retry into the web request, so the
        # attempts are made here, one after the other.
        for attempt in range(retries + 1):
            try:
                bulletin = bulletins.generate(bulletin_id, may_retry=attempt < retries)
                break
            except bulletins.RetryLater:
                continue
    else:
        try:
            bulletin = bulletins.generate(bulletin_id, may_retry=self.request.retries < retries)
        except bulletins.RetryLater as exc:
            raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
    return bulletin.status if bulletin is not None else None


@shared_task(name="reports.tasks.build_quarter_bulletins", acks_late=True)
def build_quarter_bulletins(today: str | None = None) -> dict[str, object]:
    """Daily (beat): the bulletins of the latest quarter that is due, for the county and
    every township. Idempotent: a finished bulletin is kept, so the runs after the first
    only retry what failed. `today` (ISO date) is for tests and manual runs."""
    day = datetime.date.fromisoformat(today) if today else None
    period = bulletins.schedule_due_period(day)
    queued = bulletins.scheduled_bulletins(period)
    logger.info("Scheduled bulletins for %s: %d queued", period, len(queued))
    return {"period": str(period), "queued": [b.pk for b in queued]}


@shared_task(name="reports.tasks.requeue_stale_bulletins", acks_late=True)
def requeue_stale_bulletins() -> list[int]:
    """Every five minutes (beat): bulletins whose worker was killed mid-way (still
    "running" after the hard time limit) go back to the queue and are built again, for any
    organisation and period, asked for by a person or by the schedule. Idempotent: a
    second run finds nothing stale."""
    return bulletins.requeue_stale()


@shared_task(name="reports.tasks.refresh_dashboard_figures", acks_late=True, time_limit=1800)
def refresh_dashboard_figures() -> int:
    """Every ten minutes (beat): recompute the running quarter's dashboard figures of the
    county (and city) and every township, and make sure the previous quarter's are cached,
    so that no visitor waits for the health rules of a whole county. Idempotent: it only
    fills the cache. Returns how many organisations it covered."""
    period = Period.quarter_of(timezone.localdate())
    count = 0
    # The organisations that get scheduled bulletins: the county (and city) and townships.
    for org in bulletins.scheduled_organizations():
        refresh(org=org, period=period)
        # A closed quarter's figures do not change (as of its last day): computed only when
        # they are not cached already.
        snapshot(org=org, period=period.previous)
        count += 1
    return count
