"""Maintaining the list templates: who may, copy-on-edit, items.

A template from which lists were issued is never edited in place: editing it makes a
copy (the next version of the same level and year, items copied), and the copy is
edited. Issued lists keep their own snapshot either way; the copy keeps the record of
what was issued. Only county staff (a root of the tree) and superusers maintain
templates: they are portal-wide configuration.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from orgs.scope import covers_root

from .models import ChecklistTemplate, TemplateItem

#: an item's content: what a copy of a template takes over, what staff edit beside `position`
COPIED_FIELDS = (
    "category",
    "content",
    "requirement",
    "points",
    "evidence_expected",
    "due_in_days",
    "indicator",
    "indicator_target",
)


def can_maintain_templates(user: Any) -> bool:
    return covers_root(user)


def _require(user: Any) -> None:
    if not can_maintain_templates(user):
        raise PermissionDenied


def template_in_use(template: ChecklistTemplate) -> bool:
    return template.lists.exists()


def _next_version(level: str, year: int) -> int:
    found = ChecklistTemplate.objects.filter(level=level, year=year).aggregate(v=Max("version"))
    return (found["v"] or 0) + 1


@transaction.atomic
def template_copy(
    *, user: Any, source: ChecklistTemplate, year: int | None = None, name: str = ""
) -> ChecklistTemplate:
    """A new version of `source` (or the first of `year`'s) with its items copied."""
    _require(user)
    year = year or source.year
    copy = ChecklistTemplate(
        level=source.level,
        year=year,
        version=_next_version(source.level, year),
        name=name or source.name,
        copied_from=source,
        created_by=user,
    )
    copy._history_user = user
    copy.save()
    bulk_create_with_history(
        [
            TemplateItem(
                template=copy,
                position=item.position,
                **{f: getattr(item, f) for f in COPIED_FIELDS},
            )
            for item in source.items.order_by("position")
        ],
        TemplateItem,
        default_user=user,
        default_change_reason=_("复制自第 %(v)d 版") % {"v": source.version},
    )
    return copy


def template_for_editing(*, user: Any, template: ChecklistTemplate) -> ChecklistTemplate:
    """The template to edit: itself while no list was issued from it, else a new copy."""
    _require(user)
    if template_in_use(template):
        return template_copy(user=user, source=template)
    return template


@transaction.atomic
def template_create(*, user: Any, level: str, year: int, name: str) -> ChecklistTemplate:
    """An empty template, the next version of its level and year."""
    _require(user)
    template = ChecklistTemplate(
        level=level, year=year, version=_next_version(level, year), name=name, created_by=user
    )
    template._history_user = user
    template.save()
    return template


def _require_editable(user: Any, template: ChecklistTemplate) -> None:
    _require(user)
    if template_in_use(template):
        raise ValidationError(
            _("已有清单按此模板下发，不能直接修改；请先“复制为新版本”，再修改新版本。")
        )


def item_save(*, user: Any, item: TemplateItem) -> TemplateItem:
    """Add or change an item of a template no list was issued from."""
    _require_editable(user, item.template)
    if (
        TemplateItem.objects.filter(template=item.template, position=item.position)
        .exclude(pk=item.pk)
        .exists()
    ):
        raise ValidationError(
            {"position": _("序号：本模板已有第 %(n)d 项。") % {"n": item.position}}
        )
    item._history_user = user
    item.save()
    return item


def item_delete(*, user: Any, item: TemplateItem) -> None:
    _require_editable(user, item.template)
    item._history_user = user
    item.delete()


def next_position(template: ChecklistTemplate) -> int:
    return (template.items.aggregate(p=Max("position"))["p"] or 0) + 1
