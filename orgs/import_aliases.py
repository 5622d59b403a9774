"""A county's own import habits (导入别名): the header texts and value spellings its
offices write, taught to the portal by its staff instead of by a developer.

A *header alias* (blank `column`) reads a column header `alias` as the data dictionary's
column `meaning` ("党员姓名" → "姓名"). A *value alias* reads the cell text `alias` of the
choice column `column` as its label `meaning` ("男性" → "男" in 性别).

Who sees and changes them (ImportAliasAdmin):
- staff whose scope covers the county (its own 组织部, a city above it, superusers) see,
  add, change and delete that county's aliases;
- staff of a township or branch under the county read them, since they apply to their
  imports too, but change nothing;
- staff of another county, secretaries and leaders see none.

Which apply to an import (`aliases_for_import`): those of the county whose subtree holds
every top of the importer's write scope (`orgs.selectors.scope_tops`); a user above the
counties (a city) or spread over two counties gets none. An import without a user (the
deployer's `import_data` without --user) uses the aliases of the only county when the
portal holds exactly one county, and none otherwise: there is no county to choose from.

The model is in orgs/import_alias_model.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .choices import OrgLevel
from .import_alias_model import ImportAlias, enclosing_paths
from .models import Organization
from .roles import WRITE_ROLES, Role
from .scope import (
    UNRESTRICTED,
    can_edit_path,
    in_subtree,
    scope_paths,
)
from .selectors import scope_tops


def editable_counties(user: Any):
    """The counties whose aliases `user` may add and change: those in their staff scope."""
    return Organization.objects.filter(level=OrgLevel.COUNTY).editable_by(user)


def may_read_aliases_of(user: Any, county: Organization) -> bool:
    """Staff of the county or above it, and staff under it (see the module docstring)."""
    paths = scope_paths(user, (Role.STAFF,))
    if paths is UNRESTRICTED:
        return True
    return any(in_subtree(p, county) or in_subtree(county.path, p) for p in paths)


def may_change_aliases_of(user: Any, county: Organization) -> bool:
    return can_edit_path(user, county.path)


@dataclass(frozen=True)
class TableAliases:
    """The aliases of one table that apply to one import."""

    #: header text as written → the column it names
    headers: dict[str, str] = field(default_factory=dict)
    #: column → {cell text as written → the label it means}
    values: dict[str, dict[str, str]] = field(default_factory=dict)


def counties_for_import(user: Any) -> list[str]:
    """Tree paths of the organisations whose aliases apply to `user`'s imports (see the
    module docstring); only counties carry aliases."""
    if user is None:
        only = list(Organization.objects.filter(level=OrgLevel.COUNTY).values_list("path")[:2])
        return [only[0][0]] if len(only) == 1 else []
    tops = [top.path for top in scope_tops(user, WRITE_ROLES)]
    if not tops:
        return []
    return [p for p in enclosing_paths(tops[0]) if all(in_subtree(t, p) for t in tops)]


def aliases_for_import(user: Any, table: str) -> TableAliases:
    """The aliases of `table` that apply to an import by `user` (None: the deployer)."""
    paths = counties_for_import(user)
    if not paths or not table:
        return TableAliases()
    rows = ImportAlias.objects.filter(table=table, county__path__in=paths).order_by(
        "county__path", "pk"
    )
    aliases = TableAliases()
    for column, alias, meaning in rows.values_list("column", "alias", "meaning"):
        if column:
            aliases.values.setdefault(column, {})[alias] = meaning
        else:
            aliases.headers[alias] = meaning
    return aliases
