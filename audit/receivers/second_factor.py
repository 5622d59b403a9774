"""The second factor (accounts.signals): enrolments, refused codes, and resets by county
staff. Sent inside the transaction of the change, so the event commits with it."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.signals import second_factor_enrolled, second_factor_failed, second_factor_reset
from audit.labels import user_scope
from audit.models import AuditKind
from audit.recording import fail_safe, record


@receiver(second_factor_enrolled, dispatch_uid="audit_second_factor_enrolled")
@fail_safe
def enrolment_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(
        AuditKind.SECOND_FACTOR_ENROLLED,
        request=request,
        user=user,
        target=_("%(username)s：绑定身份验证器，生成 10 个恢复码") % {"username": user.username},
    )


@receiver(second_factor_failed, dispatch_uid="audit_second_factor_failed")
@fail_safe
def failure_recorded(
    sender: Any, request: HttpRequest | None, user: Any, reason: str, **kwargs: Any
) -> None:
    record(
        AuditKind.SECOND_FACTOR_FAILED,
        request=request,
        user=user,
        target=f"{user.username}：{reason}",
    )


@receiver(second_factor_reset, dispatch_uid="audit_second_factor_reset")
@fail_safe
def reset_recorded(
    sender: Any, request: HttpRequest | None, actor: Any, target: Any, **kwargs: Any
) -> None:
    record(
        AuditKind.SECOND_FACTOR_RESET,
        request=request,
        user=actor,
        target=_("%(username)s：删除身份验证器和恢复码，下次登录时重新绑定")
        % {"username": target.username},
        # Read where the user works: their county's staff see the reset.
        organization_id=user_scope(target).organization_id,
    )
