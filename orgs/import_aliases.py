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

orgs.models imports this module, so the model belongs to the orgs app.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.registry import get_kind, kind_names
from core.tables import normalise_header
from core.widgets import NO, YES, ChoiceWidget, YesNoWidget

from .choices import OrgLevel
from .models import Organization
from .roles import WRITE_ROLES, Role
from .scope import (
    UNRESTRICTED,
    ScopedQuerySet,
    can_edit_path,
    in_subtree,
    parent_path,
    scope_paths,
    scope_q,
)
from .selectors import scope_tops


def table_choices() -> list[tuple[str, str]]:
    """The data-dictionary tables the apps registered (core.registry), read when the
    field is validated or shown, so that orgs need not know the apps above it."""
    return [(name, get_kind(name).label) for name in kind_names()]


def enclosing_paths(path: str) -> Iterator[str]:
    """The tree path `path` and those of every organisation above it."""
    while path:
        yield path
        path = parent_path(path)


class ImportAliasQuerySet(ScopedQuerySet):
    scope_prefix = "county__"

    def visible_to(self, user: Any) -> ImportAliasQuerySet:
        """Aliases of the counties in the user's staff scope, and of the counties above
        it (a township's staff read the aliases their imports use)."""
        paths = scope_paths(user, (Role.STAFF,))
        if paths is UNRESTRICTED:
            return self.all()
        if not paths:
            return self.none()
        above = sorted({p for path in paths for p in enclosing_paths(parent_path(path))})
        return self.filter(
            scope_q(user, self.scope_prefix, (Role.STAFF,)) | Q(county__path__in=above)
        )


class ImportAlias(models.Model):
    county = models.ForeignKey(
        Organization,
        verbose_name=_("所属县级党组织"),
        on_delete=models.CASCADE,
        related_name="import_aliases",
        help_text=_("别名只用于该县范围内的导入。"),
    )
    table = models.CharField(_("数据表"), max_length=20, choices=table_choices)
    column = models.CharField(
        _("列名"),
        max_length=50,
        blank=True,
        help_text=_("取值别名填写该可选值列的列名（如“性别”）；留空表示这是表头别名。"),
    )
    alias = models.CharField(
        _("别名"), max_length=100, help_text=_("表格里实际写的表头或取值，如“党员姓名”“男性”。")
    )
    meaning = models.CharField(
        _("对应含义"),
        max_length=100,
        help_text=_("表头别名填写它对应的标准列名；取值别名填写它对应的标准可选值。"),
    )

    objects = ImportAliasQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("导入别名")
        verbose_name_plural = _("导入别名")
        ordering = ["table", "column", "alias"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "table", "column", "alias"], name="import_alias_unique"
            )
        ]

    def __str__(self) -> str:
        column = self.column or gettext("表头")
        return f"{self.get_table_display()}·{column}：{self.alias} → {self.meaning}"

    @property
    def is_header_alias(self) -> bool:
        return not self.column

    def clean(self) -> None:
        self.column, self.alias, self.meaning = (
            self.column.strip(),
            self.alias.strip(),
            self.meaning.strip(),
        )
        if self.county_id is not None and self.county.level != OrgLevel.COUNTY:
            raise ValidationError({"county": _("导入别名只能属于县级党组织。")})
        if self.table not in kind_names():
            raise ValidationError(
                {"table": _("没有名为“%(table)s”的数据表。") % {"table": self.table}}
            )
        if not self.alias:
            return  # the field's own "required" error says it
        if self.is_header_alias:
            self.clean_header_alias()
        else:
            self.clean_value_alias()

    def clean_header_alias(self) -> None:
        columns = table_columns(self.table)
        label = get_kind(self.table).label
        if self.meaning not in columns:
            raise ValidationError(
                {
                    "meaning": _("表头别名的“对应含义”须为“%(table)s”表的列名之一：%(columns)s。")
                    % {"table": label, "columns": "、".join(columns)}
                }
            )
        if normalise_header(self.alias) in {normalise_header(c) for c in columns}:
            raise ValidationError(
                {"alias": _("“%(alias)s”已是该表的列名，不需要别名。") % {"alias": self.alias}}
            )

    def clean_value_alias(self) -> None:
        choices = choice_columns(self.table)
        label = get_kind(self.table).label
        if self.column not in choices:
            raise ValidationError(
                {
                    "column": _(
                        "“%(column)s”不是“%(table)s”表的可选值列，取值别名只能用于：%(columns)s。"
                    )
                    % {"column": self.column, "table": label, "columns": "、".join(choices)}
                }
            )
        labels = choices[self.column]
        if self.meaning not in labels:
            raise ValidationError(
                {
                    "meaning": _("“%(meaning)s”不是“%(column)s”的可选值，只能填写：%(labels)s。")
                    % {"meaning": self.meaning, "column": self.column, "labels": "、".join(labels)}
                }
            )
        if self.alias in labels:
            raise ValidationError(
                {"alias": _("“%(alias)s”本身就是可选值，不需要别名。") % {"alias": self.alias}}
            )


# --- what a table offers ------------------------------------------------------------------
def table_columns(table: str) -> list[str]:
    """The column names of a data-dictionary table, in file order."""
    return [c.name for c in get_kind(table).resource.columns]


def widget_labels(widget: Any) -> tuple[str, ...]:
    """The labels a choice column accepts; () for a column that is not one."""
    if isinstance(widget, ChoiceWidget):
        return tuple(widget.by_label)
    if isinstance(widget, YesNoWidget):
        return (YES, NO)
    return ()


def choice_columns(table: str) -> dict[str, tuple[str, ...]]:
    """The choice columns of a table (those value aliases may add spellings to) and their
    labels, read from the resource's declared fields."""
    result: dict[str, tuple[str, ...]] = {}
    for fld in get_kind(table).resource.fields.values():
        labels = widget_labels(fld.widget)
        if labels and fld.column_name:
            result[fld.column_name] = labels
    return result


# --- selectors ----------------------------------------------------------------------------
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
