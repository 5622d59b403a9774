"""In-portal notifications (the bell): one service to create them, one to mark them read.

`event_key` names the event (e.g. "checklist:12:issued"); the database keeps one
notification per user and event, so a job that runs twice notifies once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification


def notify(*, user: Any, text: str, url: str = "", event_key: str, email: bool = False) -> bool:
    """Notify `user` of the event once; True when this call created the notification.

    With `email` and an outgoing mail server configured (settings.EMAIL_HOST), the text
    is also mailed, only when the notification is new, so a re-run mails nobody twice.
    """
    if user is None:
        return False
    try:
        # A savepoint: a concurrent run that created the same row first must not break
        # the caller's transaction.
        with transaction.atomic():
            _notification, created = Notification.objects.get_or_create(
                user=user, event_key=event_key, defaults={"text": text[:300], "url": url[:300]}
            )
    except IntegrityError:
        return False
    if created and email:
        _mail(user, text, url)
    return created


@dataclass(frozen=True)
class Message:
    user: Any
    text: str
    url: str
    event_key: str


#: existing keys are looked up this many at a time (SQLite's variable limit)
BATCH = 500


def notify_many(*, messages: Iterable[Message], email: bool = False) -> list[Message]:
    """Notify each message's user once per event, in a few queries whatever the number:
    existing (user, event) pairs are read in batches and the new ones bulk-created. Returns
    the messages that were new."""
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
    # ignore_conflicts: a concurrent run that created the same rows first wins quietly.
    Notification.objects.bulk_create(
        [
            Notification(user=m.user, text=m.text[:300], url=m.url[:300], event_key=m.event_key)
            for m in new
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    if email:
        for message in new:
            _mail(message.user, message.text, message.url)
    return new


def _mail(user: Any, text: str, url: str) -> None:
    """Mail a copy only where an outgoing server is configured; the portal never fails
    over mail (fail_silently): the in-portal notification is the record."""
    if not getattr(settings, "EMAIL_HOST", "") or not getattr(user, "email", ""):
        return
    send_mail(
        subject=text[:80],
        message=f"{text}\n{url}" if url else text,
        from_email=None,
        recipient_list=[user.email],
        fail_silently=True,
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
