"""Pages that show personal data in full (members.signals.full_data_viewed)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from members.signals import full_data_viewed

from ..labels import member_label
from ..models import AuditKind
from ..recording import fail_safe, record


@receiver(full_data_viewed)
@fail_safe
def record_full_view(sender: Any, request: HttpRequest, members: list, page: str, **kw) -> None:
    """One event per page shown with numbers unmasked: a member's page names the member; a
    list names how many were shown (and the first of them)."""
    if not members:
        return
    if page == "detail":
        target = member_label(members[0])
    else:
        target = _("名册一页 %(n)d 人，首位：%(first)s") % {
            "n": len(members),
            "first": member_label(members[0]),
        }
    record(
        AuditKind.FULL_DATA_VIEWED,
        request=request,
        user=request.user,
        target=target,
        organization_id=members[0].organization_id,
    )
