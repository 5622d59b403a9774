"""Account management by staff in the portal (accounts.manage.signals): accounts made,
passwords reset, login locks released, accounts deactivated and reactivated. Sent inside
the transaction of the change, so each event commits with it.

The roles a creation gives are recorded as well, by the Assignment receivers (roles.py);
releasing a lock deletes django-axes' records, which lockouts.py records per address.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.manage.signals import (
    account_created,
    account_deactivated,
    account_reactivated,
    account_unlocked,
    password_reset,
)
from audit.labels import user_scope
from audit.models import AuditKind
from audit.recording import fail_safe, record
from orgs.roles import Role


def record_on_account(
    kind: str, *, request: HttpRequest | None, actor: Any, target: Any, text: str
) -> None:
    record(
        kind,
        request=request,
        user=actor,
        target=f"{target.username}：{text}",
        # Read where the account works: staff of its subtree see what was done to it.
        organization_id=user_scope(target).organization_id,
    )


@receiver(account_created, dispatch_uid="audit_account_created")
@fail_safe
def creation_recorded(
    sender: Any,
    request: HttpRequest | None,
    actor: Any,
    target: Any,
    organization: Any,
    role: str,
    **kwargs: Any,
) -> None:
    label = Role(role).label if role in Role.values else role
    record(
        AuditKind.ACCOUNT_CREATED,
        request=request,
        user=actor,
        target=_("%(username)s：%(role)s · %(org)s，初始密码须在首次登录时修改")
        % {"username": target.username, "role": label, "org": organization.name},
        organization_id=organization.pk,
    )


@receiver(password_reset, dispatch_uid="audit_password_reset")
@fail_safe
def reset_recorded(
    sender: Any, request: HttpRequest | None, actor: Any, target: Any, **kwargs: Any
) -> None:
    record_on_account(
        AuditKind.PASSWORD_RESET,
        request=request,
        actor=actor,
        target=target,
        text=_("重置为新的初始密码，下次登录时须修改"),
    )


@receiver(account_unlocked, dispatch_uid="audit_account_unlocked")
@fail_safe
def unlock_recorded(
    sender: Any,
    request: HttpRequest | None,
    actor: Any,
    target: Any,
    released: int,
    **kwargs: Any,
) -> None:
    record_on_account(
        AuditKind.ACCOUNT_UNLOCKED,
        request=request,
        actor=actor,
        target=target,
        text=_("解除登录锁定（%(n)d 条限制记录）") % {"n": released},
    )


@receiver(account_deactivated, dispatch_uid="audit_account_deactivated")
@fail_safe
def deactivation_recorded(
    sender: Any, request: HttpRequest | None, actor: Any, target: Any, **kwargs: Any
) -> None:
    record_on_account(
        AuditKind.ACCOUNT_DEACTIVATED,
        request=request,
        actor=actor,
        target=target,
        text=_("停用账号"),
    )


@receiver(account_reactivated, dispatch_uid="audit_account_reactivated")
@fail_safe
def reactivation_recorded(
    sender: Any, request: HttpRequest | None, actor: Any, target: Any, **kwargs: Any
) -> None:
    record_on_account(
        AuditKind.ACCOUNT_REACTIVATED,
        request=request,
        actor=actor,
        target=target,
        text=_("重新启用账号"),
    )
