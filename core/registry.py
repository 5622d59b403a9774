"""The data-dictionary tables that `import_data` / `export_data` and the admin know.

Each app declares its tables as `KINDS` in its `kinds.py` and registers them in
AppConfig.ready(), so that core needs no import of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .importing import PortalResource


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    resource: type[PortalResource]
    #: path from the exported model to the Organization whose subtree scopes it
    org_prefix: str
    #: holds personal data: exports are masked unless allowed, and every export is logged
    personal: bool = False


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    _kinds[kind.name] = kind


def register_kinds(kinds: tuple[Kind, ...]) -> None:
    """Called from an app's ready() with the KINDS its `kinds.py` declares."""
    for kind in kinds:
        register_kind(kind)


def get_kind(name: str) -> Kind:
    return _kinds[name]


def kind_names() -> list[str]:
    return list(_kinds)
