"""The import resources of the organisation tree: every table of the data dictionary is
imported under the importing user's write scope, and only 组织部 staff import."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import tablib
from django.utils.translation import gettext as _
from import_export import widgets

from core.importing import PortalResource
from core.keys import normalise_key
from core.tables import cell_text, normalise_header
from core.widgets import shown

from .import_aliases import TableAliases, aliases_for_import
from .models import Organization, code_validator
from .scope import can_edit_path, is_staff_member

#: what an organisation's name ends with to say its kind, longest first: the "short
#: name" offices write leaves it out ("甲一村" for "甲一村党支部" or "甲一村支部")
KIND_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        (
            "党委",
            "党工委",
            "党总支",
            "党总支部",
            "总支",
            "党支部",
            "支部",
            "联合党支部",
            "联合支部",
            "临时党支部",
            "临时支部",
            "委员会",
        ),
        key=len,
        reverse=True,
    )
)
#: candidates an ambiguous name's message lists before "等 N 个"
LISTED_CANDIDATES = 5


def name_key(name: str) -> str:
    """A name as names are compared: NFKC, invisible characters and blanks removed."""
    return normalise_key(name, compact=True)


def short_name(key: str) -> str:
    """`key` (see name_key) without its kind suffix; "" when it has none."""
    for suffix in KIND_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return ""


class OrganizationCodeWidget(widgets.Widget):
    """A 组织代码 column naming the organisation a row belongs to, by its code, its full
    name or its short name (the name without 党支部, 党委 …).

    All organisations are loaded once per import (a county has hundreds, a city a few
    thousand), so rows cost no query. A code is looked up among all of them and checked
    against `resource.user`'s write scope per row, as it always was. A name is looked up
    only inside the write scope: a name that exists only outside it gets the same answer as
    one that does not exist, so a file cannot probe other subtrees by name.
    """

    def __init__(self, resource_user_getter, *, required: bool = True):
        super().__init__(coerce_to_string=True)
        self.user_getter = resource_user_getter
        self.required = required
        self._by_code: dict[str, Organization] | None = None
        self._by_name: dict[str, list[Organization]] = {}
        self._by_short_name: dict[str, list[Organization]] = {}

    def organizations(self) -> dict[str, Organization]:
        if self._by_code is None:
            user = self.user_getter()
            by_name: dict[str, list[Organization]] = defaultdict(list)
            by_short_name: dict[str, list[Organization]] = defaultdict(list)
            self._by_code = {}
            for org in Organization.objects.all():  # tree order: candidates are listed so
                self._by_code[org.code] = org
                if user is not None and not can_edit_path(user, org.path):
                    continue
                key = name_key(org.name)
                by_name[key].append(org)
                if short := short_name(key):
                    by_short_name[short].append(org)
            self._by_name, self._by_short_name = dict(by_name), dict(by_short_name)
        return self._by_code

    def named(self, text: str) -> list[Organization]:
        """Organisations of the write scope whose full name, or else short name, is `text`."""
        self.organizations()
        key = name_key(text)
        return self._by_name.get(key) or self._by_short_name.get(key, [])

    def clean(self, value: Any, row=None, **kwargs):
        text = normalise_key(cell_text(value))
        if not text:
            if self.required:
                raise ValueError(_("必填，请填写所在党组织的组织代码或名称。"))
            return None
        org = self.organizations().get(text)
        if org is not None:
            user = self.user_getter()
            if user is not None and not can_edit_path(user, org.path):
                raise ValueError(_("组织“%(code)s”不在您的管辖范围内。") % {"code": shown(text)})
            return org
        matches = self.named(text)
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError(ambiguous_name_message(text, matches))
        if code_validator.regex.fullmatch(text):
            raise ValueError(_("组织代码“%(code)s”不存在。") % {"code": shown(text)})
        raise ValueError(
            _("您的管辖范围内没有名为“%(name)s”的党组织，请核对名称或改填组织代码。")
            % {"name": shown(text)}
        )

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return value.code if value is not None else ""


def ambiguous_name_message(text: str, candidates: list[Organization]) -> str:
    listed = "、".join(f"{o.name}（{o.code}）" for o in candidates[:LISTED_CANDIDATES])
    if len(candidates) > LISTED_CANDIDATES:
        listed += _("等 %(n)d 个") % {"n": len(candidates)}
    return _("“%(name)s”对应多个党组织：%(candidates)s，请改填组织代码。") % {
        "name": shown(text),
        "candidates": listed,
    }


class ScopedResource(PortalResource):
    """A data-dictionary resource whose rows belong to organisations: `user` (None: the
    deployer's full scope) reaches only rows of its write scope, rows aimed outside it are
    errors, and the 组织代码 column is read by OrganizationCodeWidget.

    The importer's county may have taught the portal its own header texts and value
    spellings (orgs.import_aliases); they are read once, when an import first needs them,
    so that exports and blank templates cost no query.
    """

    def __init__(self, user: Any = None, source: str = "", **kwargs: Any) -> None:
        super().__init__(user=user, source=source, **kwargs)
        self._county_aliases: TableAliases | None = None
        if self.organization_field:
            self.fields[self.organization_field].widget = OrganizationCodeWidget(lambda: self.user)

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return is_staff_member(user)

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.user is None else queryset.editable_by(self.user)

    # --- the county's aliases ----------------------------------------------------------
    def apply_import_aliases(self) -> dict[str, tuple[str, ...]]:
        """Read the county's aliases of this table (once), give the value aliases to the
        widgets of their columns, and return the header aliases: column → the header
        texts that name it besides its own, built-in ones first."""
        if self._county_aliases is None:
            self._county_aliases = aliases_for_import(self.user, self.table)
            for fld in self.fields.values():
                spellings = self._county_aliases.values.get(fld.column_name)
                # Widgets without aliases (dates, numbers …) have nothing to learn.
                if spellings and hasattr(fld.widget, "add_aliases"):
                    fld.widget.add_aliases(spellings)
        merged = {column: tuple(texts) for column, texts in self.header_aliases.items()}
        for alias, column in self._county_aliases.headers.items():
            merged[column] = (*merged.get(column, ()), alias)
        return merged

    def header_alias_map(self) -> dict[str, str]:
        """Normalised header text → the column it names: the data dictionary's names, the
        built-in aliases and the county's, which win over a built-in alias of the same
        text but never over a column's own name."""
        mapping = super().header_alias_map()
        own_names = {normalise_header(name) for name in self.expected_headers()}
        self.apply_import_aliases()
        for alias, column in self._county_aliases.headers.items():
            text = normalise_header(alias)
            if text not in own_names:
                mapping[text] = column
        return mapping

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        self.apply_import_aliases()  # before the instance loader reads any cell
        super().before_import(dataset, **kwargs)
