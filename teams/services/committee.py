"""Writing a committee: members in and out of post, and the organisation's 书记 kept in
step with them.

`Organization.secretary_name` / `secretary_phone` are what every page shows; they follow
the 书记 in post here (`sync_secretary`). The organisation's own columns still take a name
(its form, the orgs table's 书记姓名): `feed_from_organization` turns a new name there into
a 书记 in post, so both ways of entering a secretary end in the same committee record.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from orgs.models import Organization

from ..choices import Position
from ..models import CommitteeMember

FIELDS_OF_SECRETARY = ("secretary_name", "secretary_phone")


def secretaries_in_post(org: Organization, day: datetime.date) -> list[CommitteeMember]:
    return list(
        CommitteeMember.objects.filter(organization=org)
        .secretaries()
        .in_post_on(day)
        .select_related("member")
        .order_by("-started_on", "-id")
    )


def sync_secretary(org: Organization, *, today: datetime.date | None = None) -> None:
    """Make the organisation's 书记 columns name the 书记 in post (blank when none).

    The phone is the roster's when the new secretary is a member with one; a phone kept
    for someone who left is cleared rather than shown beside the new name."""
    today = today or timezone.localdate()
    current = secretaries_in_post(org, today)
    secretary = current[0] if current else None
    name = secretary.name if secretary else ""
    if org.secretary_name == name:
        return
    org.secretary_name = name
    phone = secretary.member.phone if secretary and secretary.member else ""
    org.secretary_phone = phone or ""
    org.save(update_fields=[*FIELDS_OF_SECRETARY, "updated_at"])


def end_membership(
    membership: CommitteeMember, *, on: datetime.date, reason: str
) -> CommitteeMember | None:
    """Take `membership` out of post from `on`; a membership that began that very day was
    never really held and is removed (the record would end before it started). Returns
    the membership, or None when it was removed."""
    if membership.started_on >= on:
        membership.delete()
        return None
    membership.ended_on = on
    membership.leave_reason = reason
    membership.save(update_fields=["ended_on", "leave_reason", "updated_at"])
    return membership


def roster_member_named(org: Organization, name: str) -> Member | None:
    """The organisation's only current member of that name, if there is exactly one."""
    found = list(Member.objects.active().filter(organization=org, name=name)[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def feed_from_organization(org: Organization, *, today: datetime.date | None = None) -> None:
    """A 书记 name entered on the organisation itself becomes the 书记 in post.

    Nothing happens when the name is the one in post. A new name ends the current 书记's
    post today and starts the new one's (the first 书记 ever recorded starts with the
    term, when it is known); a cleared name ends the post.
    """
    today = today or timezone.localdate()
    name = org.secretary_name.strip()
    current = secretaries_in_post(org, today)
    if any(c.name == name for c in current):
        return
    for membership in current:
        reason = _("书记调整") if name else _("组织信息中清空了书记姓名")
        end_membership(membership, on=today, reason=reason)
    if not name:
        return
    first_ever = not CommitteeMember.objects.filter(organization=org).secretaries().exists()
    started_on = today
    if first_ever:
        known = org.term_started_on or org.founded_on
        started_on = known if known and known <= today else today
    member = roster_member_named(org, name)
    CommitteeMember.objects.create(
        organization=org,
        position=Position.SECRETARY,
        name=name,
        id_number=member.id_number if member else "",
        member=member,
        started_on=started_on,
    )


@transaction.atomic
def save_membership(membership: CommitteeMember, *, today: datetime.date | None = None) -> None:
    """Save a committee membership entered by hand or imported: linked to the roster's
    member by ID number, and the organisation's 书记 columns brought into step."""
    membership.link_member()
    if membership.position == Position.SECRETARY and membership.id_number:
        _absorb_name_only_secretary(membership)
    membership.save()
    sync_secretary(Organization.objects.get(pk=membership.organization_id), today=today)


def _absorb_name_only_secretary(membership: CommitteeMember) -> None:
    """A 书记 known only by name (fed from the organisation's columns) who is now given
    with an ID number is the same post: the name-only row is replaced, not doubled."""
    stale = CommitteeMember.objects.filter(
        organization_id=membership.organization_id,
        position=Position.SECRETARY,
        id_number="",
        name=membership.name,
        ended_on__isnull=True,
    ).exclude(pk=membership.pk)
    stale.delete()


@transaction.atomic
def delete_membership(membership: CommitteeMember, *, today: datetime.date | None = None) -> None:
    org = membership.organization
    membership.delete()
    sync_secretary(org, today=today)
