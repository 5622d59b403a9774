"""The one way the portal hands work to the Celery worker (DESIGN: enqueue on commit).

`enqueue(task, *args)` writes an OutboxTask row in the caller's transaction and sends it
once that transaction commits. Sending never blocks a request for long: one connection
attempt with one-second connect and read timeouts, no retry in the request. A task that
could not be sent stays pending; `drain_outbox` (beat, every minute) sends it once Redis
is back, and staff see the pending rows in the admin.

In the embedded default (no REDIS_URL) tasks run eagerly: the row is marked sent first,
then the task runs in-process, so its own errors surface as they always did.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxTask

logger = logging.getLogger(__name__)

# Rows younger than this are left to their own on-commit send (avoids sending twice).
DRAIN_MIN_AGE_SECONDS = 30
DRAIN_BATCH = 200
# One attempt, a second to connect and a second per read: a request never waits for a
# broker that is down or hung for more than about two seconds.
SEND_TIMEOUT = 1
SEND_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": SEND_TIMEOUT,
    "socket_timeout": SEND_TIMEOUT,
    "max_retries": 0,
}


def enqueue(task: Task | str, *args: Any, **kwargs: Any) -> OutboxTask:
    """Queue `task(*args, **kwargs)` to run after the current transaction commits. `task`
    may be given by its registered name, so that a module need not import the tasks module
    that imports it."""
    name = task if isinstance(task, str) else task.name
    row = OutboxTask.objects.create(task_name=name, args=list(args), kwargs=kwargs)
    pk = row.pk
    transaction.on_commit(lambda: send(pk))
    return row


def registered_task(name: str) -> Task:
    """The task registered as `name`. A web process has not imported every app's tasks
    module (a task queued by name need not be imported by its caller): the first miss
    imports them all, as a worker does when it starts."""
    try:
        return current_app.tasks[name]
    except KeyError:
        current_app.loader.import_default_modules()
        return current_app.tasks[name]


def _mark_sent(pk: int) -> bool:
    """Claim the row (only one sender wins when drain and on-commit race)."""
    return bool(
        OutboxTask.objects.filter(pk=pk, status=OutboxTask.Status.PENDING).update(
            status=OutboxTask.Status.SENT, sent_at=timezone.now()
        )
    )


def send(pk: int) -> bool:
    """Hand one pending row to the broker; False when it stays pending."""
    row = OutboxTask.objects.filter(pk=pk, status=OutboxTask.Status.PENDING).first()
    if row is None:
        return False
    task = registered_task(row.task_name)
    if current_app.conf.task_always_eager:
        if _mark_sent(pk):
            task.apply_async(args=row.args, kwargs=row.kwargs)
        return True
    try:
        # A connection of its own, not the pool's: its timeouts are the whole budget and a
        # broken pooled connection cannot linger into the next request.
        with current_app.connection_for_write(
            connect_timeout=SEND_TIMEOUT, transport_options=SEND_TRANSPORT_OPTIONS
        ) as connection:
            # No result: nobody waits for one, and a result backend that is down would
            # retry its reconnection inside this request.
            task.apply_async(
                args=row.args,
                kwargs=row.kwargs,
                retry=False,
                connection=connection,
                ignore_result=True,
            )
    except Exception as exc:  # any broker failure: the row stays pending, nothing is lost
        OutboxTask.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:500]
        )
        logger.warning("outbox: %s (row %s) not sent: %s", row.task_name, pk, exc)
        return False
    _mark_sent(pk)
    return True


def drain(*, min_age_seconds: int = DRAIN_MIN_AGE_SECONDS) -> int:
    """Send the pending rows older than `min_age_seconds`, oldest first; stop at the first
    failure (the broker is still down). Returns how many were sent."""
    cutoff = timezone.now() - timezone.timedelta(seconds=min_age_seconds)
    pending = OutboxTask.objects.filter(
        status=OutboxTask.Status.PENDING, created_at__lte=cutoff
    ).order_by("created_at", "pk")
    sent = 0
    for pk in pending.values_list("pk", flat=True)[:DRAIN_BATCH]:
        if not send(pk):
            break
        sent += 1
    return sent


def pending_count() -> int:
    return OutboxTask.objects.filter(status=OutboxTask.Status.PENDING).count()
