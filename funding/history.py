"""The change history of fund lines and venue projects as their pages show it
(core.history.history_entries): amounts in yuan, rooms by name, organisations outside the
reader's scope left unnamed."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from core.history import HISTORY_LIMIT, Display, HistoryEntry, display_value, history_entries
from core.numbers import money
from orgs.models import Organization

from .choices import Room
from .models import FundLine, VenueProject

#: fields shown as yuan ("80,000.00"), as on the line's page
MONEY_FIELDS = {"budget", "disbursed"}


def _display(model: type[Model], history: Any, user: Any) -> Display:
    """How `user` reads the values of `history` (one query for the organisation names)."""
    org_names = dict(
        Organization.objects.visible_to(user)
        .filter(pk__in=history.values("organization_id"))
        .values_list("pk", "name")
    )

    def display(name: str, value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if name == "organization":
            return org_names.get(value, "—")
        if name == "rooms":
            return "、".join(str(Room(code).label) for code in value if code in Room.values)
        if name in MONEY_FIELDS:
            return money(value)
        return display_value(model, name, value)

    return display


def line_history(
    *, line: FundLine, user: Any, limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` history records of a fund line, each with the fields it changed
    (every instalment changes the disbursed total), and whether older ones exist."""
    display = _display(FundLine, line.history, user)
    return history_entries(
        line.history, limit=limit, display=display, computed_fields=("disbursed",)
    )


def project_history(
    *, project: VenueProject, user: Any, limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` history records of `project`, each with the fields it changed,
    and whether older records exist (two queries)."""
    display = _display(VenueProject, project.history, user)
    return history_entries(project.history, limit=limit, display=display)
