"""In-portal notifications (the bell): one service to create them, one to mark them read.

`event_key` names the event (e.g. "checklist:12:issued"); the database keeps one
notification per user and event, so a job that runs twice notifies once.
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


@dataclass(frozen=True)
class Message:
    user: Any
    text: str
    url: str
    event_key: str


#: existing keys are looked up this many at a time (SQLite's variable limit)
BATCH = 500
#: seconds to wait for the mail server when settings.EMAIL_TIMEOUT is not set: a request
#: that mails (a list sent back) never hangs on a dead server
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
    notifications of users with an address are also mailed. Those are created one by one
    (a savepoint each), so that only what this call created is mailed: a concurrent run
    that created the same notification first mails it, this one does not.
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
    created_mailed = [m for m in mailed if _create_one(m)]
    if created_mailed:
        _mail(created_mailed)
    return quiet + created_mailed


def _row(message: Message) -> Notification:
    return Notification(
        user=message.user,
        text=message.text[:300],
        url=message.url[:300],
        event_key=message.event_key,
    )


def _create_one(message: Message) -> bool:
    try:
        # A savepoint: a concurrent run that created the same row first must not break
        # the caller's transaction.
        with transaction.atomic():
            _row(message).save()
    except IntegrityError:
        return False
    return True


def _mailable(user: Any) -> bool:
    return bool(settings.EMAIL_HOST and getattr(user, "email", ""))


def _absolute(url: str) -> str:
    """A mail client has no page to resolve a path against: prefix the portal's address."""
    return f"{settings.PORTAL_URL}{url}" if url.startswith("/") else url


def _mail(messages: list[Message]) -> None:
    """Mail a copy of each message over one connection with a timeout; the portal never
    fails over mail (fail_silently): the in-portal notification is the record."""
    timeout = settings.EMAIL_TIMEOUT or DEFAULT_EMAIL_TIMEOUT
    connection = get_connection(fail_silently=True, timeout=timeout)
    send_mass_mail(
        [
            (
                m.text[:80],
                f"{m.text}\n{_absolute(m.url)}" if m.url else m.text,
                None,
                [m.user.email],
            )
            for m in messages
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
