"""Who manages which accounts: the one place of the rule, used by the pages, the services
and the tests.

- Staff (and superusers) manage accounts; everyone else has no account pages at all.
- Staff give secretary and leader roles on organisations of their subtree. The staff role
  is given only by county staff (`covers_root`), and only strictly below their own
  organisation: nobody makes a peer or a superior, so nobody can take over a colleague's
  account with a role they gave themselves.
- An account is managed (password reset, unlock, deactivation) by whoever could have given
  every one of its roles: an account that also holds a role elsewhere, a colleague on the
  same level, a superuser or oneself is not theirs to change, and the pages answer 404 for
  it, as for an account that does not exist.
- Staff see the accounts holding a role in their subtree, with the roles inside it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from orgs.models import Organization
from orgs.roles import Role
from orgs.scope import (
    UNRESTRICTED,
    covers_root,
    is_staff_member,
    parent_path,
    path_allowed,
    scope_paths,
    scope_q,
    subtree_q,
)

from ..models import Assignment, User

STAFF_ONLY: tuple[str, ...] = (Role.STAFF,)
#: roles every staff member may give inside their subtree
SUBTREE_ROLES: tuple[str, ...] = (Role.SECRETARY, Role.LEADER)


def can_manage_accounts(actor: Any) -> bool:
    return is_staff_member(actor)


def may_grant(actor: Any, organization: Organization, role: str) -> bool:
    """Whether `actor` may give `role` on `organization` (and what lies under it)."""
    if role not in Role.values:
        return False
    paths = scope_paths(actor, STAFF_ONLY)
    if paths is UNRESTRICTED:
        return True
    if role in SUBTREE_ROLES:
        return path_allowed(actor, organization.path, STAFF_ONLY)
    # Strictly below the actor's organisation: its parent lies inside their scope.
    return covers_root(actor) and path_allowed(actor, parent_path(organization.path), STAFF_ONLY)


def grantable_roles(actor: Any) -> list[str]:
    """The roles `actor` may give somewhere, in Role order."""
    if not can_manage_accounts(actor):
        return []
    if covers_root(actor):
        return list(Role.values)
    return [role for role in Role.values if role in SUBTREE_ROLES]


def grantable_q(actor: Any) -> Q | None:
    """A filter on Assignment: the rows `actor` could have created; None means all."""
    paths = scope_paths(actor, STAFF_ONLY)
    if paths is UNRESTRICTED:
        return None
    if not paths:
        return Q(pk__in=[])
    condition = Q(role__in=SUBTREE_ROLES) & scope_q(actor, "organization__", STAFF_ONLY)
    if covers_root(actor):
        below = Q(pk__in=[])
        for path in paths:
            below |= subtree_q(path, "organization__", below_only=True)
        condition |= Q(role=Role.STAFF) & below
    return condition


def managed_users(actor: Any) -> QuerySet[User]:
    """The accounts `actor` may reset, unlock, deactivate and reactivate."""
    if not can_manage_accounts(actor):
        return User.objects.none()
    others = User.objects.exclude(pk=actor.pk)
    condition = grantable_q(actor)
    if condition is None:
        return others
    return others.filter(
        is_superuser=False,
        pk__in=Assignment.objects.filter(condition).values("user_id"),
    ).exclude(pk__in=Assignment.objects.exclude(condition).values("user_id"))


def assignments_in_scope(actor: Any) -> QuerySet[Assignment]:
    """The roles `actor` sees on the account list: those inside their subtree."""
    return Assignment.objects.filter(scope_q(actor, "organization__", STAFF_ONLY))


def listed_users(actor: Any) -> QuerySet[User]:
    """The accounts on `actor`'s account list: holding a role inside their subtree
    (superusers: every account)."""
    if not can_manage_accounts(actor):
        return User.objects.none()
    if scope_paths(actor, STAFF_ONLY) is UNRESTRICTED:
        return User.objects.all()
    return User.objects.filter(pk__in=assignments_in_scope(actor).values("user_id"))
