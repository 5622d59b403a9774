"""Managing accounts: creating secretary, leader and staff accounts with an initial
password, resetting a password, releasing the login throttle's lock, deactivating and
reactivating. Who may do what is accounts.manage.scope; every change sends its signal
(accounts.manage.signals) for the audit trail.

Keyword-only and typed; the caller passes `request` when there is one (the audit trail
records the client's address).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.roles import Role

from ..models import User
from ..services import grant
from .initial_passwords import hashed, initial_password
from .scope import managed_users, may_grant
from .selectors import organizations_missing_secretary
from .signals import (
    account_created,
    account_deactivated,
    account_reactivated,
    account_unlocked,
    password_reset,
)
from .usernames import base_username, checked_username, free_username, taken_usernames

#: accounts one bulk creation makes at most: each password takes ~0.5 s to hash (PBKDF2),
#: so a larger subtree is done in several clicks rather than one request that times out
BULK_LIMIT = 40


@dataclass(frozen=True)
class NewAccount:
    user: User
    organization: Organization
    role: str
    password: str  # for the slip only; the database holds its hash

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass(frozen=True)
class BulkResult:
    created: list[NewAccount]
    remaining: int  # organisations still without a secretary account in the same scope


def _managed_or_refuse(actor: Any, target: User) -> None:
    if not managed_users(actor).filter(pk=target.pk).exists():
        raise PermissionDenied


@dataclass(frozen=True)
class Wanted:
    organization: Organization
    role: str
    full_name: str
    typed_username: str = ""  # empty: the usual name (accounts.manage.usernames)

    @property
    def base(self) -> str:
        return self.typed_username or base_username(self.organization, self.role)


def _new_users(wanted: list[Wanted]) -> list[tuple[User, str]]:
    """A user for each wish, with a free user name and an initial password, and
    must_change_password set: (user, password) pairs."""
    taken = taken_usernames(w.base for w in wanted if not w.typed_username)
    users = [
        User(
            username=w.typed_username or free_username(w.base, taken),
            full_name=w.full_name[:30],
            must_change_password=True,
        )
        for w in wanted
    ]
    passwords = [initial_password(user) for user in users]
    for wish, user, password_hash in zip(wanted, users, hashed(passwords), strict=True):
        user.password = password_hash
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # Taken in the meantime by another request.
            if wish.typed_username:
                raise ValidationError(
                    {"username": _("用户名“%(name)s”已被使用。") % {"name": wish.typed_username}}
                ) from None
            user.username = free_username(wish.base, taken_usernames([wish.base]))
            user.save()
    return list(zip(users, passwords, strict=True))


def _created(
    *, actor: Any, request: HttpRequest | None, user: User, organization: Organization, role: str
) -> None:
    grant(username=user.username, org_code=organization.code, role=role)
    account_created.send(
        sender=User,
        request=request,
        actor=actor,
        target=user,
        organization=organization,
        role=role,
    )


@transaction.atomic
def account_create(
    *,
    actor: Any,
    organization: Organization,
    role: str,
    full_name: str = "",
    username: str = "",
    request: HttpRequest | None = None,
) -> NewAccount:
    """One account with `role` on `organization`. Without a full name a secretary gets the
    organisation's 书记姓名; without a user name the usual one (accounts.manage.usernames)."""
    if not may_grant(actor, organization, role):
        raise ValidationError({"role": _("您不能在该组织授予这个角色。")})
    full_name = full_name.strip()
    if not full_name and role == Role.SECRETARY:
        full_name = organization.secretary_name
    typed = checked_username(username) if username.strip() else ""
    [(user, password)] = _new_users([Wanted(organization, role, full_name, typed)])
    _created(actor=actor, request=request, user=user, organization=organization, role=role)
    return NewAccount(user, organization, role, password)


@transaction.atomic
def secretary_account_create(
    *, actor: Any, organization: Organization, request: HttpRequest | None = None
) -> NewAccount:
    """The secretary account of one organisation that has none yet (the one-click
    creation); refused once it has one, however the second request got here."""
    missing = organizations_missing_secretary(actor).filter(pk=organization.pk)
    # Lock first (PostgreSQL), then read again: a request that waited for the lock finds
    # the account the other one made.
    list(missing.select_for_update().values_list("pk", flat=True))
    if not missing.exists():
        raise ValidationError(
            _("“%(name)s”已有书记账号，或没有登记书记姓名。") % {"name": organization.name}
        )
    return account_create(
        actor=actor, organization=organization, role=Role.SECRETARY, request=request
    )


@transaction.atomic
def secretary_accounts_create(
    *,
    actor: Any,
    within: Organization | None = None,
    request: HttpRequest | None = None,
    limit: int | None = None,
) -> BulkResult:
    """A secretary account for each organisation of the actor's subtree (of `within`'s)
    that has a 书记姓名 but no active secretary account, at most `limit` (BULK_LIMIT) of
    them in tree order. Run twice, it makes none the second time."""
    limit = limit or BULK_LIMIT
    if within is not None and not may_grant(actor, within, Role.SECRETARY):
        raise PermissionDenied
    # Row locks on PostgreSQL (SQLite's writes are serial anyway): two staff members
    # starting the same township at once wait for each other; read again once locked,
    # the second finds the accounts of the first.
    locked = list(
        organizations_missing_secretary(actor, within)
        .select_for_update()
        .values_list("pk", flat=True)[:limit]
    )
    missing = list(organizations_missing_secretary(actor, within).filter(pk__in=locked))
    wanted = [Wanted(org, Role.SECRETARY, org.secretary_name) for org in missing]
    created = []
    for (user, password), org in zip(_new_users(wanted), missing, strict=True):
        _created(actor=actor, request=request, user=user, organization=org, role=Role.SECRETARY)
        created.append(NewAccount(user, org, Role.SECRETARY, password))
    remaining = organizations_missing_secretary(actor, within).count()
    return BulkResult(created, remaining)


@transaction.atomic
def account_password_reset(*, actor: Any, target: User, request: HttpRequest | None = None) -> str:
    """A new initial password for `target`, which they must change at the next sign-in;
    their sessions end (Django ties a session to the password) and a lock of the login
    throttle is released, so that the new password can be used at once."""
    _managed_or_refuse(actor, target)
    password = initial_password(target)
    [target.password] = hashed([password])
    target.must_change_password = True
    target.save(update_fields=["password", "must_change_password"])
    password_reset.send(sender=User, request=request, actor=actor, target=target)
    account_unlock(actor=actor, target=target, request=request)
    return password


@transaction.atomic
def account_unlock(*, actor: Any, target: User, request: HttpRequest | None = None) -> int:
    """Release the login throttle's lock on `target` from every address; the number of
    throttle records removed (0: nothing was locked, and nothing is recorded)."""
    _managed_or_refuse(actor, target)
    released = axes_reset(username=target.username)
    if released:
        account_unlocked.send(
            sender=User, request=request, actor=actor, target=target, released=released
        )
    return released


@transaction.atomic
def account_deactivate(*, actor: Any, target: User, request: HttpRequest | None = None) -> None:
    """`target` can no longer sign in; their open sessions end at the next request (the
    authentication backend refuses inactive users). The account, its roles and history
    stay."""
    _managed_or_refuse(actor, target)
    if not target.is_active:
        return
    target.is_active = False
    target.save(update_fields=["is_active"])
    account_deactivated.send(sender=User, request=request, actor=actor, target=target)


@transaction.atomic
def account_reactivate(*, actor: Any, target: User, request: HttpRequest | None = None) -> None:
    _managed_or_refuse(actor, target)
    if target.is_active:
        return
    target.is_active = True
    target.save(update_fields=["is_active"])
    account_reactivated.send(sender=User, request=request, actor=actor, target=target)
