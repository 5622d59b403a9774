"""Per-organisation figures that later apps contribute without orgs importing them.

orgs sits at the bottom of the dependency graph (DESIGN.md), yet its pages show member
counts and warnings. The members app registers providers here in its AppConfig.ready();
with none registered every count is 0 and there is no warning, which is the truth while no
members are recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

MemberCountProvider = Callable[[Iterable[int]], dict[int, int]]
_member_count_providers: list[MemberCountProvider] = []


def register_member_count_provider(provider: MemberCountProvider) -> None:
    if provider not in _member_count_providers:
        _member_count_providers.append(provider)


def member_counts(org_ids: Iterable[int]) -> dict[int, int]:
    """Members directly in each organisation, by id (one query per provider)."""
    ids = list(org_ids)
    counts: dict[int, int] = dict.fromkeys(ids, 0)
    for provider in _member_count_providers:
        for org_id, count in provider(ids).items():
            counts[org_id] = counts.get(org_id, 0) + count
    return counts


# --- warnings on an organisation's page ----------------------------------------------------
# Each provider takes an organisation and returns Chinese warning sentences about its
# subtree (e.g. stalled development cases, mobile members out of contact).
OrgWarningProvider = Callable[[Any], list[str]]
_org_warning_providers: list[OrgWarningProvider] = []


def register_org_warning_provider(provider: OrgWarningProvider) -> None:
    if provider not in _org_warning_providers:
        _org_warning_providers.append(provider)


def org_warnings(org: Any) -> list[str]:
    """Every registered provider's warnings for `org` and its subtree, in order."""
    warnings: list[str] = []
    for provider in _org_warning_providers:
        warnings.extend(provider(org))
    return warnings
