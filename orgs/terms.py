"""Terms of office (任期): defaults, end and status, from DOMAIN.md.

A 党工委 and a 临时党支部 are appointed by the committee above, not elected: they serve no
term, whatever 任期年限 holds (the column keeps its default so that the table's constraint
stays as it is; the term logic ignores it for these kinds).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from core.periods import add_months, add_years

from .choices import OrgKind, OrgLevel, TermStatus

# A term due within this many months is a notice (DOMAIN.md, "practice").
EXPIRING_WITHIN_MONTHS = 6

# Kinds appointed rather than elected: no term, no election due.
NOT_ELECTED_KINDS = frozenset({OrgKind.WORKING_COMMITTEE, OrgKind.TEMPORARY_BRANCH})
# The status of an organisation of those kinds, beside TermStatus's.
NOT_ELECTED = "not_elected"
NOT_ELECTED_LABEL = _("不实行任期制")


def is_elected(kind: str) -> bool:
    return kind not in NOT_ELECTED_KINDS


def default_term_years(kind: str, level: str) -> int:
    """Village/community organisations and 基层党委 serve 5 years; other 党总支/党支部 3."""
    if level == OrgLevel.VILLAGE:
        return 5
    if kind in (OrgKind.PARTY_COMMITTEE, OrgKind.WORKING_COMMITTEE):
        return 5
    return 3


def term_end(kind: str, started_on: datetime.date | None, years: int) -> datetime.date | None:
    """The day the current term ends; None without a start or for an appointed kind."""
    if not started_on or not is_elected(kind):
        return None
    return add_years(started_on, years)


def term_status(ends_on: datetime.date | None, today: datetime.date) -> str:
    """Expired on the day the term ends; expiring when it ends within six months."""
    if ends_on is None:
        return TermStatus.UNKNOWN
    if ends_on <= today:
        return TermStatus.EXPIRED
    if ends_on <= add_months(today, EXPIRING_WITHIN_MONTHS):
        return TermStatus.EXPIRING
    return TermStatus.NORMAL


def status_of(kind: str, started_on: datetime.date | None, years: int, today: datetime.date) -> str:
    """An organisation's term status from its stored fields: NOT_ELECTED for an appointed
    kind, else a TermStatus value."""
    if not is_elected(kind):
        return NOT_ELECTED
    return term_status(term_end(kind, started_on, years), today)


def status_label(status: str) -> str:
    return str(NOT_ELECTED_LABEL) if status == NOT_ELECTED else str(TermStatus(status).label)
