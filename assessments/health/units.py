"""The organisations whose members the structure rules count (health.rules builds them,
health.teams reads them)."""

from __future__ import annotations

from dataclasses import dataclass

from orgs.models import Organization


@dataclass(frozen=True)
class Units:
    """The organisations whose members are counted, each with its whole subtree's."""

    places: list[Organization]
    branches: list[Organization]
    general_branches: list[Organization]
    committees: list[Organization]

    @property
    def paths(self) -> list[str]:
        every = (*self.places, *self.branches, *self.general_branches, *self.committees)
        return [o.path for o in every]
