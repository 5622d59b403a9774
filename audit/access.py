"""Who reads the audit trail."""

from __future__ import annotations

from typing import Any

from orgs.scope import covers_root


def can_read_audit(user: Any) -> bool:
    """County staff (the staff role on a root of the tree) and superusers: the trail
    names people across townships, so township staff, secretaries and leaders do not."""
    return covers_root(user)
