"""Grants and withdrawals of the full-view permission (members.view_full_personal_data):
directly, through a group, or by making a user a superuser (who holds every permission).

m2m_changed reports what was asked, not what changed: a removal names ids that may not be
linked at all. The links a removal really drops are read before it (pre_remove /
pre_clear) and recorded after it; an addition already names only new links.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import FULL_PERSONAL_DATA
from audit.labels import user_scope
from audit.models import AuditKind
from audit.recording import acting_user, current_request, fail_safe, record

PENDING = "_audit_pending_links"

USER_PERMISSIONS = User.user_permissions.through
USER_GROUPS = User.groups.through
GROUP_PERMISSIONS = Group.permissions.through
# (column of the forward side, column of the other side) of each link table
COLUMNS = {
    USER_PERMISSIONS: ("user_id", "permission_id"),
    USER_GROUPS: ("user_id", "group_id"),
    GROUP_PERMISSIONS: ("group_id", "permission_id"),
}


def full_view_permission_id() -> int | None:
    app_label, codename = FULL_PERSONAL_DATA
    return (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .values_list("pk", flat=True)
        .first()
    )


def _links(
    through: Any, instance: Any, reverse: bool, pk_set: set[int] | None, existing: bool
) -> set[tuple[int, int]]:
    """The (forward id, other id) pairs of the change; with `existing`, only those linked
    now (pk_set None: every link of `instance`, a clear)."""
    forward, other = COLUMNS[through]
    if not existing:
        return {(pk, instance.pk) if reverse else (instance.pk, pk) for pk in pk_set or ()}
    mine, theirs = (other, forward) if reverse else (forward, other)
    rows = through.objects.filter(**{mine: instance.pk})
    if pk_set is not None:
        rows = rows.filter(**{f"{theirs}__in": pk_set})
    return set(rows.values_list(forward, other))


def changed_links(
    through: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None
) -> tuple[bool, set[tuple[int, int]]] | None:
    """(granted?, pairs) once the change is done; None before it or for other actions."""
    if action in ("pre_remove", "pre_clear"):
        pending = instance.__dict__.setdefault(PENDING, {})
        pending[through] = _links(through, instance, reverse, pk_set, existing=True)
        return None
    if action == "post_add":
        return True, _links(through, instance, reverse, pk_set, existing=False)
    if action in ("post_remove", "post_clear"):
        return False, instance.__dict__.get(PENDING, {}).pop(through, set())
    return None


def record_user_change(user: User, granted: bool, how: str) -> None:
    request = current_request()
    record(
        AuditKind.PERMISSION_GRANTED if granted else AuditKind.PERMISSION_REVOKED,
        request=request,
        user=acting_user(request),
        target=f"{user.username}：{how}",
        organization_id=user_scope(user).organization_id,
    )


def full_view_text() -> str:
    return _("查看完整身份证号码和电话")


@receiver(m2m_changed, sender=USER_PERMISSIONS, dispatch_uid="audit_user_permissions")
@fail_safe
def user_permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    change = changed_links(sender, instance, action, reverse, pk_set)
    if change is None:
        return
    granted, pairs = change
    permission_id = full_view_permission_id()
    user_ids = {user_id for user_id, perm_id in pairs if perm_id == permission_id}
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        record_user_change(user, granted, full_view_text())


@receiver(m2m_changed, sender=USER_GROUPS, dispatch_uid="audit_user_groups")
@fail_safe
def user_groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    change = changed_links(sender, instance, action, reverse, pk_set)
    if change is None or not change[1]:
        return
    granted, pairs = change
    holding = dict(
        Group.objects.filter(
            pk__in={group_id for _user, group_id in pairs},
            permissions__pk=full_view_permission_id(),
        ).values_list("pk", "name")
    )
    users = User.objects.in_bulk({user_id for user_id, group_id in pairs if group_id in holding})
    for user_id, group_id in sorted(pairs):
        if user_id in users and group_id in holding:
            how = _("%(permission)s（经用户组“%(group)s”）") % {
                "permission": full_view_text(),
                "group": holding[group_id],
            }
            record_user_change(users[user_id], granted, how)


@receiver(m2m_changed, sender=GROUP_PERMISSIONS, dispatch_uid="audit_group_permissions")
@fail_safe
def group_permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    change = changed_links(sender, instance, action, reverse, pk_set)
    if change is None:
        return
    granted, pairs = change
    permission_id = full_view_permission_id()
    group_ids = {group_id for group_id, perm_id in pairs if perm_id == permission_id}
    request = current_request()
    for group in Group.objects.filter(pk__in=group_ids).order_by("pk"):
        members = group.user_set.count()
        record(
            AuditKind.PERMISSION_GRANTED if granted else AuditKind.PERMISSION_REVOKED,
            request=request,
            user=acting_user(request),
            target=_("用户组“%(group)s”（%(n)d 名用户）：%(permission)s")
            % {"group": group.name, "n": members, "permission": full_view_text()},
        )


# --- superusers hold every permission ----------------------------------------------------

WAS_SUPERUSER = "_audit_was_superuser"


@receiver(pre_save, sender=User, dispatch_uid="audit_superuser_before")
@fail_safe
def superuser_flag_read(
    sender: Any,
    instance: User,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    # Sign-ins save last_login only (update_fields): no query for them.
    if raw or instance.pk is None or (update_fields and "is_superuser" not in update_fields):
        return
    instance.__dict__[WAS_SUPERUSER] = (
        User.objects.filter(pk=instance.pk).values_list("is_superuser", flat=True).first()
    )


@receiver(post_save, sender=User, dispatch_uid="audit_superuser_after")
@fail_safe
def superuser_change_recorded(
    sender: Any, instance: User, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    was = instance.__dict__.pop(WAS_SUPERUSER, None)
    if raw or (created and not instance.is_superuser) or (not created and was is None):
        return
    if created or was != instance.is_superuser:
        record_user_change(instance, instance.is_superuser, _("超级用户（拥有全部权限）"))
