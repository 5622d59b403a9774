"""Resetting a user's second factor: the recovery county staff administer when someone
has lost both their phone and their recovery codes.

County staff (the staff role on a root of the tree) reset users whose every role lies
inside their subtree, never a superuser and never themselves (a colleague or a superuser
does that); superusers reset anyone but themselves. The user enrols again at the next
sign-in.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgs.roles import Role
from orgs.scope import covers_root, scope_q

from ..models import Assignment, User
from ..signals import second_factor_reset


def can_reset_second_factors(actor: Any) -> bool:
    return covers_root(actor)


def resettable_users(actor: Any) -> QuerySet[User]:
    """The users whose second factor `actor` may reset."""
    if not can_reset_second_factors(actor):
        return User.objects.none()
    others = User.objects.exclude(pk=actor.pk)
    if actor.is_superuser:
        return others
    inside = scope_q(actor, "organization__", (Role.STAFF,))
    # Every role inside: a user who also works elsewhere is not this county's to reset.
    return others.filter(
        is_superuser=False,
        pk__in=Assignment.objects.filter(inside).values("user_id"),
    ).exclude(pk__in=Assignment.objects.exclude(inside).values("user_id"))


@transaction.atomic
def reset_second_factor(*, actor: Any, target: User, request: HttpRequest | None = None) -> None:
    """Delete the target's authenticators and recovery codes; their sessions verified
    with them are no longer verified (django-otp no longer finds the device)."""
    if not resettable_users(actor).filter(pk=target.pk).exists():
        raise PermissionDenied
    TOTPDevice.objects.filter(user=target).delete()
    StaticDevice.objects.filter(user=target).delete()
    second_factor_reset.send(sender=User, request=request, actor=actor, target=target)
