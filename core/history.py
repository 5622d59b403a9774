"""The shape of a record's change history as the pages show it (django-simple-history
rows turned into who / when / what changed). Each app builds the entries with its own
rules for displaying values (masking, choices, organisation names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
