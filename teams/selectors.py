"""Reading teams: who is in post, since when a 书记 post has been vacant, election history."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import Max

from orgs.models import Organization

from .choices import Position
from .models import CommitteeMember, Election


def team_on(org: Organization, day: datetime.date) -> list[CommitteeMember]:
    """The committee in post on `day`, 书记 first, in the order of the posts."""
    order = {value: index for index, value in enumerate(Position.values)}
    rows = list(
        CommitteeMember.objects.filter(organization=org).in_post_on(day).select_related("member")
    )
    return sorted(rows, key=lambda m: (order.get(m.position, 99), m.started_on, m.pk))


def past_members(org: Organization, day: datetime.date) -> list[CommitteeMember]:
    """Those who have left the committee by `day`, most recent first."""
    return list(
        CommitteeMember.objects.filter(organization=org, ended_on__lte=day).order_by(
            "-ended_on", "position"
        )
    )


def elections_of(org: Organization) -> list[Election]:
    return list(Election.objects.filter(organization=org).order_by("-held_on"))


def secretary_vacancies(
    org_ids: Sequence[int], day: datetime.date
) -> dict[int, datetime.date | None]:
    """For each of `org_ids` without a 书记 in post on `day`: the day the post fell vacant
    (the last 书记's 离任日期), or None when no 书记 was ever recorded. Two queries."""
    in_post = set(
        CommitteeMember.objects.filter(organization_id__in=org_ids)
        .secretaries()
        .in_post_on(day)
        .values_list("organization_id", flat=True)
    )
    vacant = [pk for pk in org_ids if pk not in in_post]
    last_left = dict(
        CommitteeMember.objects.filter(organization_id__in=vacant, ended_on__lte=day)
        .secretaries()
        .values("organization_id")
        .annotate(last=Max("ended_on"))
        .values_list("organization_id", "last")
    )
    return {pk: last_left.get(pk) for pk in vacant}
