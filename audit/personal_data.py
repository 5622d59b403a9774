"""Events of pages that show personal data in full."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .labels import member_label
from .models import AuditKind
from .recording import fail_safe, record


@fail_safe
def record_full_view(request: HttpRequest, member: Any) -> None:
    """A member's page shown with the ID number and phone unmasked: one event per view."""
    record(
        AuditKind.FULL_DATA_VIEWED,
        request=request,
        user=request.user,
        target=member_label(member),
        organization_id=member.organization_id,
    )
