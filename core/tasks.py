"""Housekeeping jobs of the whole portal."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command

from .jobs import RUN_IMPORT_JOB, job_purge_unconfirmed, job_run
from .notifications import MAIL_NOTIFICATIONS, send_mail_copies
from .outbox import drain


@shared_task(name="core.tasks.clean_duplicate_history", acks_late=True)
def clean_duplicate_history(minutes: int = 60 * 24 + 60) -> int:
    """Remove history rows identical to their predecessor (simple-history writes one on
    every save). Looks back a little more than a day; idempotent, so safe to re-run."""
    from io import StringIO

    out = StringIO()
    call_command("clean_duplicate_history", "--auto", minutes=minutes, stdout=out)
    return sum(int(word) for word in out.getvalue().split() if word.isdigit())


@shared_task(name=RUN_IMPORT_JOB, acks_late=True)
def run_import_job(job_id: int) -> str | None:
    """Run one import job (its check, or its confirmed import). Takes the id only; a job
    that is not queued any more (already run, redelivered after a crash) is left alone,
    which is what makes acks_late safe. The global task time limits apply; the soft one
    fails the job with nothing written."""
    job = job_run(job_id)
    return job.status if job is not None else None


@shared_task(name="core.tasks.purge_unconfirmed_import_files", acks_late=True)
def purge_unconfirmed_import_files() -> int:
    """Delete the uploaded files of import jobs checked but never confirmed (personal data
    must not linger). Idempotent."""
    return job_purge_unconfirmed()


@shared_task(name="core.tasks.drain_outbox", acks_late=True)
def drain_outbox() -> int:
    """Every minute (beat): send the tasks that could not be sent when they were queued
    (Redis was down). Idempotent: a sent row is never sent again by this job."""
    return drain()


@shared_task(name=MAIL_NOTIFICATIONS, acks_late=True)
def mail_notifications(notification_ids: list[int]) -> int:
    """Mail the e-mail copies of notifications (queued by core.notifications.notify_many
    after commit). Idempotent: each notification is claimed before its mail goes, so a
    redelivered task mails nothing twice."""
    return send_mail_copies(notification_ids)
