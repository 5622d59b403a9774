"""Admin of transfers: a read-only register with history, for either end's staff.

Transfers are requested, registered (from outside the county), accepted and returned, and
their 介绍信 printed, on the portal pages (members.services.transfers), which move the
member record and number the letters; editing a row here would do neither.
"""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from orgs.scope import can_edit_path, is_staff_member
from orgs.scoped_admin import ScopedHistoryAdmin

from ..models import Transfer
from ..services.transfers import transfers_editable_by


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdminMixin, ScopedHistoryAdmin):
    list_display = [
        "member",
        "kind",
        "state",
        "from_organization",
        "to_organization",
        "origin",
        "destination",
        "requested_on",
        "decided_on",
        "letter_number",
        "receipt_on",
    ]
    list_filter = ["state", "kind"]
    list_select_related = ["member", "from_organization", "to_organization"]
    search_fields = ["member__name", "destination", "origin", "origin_letter_number"]
    ordering = ["-requested_on", "-pk"]
    history_list_display = ["state"]

    def get_queryset(self, request):
        # Both ends: the sender stays responsible, the receiver decides.
        return transfers_editable_by(request.user)

    def _allowed(self, request, obj=None) -> bool:
        if not is_staff_member(request.user):
            return False
        if obj is None:
            return True
        ends = [obj.from_organization, obj.to_organization]
        return any(org is not None and can_edit_path(request.user, org.path) for org in ends)
