"""Role assignments given and taken (accounts.Assignment rows, whoever writes them: the
grant service and command, the user admin's inline, a user's deletion)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import Assignment, User
from audit.models import AuditKind
from audit.recording import acting_user, current_request, fail_safe, record
from orgs.models import Organization
from orgs.roles import Role

BEFORE = "_audit_assignment_before"


def assignment_text(user_id: int, organization_id: int, role: str) -> str:
    """The target text ("sam：书记 · 甲一村支部"), read by id: cached objects may be stale
    or gone (a cascade from the user's deletion)."""
    username = User.objects.filter(pk=user_id).values_list("username", flat=True).first()
    org = Organization.objects.filter(pk=organization_id).values_list("name", flat=True).first()
    label = Role(role).label if role in Role.values else role
    return f"{username or user_id}：{label} · {org or organization_id}"


def record_assignment(kind: str, user_id: int, organization_id: int, role: str) -> None:
    request = current_request()
    record(
        kind,
        request=request,
        user=acting_user(request),
        target=assignment_text(user_id, organization_id, role),
        organization_id=organization_id,
    )


@receiver(pre_save, sender=Assignment, dispatch_uid="audit_assignment_before")
@fail_safe
def assignment_read(sender: Any, instance: Assignment, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    instance.__dict__[BEFORE] = (
        Assignment.objects.filter(pk=instance.pk)
        .values_list("user_id", "organization_id", "role")
        .first()
    )


@receiver(post_save, sender=Assignment, dispatch_uid="audit_assignment_saved")
@fail_safe
def assignment_recorded(
    sender: Any, instance: Assignment, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    before = instance.__dict__.pop(BEFORE, None)
    now = (instance.user_id, instance.organization_id, instance.role)
    if raw or (not created and (before is None or before == now)):
        return
    if before is not None:  # an edited row: the old role ends, the new one begins
        record_assignment(AuditKind.ROLE_REMOVED, *before)
    record_assignment(AuditKind.ROLE_ASSIGNED, *now)


@receiver(post_delete, sender=Assignment, dispatch_uid="audit_assignment_deleted")
@fail_safe
def assignment_removal_recorded(sender: Any, instance: Assignment, **kwargs: Any) -> None:
    record_assignment(
        AuditKind.ROLE_REMOVED, instance.user_id, instance.organization_id, instance.role
    )
