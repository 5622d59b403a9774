"""Recording an election: the election, the committee it elected, the term it starts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organization

from ..choices import Origin
from ..models import CommitteeMember, Election
from .committee import end_membership, sync_secretary


@dataclass(frozen=True)
class ElectedMember:
    name: str
    id_number: str
    position: str
    concurrent_post: str = ""


def sync_term(org: Organization) -> None:
    """The term starts on the day of the latest approved election. Without an approved
    election the organisation keeps the term start it was given (an imported
    本届任期开始日期 from before the portal kept elections)."""
    latest = (
        Election.objects.filter(organization=org)
        .approved()
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    if latest is not None and org.term_started_on != latest:
        org.term_started_on = latest
        org.save(update_fields=["term_started_on", "updated_at"])


@transaction.atomic
def save_election(election: Election) -> Election:
    """Save an election entered by hand or imported; the term follows approval."""
    election.save()
    sync_term(Organization.objects.get(pk=election.organization_id))
    return election


@transaction.atomic
def record_election(
    election: Election,
    committee: Iterable[ElectedMember],
    *,
    today: datetime.date | None = None,
) -> Election:
    """Save `election` with the committee it elected: everyone in post before the
    election day leaves on it (换届), the elected take their posts that day, and the
    organisation's term and 书记 follow."""
    today = today or timezone.localdate()
    org = Organization.objects.get(pk=election.organization_id)
    election.save()
    before = CommitteeMember.objects.filter(organization=org).in_post_on(election.held_on)
    for membership in before.filter(started_on__lt=election.held_on):
        end_membership(membership, on=election.held_on, reason=_("换届"))
    for person in committee:
        membership = CommitteeMember(
            organization=org,
            name=person.name,
            id_number=person.id_number,
            position=person.position,
            concurrent_post=person.concurrent_post,
            started_on=election.held_on,
            origin=Origin.ELECTED,
            election=election,
        )
        membership.link_member()
        membership.full_clean(exclude=["election"])
        membership.save()
    sync_term(org)
    org.refresh_from_db()
    sync_secretary(org, today=today)
    return election


@transaction.atomic
def approve_election(election: Election, *, approved_on: datetime.date) -> Election:
    election.approved_on = approved_on
    election.full_clean()
    election.save(update_fields=["approved_on", "updated_at"])
    sync_term(Organization.objects.get(pk=election.organization_id))
    return election


@transaction.atomic
def delete_election(election: Election) -> None:
    """Remove an election entered by mistake with the posts it started; those it ended
    are not restored (the page says so before asking to confirm)."""
    org = Organization.objects.get(pk=election.organization_id)
    CommitteeMember.objects.filter(election=election).delete()
    election.delete()
    sync_term(org)
    org.refresh_from_db()
    sync_secretary(org)
