"""The one scoping API: what a user may see and change.

Every queryset a request touches goes through `visible_to(user)` / `editable_by(user)` of
a `ScopedQuerySet`, or through the helpers below. A user's scope is the union of the
subtrees of their Assignments; superusers are unrestricted. Subtrees are materialised-path
prefixes, so "this organisation and everything under it" is one indexed LIKE 'path%'.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import Http404

from accounts.roles import READ_ROLES, WRITE_ROLES, Role

UNRESTRICTED = None


def scope_paths(user: Any, roles: Iterable[str] = READ_ROLES) -> tuple[str, ...] | None:
    """Tree paths of the subtrees `user` holds one of `roles` on; None means everything.

    Cached on the user object, which lives for one request (or one command run).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    if user.is_superuser:
        return UNRESTRICTED
    key = frozenset(roles)
    cache: dict[frozenset[str], tuple[str, ...]] = user.__dict__.setdefault("_scope_cache", {})
    if key not in cache:
        paths = sorted(
            set(user.assignments.filter(role__in=key).values_list("organization__path", flat=True))
        )
        # Drop paths already covered by an ancestor's subtree: fewer ORs in every query.
        minimal: list[str] = []
        for path in paths:
            if not minimal or not path.startswith(minimal[-1]):
                minimal.append(path)
        cache[key] = tuple(minimal)
    return cache[key]


def forget_scope(user: Any) -> None:
    """Drop the cached scope, e.g. after an assignment of this user changed."""
    user.__dict__.pop("_scope_cache", None)


def scope_q(user: Any, prefix: str = "", roles: Iterable[str] = READ_ROLES) -> Q:
    """A filter on the organisation reached through `prefix` (e.g. "organization__")."""
    paths = scope_paths(user, roles)
    if paths is UNRESTRICTED:
        return Q()
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


def path_allowed(user: Any, path: str | None, roles: Iterable[str] = READ_ROLES) -> bool:
    """Whether the organisation at tree `path` lies inside the user's scope for `roles`."""
    paths = scope_paths(user, roles)
    if paths is UNRESTRICTED:
        return True
    if not path:
        return False
    return any(path.startswith(p) for p in paths)


def can_see_path(user: Any, path: str | None) -> bool:
    return path_allowed(user, path, READ_ROLES)


def can_edit_path(user: Any, path: str | None) -> bool:
    return path_allowed(user, path, WRITE_ROLES)


def has_role(user: Any, *roles: str) -> bool:
    """Whether the user holds any of `roles` somewhere (superusers hold all)."""
    paths = scope_paths(user, roles or READ_ROLES)
    return paths is UNRESTRICTED or bool(paths)


def is_staff_member(user: Any) -> bool:
    return has_role(user, Role.STAFF)


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to an organisation reached through `scope_prefix`."""

    scope_prefix = ""

    def visible_to(self, user: Any) -> ScopedQuerySet:
        return self.filter(scope_q(user, self.scope_prefix, READ_ROLES))

    def editable_by(self, user: Any) -> ScopedQuerySet:
        return self.filter(scope_q(user, self.scope_prefix, WRITE_ROLES))


def get_visible_or_404(queryset: ScopedQuerySet, user: Any, **lookup: Any) -> Any:
    """The object matching `lookup` if the user may see it; 404 otherwise (never 403,
    which would confirm that it exists)."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def covers_root(user: Any, roles: Iterable[str] = (Role.STAFF,)) -> bool:
    """Whether the user holds `roles` on a root of the tree (county staff) or is a
    superuser: they maintain the portal-wide configuration tables."""
    paths = scope_paths(user, roles)
    if paths is UNRESTRICTED:
        return True
    from .models import Organization

    return any(len(p) == Organization.steplen for p in paths)
