"""The organisations a user may pick, as options for the pickers of the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Organization


@dataclass(frozen=True)
class OrgOption:
    code: str
    name: str
    path: str
    depth: int


def visible_org_options(user: Any) -> list[OrgOption]:
    """The organisations the user may see, in tree order (one query)."""
    rows = (
        Organization.objects.visible_to(user)
        .order_by("path")
        .values_list("code", "name", "path", "depth")
    )
    return [OrgOption(*row) for row in rows]


def org_choices(options: list[OrgOption], empty_label: Any = None) -> list[tuple[str, str]]:
    """(code, indented name) pairs; full-width spaces show the tree inside a select."""
    top = min((option.depth for option in options), default=1)
    indented = [(o.code, "\u3000" * (o.depth - top) + o.name) for o in options]
    return [("", empty_label), *indented] if empty_label is not None else indented
