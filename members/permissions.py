"""Who may see personal data in full (ID numbers, phones); everyone else sees them masked."""

from __future__ import annotations

from typing import Any

from .models.member import FULL_VIEW_PERMISSION


def can_view_full_personal_data(user: Any) -> bool:
    """An explicit permission (a superuser holds every permission): a role alone is not
    enough, because a county's staff are many and the roster is the most sensitive data."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm(FULL_VIEW_PERMISSION)
    )
