"""A record's change history as the pages show it: django-simple-history rows turned into
who / when / what changed. `history_entries` is the one builder; each app passes how its
values are displayed (masking, organisation names), and `templates/_history.html` is the
one way to show the entries."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

#: history records a page shows before "older records exist"
HISTORY_LIMIT = 20


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: Any
    user: Any
    action: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


Display = Callable[[str, Any], str]


def display_value(model: Any, field_name: str, value: Any) -> str:
    """A stored value as a person reads it: choices by label, yes/no, ISO dates, "" empty."""
    if value is None or value == "":
        return ""
    model_field = model._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def history_entries(
    history: Any,
    *,
    limit: int = HISTORY_LIMIT,
    display: Display | None = None,
    excluded_fields: Iterable[str] = (),
    computed_fields: Iterable[str] = (),
) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` records of a simple-history manager or queryset (`obj.history`),
    each with the fields it changed in the model's field order, and whether older records
    exist (one query). `display(field_name, value)` shows a value (default:
    `display_value`); fields in `excluded_fields` are never shown. simple-history compares
    editable fields only: `computed_fields` names the non-editable ones a page shows too
    (a total kept on the row by a service)."""
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    if not records:
        return [], False
    model = records[0].instance_type
    show = display or (lambda name, value: display_value(model, name, value))
    order = {f.name: i for i, f in enumerate(model._meta.fields)}
    hidden = set(excluded_fields)
    computed = tuple(computed_fields)
    entries = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            changed = [(c.field, c.old, c.new) for c in delta.changes]
            # diff_against reads editable fields only (model_to_dict)
            changed += [
                (name, getattr(older, name), getattr(newer, name))
                for name in computed
                if getattr(older, name) != getattr(newer, name)
            ]
            for name, old, new in sorted(changed, key=lambda c: order.get(c[0], 0)):
                if name in hidden:
                    continue
                changes.append(
                    FieldChange(
                        label=str(model._meta.get_field(name).verbose_name),
                        old=show(name, old),
                        new=show(name, new),
                    )
                )
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                user=newer.history_user,
                action=newer.get_history_type_display(),
                reason=newer.history_change_reason or "",
                changes=changes,
            )
        )
    return entries, len(records) > limit
