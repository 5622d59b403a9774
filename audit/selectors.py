"""Reading the audit trail; every read starts from the scoping API."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from .models import AuditEvent, AuditEventQuerySet


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the portal's time zone (the day the reader means)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def visible_events(
    user: Any,
    *,
    kind: str = "",
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> AuditEventQuerySet:
    """The events `user` may read, newest first, narrowed by the page's filters (dates
    are local days, both ends included)."""
    events = AuditEvent.objects.visible_to(user)
    if kind:
        events = events.filter(kind=kind)
    if username:
        events = events.filter(username__icontains=username)
    if date_from:
        events = events.filter(created_at__gte=day_start(date_from))
    if date_to:
        events = events.filter(created_at__lt=day_start(date_to + datetime.timedelta(days=1)))
    return events.order_by("-created_at", "-pk")
