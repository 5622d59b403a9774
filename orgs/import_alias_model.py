"""The 导入别名 table (see orgs/import_aliases.py for what the aliases do and who sees
them). Its own module, without the organisation model's module, so that orgs/models.py can
import it for Django to find the model without a circle; the county is named by string."""

from __future__ import annotations

from collections.abc import Iterator
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
from .roles import Role
from .scope import (
    UNRESTRICTED,
    ScopedQuerySet,
    parent_path,
    scope_paths,
    scope_q,
)


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
        "Organization",
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
