"""The data-dictionary tables that `import_data` / `export_data` and the admin know.

Each app registers its tables in AppConfig.ready(), so that core needs no import of them.
"""

from __future__ import annotations

from collections.abc import Callable
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


def get_kind(name: str) -> Kind:
    return _kinds[name]


def kind_names() -> list[str]:
    return list(_kinds)


DemoLoader = Callable[[], str]
_demo_loaders: dict[str, DemoLoader] = {}


def register_demo(name: str, loader: DemoLoader) -> None:
    """An app's demo data for `seed_demo`, run after the organisations and accounts
    exist; the loader returns a one-line summary and must be idempotent."""
    _demo_loaders[name] = loader


def demo_loaders() -> list[tuple[str, DemoLoader]]:
    return list(_demo_loaders.items())


_demo_documents: dict[str, DemoLoader] = {}


def register_demo_documents(name: str, builder: DemoLoader) -> None:
    """Documents of the demo (PDF bulletins) built after its data is committed, since
    they read what is stored; `seed_demo --no-bulletins` skips them (they take seconds)."""
    _demo_documents[name] = builder


def demo_document_builders() -> list[tuple[str, DemoLoader]]:
    return list(_demo_documents.items())
