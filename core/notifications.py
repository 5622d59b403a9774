"""In-portal notifications (the bell): one service to create them, one to mark them read,
and the e-mail copies.

`event_key` names the event (e.g. "checklist:12:issued"); the database keeps one
notification per user and event, so a job that runs twice notifies once. E-mail copies go
through the outbox like every other side effect: `notify_many` queues the ids of what it
created, the worker mails them after commit (a rolled-back transaction mails nothing, a
request never waits for the mail server), and each notification is mailed once however
often the task runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification
from .outbox import enqueue


@dataclass(frozen=True)
class Message:
    user: Any
    text: str
    url: str
    event_key: str


#: existing keys are looked up, and ids queued for mail, this many at a time (SQLite's
#: variable limit)
BATCH = 500
#: seconds to wait for the mail server when settings.EMAIL_TIMEOUT is not set: the worker
#: never hangs on a dead server
DEFAULT_EMAIL_TIMEOUT = 10


def notify(*, user: Any, text: str, url: str = "", event_key: str, email: bool = False) -> bool:
    """Notify `user` of the event once; True when this call created the notification.
    (One message through `notify_many`, so the two never differ.)"""
    message = Message(user=user, text=text, url=url, event_key=event_key)
    return bool(notify_many(messages=[message], email=email))


def notify_many(*, messages: Iterable[Message], email: bool = False) -> list[Message]:
    """Notify each message's user once per event, in a few queries whatever the number:
    existing (user, event) pairs are read in batches and the new ones bulk-created. Returns
    the messages that were new.

    With `email` and an outgoing mail server configured (settings.EMAIL_HOST), the new
    notifications of users with an address are also mailed, by the worker once the
    caller's transaction commits. Those are created one by one (a savepoint each), so that
    only what this call created is mailed: a concurrent run that created the same
    notification first mails it, this one does not.
    """
    pending = {(m.user.pk, m.event_key): m for m in messages if m.user is not None}
    keys = list(pending)
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        existing = Notification.objects.filter(
            user_id__in={user_id for user_id, _key in batch},
            event_key__in={key for _user_id, key in batch},
        ).values_list("user_id", "event_key")
        for pair in existing:
            pending.pop(pair, None)
    new = list(pending.values())
    mailed = [m for m in new if email and _mailable(m.user)]
    quiet = [m for m in new if not (email and _mailable(m.user))]
    # ignore_conflicts: a concurrent run that created the same rows first wins quietly.
    Notification.objects.bulk_create(
        [_row(m) for m in quiet], batch_size=BATCH, ignore_conflicts=True
    )
    created = [(m, row) for m in mailed if (row := _create_one(m)) is not None]
    if created:
        _enqueue_mail([row.pk for _m, row in created])
    return quiet + [m for m, _row in created]


#: the task that mails the copies (core/tasks.py), named: core.tasks imports this module
MAIL_NOTIFICATIONS = "core.tasks.mail_notifications"


def _enqueue_mail(ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        enqueue(MAIL_NOTIFICATIONS, ids[start : start + BATCH])


def _row(message: Message) -> Notification:
    return Notification(
        user=message.user,
        text=message.text[:300],
        url=message.url[:300],
        event_key=message.event_key,
    )


def _create_one(message: Message) -> Notification | None:
    """The new row, or None when a concurrent run created it first."""
    row = _row(message)
    try:
        # A savepoint: a concurrent run that created the same row first must not break
        # the caller's transaction.
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return None
    return row


def _mailable(user: Any) -> bool:
    return bool(settings.EMAIL_HOST and getattr(user, "email", ""))


def _absolute(url: str) -> str:
    """A mail client has no page to resolve a path against: prefix the portal's address."""
    return f"{settings.PORTAL_URL}{url}" if url.startswith("/") else url


def send_mail_copies(notification_ids: Iterable[int]) -> int:
    """Mail the notifications of `notification_ids` that were not mailed yet (the task
    queued by `notify_many`); returns how many were mailed.

    Each row is claimed first (UPDATE … WHERE mailed_at IS NULL), so a redelivered or
    concurrent task mails nothing twice. A mail lost after its claim is not sent again:
    the portal never fails over mail (fail_silently), the in-portal notification is the
    record."""
    candidates = Notification.objects.filter(
        pk__in=list(notification_ids), mailed_at__isnull=True
    ).select_related("user")
    claimed = [row for row in candidates if _claim(row)]
    mailed = [row for row in claimed if row.user.email]
    if mailed:
        _mail(mailed)
    return len(mailed)


def _claim(row: Notification) -> bool:
    """Mark the row mailed; False when another run did so first."""
    unclaimed = Notification.objects.filter(pk=row.pk, mailed_at__isnull=True)
    return bool(unclaimed.update(mailed_at=timezone.now()))


def _mail(rows: list[Notification]) -> None:
    """Mail a copy of each notification over one connection with a timeout."""
    timeout = settings.EMAIL_TIMEOUT or DEFAULT_EMAIL_TIMEOUT
    connection = get_connection(fail_silently=True, timeout=timeout)
    send_mass_mail(
        [
            (
                row.text[:80],
                f"{row.text}\n{_absolute(row.url)}" if row.url else row.text,
                None,
                [row.user.email],
            )
            for row in rows
        ],
        fail_silently=True,
        connection=connection,
    )


def unread_count(*, user: Any) -> int:
    return Notification.objects.for_user(user).unread().count()


def mark_read(*, user: Any, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; False when there is none such."""
    updated = (
        Notification.objects.for_user(user)
        .unread()
        .filter(pk=notification_id)
        .update(read_at=timezone.now())
    )
    if updated:
        return True
    return Notification.objects.for_user(user).filter(pk=notification_id).exists()


def mark_all_read(*, user: Any) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
