"""Reads of the organisation tree for pages and reports. All start from the scoping API."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .choices import OrgLevel, TermStatus
from .figures import member_counts
from .models import Organization
from .scope import READ_ROLES, UNRESTRICTED, scope_paths
from .terms import status_of


@dataclass
class TreeNode:
    org: Organization
    members: int = 0
    children: list[TreeNode] = field(default_factory=list)


def visible_tree(user: Any) -> list[TreeNode]:
    """The user's scope as a forest: one query for the organisations, one for counts."""
    orgs = list(
        Organization.objects.visible_to(user).only(
            "id",
            "path",
            "depth",
            "numchild",
            "code",
            "name",
            "kind",
            "level",
            "secretary_name",
            "term_started_on",
            "term_years",
            "is_weak_and_lax",
            "is_demonstration",
        )
    )
    counts = member_counts(o.id for o in orgs)
    nodes: dict[str, TreeNode] = {}
    roots: list[TreeNode] = []
    for org in orgs:  # ordered by path: parents come before their children
        node = TreeNode(org=org, members=counts.get(org.id, 0))
        nodes[org.path] = node
        parent = nodes.get(org.parent_path)
        (parent.children if parent else roots).append(node)
    return roots


def search_organizations(
    user: Any, *, q: str = "", level: str = "", term: str = "", kind: str = ""
) -> QuerySet[Organization]:
    qs = Organization.objects.visible_to(user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(secretary_name=q))
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    if term:
        today = timezone.localdate()
        ids = [
            pk
            for pk, kind_, started, years in qs.values_list(
                "pk", "kind", "term_started_on", "term_years"
            )
            if status_of(kind_, started, years, today) == term
        ]
        qs = qs.filter(pk__in=ids)
    return qs


@dataclass
class ScopeSummary:
    total: int
    by_level: list[tuple[str, int]]
    by_term: dict[str, int]
    weak_and_lax: int
    demonstration: int


def scope_summary(user: Any) -> ScopeSummary:
    """Key figures of the user's scope in one query."""
    rows = list(
        Organization.objects.visible_to(user).values_list(
            "level", "term_started_on", "term_years", "is_weak_and_lax", "is_demonstration", "kind"
        )
    )
    levels = Counter(r[0] for r in rows)
    today = timezone.localdate()
    terms = Counter(status_of(r[5], r[1], r[2], today) for r in rows)
    return ScopeSummary(
        total=len(rows),
        by_level=[(str(label), levels.get(value, 0)) for value, label in OrgLevel.choices],
        by_term={status: terms.get(status, 0) for status in TermStatus.values},
        weak_and_lax=sum(1 for r in rows if r[3]),
        demonstration=sum(1 for r in rows if r[4]),
    )


def visible_ancestors(user: Any, org: Organization) -> list[Organization]:
    """Ancestors of `org` that the user may see (for breadcrumbs)."""
    paths = [org.path[: i * org.steplen] for i in range(1, org.depth)]
    return list(Organization.objects.visible_to(user).filter(path__in=paths))


def scope_tops(user: Any, roles: Iterable[str] = READ_ROLES) -> list[Any]:
    """The top organisations of the user's scope for `roles`, in tree order (the roots
    for a superuser, [] without a scope)."""
    paths = scope_paths(user, roles)
    organizations = Organization.objects.order_by("path")
    if paths is UNRESTRICTED:
        return list(organizations.filter(depth=1))
    return list(organizations.filter(path__in=paths)) if paths else []
