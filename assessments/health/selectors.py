"""What the health pages read: the organisation a page is asked about, the findings
narrowed by the filters, and their counts per child of the top organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import PATH_STEP, get_visible_or_404, in_subtree
from orgs.selectors import scope_tops

from .findings import Finding


def chosen_or_top(user: Any, code: str) -> Organization | None:
    """The organisation a page is asked about: a visible ?org=CODE (404 otherwise, never
    403), else the first top of the user's scope in tree order; None without a scope."""
    code = (code or "").strip()
    if code:
        return get_visible_or_404(Organization.objects.all(), user, code=code)
    tops = scope_tops(user)
    return tops[0] if tops else None


def filter_findings(
    findings: list[Finding], *, rule: str = "", severity: str = ""
) -> list[Finding]:
    return [
        f
        for f in findings
        if (not rule or f.rule == rule) and (not severity or f.severity == severity)
    ]


@dataclass
class AreaCount:
    """Findings of one child's whole subtree (a township under a county)."""

    org: Organization | None
    label: str
    total: int = 0
    danger: int = 0
    warning: int = 0
    info: int = 0


def counts_by_child(
    top: Organization, children: list[Organization], findings: Iterable[Finding]
) -> list[AreaCount]:
    """One row per child of `top` (its whole subtree), then `top`'s own findings; one pass
    over the findings by path prefix."""
    rows = {c.path: AreaCount(org=c, label=c.name) for c in children}
    own = AreaCount(org=top, label=_("%(name)s（本级）") % {"name": top.name})
    width = len(top.path) + PATH_STEP
    for f in findings:
        if not in_subtree(f.org_path, top):
            continue
        row = rows.get(f.org_path[:width]) if len(f.org_path) >= width else own
        if row is None:
            continue
        row.total += 1
        setattr(row, f.severity, getattr(row, f.severity) + 1)
    return [*rows.values(), *([own] if own.total else [])]
