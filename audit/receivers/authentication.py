"""Sign-ins, failed sign-ins and sign-outs (django.contrib.auth's signals)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.middleware import IDLE_LOGOUT
from audit.labels import NO_SCOPE, user_by_name, user_scope
from audit.models import AuditKind
from audit.recording import fail_safe, record

from .lockouts import refused_while_locked


@receiver(user_logged_in, dispatch_uid="audit_login")
@fail_safe
def login_recorded(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(AuditKind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
@fail_safe
def logout_recorded(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is None:  # signing out an anonymous session is nobody's act
        return
    target = _("空闲超时，自动退出") if getattr(request, IDLE_LOGOUT, False) else ""
    record(AuditKind.LOGOUT, request=request, user=user, target=target)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
@fail_safe
def login_failure_recorded(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    typed = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    account = user_by_name(typed)
    refused = refused_while_locked(request, credentials)
    target = _("账号锁定期间的登录尝试，未校验密码") if refused else ""
    record(
        AuditKind.LOGIN_FAILED,
        request=request,
        username=typed,
        scope=NO_SCOPE,  # nobody is signed in: there is no acting user's scope
        target=target,
        organization_id=user_scope(account).organization_id,
    )
