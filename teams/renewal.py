"""换届 progress of a subtree: where each elected organisation stands in a year's 换届, and
the numbers (due, held, approved, overdue) the 换届 page, the dashboard and the bulletin
show. One reading, three pages: the figures cannot disagree.

An organisation is *due* in a year when its term ends in that year or ended before and was
not renewed, or when it held its election in that year. Its state, most advanced first:
approved (elected this year, the committee above approved), held (elected, awaiting the
approval), overdue (the term has ended and no election since), due (the term ends later this
year), not due, unknown (no term start recorded). A 党工委 or 临时党支部 is appointed and
is not part of a 换届.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from orgs.choices import OrgDomain, OrgLevel
from orgs.models import Organization
from orgs.roles import Role
from orgs.terms import NOT_ELECTED_KINDS, term_end

from .choices import Position
from .models import Candidate, Election


class RenewalState:
    APPROVED = "approved"
    HELD = "held"
    OVERDUE = "overdue"
    DUE = "due"
    NOT_DUE = "not_due"
    UNKNOWN = "unknown"


STATE_LABELS = {
    RenewalState.APPROVED: _("已换届并批复"),
    RenewalState.HELD: _("已选举，待批复"),
    RenewalState.OVERDUE: _("逾期未换届"),
    RenewalState.DUE: _("本年应换届"),
    RenewalState.NOT_DUE: _("未到换届期"),
    RenewalState.UNKNOWN: _("任期未录入"),
}


class VettingState:
    NOT_APPLICABLE = ""
    NONE = "none"
    PENDING = "pending"
    FAILED = "failed"
    PASSED = "passed"
    FILED = "filed"


VETTING_LABELS = {
    VettingState.NOT_APPLICABLE: "—",
    VettingState.NONE: _("未提名人选"),
    VettingState.PENDING: _("联审中"),
    VettingState.FAILED: _("联审未通过"),
    VettingState.PASSED: _("联审通过，待备案"),
    VettingState.FILED: _("已县级备案"),
}
# A village with several 书记 candidates shows its most advanced one.
VETTING_RANK = {
    VettingState.NONE: 0,
    VettingState.FAILED: 1,
    VettingState.PENDING: 2,
    VettingState.PASSED: 3,
    VettingState.FILED: 4,
}
#: the vetting states in the order of the process, most advanced first, as pages list them
VETTING_ORDER = tuple(sorted(VETTING_RANK, key=VETTING_RANK.__getitem__, reverse=True))
#: who reads a subtree's 换届 progress (the 换届 page, the dashboard's link to it)
RENEWAL_ROLES = (Role.STAFF, Role.LEADER)


def is_village_or_community(org: Organization) -> bool:
    """The organisations whose 书记 candidates pass a 资格联审 (DOMAIN.md)."""
    return org.level == OrgLevel.VILLAGE and org.domain in (
        OrgDomain.RURAL,
        OrgDomain.URBAN_COMMUNITY,
    )


@dataclass
class RenewalRow:
    organization: Organization
    term_ends_on: datetime.date | None
    state: str
    due: bool
    latest_election: Election | None
    vetting: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def vetting_label(self) -> str:
        return str(VETTING_LABELS[self.vetting])


@dataclass
class RenewalProgress:
    year: int
    due: int = 0
    held: int = 0
    approved: int = 0
    overdue: int = 0
    awaiting_approval: int = 0
    vetting: Counter = field(default_factory=Counter)

    @property
    def running(self) -> bool:
        """Whether a 换届 is running in the year: some organisation is due in it."""
        return self.due > 0


def renewal_rows(org: Organization, *, year: int, today: datetime.date) -> list[RenewalRow]:
    """Every elected organisation of `org`'s subtree, in tree order (three queries)."""
    orgs = list(Organization.objects.within(org).exclude(kind__in=NOT_ELECTED_KINDS))
    ids = [o.id for o in orgs]
    latest: dict[int, Election] = {}
    approved_start: dict[int, datetime.date] = {}
    # As of `today`: elections held later did not happen yet, approvals given later were
    # not given yet, and the term then ran from the latest election approved by then.
    for election in Election.objects.filter(organization_id__in=ids, held_on__lte=today).order_by(
        "organization_id", "-held_on"
    ):
        if election.approved_on is not None and election.approved_on > today:
            election.approved_on = None
        latest.setdefault(election.organization_id, election)
        if election.approved_on is not None:
            approved_start.setdefault(election.organization_id, election.held_on)
    vetting = _vetting_states([o for o in orgs if is_village_or_community(o)])
    rows = []
    for o in orgs:
        election = latest.get(o.id)
        started_on = approved_start.get(o.id)
        ends_on = term_end(o.kind, started_on, o.term_years) if started_on else o.term_ends_on
        state = _state(ends_on, election, year, today)
        held_in_year = election is not None and election.held_on.year == year
        due = held_in_year or (ends_on is not None and ends_on.year <= year)
        rows.append(
            RenewalRow(
                organization=o,
                term_ends_on=ends_on,
                state=state,
                due=due,
                latest_election=election,
                vetting=vetting.get(o.id, VettingState.NOT_APPLICABLE),
            )
        )
    return rows


def _state(
    ends_on: datetime.date | None,
    election: Election | None,
    year: int,
    today: datetime.date,
) -> str:
    if election is not None and election.held_on.year == year:
        return RenewalState.APPROVED if election.is_approved else RenewalState.HELD
    if election is not None and not election.is_approved:
        return RenewalState.HELD  # an earlier year's election still waiting
    if ends_on is None:
        return RenewalState.UNKNOWN
    if ends_on <= today:
        return RenewalState.OVERDUE
    if ends_on.year <= year:
        return RenewalState.DUE
    return RenewalState.NOT_DUE


def _vetting_states(villages: list[Organization]) -> dict[int, str]:
    """Each village's most advanced 书记 candidate: filed, passed, pending, failed, none."""
    states = {o.id: VettingState.NONE for o in villages}
    candidates = (
        Candidate.objects.filter(organization_id__in=list(states), position=Position.SECRETARY)
        .prefetch_related("checks")
        .only("id", "organization_id", "filed_on")
    )
    for candidate in candidates:
        state = candidate.vetting_state(list(candidate.checks.all()))
        if state == "passed" and candidate.filed_on:
            state = VettingState.FILED
        current = states[candidate.organization_id]
        if VETTING_RANK[state] > VETTING_RANK[current]:
            states[candidate.organization_id] = state
    return states


def renewal_progress(rows: list[RenewalRow], *, year: int) -> RenewalProgress:
    progress = RenewalProgress(year=year)
    for row in rows:
        if not row.due:
            continue
        progress.due += 1
        if row.state in (RenewalState.APPROVED, RenewalState.HELD):
            progress.held += 1
        if row.state == RenewalState.APPROVED:
            progress.approved += 1
        if row.state == RenewalState.HELD:
            progress.awaiting_approval += 1
        if row.state == RenewalState.OVERDUE:
            progress.overdue += 1
        if row.vetting:
            progress.vetting[row.vetting] += 1
    return progress


def progress_for(org: Organization, *, year: int, today: datetime.date) -> RenewalProgress:
    return renewal_progress(renewal_rows(org, year=year, today=today), year=year)


__all__ = [
    "RENEWAL_ROLES",
    "STATE_LABELS",
    "VETTING_LABELS",
    "VETTING_ORDER",
    "RenewalProgress",
    "RenewalRow",
    "RenewalState",
    "VettingState",
    "progress_for",
    "renewal_progress",
    "renewal_rows",
]
