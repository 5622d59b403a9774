"""Reading an organisation's team page: the committee in post and those who left, the
elections with how many each elected, a vacant 书记 post, and where the organisation stands
in this year's 换届 (the one reading of teams.renewal)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from orgs.models import Organization

from .choices import Position
from .models import CommitteeMember, Election
from .renewal import RenewalRow, is_village_or_community, renewal_rows
from .selectors import elections_of, past_members, secretary_vacancies, team_on


@dataclass
class ElectionLine:
    election: Election
    elected: int  # committee members recorded as elected by it


@dataclass
class TeamPage:
    organization: Organization
    current: list[CommitteeMember]
    past: list[CommitteeMember]
    elections: list[ElectionLine]
    #: no 书记 in post; `vacant_since` is the day the last one left (None: never recorded)
    secretary_vacant: bool
    vacant_since: datetime.date | None
    vacant_days: int | None
    renewal: RenewalRow | None  # None for a 党工委 or 临时党支部 (no term, no 换届)
    village: bool

    @property
    def people(self) -> list[CommitteeMember]:
        """Every row the page shows a person of (for the personal-data audit trail)."""
        return [*self.current, *self.past]


def renewal_row_of(org: Organization, *, today: datetime.date) -> RenewalRow | None:
    """`org`'s own row of this year's 换届. renewal_rows reads the subtree in three
    queries whatever its size; the row of the organisation itself is the first."""
    if not org.is_elected:
        return None
    rows = renewal_rows(org, year=today.year, today=today)
    return next((row for row in rows if row.organization.pk == org.pk), None)


def team_page(org: Organization, *, today: datetime.date) -> TeamPage:
    current = team_on(org, today)
    past = past_members(org, today)
    elected = Counter(m.election_id for m in (*current, *past) if m.election_id)
    vacant = not any(m.position == Position.SECRETARY for m in current)
    since = secretary_vacancies([org.pk], today).get(org.pk) if vacant else None
    return TeamPage(
        organization=org,
        current=current,
        past=past,
        elections=[ElectionLine(e, elected.get(e.pk, 0)) for e in elections_of(org)],
        secretary_vacant=vacant,
        vacant_since=since,
        vacant_days=(today - since).days if since else None,
        renewal=renewal_row_of(org, today=today),
        village=is_village_or_community(org),
    )


def ended_by(election: Election) -> int:
    """How many left the committee on the election's day because of a 换届: the posts an
    election ended, which deleting it does not restore."""
    return CommitteeMember.objects.filter(
        organization_id=election.organization_id,
        ended_on=election.held_on,
        leave_reason=_("换届"),
    ).count()
