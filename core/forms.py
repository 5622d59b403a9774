"""Form pieces shared by the pages: the organisation picker of the user's scope."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import normalize_choices
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from orgs.models import Organization


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


class FastSelect(forms.Select):
    """A select whose options are rendered in Python. Django renders every option through
    a template (tens of microseconds each); a city's organisation select holds about 2,000
    options, which made that rendering most of the page's time."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value) -> None:
        # A list is already (value, label) pairs (org_choices, a ChoiceField's choices):
        # Django would normalise each of the ~2,000 pairs again on every request.
        self._choices = value if isinstance(value, list) else normalize_choices(value)

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = "" if value is None else str(value)
        # html.escape rather than format_html per option: the same escaping, a third of
        # the time.
        options = "".join(
            '<option value="{}"{}>{}</option>'.format(
                html.escape(str(option)),
                " selected" if str(option) == selected else "",
                html.escape(str(label)),
            )
            for option, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))  # noqa: S308
