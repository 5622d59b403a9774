"""Reading accounts for the account pages: the list with its search, filters and sorting,
who is locked out by the login throttle, and the organisations still without a
secretary account."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from orgs.choices import OrgLevel
from orgs.models import Organization
from orgs.roles import Role

from ..models import Assignment, User
from .scope import assignments_in_scope, listed_users, managed_users

#: ?sort= values of the account list and the column each orders by
SORTS: dict[str, str] = {
    "username": "username",
    "name": "full_name",
    "last_login": "last_login",
    "joined": "date_joined",
}
DEFAULT_SORT = "username"


class Status:
    ACTIVE = "active"
    INACTIVE = "inactive"
    LOCKED = "locked"
    MUST_CHANGE = "must_change"


# --------------------------------------------------------------------- the login throttle


def failure_limit() -> int:
    try:
        return int(get_failure_limit(None, {}))
    except Exception:  # noqa: BLE001 - a custom limit that needs a request: axes' default
        return settings.AXES_FAILURE_LIMIT


def locked_attempts() -> QuerySet[AccessAttempt]:
    """The throttle's records that lock their (user name, address) pair right now: as
    many failures as the limit, the last one inside the cool-off (axes' own rule)."""
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=failure_limit())
    try:
        cool_off: datetime.timedelta | None = get_cool_off()
    except Exception:  # noqa: BLE001 - a cool-off that needs a request: count it as locked
        cool_off = None
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of `usernames` cannot sign in now because of the login throttle (one query)."""
    names = sorted(set(usernames))
    if not names:
        return set()
    return set(locked_attempts().filter(username__in=names).values_list("username", flat=True))


# --------------------------------------------------------------------- the account list


def account_list(
    actor: Any, *, q: str = "", role: str = "", status: str = "", sort: str = DEFAULT_SORT
) -> QuerySet[User]:
    """The accounts on `actor`'s list, each with `scoped_assignments`: its roles inside the
    actor's subtree, with their organisations (one prefetch query per page)."""
    users = listed_users(actor)
    inside = assignments_in_scope(actor)
    if q:
        in_orgs = inside.filter(
            Q(organization__name__icontains=q) | Q(organization__code__iexact=q)
        )
        users = users.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(pk__in=in_orgs.values("user_id"))
        )
    if role in Role.values:
        users = users.filter(pk__in=inside.filter(role=role).values("user_id"))
    if status == Status.ACTIVE:
        users = users.filter(is_active=True)
    elif status == Status.INACTIVE:
        users = users.filter(is_active=False)
    elif status == Status.LOCKED:
        users = users.filter(username__in=locked_attempts().values("username"))
    elif status == Status.MUST_CHANGE:
        users = users.filter(must_change_password=True)
    descending = sort.startswith("-")
    column = SORTS.get(sort.removeprefix("-"), SORTS[DEFAULT_SORT])
    order = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return users.order_by(order, "username").prefetch_related(
        Prefetch(
            "assignments",
            queryset=inside.select_related("organization").order_by("organization__path", "role"),
            to_attr="scoped_assignments",
        )
    )


@dataclass(frozen=True)
class AccountRow:
    user: User
    assignments: list[Assignment]  # inside the actor's subtree
    managed: bool  # the actor may reset, unlock, deactivate it (scope.managed_users)
    locked: bool  # the login throttle refuses it now


def account_rows(actor: Any, users: Iterable[User]) -> list[AccountRow]:
    """A page of the list with what each row offers (two queries for the whole page)."""
    users = list(users)
    ids = [user.pk for user in users]
    managed = set(managed_users(actor).filter(pk__in=ids).values_list("pk", flat=True))
    locked = locked_usernames(user.username for user in users)
    return [
        AccountRow(
            user=user,
            assignments=getattr(user, "scoped_assignments", []),
            managed=user.pk in managed,
            locked=user.username in locked,
        )
        for user in users
    ]


def locked_count(actor: Any) -> int:
    """How many accounts of the list are locked out now (for the notice above it)."""
    return listed_users(actor).filter(username__in=locked_attempts().values("username")).count()


# --------------------------------------------------------------------- missing secretaries


def organizations_missing_secretary(
    actor: Any, within: Organization | None = None
) -> QuerySet[Organization]:
    """Organisations of `actor`'s subtree (of `within`'s, if given) that have a 书记姓名
    but no active secretary account: a deactivated account (a former secretary) does not
    count, so the successor's account can be made."""
    organizations = Organization.objects.editable_by(actor).exclude(secretary_name="")
    if within is not None:
        organizations = organizations.within(within)
    active_secretary = Assignment.objects.filter(
        organization=OuterRef("pk"), role=Role.SECRETARY, user__is_active=True
    )
    return organizations.filter(~Exists(active_secretary)).order_by("path")


def bulk_townships(actor: Any) -> QuerySet[Organization]:
    """The township committees of `actor`'s subtree: the choices of a bulk creation."""
    return Organization.objects.editable_by(actor).filter(level=OrgLevel.TOWNSHIP).order_by("path")


def slip_groups(organizations: Iterable[Organization]) -> dict[int, Organization]:
    """For each organisation (by id), the one its slips are printed with: its township
    committee (or itself, if it is one), else its county, else itself (one query)."""
    organizations = list(organizations)
    steplen = Organization.steplen
    prefixes = {
        org.path[:end]
        for org in organizations
        for end in range(steplen, len(org.path) + 1, steplen)
    }
    heads = {
        head.path: head
        for head in Organization.objects.filter(
            path__in=prefixes, level__in=(OrgLevel.TOWNSHIP, OrgLevel.COUNTY)
        )
    }
    groups: dict[int, Organization] = {}
    for org in organizations:
        ancestors = [org.path[:end] for end in range(len(org.path), 0, -steplen)]
        township = next(
            (heads[p] for p in ancestors if p in heads and heads[p].level == OrgLevel.TOWNSHIP),
            None,
        )
        county = next(
            (heads[p] for p in ancestors if p in heads and heads[p].level == OrgLevel.COUNTY), None
        )
        groups[org.pk] = township or county or org
    return groups
