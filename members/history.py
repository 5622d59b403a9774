"""The change history of members and development cases as their pages show it
(core.history.history_entries): ID numbers and phones masked unless the reader holds the
full-view permission, organisations outside the reader's scope left unnamed."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from core.history import HISTORY_LIMIT, Display, HistoryEntry, display_value, history_entries
from orgs.models import Organization

from .identity import mask_id_number, mask_phone
from .models import DevelopmentCase, Member
from .permissions import can_view_full_personal_data

PERSONAL_MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def mask_personal_value(field_name: str, value: Any, *, unmasked: bool) -> Any:
    """An ID number or phone as the reader may see it; other values unchanged."""
    mask = PERSONAL_MASKS.get(field_name)
    if mask is None or unmasked or not value:
        return value
    return mask(str(value))


def _personal_display(model: type[Model], history: Any, user: Any) -> Display:
    """How `user` reads the values of `history` (one query for the organisation names)."""
    unmasked = can_view_full_personal_data(user)
    org_names = dict(
        Organization.objects.visible_to(user)
        .filter(pk__in=history.values("organization_id"))
        .values_list("pk", "name")
    )

    def display(name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if name in PERSONAL_MASKS:
            return mask_personal_value(name, value, unmasked=unmasked)
        if name == "organization":
            # An earlier organisation may lie outside the reader's scope.
            return org_names.get(value, _("（管辖范围外的组织）"))
        return display_value(model, name, value)

    return display


def member_history(
    *, member: Member, user: Any, limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` history records of `member`, each with the fields it changed,
    and whether older records exist (two queries)."""
    display = _personal_display(Member, member.history, user)
    return history_entries(member.history, limit=limit, display=display)


def case_history(
    *, case: DevelopmentCase, user: Any, limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` history records of a development case (two queries). The link
    to the member record is on the page; its id in the history would say nothing."""
    display = _personal_display(DevelopmentCase, case.history, user)
    return history_entries(case.history, limit=limit, display=display, excluded_fields=("member",))
