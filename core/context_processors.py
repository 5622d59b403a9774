"""The notification bell's count for the base template."""

from __future__ import annotations

from typing import Any


def notifications(request) -> dict[str, Any]:
    """The bell's unread count: one query for a signed-in user, none for anyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    from .notifications import unread_count

    return {"unread_notifications": unread_count(user=user)}
