"""Builders of team data for the page tests: committee rows and elections made through the
services the pages use."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Permission
from django.utils import timezone

from core.periods import add_years
from orgs.models import Organization
from teams.choices import ElectionMethod, Origin, Position
from teams.models import CommitteeMember, Election
from teams.services.committee import end_membership, save_membership
from teams.services.elections import sync_term
from tests.helpers import id_number

TODAY = timezone.localdate()
#: a village term that ended a month ago (5 years): overdue this year
OVERDUE_START = add_years(TODAY, -5) - datetime.timedelta(days=30)

_seq = itertools.count(9001)


def person_id(female: bool = False) -> str:
    return id_number("1975-04-02", female=female, seq=next(_seq))


def fresh(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


def seat(
    org: Organization,
    name: str,
    position: str = Position.MEMBER,
    *,
    started_on: datetime.date = datetime.date(2021, 3, 1),
    ended_on: datetime.date | None = None,
    reason: str = "",
    number: str | None = None,
    **fields,
) -> CommitteeMember:
    membership = CommitteeMember(
        organization=fresh(org),
        name=name,
        id_number=number or person_id(),
        position=position,
        started_on=started_on,
        origin=fields.pop("origin", Origin.ELECTED),
        **fields,
    )
    save_membership(membership)
    if ended_on is not None:
        end_membership(membership, on=ended_on, reason=reason)
    return membership


def election(
    org: Organization,
    held_on: datetime.date,
    approved_on: datetime.date | None = None,
    **fields,
) -> Election:
    values = {
        "expected": 30,
        "present": 28,
        "method": ElectionMethod.COMPETITIVE,
        "candidates": 6,
        "seats": 5,
        "session": "第十届",
    }
    values.update(fields)
    made = Election.objects.create(
        organization=org, held_on=held_on, approved_on=approved_on, **values
    )
    sync_term(fresh(org))
    return made


def allow_full_view(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
