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

from .roles import READ_ROLES, WRITE_ROLES, Role

UNRESTRICTED = None
#: characters of a tree path per level (treebeard's steplen): a root's path is this long
PATH_STEP = 4


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


def subtree_q(org_or_path: Any, prefix: str = "", *, below_only: bool = False) -> Q:
    """A filter on the organisation reached through `prefix`: `org_or_path` (an
    Organization or a tree path) and everything under it; `below_only` leaves the
    organisation itself out. The one place outside this module that knows subtrees are
    path prefixes."""
    path = org_or_path if isinstance(org_or_path, str) else org_or_path.path
    condition = Q(**{f"{prefix}path__startswith": path})
    if below_only:
        condition &= ~Q(**{f"{prefix}path": path})
    return condition


def in_subtree(path: str, top: Any) -> bool:
    """Whether the organisation at tree `path` is `top` (an Organization or a path) or
    lies under it: the same test as `subtree_q`, for organisations already loaded."""
    top_path = top if isinstance(top, str) else top.path
    return path.startswith(top_path)


def children_q(org: Any, prefix: str = "") -> Q:
    """A filter on the organisation reached through `prefix`: the direct children of `org`."""
    return subtree_q(org, prefix) & Q(**{f"{prefix}depth": org.depth + 1})


def ancestor_paths(path: str, *, include_self: bool = True) -> list[str]:
    """The tree paths of the organisations above the one at `path`, topmost first, and
    `path` itself unless `include_self` is false."""
    last = len(path) if include_self else len(path) - PATH_STEP
    return [path[:end] for end in range(PATH_STEP, last + 1, PATH_STEP)]


def parent_path(path: str) -> str:
    """The tree path of the organisation directly above the one at `path` ("" for a root)."""
    return path[:-PATH_STEP]


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


def reviews_for_committee_above(user: Any, org: Any) -> bool:
    """Whether `user` is staff of the committee above `org`, which reviews what `org`
    reports (its quarterly list, its secretary's 述职评议): township staff review their
    villages, not their own township, which the county reviews; a root only superusers."""
    return path_allowed(user, parent_path(org.path), (Role.STAFF,))


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to an organisation reached through `scope_prefix`."""

    scope_prefix = ""

    def visible_to(self, user: Any) -> ScopedQuerySet:
        return self.filter(scope_q(user, self.scope_prefix, READ_ROLES))

    def within(self, org_or_path: Any) -> ScopedQuerySet:
        """Rows of `org_or_path` (an Organization or a tree path) and of its subtree,
        whatever the user: a page first checks the organisation is visible, then asks
        for its subtree."""
        return self.filter(subtree_q(org_or_path, self.scope_prefix))

    def children_of(self, org: Any) -> ScopedQuerySet:
        """Rows of the organisations directly under `org`."""
        return self.filter(children_q(org, self.scope_prefix))

    def editable_by(self, user: Any) -> ScopedQuerySet:
        return self.filter(scope_q(user, self.scope_prefix, WRITE_ROLES))


class StaffRecordQuerySet(ScopedQuerySet):
    """Records kept about staff work (the export log, the audit trail): staff read those
    of their subtree; records of no organisation (an export of the whole portal, a
    command run on the server) only those whose scope includes a root of the tree."""

    def visible_to(self, user: Any) -> StaffRecordQuerySet:
        paths = scope_paths(user, (Role.STAFF,))
        if paths is UNRESTRICTED:
            return self.all()
        if not paths:
            return self.none()
        condition = scope_q(user, self.scope_prefix, (Role.STAFF,))
        if covers_root(user):
            condition |= Q(**{f"{self.scope_prefix}isnull": True})
        return self.filter(condition)


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
    return any(len(p) == PATH_STEP for p in paths)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def own_org_ids(user: Any, roles: Iterable[str]) -> frozenset[int] | None:
    """Ids of the organisations `user` holds one of `roles` on, that organisation itself
    and not its subtree; None means every organisation (superusers). The user's
    assignments are read once per request, whatever the roles asked for, and cached like
    `scope_paths` (forget_scope drops them too)."""
    if not _signed_in(user):
        return frozenset()
    if user.is_superuser:
        return UNRESTRICTED
    cache: dict[Any, Any] = user.__dict__.setdefault("_scope_cache", {})
    if "own" not in cache:
        cache["own"] = tuple(user.assignments.values_list("role", "organization_id"))
    wanted = set(roles)
    return frozenset(org_id for role, org_id in cache["own"] if role in wanted)


def own_org_q(user: Any, prefix: str = "", roles: Iterable[str] = (Role.SECRETARY,)) -> Q:
    """A filter on the organisation reached through `prefix`: exactly the organisations
    the user holds `roles` on, not what lies below them (a secretary's own branch)."""
    ids = own_org_ids(user, roles)
    if ids is UNRESTRICTED:
        return Q()
    if not ids:
        return Q(pk__in=[])
    return Q(**{f"{prefix}id__in": sorted(ids)})


def holds_role_on(user: Any, organization_id: int | None, roles: Iterable[str]) -> bool:
    """Whether the user holds one of `roles` on exactly this organisation (superusers do)."""
    ids = own_org_ids(user, roles)
    return ids is UNRESTRICTED or organization_id in ids


#: who reads an organisation's own reports (e.g. the quarterly lists): staff and leaders
#: over its subtree, its own secretary only (not the secretary of a township for a village)
SUBTREE_READERS: tuple[str, ...] = (Role.STAFF, Role.LEADER)
OWN_ORG_READERS: tuple[str, ...] = (Role.SECRETARY,)


def subtree_or_own_q(user: Any, prefix: str = "") -> Q | None:
    """The read filter of rows that belong to one organisation's own reports: staff and
    leaders see their subtrees, a secretary the organisation they are secretary of.
    None means unrestricted (superusers): apply no filter at all, since `Q() | X` would
    narrow to X."""
    if _signed_in(user) and user.is_superuser:
        return None
    return scope_q(user, prefix, SUBTREE_READERS) | own_org_q(user, prefix, OWN_ORG_READERS)


class OwnReportQuerySet(ScopedQuerySet):
    """A ScopedQuerySet whose `visible_to` follows `subtree_or_own_q`; `editable_by`
    (staff over the subtree) is unchanged."""

    def visible_to(self, user: Any) -> ScopedQuerySet:
        condition = subtree_or_own_q(user, self.scope_prefix)
        return self.all() if condition is None else self.filter(condition)
