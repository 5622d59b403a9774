"""The 换届 section of the dashboard and the bulletin: a year's 换届 progress in a subtree as
of a day, read once from `teams.renewal` (the 换届 page's own reading, so the three cannot
disagree), and shown only while a 换届 is running there.

Both callers pass the day their other figures are computed for (`figures.as_of_for`: the
quarter's last day, or today while the quarter runs) and the quarter's year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from orgs.models import Organization
from teams.renewal import (
    VETTING_LABELS,
    VETTING_ORDER,
    RenewalProgress,
    RenewalRow,
    RenewalState,
    renewal_progress,
    renewal_rows,
)
from teams.renewal_table import due_rows, with_state

#: overdue organisations the dashboard names (the bulletin and the 换届 page list them all)
NAMED_OVERDUE = 10


@dataclass(frozen=True)
class RenewalFigure:
    label: str
    value: int
    #: the 换届 page's state filter (?status=) listing these organisations: "" for every
    #: due one, None when no single state does
    state: str | None


@dataclass(frozen=True)
class RenewalSection:
    year: int
    as_of: datetime.date
    progress: RenewalProgress
    #: the due organisations whose term has ended without an election, in tree order
    overdue: list[RenewalRow]

    @property
    def figures(self) -> list[RenewalFigure]:
        p = self.progress
        return [
            RenewalFigure(str(_("应换届")), p.due, ""),
            RenewalFigure(str(_("已选举")), p.held, None),
            RenewalFigure(str(_("已批复")), p.approved, RenewalState.APPROVED),
            RenewalFigure(str(_("已选举，待批复")), p.awaiting_approval, RenewalState.HELD),
            RenewalFigure(str(_("逾期未换届")), p.overdue, RenewalState.OVERDUE),
        ]

    @property
    def vetting(self) -> list[tuple[str, int]]:
        """(label, count) of the 书记 candidates' 资格联审 of the due villages and
        communities, most advanced first; states nobody is in are left out."""
        counts = self.progress.vetting
        return [(str(VETTING_LABELS[s]), counts[s]) for s in VETTING_ORDER if counts[s]]

    @property
    def overdue_named(self) -> list[RenewalRow]:
        return self.overdue[:NAMED_OVERDUE]

    @property
    def overdue_unnamed(self) -> int:
        return max(0, len(self.overdue) - NAMED_OVERDUE)


def renewal_section(org: Organization, *, year: int, as_of: datetime.date) -> RenewalSection | None:
    """`org`'s subtree in the `year`'s 换届 as of `as_of`, or None when no organisation
    there is due that year (the caller has checked that the user may see `org`)."""
    rows = renewal_rows(org, year=year, today=as_of)
    progress = renewal_progress(rows, year=year)
    if not progress.running:
        return None
    overdue = with_state(due_rows(rows), RenewalState.OVERDUE)  # as the 换届 page lists them
    return RenewalSection(year=year, as_of=as_of, progress=progress, overdue=overdue)
