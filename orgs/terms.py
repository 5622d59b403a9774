"""Terms of office (任期): defaults and status, from DOMAIN.md."""

from __future__ import annotations

import datetime

from core.periods import add_months

from .choices import OrgKind, OrgLevel, TermStatus

# A term due within this many months is a notice (DOMAIN.md, "practice").
EXPIRING_WITHIN_MONTHS = 6


def default_term_years(kind: str, level: str) -> int:
    """Village/community organisations and 基层党委 serve 5 years; other 党总支/党支部 3."""
    if level == OrgLevel.VILLAGE:
        return 5
    if kind in (OrgKind.PARTY_COMMITTEE, OrgKind.WORKING_COMMITTEE):
        return 5
    return 3


def term_status(ends_on: datetime.date | None, today: datetime.date) -> str:
    """Expired on the day the term ends; expiring when it ends within six months."""
    if ends_on is None:
        return TermStatus.UNKNOWN
    if ends_on <= today:
        return TermStatus.EXPIRED
    if ends_on <= add_months(today, EXPIRING_WITHIN_MONTHS):
        return TermStatus.EXPIRING
    return TermStatus.NORMAL
