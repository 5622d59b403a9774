"""The organisations a user may pick: options for the pickers of the pages, and the form
field that picks one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

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


class OrganizationChoiceField(forms.ModelChoiceField):
    """An organisation picked from the queryset the form limits to the user's scope,
    shown as 名称（代码）. `indented` shows the tree in a flat list: each organisation is
    indented by its depth below `top_depth` (the shallowest one offered)."""

    def __init__(self, *args: Any, indented: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indented = indented
        self.top_depth = 1

    def label_from_instance(self, obj: Any) -> str:
        indent = "\u3000" * (obj.depth - self.top_depth) if self.indented else ""
        return f"{indent}{obj.name}（{obj.code}）"
